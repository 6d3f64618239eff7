#pragma once
// Parses a session description (RFC 8866) received from a peer. Untrusted input: never
// throws, bounded by sdp_limits, and every refusal names the line and the reason (the
// reason never quotes the line: it may carry keys).
//
// Leniencies, each seen from real peers: LF without CR; trailing white space (except in
// s= and i=, which are text); blank lines; runs of spaces between fields; session-level
// lines in any order after v=; a missing s= (read as "-") or t= (read as "t=0 0"); a
// missing c= on a disabled (port 0) stream; an m= line without formats when its port is
// 0; an o= address that is any non-white-space string. Strict, as RFC 8866 §5 demands:
// v=0 first, o= present, no unknown line type, no session-only line after the first m=,
// no duplicate single-valued line, valid c= addresses, and valid values for the
// attributes the media plane reads (rtpmap, fmtp, ptime, maxptime, rtcp, crypto, ssrc, mid).
#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "media/sdp/session_description.hpp"

namespace voxedge::media {

struct sdp_limits {
  std::size_t max_bytes = 65535;
  std::size_t max_lines = 2048;
  std::size_t max_line_length = 4096;
  std::size_t max_media = 64;
  /// a= lines in the whole description (a Chrome audio+video offer has about 120).
  std::size_t max_attributes = 1536;
  /// Formats on one m= line (RTP payload types are 0..127).
  std::size_t max_formats = 128;
};

/// Why a description was refused; the name is used as a metrics label.
enum class sdp_errc {
  too_large,
  too_many_lines,
  line_too_long,
  too_many_media,
  too_many_attributes,
  too_many_formats,
  bad_line,            // not "<letter>=<value>", NUL, bare CR
  bad_version,         // v= missing, not first, or not 0
  bad_origin,          // o=
  bad_connection,      // c=
  bad_bandwidth,       // b=
  bad_timing,          // t=, r=, z=
  bad_media,           // m=
  bad_attribute,       // a= name, or the value of a known attribute
  bad_field,           // s=, i=, u=, e=, p=, k= empty
  missing_field,       // o= missing, or no description at all
  misplaced_field,     // a session-only line inside a media section, r= before t=
  duplicate_field,     // a second o=, s=, i=, u=, c=, z=, k= where one is allowed
  unknown_field,       // a type letter RFC 8866 does not define (§5: ignore the whole description)
  missing_connection,  // an active stream with no c= at either level (§5.7)
};
std::string_view to_string(sdp_errc e) noexcept;

struct sdp_error {
  sdp_errc code = sdp_errc::bad_line;
  std::size_t line = 0;  // 1-based; 0 when about the description as a whole
  std::string reason;    // "bad m= line: port is not a number"
  /// "line 7: bad m= line: port is not a number"
  std::string to_string() const;
};

result<session_description, sdp_error> parse_sdp(std::string_view text, const sdp_limits& limits = {});

}  // namespace voxedge::media
