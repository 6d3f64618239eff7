#include "media/sdp/rtp_payload_types.hpp"

#include <array>

#include "base/text.hpp"

namespace voxedge::media {

namespace {

// RFC 3551 §6 tables 4 and 5. 1 and 2 are reserved (formerly 1016 and G721, §6), 19 is
// reserved, 20-24 and 27, 29, 30 are unassigned. MPA (14) and MP2T (33) carry their own
// channel information; 1 is listed so they compare like any other mono entry.
constexpr std::array<static_payload_type, 24> table = {{
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {14, "MPA", 90000, 1},  {15, "G728", 8000, 1},  {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
    {18, "G729", 8000, 1},  {25, "CelB", 90000, 1}, {26, "JPEG", 90000, 1}, {28, "nv", 90000, 1},
    {31, "H261", 90000, 1}, {32, "MPV", 90000, 1},  {33, "MP2T", 90000, 1}, {34, "H263", 90000, 1},
}};

}  // namespace

std::optional<static_payload_type> find_static_payload_type(std::uint8_t pt) noexcept {
  for (const auto& e : table) {
    if (e.payload_type == pt) return e;
  }
  return std::nullopt;
}

std::optional<std::uint8_t> static_payload_type_of(std::string_view encoding, std::uint32_t clock_rate,
                                                   std::uint32_t channels) noexcept {
  for (const auto& e : table) {
    if (e.clock_rate == clock_rate && e.channels == channels && text::iequals(e.encoding, encoding)) {
      return e.payload_type;
    }
  }
  return std::nullopt;
}

}  // namespace voxedge::media
