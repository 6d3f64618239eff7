#include "daemon/metrics/metrics_exporter.hpp"

#include <iterator>

#include <prometheus/text_serializer.h>

namespace voxedge::daemon {

metrics_exporter::metrics_exporter() : registry_(std::make_shared<prometheus::Registry>()) {}

std::string metrics_exporter::render() const {
  auto families = registry_->Collect();
  metric_families collected;
  for (const auto& c : collectors_) c(collected);
  families.insert(families.end(), std::make_move_iterator(collected.begin()),
                  std::make_move_iterator(collected.end()));
  return prometheus::TextSerializer{}.Serialize(families);
}

prometheus::MetricFamily& add_family(metric_families& out, std::string name, std::string help,
                                     prometheus::MetricType type) {
  out.push_back(prometheus::MetricFamily{std::move(name), std::move(help), type, {}});
  return out.back();
}

void add_sample(prometheus::MetricFamily& family, metric_labels labels, double value) {
  prometheus::ClientMetric m;
  for (auto& [k, v] : labels) m.label.push_back(prometheus::ClientMetric::Label{k, v});
  switch (family.type) {
    case prometheus::MetricType::Counter: m.counter.value = value; break;
    case prometheus::MetricType::Gauge: m.gauge.value = value; break;
    default: m.untyped.value = value; break;
  }
  family.metric.push_back(std::move(m));
}

}  // namespace voxedge::daemon
