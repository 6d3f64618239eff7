#pragma once
// Media-plane metrics: the relay workers' counters (read at scrape time from what each
// worker publishes) and per-peer call quality histograms, observed once per finished
// call from its CDR record. Peers are trunks and endpoints, never calls: label
// cardinality stays bounded by the configuration.
#include <map>
#include <string>

#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "daemon/cdr/cdr_record.hpp"
#include "daemon/metrics/metrics_exporter.hpp"
#include "media/relay/relay_engine.hpp"

namespace voxedge::daemon {

/// Appends voxedge_media_* families for every relay worker.
void collect_relay_metrics(const media::relay_engine& engine, metric_families& out);

class call_quality_metrics {
 public:
  explicit call_quality_metrics(prometheus::Registry& registry);

  /// Observes the media each leg of a finished call received, labelled by the trunk or
  /// endpoint on that leg's side (the source for the caller's leg, the target for the
  /// callee's). Legs that carried no media are skipped.
  void observe(const cdr_record& record);

 private:
  struct peer_histograms {
    prometheus::Histogram* loss = nullptr;
    prometheus::Histogram* jitter = nullptr;
    prometheus::Histogram* rtt = nullptr;
    prometheus::Histogram* mos = nullptr;
  };
  peer_histograms& for_peer(const std::string& peer);

  prometheus::Family<prometheus::Histogram>& loss_;
  prometheus::Family<prometheus::Histogram>& jitter_;
  prometheus::Family<prometheus::Histogram>& rtt_;
  prometheus::Family<prometheus::Histogram>& mos_;
  std::map<std::string, peer_histograms> peers_;
};

}  // namespace voxedge::daemon
