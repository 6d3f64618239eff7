#pragma once
// Plain counters kept by the transport layer on the control thread and read by the
// metrics exporter at scrape time (same thread): no atomics, no locks, no prometheus
// dependency inside sip/.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sip/message/method.hpp"
#include "sip/message/parser.hpp"

namespace voxedge::sip {

inline constexpr std::size_t method_count = static_cast<std::size_t>(method::unknown) + 1;
inline constexpr std::size_t parse_error_count = static_cast<std::size_t>(parse_error::duplicate_header) + 1;

struct message_counters {
  std::array<std::uint64_t, method_count> requests{};  // by method
  std::array<std::uint64_t, 7> responses{};            // by status class: [1]=1xx .. [6]=6xx
  std::uint64_t bytes = 0;

  void count_request(method m) noexcept { ++requests[static_cast<std::size_t>(m)]; }
  void count_response(int status) noexcept {
    const int cls = status / 100;
    if (cls >= 1 && cls <= 6) ++responses[static_cast<std::size_t>(cls)];
  }
};

/// Why an inbound message was dropped without being handed up.
enum class drop_reason : std::uint8_t {
  parse_unanswerable,  // malformed and no response can be built (or it was a response)
  oversize_datagram,   // larger than the receive limit
  framing,             // a stream's framing broke (connection closed)
  send_failed,         // outbound: the transport could not send
  count_
};
std::string_view to_string(drop_reason r) noexcept;

/// Which end of a TLS handshake we were.
enum class tls_side : std::uint8_t { client, server, count_ };
std::string_view to_string(tls_side s) noexcept;

/// Why a TLS handshake failed: a small fixed set, so it can be a metric label. The log
/// line carries the full sentence (tls_failure_info::detail).
enum class tls_failure : std::uint8_t {
  hostname_mismatch,  // the certificate is not for the name (or IP) we connected to
  untrusted_chain,    // no path to a trusted CA (or the peer did not trust ours)
  expired,            // a certificate in the chain is expired or not yet valid
  protocol,           // version or cipher negotiation failed, or the peer does not speak TLS
  timeout,            // no completed handshake within the connect timeout
  other,              // anything else (peer closed, missing client certificate, ...)
  count_
};
std::string_view to_string(tls_failure f) noexcept;
inline constexpr std::size_t tls_failure_count = static_cast<std::size_t>(tls_failure::count_);

struct tls_handshake_counters {
  std::uint64_t ok = 0;
  std::array<std::uint64_t, tls_failure_count> failed{};  // by tls_failure

  std::uint64_t failed_total() const noexcept {
    std::uint64_t n = 0;
    for (auto f : failed) n += f;
    return n;
  }
  void count(const tls_failure* failure) noexcept {
    if (failure == nullptr) {
      ++ok;
    } else {
      ++failed[static_cast<std::size_t>(*failure)];
    }
  }
};

struct transport_stats {
  message_counters received;
  message_counters sent;
  std::array<std::uint64_t, parse_error_count> parse_failures{};  // by parse_error
  std::array<std::uint64_t, static_cast<std::size_t>(drop_reason::count_)> dropped{};
  std::uint64_t error_responses_sent = 0;  // 4xx/5xx answered statelessly by the transport
  std::uint64_t keepalives_answered = 0;   // CRLFCRLF pings answered with CRLF

  // Stream connections (TCP/TLS).
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_opened = 0;  // outbound
  std::uint64_t connections_refused = 0; // over the total or per-IP limit
  std::uint64_t connections_idle_closed = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t connections_current = 0;

  // CRLF keepalive on outbound connections (RFC 5626 §4.4.1).
  std::uint64_t keepalive_pings_sent = 0;
  std::uint64_t keepalive_pongs_received = 0;
  /// A ping got no pong in time from a peer that never answered one: it does not speak
  /// RFC 5626 keepalives, so the connection is kept (TCP keepalive still watches it).
  std::uint64_t keepalive_unanswered = 0;
  /// Closed because a peer that answers pongs stopped answering them.
  std::uint64_t connections_keepalive_dead = 0;

  // TLS handshakes, by side; outbound ones also by the identity (trunk) they were made
  // for ("" = the default client identity).
  std::array<tls_handshake_counters, static_cast<std::size_t>(tls_side::count_)> tls_handshakes{};
  std::map<std::string, tls_handshake_counters, std::less<>> tls_client_handshakes_by_identity;

  const tls_handshake_counters& tls(tls_side s) const noexcept { return tls_handshakes[static_cast<std::size_t>(s)]; }

  void count_parse_failure(parse_error e) noexcept { ++parse_failures[static_cast<std::size_t>(e)]; }
  void count_drop(drop_reason r) noexcept { ++dropped[static_cast<std::size_t>(r)]; }
};

}  // namespace voxedge::sip
