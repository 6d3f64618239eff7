#pragma once
// The outcome of an offer/answer exchange on one leg, per m= line: what the media plane
// needs to set the stream up (codecs and payload types both ways, remote RTP and RTCP
// addresses, direction, packetisation, SRTP keys), and why a stream was refused.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/payload_type_map.hpp"
#include "media/sdp/sdp_attributes.hpp"

namespace voxedge::media {

enum class stream_rejection {
  none,
  disabled_by_offerer,  // port 0 in the offer (RFC 3264 §5.1)
  unsupported_media,    // no capability for this media type
  unsupported_proto,    // none for this transport (or not RTP)
  no_common_codec,
  no_common_crypto,      // RTP/SAVP(F) without an acceptable a=crypto
  no_local_port,         // acceptable, but no port was allocated for it
  rejected_by_answerer,  // port 0 in the answer (RFC 3264 §6)
};
std::string_view to_string(stream_rejection r) noexcept;

struct negotiated_codec {
  std::string encoding;
  std::uint32_t clock_rate = 8000;
  std::uint32_t channels = 1;
  std::uint8_t local_pt = 0;   // in our description: arrives from the peer
  std::uint8_t remote_pt = 0;  // in theirs: what we send
  std::string local_fmtp;      // what we asked to receive
  std::string remote_fmtp;     // what they asked to receive: honour it when sending
  friend bool operator==(const negotiated_codec&, const negotiated_codec&) = default;
};

/// An address as the peer's SDP gave it: an IP literal or an FQDN.
struct transport_address {
  std::string address;
  std::uint16_t port = 0;
  friend bool operator==(const transport_address&, const transport_address&) = default;
};

struct negotiated_stream {
  std::size_t index = 0;  // m= line
  std::string media;
  std::string proto;
  stream_rejection rejection = stream_rejection::none;
  bool accepted() const noexcept { return rejection == stream_rejection::none; }

  /// Common codecs in the answer's order: codecs[0] is the one to send. Empty for an
  /// events-only stream (RFC 4317 §2.4).
  std::vector<negotiated_codec> codecs;
  /// telephone-event at codecs[0]'s clock rate (RFC 4733: the audio's timestamp clock), CN likewise.
  std::optional<negotiated_codec> telephone_event;
  std::optional<negotiated_codec> comfort_noise;
  /// All of the above, for the relay's payload type rewriting.
  payload_type_map payload_types;

  /// Ours: whether we may send and should expect to receive. Narrowed to no sending when
  /// the peer's address is 0.0.0.0 without ICE (RFC 3264 §8.4).
  media_direction direction = media_direction::sendrecv;
  std::optional<transport_address> remote_rtp;
  /// RTP address with rtcp-mux, else a=rtcp (RFC 3605), else RTP port + 1 (RFC 3550 §11).
  std::optional<transport_address> remote_rtcp;
  bool rtcp_mux = false;
  bool ice = false;                           // the peer uses ICE: candidates, not c=/m=, decide where media goes
  std::optional<std::uint32_t> local_ptime;   // what we asked for
  std::optional<std::uint32_t> remote_ptime;  // what the peer asked for: packetise so
  std::optional<std::uint32_t> remote_maxptime;
  /// SDES: each side's key protects what that side sends (RFC 4568).
  std::optional<crypto_attribute> local_crypto;
  std::optional<crypto_attribute> remote_crypto;
  std::optional<std::string> mid;
};

struct negotiated_session {
  std::vector<negotiated_stream> streams;

  std::size_t accepted_count() const noexcept;
  /// The first accepted stream of a media type, or nullptr.
  const negotiated_stream* first_accepted(std::string_view media = "audio") const noexcept;
};

enum class negotiation_errc {
  no_common_codec,       // every stream refused, at least one for want of a common codec
  no_common_crypto,      // ... for want of an acceptable SRTP key
  no_acceptable_stream,  // nothing we handle (media type, transport, ports)
  answer_mismatch,       // an answer whose m= lines do not match the offer (RFC 3264 §6)
};
std::string_view to_string(negotiation_errc e) noexcept;

struct negotiation_error {
  negotiation_errc code = negotiation_errc::no_acceptable_stream;
  std::string reason;
  /// Why each m= line was refused (empty for answer_mismatch).
  std::vector<stream_rejection> streams;
  /// The final response for a refused offer: 488 Not Acceptable Here (RFC 3261
  /// §13.3.1.3, RFC 3264 §6). A refused answer has none: the dialog is ended with BYE.
  static constexpr int sip_status = 488;
};

}  // namespace voxedge::media
