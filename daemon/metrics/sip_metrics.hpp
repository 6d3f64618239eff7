#pragma once
// Publishes the SIP layers' plain counters as Prometheus families at scrape time.
#include "daemon/metrics/metrics_exporter.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/transport_layer.hpp"

namespace voxedge::daemon {

/// Appends voxedge_sip_* families built from the transport and transaction counters.
void collect_sip_metrics(const sip::transport_layer& transport, const sip::transaction_layer& transactions,
                         metric_families& out);

}  // namespace voxedge::daemon
