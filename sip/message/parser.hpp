#pragma once
// Parses one complete SIP message (a datagram, or a frame cut by stream_framer).
// Untrusted input: never throws, bounded by parse_limits.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/message/message.hpp"

namespace voxedge::sip {

struct parse_limits {
  std::size_t max_message_bytes = 65535;
  /// Header field lines: a folded header or a comma-separated list counts once.
  std::size_t max_headers = 128;
};

/// Why a message was refused; the name is used as the metrics label.
enum class parse_error {
  too_large,         // over max_message_bytes (answer 513)
  too_many_headers,  // over max_headers (answer 400 "Too Many Headers")
  bad_start_line,
  bad_version,     // not SIP/2.0 (answer 505)
  bad_header,      // header line without colon, bad name, NUL, ...
  missing_header,  // a mandatory header is absent (Via, From, To, Call-ID, CSeq; Max-Forwards is not mandatory on
                   // receipt)
  bad_via,
  bad_from,
  bad_to,
  bad_call_id,
  bad_cseq,
  cseq_method_mismatch,  // request method differs from CSeq method
  bad_max_forwards,
  bad_content_length,
  bad_contact,
  bad_route,
  bad_request_uri,
  body_truncated,    // body shorter than Content-Length (datagram)
  duplicate_header,  // a single-valued header (From, To, Call-ID, CSeq, Max-Forwards, Content-Length) appears twice
                     // with different values
};
std::string_view to_string(parse_error e) noexcept;

struct parse_failure {
  parse_error reason;
  /// Reason phrase for the response, e.g. "Bad CSeq", "Missing Call-ID Header".
  std::string phrase;
  /// Status to answer with (400, 416, 505, 513...), or 0 when the message cannot be
  /// answered: it was a response (RFC 3261 §18.1.2), it was not recognisably SIP, or the
  /// topmost Via or the CSeq was not read, so an answer could neither be routed (§18.2.2)
  /// nor matched to the client transaction (§17.1.3).
  int status = 0;
  /// Set when status != 0: the request as far as it parsed, enough for make_response.
  /// Its topmost Via may be salvaged (sent-protocol and sent-by only) when the Via's
  /// parameters are broken. A From, To, Call-ID or CSeq that did not parse is kept raw
  /// in `headers` so that make_response echoes it; a missing one is simply absent.
  std::shared_ptr<message> partial;
};

result<message, parse_failure> parse_message(std::string_view bytes, const parse_limits& limits = {});

}  // namespace voxedge::sip
