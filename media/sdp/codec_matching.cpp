#include "media/sdp/codec_matching.hpp"

#include "base/text.hpp"

namespace voxedge::media {

format_role role_of(std::string_view encoding) noexcept {
  if (text::iequals(encoding, "telephone-event")) return format_role::telephone_event;
  if (text::iequals(encoding, "CN")) return format_role::comfort_noise;
  if (text::iequals(encoding, "red") || text::iequals(encoding, "rtx") || text::iequals(encoding, "ulpfec") ||
      text::istarts_with(encoding, "flexfec")) {
    return format_role::redundancy;
  }
  return format_role::primary;
}

bool fmtp_compatible(std::string_view encoding, std::string_view a, std::string_view b) noexcept {
  const auto same = [&](std::string_view name, std::string_view fallback) {
    return fmtp_parameter(a, name).value_or(fallback) == fmtp_parameter(b, name).value_or(fallback);
  };
  if (text::iequals(encoding, "AMR") || text::iequals(encoding, "AMR-WB")) return same("octet-align", "0");
  if (text::iequals(encoding, "H264")) return same("packetization-mode", "0");
  return true;
}

bool same_codec(const rtpmap& offered, std::string_view offered_fmtp, const codec_capability& local) noexcept {
  return offered.clock_rate == local.clock_rate && offered.channels() == local.channels &&
         text::iequals(offered.encoding, local.encoding) && fmtp_compatible(local.encoding, offered_fmtp, local.fmtp);
}

bool same_codec(const rtpmap& a, const rtpmap& b) noexcept {
  return a.clock_rate == b.clock_rate && a.channels() == b.channels() && text::iequals(a.encoding, b.encoding);
}

}  // namespace voxedge::media
