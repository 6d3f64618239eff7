#include "daemon/metrics/sip_metrics.hpp"

#include <string>

namespace voxedge::daemon {

using prometheus::MetricType;

namespace {

void add_message_families(const sip::message_counters& c, const std::string& direction, metric_families& out) {
  auto& req = add_family(out, "voxedge_sip_requests_" + direction + "_total",
                         "SIP requests " + direction + ", by method", MetricType::Counter);
  for (std::size_t i = 0; i < c.requests.size(); ++i) {
    add_sample(req, {{"method", std::string(sip::to_string(static_cast<sip::method>(i)))}},
               static_cast<double>(c.requests[i]));
  }
  auto& resp = add_family(out, "voxedge_sip_responses_" + direction + "_total",
                          "SIP responses " + direction + ", by status class", MetricType::Counter);
  for (int cls = 1; cls <= 6; ++cls) {
    add_sample(resp, {{"status_class", std::to_string(cls) + "xx"}},
               static_cast<double>(c.responses[static_cast<std::size_t>(cls)]));
  }
  add_sample(add_family(out, "voxedge_sip_" + direction + "_bytes_total", "SIP bytes " + direction,
                        MetricType::Counter),
             {}, static_cast<double>(c.bytes));
}

void add_tls_families(const sip::transport_stats& ts, metric_families& out) {
  auto& handshakes = add_family(out, "voxedge_tls_handshakes_total", "TLS handshakes, by side and result",
                                MetricType::Counter);
  auto& failures = add_family(out, "voxedge_tls_handshake_failures_total", "Failed TLS handshakes, by side and reason",
                              MetricType::Counter);
  for (std::size_t s = 0; s < ts.tls_handshakes.size(); ++s) {
    const std::string side(sip::to_string(static_cast<sip::tls_side>(s)));
    const auto& c = ts.tls_handshakes[s];
    add_sample(handshakes, {{"side", side}, {"result", "ok"}}, static_cast<double>(c.ok));
    add_sample(handshakes, {{"side", side}, {"result", "failed"}}, static_cast<double>(c.failed_total()));
    for (std::size_t r = 0; r < c.failed.size(); ++r) {
      add_sample(failures, {{"side", side}, {"reason", std::string(sip::to_string(static_cast<sip::tls_failure>(r)))}},
                 static_cast<double>(c.failed[r]));
    }
  }
  // Outbound handshakes per client identity (one per trunk; "default" for sends naming
  // none). An identity appears from its first handshake on.
  auto& by_identity = add_family(out, "voxedge_tls_client_handshakes_total",
                                 "Outbound TLS handshakes, by client identity (trunk) and result", MetricType::Counter);
  auto& failures_by_identity =
      add_family(out, "voxedge_tls_client_handshake_failures_total",
                 "Failed outbound TLS handshakes, by client identity (trunk) and reason", MetricType::Counter);
  for (const auto& [name, c] : ts.tls_client_handshakes_by_identity) {
    const std::string identity = name.empty() ? "default" : name;
    add_sample(by_identity, {{"identity", identity}, {"result", "ok"}}, static_cast<double>(c.ok));
    add_sample(by_identity, {{"identity", identity}, {"result", "failed"}}, static_cast<double>(c.failed_total()));
    for (std::size_t r = 0; r < c.failed.size(); ++r) {
      add_sample(failures_by_identity,
                 {{"identity", identity}, {"reason", std::string(sip::to_string(static_cast<sip::tls_failure>(r)))}},
                 static_cast<double>(c.failed[r]));
    }
  }
}

}  // namespace

void collect_sip_metrics(const sip::transport_layer& transport, const sip::transaction_layer& transactions,
                         metric_families& out) {
  const auto& ts = transport.stats();
  add_message_families(ts.received, "received", out);
  add_message_families(ts.sent, "sent", out);

  auto& parse = add_family(out, "voxedge_sip_parse_failures_total", "Inbound SIP messages that failed to parse, by reason",
                           MetricType::Counter);
  for (std::size_t i = 0; i < ts.parse_failures.size(); ++i) {
    add_sample(parse, {{"reason", std::string(sip::to_string(static_cast<sip::parse_error>(i)))}},
               static_cast<double>(ts.parse_failures[i]));
  }
  auto& dropped = add_family(out, "voxedge_sip_messages_dropped_total",
                             "SIP messages dropped without an answer, by reason", MetricType::Counter);
  for (std::size_t i = 0; i < ts.dropped.size(); ++i) {
    add_sample(dropped, {{"reason", std::string(sip::to_string(static_cast<sip::drop_reason>(i)))}},
               static_cast<double>(ts.dropped[i]));
  }
  add_sample(add_family(out, "voxedge_sip_stateless_error_responses_total",
                        "Error responses sent by the transport to malformed requests", MetricType::Counter),
             {}, static_cast<double>(ts.error_responses_sent));
  add_sample(add_family(out, "voxedge_sip_keepalives_answered_total", "CRLF keepalive pings answered (RFC 5626)",
                        MetricType::Counter),
             {}, static_cast<double>(ts.keepalives_answered));

  auto& conns = add_family(out, "voxedge_sip_connection_events_total", "TCP/TLS connection events",
                           MetricType::Counter);
  add_sample(conns, {{"event", "accepted"}}, static_cast<double>(ts.connections_accepted));
  add_sample(conns, {{"event", "opened"}}, static_cast<double>(ts.connections_opened));
  add_sample(conns, {{"event", "refused_limit"}}, static_cast<double>(ts.connections_refused));
  add_sample(conns, {{"event", "idle_closed"}}, static_cast<double>(ts.connections_idle_closed));
  add_sample(conns, {{"event", "connect_failed"}}, static_cast<double>(ts.connect_failures));
  add_sample(conns, {{"event", "keepalive_dead"}}, static_cast<double>(ts.connections_keepalive_dead));
  add_sample(add_family(out, "voxedge_sip_connections", "Open TCP/TLS connections", MetricType::Gauge), {},
             static_cast<double>(ts.connections_current));
  auto& pings = add_family(out, "voxedge_sip_keepalive_pings_total",
                           "CRLF keepalive pings on outbound connections (RFC 5626), by outcome",
                           MetricType::Counter);
  add_sample(pings, {{"event", "sent"}}, static_cast<double>(ts.keepalive_pings_sent));
  add_sample(pings, {{"event", "pong"}}, static_cast<double>(ts.keepalive_pongs_received));
  add_sample(pings, {{"event", "unanswered"}}, static_cast<double>(ts.keepalive_unanswered));
  add_tls_families(ts, out);

  const auto& xs = transactions.stats();
  auto& active = add_family(out, "voxedge_sip_transactions", "Live SIP transactions, by kind", MetricType::Gauge);
  auto& created = add_family(out, "voxedge_sip_transactions_created_total", "SIP transactions created, by kind",
                             MetricType::Counter);
  for (std::size_t i = 0; i < sip::transaction_kind_count; ++i) {
    const std::string kind(sip::to_string(static_cast<sip::transaction_kind>(i)));
    add_sample(active, {{"kind", kind}}, static_cast<double>(xs.active[i]));
    add_sample(created, {{"kind", kind}}, static_cast<double>(xs.created[i]));
  }
  auto& retrans = add_family(out, "voxedge_sip_retransmissions_total",
                             "Retransmissions: sent by our timers, or received and absorbed", MetricType::Counter);
  add_sample(retrans, {{"direction", "sent"}}, static_cast<double>(xs.retransmissions_sent));
  add_sample(retrans, {{"direction", "absorbed"}}, static_cast<double>(xs.retransmissions_absorbed));
  add_sample(add_family(out, "voxedge_sip_transaction_timeouts_total", "Transactions ended by Timer B, F or H",
                        MetricType::Counter),
             {}, static_cast<double>(xs.timeouts));
  add_sample(add_family(out, "voxedge_sip_transaction_transport_errors_total",
                        "Transactions told of a transport failure", MetricType::Counter),
             {}, static_cast<double>(xs.transport_errors));
  add_sample(add_family(out, "voxedge_sip_stray_responses_total", "Responses matching no client transaction",
                        MetricType::Counter),
             {}, static_cast<double>(xs.stray_responses));
}

}  // namespace voxedge::daemon
