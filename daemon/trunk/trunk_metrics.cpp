#include "daemon/trunk/trunk_metrics.hpp"

#include <algorithm>
#include <chrono>

namespace voxedge::daemon {

namespace {

using prometheus::MetricType;

double seconds(duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

void collect_trunk_metrics(const trunk_directory& trunks, metric_families& out) {
  auto& up = add_family(out, "voxedge_trunk_up", "1 when at least one target of the trunk is up", MetricType::Gauge);
  auto& targets = add_family(out, "voxedge_trunk_targets", "Targets the trunk's outbound URI resolved to",
                             MetricType::Gauge);
  auto& targets_up = add_family(out, "voxedge_trunk_targets_up", "Targets currently up", MetricType::Gauge);
  auto& target_up = add_family(out, "voxedge_trunk_target_up", "1 when the target is up (pings and call outcomes)",
                               MetricType::Gauge);
  auto& rtt = add_family(out, "voxedge_trunk_options_rtt_seconds", "Round trip of the last answered OPTIONS ping",
                         MetricType::Gauge);
  auto& options = add_family(out, "voxedge_trunk_options_total", "OPTIONS health pings by result",
                             MetricType::Counter);
  auto& dns = add_family(out, "voxedge_trunk_dns_resolutions_total",
                         "RFC 3263 resolutions of the trunk's outbound URI by result", MetricType::Counter);
  auto& auth = add_family(out, "voxedge_trunk_digest_total", "Digest challenges from the trunk by result",
                          MetricType::Counter);
  auto& failovers = add_family(out, "voxedge_trunk_failovers_total",
                               "Call attempts moved on to the next target (transport error, timeout, 503)",
                               MetricType::Counter);
  auto& fail_fast = add_family(out, "voxedge_trunk_fail_fast_total",
                               "Calls refused at once with 503 because no target was up", MetricType::Counter);
  auto& transitions = add_family(out, "voxedge_trunk_target_transitions_total", "Targets marked down or up again",
                                 MetricType::Counter);
  for (const auto& [name, t] : trunks.all()) {
    const metric_labels trunk{{"trunk", name}};
    add_sample(up, trunk, t->up() ? 1 : 0);
    add_sample(targets, trunk, static_cast<double>(t->targets().targets().size()));
    add_sample(targets_up, trunk, static_cast<double>(t->targets().up_count()));
    for (const auto& target : t->targets().targets()) {
      const metric_labels labels{{"trunk", name}, {"target", target.key.to_string()}};
      add_sample(target_up, labels, target.up ? 1 : 0);
      if (target.last_rtt) add_sample(rtt, labels, seconds(*target.last_rtt));
    }
    const auto& c = t->counters();
    add_sample(options, {{"trunk", name}, {"result", "answered"}},
               static_cast<double>(c.options_sent - std::min(c.options_sent, c.options_failed)));
    add_sample(options, {{"trunk", name}, {"result", "failed"}}, static_cast<double>(c.options_failed));
    add_sample(dns, {{"trunk", name}, {"result", "ok"}}, static_cast<double>(c.locate_ok));
    add_sample(dns, {{"trunk", name}, {"result", "failed"}}, static_cast<double>(c.locate_failed));
    add_sample(auth, {{"trunk", name}, {"result", "answered"}}, static_cast<double>(c.auth_challenges));
    add_sample(auth, {{"trunk", name}, {"result", "failed"}}, static_cast<double>(c.auth_failures));
    add_sample(failovers, trunk, static_cast<double>(c.failovers));
    add_sample(fail_fast, trunk, static_cast<double>(c.fail_fast));
    add_sample(transitions, {{"trunk", name}, {"to", "down"}}, static_cast<double>(c.targets_went_down));
    add_sample(transitions, {{"trunk", name}, {"to", "up"}}, static_cast<double>(c.targets_went_up));
  }
}

}  // namespace voxedge::daemon
