#include "media/rtp/demultiplex.hpp"

namespace voxedge::media {

std::string_view to_string(packet_kind k) noexcept {
  switch (k) {
    case packet_kind::unknown: return "unknown";
    case packet_kind::stun: return "stun";
    case packet_kind::zrtp: return "zrtp";
    case packet_kind::dtls: return "dtls";
    case packet_kind::turn_channel: return "turn_channel";
    case packet_kind::rtp: return "rtp";
    case packet_kind::rtcp: return "rtcp";
  }
  return "unknown";
}

packet_kind classify_packet(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.empty()) return packet_kind::unknown;
  const unsigned b = datagram[0];
  // RFC 7983 §7, the decision tree in order.
  if (b <= 3) return packet_kind::stun;
  if (b >= 16 && b <= 19) return packet_kind::zrtp;
  if (b >= 20 && b <= 63) return packet_kind::dtls;
  if (b >= 64 && b <= 79) return packet_kind::turn_channel;
  if (b >= 128 && b <= 191) {
    if (datagram.size() < 2) return packet_kind::unknown;
    return is_rtcp_payload_type(datagram[1]) ? packet_kind::rtcp : packet_kind::rtp;
  }
  return packet_kind::unknown;
}

}  // namespace voxedge::media
