#pragma once
// What /metrics serves: prometheus-cpp's registry for metrics the daemon updates as
// things happen (build info, reloads, loop lag), plus collectors that read the plain
// counters other layers keep (transport, transactions) at scrape time. Scrapes run on
// the control thread, the same thread that owns those counters, so no locking.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace voxedge::daemon {

/// A deque, not a vector: collectors hold a reference to each family they add while they
/// add more, and a deque's push_back never moves the elements already in it.
using metric_families = std::deque<prometheus::MetricFamily>;
using metric_labels = std::map<std::string, std::string>;

class metrics_exporter {
 public:
  using collector = std::function<void(metric_families&)>;

  metrics_exporter();

  prometheus::Registry& registry() noexcept { return *registry_; }
  void add_collector(collector c) { collectors_.push_back(std::move(c)); }

  /// The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<collector> collectors_;
};

/// Appends a family to `out` and returns it, for collectors building families by hand.
prometheus::MetricFamily& add_family(metric_families& out, std::string name, std::string help,
                                     prometheus::MetricType type);
void add_sample(prometheus::MetricFamily& family, metric_labels labels, double value);

}  // namespace voxedge::daemon
