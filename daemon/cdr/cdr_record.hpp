#pragma once
// A call detail record: what billing, support and the operator's backend need to know
// about one call once it has ended, and its JSON form (one object per line of the CDR
// file, see cdr_writer.hpp).
//
// JSON shape (keys in this order; absent optionals are null):
//   {"call_id":"...","direction":"inbound","from":"+44...","to":"+44...",
//    "source":"trunk:carrier","target":"endpoint:pbx","route":"from-carrier",
//    "start":"2024-05-01T12:00:00.000Z","answer":"...Z"|null,"end":"...Z",
//    "duration_s":62.345,"setup_ms":1850,"end_reason":"BYE","sip_code":200|null,
//    "hangup_by":"caller","final_state":"ESTABLISHED",
//    "legs":[{"role":"caller","sip_call_id":"...","codec":"PCMA","packets":3100,
//             "bytes":533200,"loss_percent":0.2,"jitter_ms":3.5,"rtt_ms":41.0|null,
//             "mos":4.3|null}, ...]}
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxedge::daemon {

enum class call_direction { inbound, outbound };
/// Which side ended the call; `system` is voxedge itself (timeout, shutdown, error).
enum class hangup_party { caller, callee, system };

std::string_view to_string(call_direction d) noexcept;
std::string_view to_string(hangup_party p) noexcept;

/// One SIP leg of the call and the media quality measured on it.
struct cdr_leg {
  std::string role;         ///< "caller" (A leg) or "callee" (B leg)
  std::string sip_call_id;  ///< this leg's Call-ID header
  std::string codec;        ///< encoding name as negotiated ("PCMA", "opus"); empty = no media
  // Media received from this leg's peer, and its RFC 3550 statistics (what the far end
  // sent us is what we can vouch for; what it received comes back only in its RTCP).
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  ///< RTP payload and header, without UDP/IP
  double loss_percent = 0;
  double jitter_ms = 0;
  std::optional<double> rtt_ms;  ///< only when RTCP gave a round trip (RFC 3550 §6.4.1)
  std::optional<double> mos;     ///< E-model estimate; only with enough media to judge

  bool operator==(const cdr_leg&) const = default;
};

struct cdr_record {
  using time_point = std::chrono::system_clock::time_point;

  std::string call_id;  ///< ours, the one logs, webhooks and the API use
  call_direction direction = call_direction::inbound;
  std::string from;                  ///< calling number or URI as routed
  std::string to;                    ///< called number (normalised) or URI
  std::string source;                ///< "trunk:x", "endpoint:x", "user:x", as call_source prints it
  std::string target;                ///< "trunk:x" or "endpoint:x"; empty when routing failed
  std::string route;                 ///< the route's name; empty when routing failed
  time_point start{};                ///< the initial INVITE arrived
  std::optional<time_point> answer;  ///< the 2xx; absent when never answered
  time_point end{};
  std::string end_reason;       ///< "BYE", "CANCEL", "no route", "media timeout", ...
  std::optional<int> sip_code;  ///< final SIP status that ended it, when there was one
  hangup_party hangup_by = hangup_party::system;
  std::string final_state;  ///< the call's state when it ended ("ESTABLISHED", "RINGING")
  std::vector<cdr_leg> legs;

  bool operator==(const cdr_record&) const = default;
};

/// Seconds from answer to end with millisecond resolution; 0 when unanswered.
double duration_s(const cdr_record& r) noexcept;
/// Milliseconds from start to answer, or to end when unanswered (how long the caller
/// waited either way); never negative.
std::int64_t setup_ms(const cdr_record& r) noexcept;

/// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string format_rfc3339(cdr_record::time_point t);

/// The record as one line of JSON, with no newline. Never throws on content: text that
/// is not valid UTF-8 (a From display name can be anything) has the bad bytes replaced
/// by U+FFFD.
std::string to_json_line(const cdr_record& r);

}  // namespace voxedge::daemon
