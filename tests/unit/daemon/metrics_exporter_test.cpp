#include "daemon/metrics/metrics_exporter.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

namespace voxedge::daemon {
namespace {

TEST(metrics_exporter, families_stay_valid_while_a_collector_adds_more) {
  // A collector keeps references to the families it added; with many families a vector
  // would have moved them (this crashed the daemon's /metrics with two media workers).
  metrics_exporter m;
  m.add_collector([](metric_families& out) {
    std::vector<prometheus::MetricFamily*> held;
    for (int i = 0; i < 64; ++i) {
      held.push_back(&add_family(out, "voxedge_test_f" + std::to_string(i), "f", prometheus::MetricType::Counter));
    }
    for (std::size_t i = 0; i < held.size(); ++i) add_sample(*held[i], {{"i", std::to_string(i)}}, 1);
  });
  const auto text = m.render();
  EXPECT_NE(text.find("voxedge_test_f0{i=\"0\"} 1"), std::string::npos);
  EXPECT_NE(text.find("voxedge_test_f63{i=\"63\"} 1"), std::string::npos);
}

TEST(metrics_exporter, renders_registry_and_collectors) {
  metrics_exporter m;
  prometheus::BuildCounter().Name("voxedge_test_total").Help("t").Register(m.registry()).Add({}).Increment(3);
  int calls = 0;
  m.add_collector([&](metric_families& out) {
    ++calls;
    auto& f = add_family(out, "voxedge_test_things", "things", prometheus::MetricType::Gauge);
    add_sample(f, {{"kind", "a"}}, 2);
    add_sample(f, {{"kind", "b"}}, 5);
  });
  const auto text = m.render();
  EXPECT_EQ(calls, 1);
  EXPECT_NE(text.find("voxedge_test_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE voxedge_test_things gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("voxedge_test_things{kind=\"b\"} 5"), std::string::npos) << text;
}

}  // namespace
}  // namespace voxedge::daemon
