#include "media/sdp/negotiated_session.hpp"

#include "base/text.hpp"

namespace voxedge::media {

std::string_view to_string(stream_rejection r) noexcept {
  switch (r) {
    case stream_rejection::none: return "none";
    case stream_rejection::disabled_by_offerer: return "disabled_by_offerer";
    case stream_rejection::unsupported_media: return "unsupported_media";
    case stream_rejection::unsupported_proto: return "unsupported_proto";
    case stream_rejection::no_common_codec: return "no_common_codec";
    case stream_rejection::no_common_crypto: return "no_common_crypto";
    case stream_rejection::no_local_port: return "no_local_port";
    case stream_rejection::rejected_by_answerer: return "rejected_by_answerer";
  }
  return "unknown";
}

std::string_view to_string(negotiation_errc e) noexcept {
  switch (e) {
    case negotiation_errc::no_common_codec: return "no_common_codec";
    case negotiation_errc::no_common_crypto: return "no_common_crypto";
    case negotiation_errc::no_acceptable_stream: return "no_acceptable_stream";
    case negotiation_errc::answer_mismatch: return "answer_mismatch";
  }
  return "unknown";
}

std::size_t negotiated_session::accepted_count() const noexcept {
  std::size_t n = 0;
  for (const auto& s : streams) n += s.accepted() ? 1 : 0;
  return n;
}

const negotiated_stream* negotiated_session::first_accepted(std::string_view media) const noexcept {
  for (const auto& s : streams) {
    if (s.accepted() && text::iequals(s.media, media)) return &s;
  }
  return nullptr;
}

}  // namespace voxedge::media
