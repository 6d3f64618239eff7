#pragma once
// Plain counters kept by the transport layer on the control thread and read by the
// metrics exporter at scrape time (same thread): no atomics, no locks, no prometheus
// dependency inside sip/.
#include <array>
#include <cstddef>
#include <cstdint>
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

  void count_parse_failure(parse_error e) noexcept { ++parse_failures[static_cast<std::size_t>(e)]; }
  void count_drop(drop_reason r) noexcept { ++dropped[static_cast<std::size_t>(r)]; }
};

}  // namespace voxedge::sip
