#pragma once
// /metrics for trunks (issue 4 item 6): up/down, targets up, per-target health and
// OPTIONS round trip, DNS lookups, digest, failovers, fail-fast refusals.
#include "daemon/metrics/metrics_exporter.hpp"
#include "daemon/trunk/trunk_runtime.hpp"

namespace voxedge::daemon {

void collect_trunk_metrics(const trunk_directory& trunks, metric_families& out);

}  // namespace voxedge::daemon
