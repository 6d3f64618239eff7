#pragma once
// When two descriptions name the same codec: same encoding name (case-insensitive, RFC
// 8866 §6.6), clock rate and channels, and no format parameter that changes the
// bitstream disagrees. Payload type numbers never matter (RFC 3264 §6.1).
#include <string_view>

#include "media/sdp/leg_capabilities.hpp"
#include "media/sdp/sdp_attributes.hpp"

namespace voxedge::media {

/// What an RTP format does in a stream.
enum class format_role {
  primary,          // carries the media: PCMU, opus, H264 ...
  telephone_event,  // RFC 4733 events, paired with a primary codec of the same clock rate
  comfort_noise,    // CN (RFC 3389), likewise
  redundancy,       // red, rtx, ulpfec, flexfec: protect another format; never negotiated here
};
format_role role_of(std::string_view encoding) noexcept;

/// Format parameters that must agree for two descriptions of a codec to interoperate:
/// AMR and AMR-WB octet-align (RFC 4867 §8.3.1), H.264 packetization-mode (RFC 6184
/// §8.2.2). Any other parameter is a receive preference and never prevents a match.
bool fmtp_compatible(std::string_view encoding, std::string_view a, std::string_view b) noexcept;

/// `offered` (with its fmtp) and `local` are the same codec.
bool same_codec(const rtpmap& offered, std::string_view offered_fmtp, const codec_capability& local) noexcept;
/// Same encoding, clock rate and channels.
bool same_codec(const rtpmap& a, const rtpmap& b) noexcept;

}  // namespace voxedge::media
