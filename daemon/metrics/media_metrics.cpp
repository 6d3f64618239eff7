#include "daemon/metrics/media_metrics.hpp"

namespace voxedge::daemon {

using prometheus::MetricType;

void collect_relay_metrics(const media::relay_engine& engine, metric_families& out) {
  const auto workers = engine.metrics();
  auto& packets = add_family(out, "voxedge_media_relayed_packets_total", "RTP packets relayed, by worker",
                             MetricType::Counter);
  auto& bytes = add_family(out, "voxedge_media_relayed_bytes_total", "RTP bytes relayed, by worker",
                           MetricType::Counter);
  auto& rtcp = add_family(out, "voxedge_media_rtcp_packets_total", "RTCP packets received and sent, by worker",
                          MetricType::Counter);
  auto& drops = add_family(out, "voxedge_media_dropped_packets_total", "Media packets dropped, by worker and reason",
                           MetricType::Counter);
  auto& sessions = add_family(out, "voxedge_media_sessions", "Media sessions, by worker", MetricType::Gauge);
  auto& ports_used = add_family(out, "voxedge_media_ports_in_use", "RTP/RTCP ports bound, by worker",
                                MetricType::Gauge);
  auto& ports_total = add_family(out, "voxedge_media_ports", "RTP/RTCP ports in each worker's slice of the range",
                                 MetricType::Gauge);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const auto& m = workers[w];
    const std::string id = std::to_string(w);
    add_sample(packets, {{"worker", id}}, static_cast<double>(m.packets_relayed));
    add_sample(bytes, {{"worker", id}}, static_cast<double>(m.bytes_relayed));
    add_sample(rtcp, {{"worker", id}, {"direction", "received"}}, static_cast<double>(m.rtcp_received));
    add_sample(rtcp, {{"worker", id}, {"direction", "sent"}}, static_cast<double>(m.rtcp_sent));
    for (std::size_t r = 0; r < m.drops.size(); ++r) {
      add_sample(drops, {{"worker", id}, {"reason", std::string(media::to_string(static_cast<media::drop_reason>(r)))}},
                 static_cast<double>(m.drops[r]));
    }
    add_sample(sessions, {{"worker", id}}, static_cast<double>(m.sessions));
    add_sample(ports_used, {{"worker", id}}, static_cast<double>(m.ports_in_use));
    add_sample(ports_total, {{"worker", id}}, static_cast<double>(m.ports_total));
  }
}

call_quality_metrics::call_quality_metrics(prometheus::Registry& registry)
    : loss_(prometheus::BuildHistogram()
                .Name("voxedge_call_packet_loss_percent")
                .Help("RTP loss per call leg (percent), by trunk or endpoint")
                .Register(registry)),
      jitter_(prometheus::BuildHistogram()
                  .Name("voxedge_call_jitter_seconds")
                  .Help("RFC 3550 interarrival jitter per call leg, by trunk or endpoint")
                  .Register(registry)),
      rtt_(prometheus::BuildHistogram()
               .Name("voxedge_call_rtt_seconds")
               .Help("RTCP round-trip time per call leg, by trunk or endpoint")
               .Register(registry)),
      mos_(prometheus::BuildHistogram()
               .Name("voxedge_call_mos")
               .Help("E-model MOS estimate per call leg, by trunk or endpoint")
               .Register(registry)) {}

call_quality_metrics::peer_histograms& call_quality_metrics::for_peer(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it != peers_.end()) return it->second;
  const std::map<std::string, std::string> labels{{"peer", peer}};
  peer_histograms h;
  h.loss = &loss_.Add(labels, prometheus::Histogram::BucketBoundaries{0.1, 0.5, 1, 2, 3, 5, 10, 20, 50});
  h.jitter = &jitter_.Add(labels, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.02, 0.03,
                                                                          0.05, 0.1, 0.2});
  h.rtt = &rtt_.Add(labels, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1});
  h.mos = &mos_.Add(labels, prometheus::Histogram::BucketBoundaries{1.5, 2, 2.5, 3, 3.5, 3.8, 4, 4.2, 4.4});
  return peers_.emplace(peer, h).first->second;
}

void call_quality_metrics::observe(const cdr_record& record) {
  for (const auto& leg : record.legs) {
    if (leg.packets == 0) continue;
    const auto& peer = leg.role == "callee" ? record.target : record.source;
    auto& h = for_peer(peer.empty() ? std::string("unknown") : peer);
    h.loss->Observe(leg.loss_percent);
    h.jitter->Observe(leg.jitter_ms / 1000.0);
    if (leg.rtt_ms) h.rtt->Observe(*leg.rtt_ms / 1000.0);
    if (leg.mos) h.mos->Observe(*leg.mos);
  }
}

}  // namespace voxedge::daemon
