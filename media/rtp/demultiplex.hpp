#pragma once
// Tells apart what arrives on one media socket: with ICE, DTLS-SRTP and rtcp-mux a single
// 5-tuple carries STUN, DTLS, RTP and RTCP (RFC 7983 §7), and RTP from RTCP by the
// payload-type octet (RFC 5761 §4). Looks at two bytes at most; validation is the
// parsers' job.
#include <cstdint>
#include <span>
#include <string_view>

namespace voxedge::media {

enum class packet_kind : std::uint8_t {
  unknown,       // empty, or a first byte no RFC 7983 range claims: drop
  stun,          // first byte 0-3 (RFC 7983 §7, RFC 5389)
  zrtp,          // 16-19 (RFC 6189); we do not speak it
  dtls,          // 20-63 (RFC 7983 §7; 20-63 covers every TLS content type)
  turn_channel,  // 64-79 (RFC 8656 §12 ChannelData); a media relay never expects these
  rtp,           // 128-191 and a payload type outside 64-95
  rtcp,          // 128-191 and a second octet whose low seven bits are 64-95
};

std::string_view to_string(packet_kind k) noexcept;

/// RFC 7983 §7 first-byte ranges, then RFC 5761 §4: RTCP packet types 192-223 fall on
/// RTP payload types 64-95 once the marker bit is masked, which is why rtcp-mux forbids
/// those payload types. A one-byte datagram in 128-191 is `unknown`.
packet_kind classify_packet(std::span<const std::uint8_t> datagram) noexcept;

/// RFC 5761 §4 on its own, for a packet already known to be RTP or RTCP.
constexpr bool is_rtcp_payload_type(std::uint8_t second_octet) noexcept {
  const unsigned pt = second_octet & 0x7fU;
  return pt >= 64 && pt <= 95;
}

}  // namespace voxedge::media
