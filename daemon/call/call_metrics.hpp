#pragma once
// Publishes the B2BUA's counters (call_stats, call_gauges) as Prometheus families at
// scrape time, on the control thread: add it as a metrics_exporter collector.
#include "daemon/call/b2bua.hpp"
#include "daemon/metrics/metrics_exporter.hpp"

namespace voxedge::daemon {

/// voxedge_calls_active{direction}, voxedge_calls_by_state{state},
/// voxedge_calls_total{direction}, voxedge_calls_finished_total{peer,result},
/// voxedge_calls_rejected_total{reason}, voxedge_call_setup_seconds (histogram).
void collect_call_metrics(const b2bua& calls, metric_families& out);

}  // namespace voxedge::daemon
