#include "daemon/call/call_metrics.hpp"

#include <limits>
#include <string>

namespace voxedge::daemon {

using prometheus::MetricType;

void collect_call_metrics(const b2bua& calls, metric_families& out) {
  const auto live = calls.live();
  const auto& stats = calls.stats();
  constexpr call_kind kinds[] = {call_kind::inbound, call_kind::outbound, call_kind::internal};

  auto& active = add_family(out, "voxedge_calls_active", "Calls in progress, by direction", MetricType::Gauge);
  for (const auto k : kinds) {
    add_sample(active, {{"direction", std::string(to_string(k))}},
               static_cast<double>(live.active_by_direction[static_cast<std::size_t>(k)]));
  }
  auto& by_state = add_family(out, "voxedge_calls_by_state", "Calls in progress, by state", MetricType::Gauge);
  for (std::size_t s = 0; s < live.active_by_state.size(); ++s) {
    add_sample(by_state, {{"state", std::string(to_string(static_cast<call_state>(s)))}},
               static_cast<double>(live.active_by_state[s]));
  }
  auto& total = add_family(out, "voxedge_calls_total", "Finished calls, by direction", MetricType::Counter);
  for (const auto k : kinds) {
    add_sample(total, {{"direction", std::string(to_string(k))}},
               static_cast<double>(stats.finished_by_direction[static_cast<std::size_t>(k)]));
  }
  auto& finished = add_family(out, "voxedge_calls_finished_total", "Finished calls, by trunk or endpoint and result",
                              MetricType::Counter);
  for (const auto& [peer, results] : stats.finished_by_peer) {
    for (const auto& [result, n] : results) {
      add_sample(finished, {{"peer", peer}, {"result", result}}, static_cast<double>(n));
    }
  }
  auto& rejected = add_family(out, "voxedge_calls_rejected_total",
                              "INVITEs refused before a call was created, by reason", MetricType::Counter);
  add_sample(rejected, {{"reason", "capacity"}}, static_cast<double>(stats.rejected_capacity));
  add_sample(rejected, {{"reason", "loop"}}, static_cast<double>(stats.rejected_loop));

  auto& setup = add_family(out, "voxedge_call_setup_seconds", "Time from the INVITE to our 2xx for answered calls",
                           MetricType::Histogram);
  prometheus::ClientMetric m;
  m.histogram.sample_count = stats.setup_time.count;
  m.histogram.sample_sum = stats.setup_time.sum;
  for (std::size_t i = 0; i < setup_time_histogram::bounds.size(); ++i) {
    prometheus::ClientMetric::Bucket b;
    b.cumulative_count = stats.setup_time.buckets[i];
    b.upper_bound = setup_time_histogram::bounds[i];
    m.histogram.bucket.push_back(b);
  }
  prometheus::ClientMetric::Bucket inf;
  inf.cumulative_count = stats.setup_time.count;
  inf.upper_bound = std::numeric_limits<double>::infinity();
  m.histogram.bucket.push_back(inf);
  setup.metric.push_back(std::move(m));
}

}  // namespace voxedge::daemon
