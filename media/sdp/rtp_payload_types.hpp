#pragma once
// The static RTP payload types of the RTP/AVP profile (RFC 3551 §6, tables 4 and 5):
// what a payload type number means when an m= line lists it without a=rtpmap.
#include <cstdint>
#include <optional>
#include <string_view>

namespace voxedge::media {

struct static_payload_type {
  std::uint8_t payload_type;
  std::string_view encoding;
  std::uint32_t clock_rate;
  std::uint32_t channels;
};

/// The RFC 3551 assignment of `pt`, if it has one (0-34 minus the reserved numbers).
std::optional<static_payload_type> find_static_payload_type(std::uint8_t pt) noexcept;

/// The static payload type of a codec (encoding compared case-insensitively), if any.
std::optional<std::uint8_t> static_payload_type_of(std::string_view encoding, std::uint32_t clock_rate,
                                                   std::uint32_t channels) noexcept;

/// RFC 3551 §6: 96-127 are dynamic, bound by a=rtpmap for the session.
constexpr bool is_dynamic_payload_type(std::uint8_t pt) noexcept { return pt >= 96 && pt <= 127; }

/// RTP payload types are 7 bits (RFC 3550 §5.1).
constexpr std::uint8_t max_payload_type = 127;

}  // namespace voxedge::media
