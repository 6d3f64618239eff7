#pragma once
// Typed values of the attributes the media plane acts on: a=rtpmap and a=fmtp (RFC 8866
// §6.6, §6.15), a=ptime and a=maxptime (§6.4, §6.5), the direction attributes (§6.7),
// a=rtcp (RFC 3605), a=ssrc (RFC 5576) and a=mid (RFC 5888). Each parse function reads
// the attribute value (what follows "name:") and returns nullopt when it is malformed;
// each to_value() writes it back in canonical form. a=crypto has its own file.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/sdp/connection_data.hpp"

namespace voxedge::media {

/// RFC 8866 §6.7: sendrecv is the default at both levels; a media-level attribute
/// overrides the session-level one.
enum class media_direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };

std::string_view to_string(media_direction d) noexcept;
/// The direction named by an attribute name ("sendonly" ...), if it is one.
std::optional<media_direction> direction_from_name(std::string_view name) noexcept;
constexpr bool can_send(media_direction d) noexcept {
  return d == media_direction::sendrecv || d == media_direction::sendonly;
}
constexpr bool can_receive(media_direction d) noexcept {
  return d == media_direction::sendrecv || d == media_direction::recvonly;
}
constexpr media_direction make_direction(bool send, bool receive) noexcept {
  if (send && receive) return media_direction::sendrecv;
  if (send) return media_direction::sendonly;
  if (receive) return media_direction::recvonly;
  return media_direction::inactive;
}
/// The same stream seen from the other end: sendonly <-> recvonly.
constexpr media_direction reverse(media_direction d) noexcept { return make_direction(can_receive(d), can_send(d)); }

/// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
struct rtpmap {
  std::uint8_t payload_type = 0;
  std::string encoding;
  std::uint32_t clock_rate = 0;
  /// For audio the channel count (RFC 8866 §6.6: may be omitted when it is 1).
  std::optional<std::uint32_t> encoding_parameters;

  std::uint32_t channels() const noexcept { return encoding_parameters.value_or(1); }
  std::string to_value() const;
  friend bool operator==(const rtpmap&, const rtpmap&) = default;
};
std::optional<rtpmap> parse_rtpmap(std::string_view value);

/// a=fmtp:<format> <format specific parameters>
struct fmtp {
  std::string format;
  std::string parameters;
};
std::optional<fmtp> parse_fmtp(std::string_view value);

/// The value of one parameter of a "name=value;name=value" fmtp list, the form most RTP
/// payload formats use (names compare case-insensitively; a bare name yields "").
std::optional<std::string_view> fmtp_parameter(std::string_view parameters, std::string_view name) noexcept;

/// a=ptime / a=maxptime: milliseconds, non-zero integer or real (RFC 8866 §6.4). A
/// fraction is truncated; a value that truncates to zero is refused.
std::optional<std::uint32_t> parse_packet_time(std::string_view value) noexcept;
/// Syntax only (the RFC admits "0.5"), for the parser.
bool valid_packet_time(std::string_view value) noexcept;

/// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1)
struct rtcp_attribute {
  std::uint16_t port = 0;
  std::optional<sdp_connection> connection;
  std::string to_value() const;
};
std::optional<rtcp_attribute> parse_rtcp(std::string_view value);

/// a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1)
struct ssrc_attribute {
  std::uint32_t ssrc = 0;
  std::string attribute;  // "cname", "msid", ...; empty for a bare a=ssrc:<id> (tolerated)
  std::optional<std::string> value;
};
std::optional<ssrc_attribute> parse_ssrc(std::string_view value);

/// a=mid:<identification-tag> (RFC 5888 §4: a token).
bool valid_mid(std::string_view value) noexcept;

}  // namespace voxedge::media
