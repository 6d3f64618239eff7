#pragma once
// What one call leg can do, as input to offer/answer (RFC 3264): the codecs and
// transports the media plane handles on that leg, and the local policy. The resources
// allocated for one exchange (address, ports, keys) are in local_session.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/sdp/connection_data.hpp"
#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/sdp_attributes.hpp"
#include "media/sdp/session_description.hpp"

namespace voxedge::media {

/// A codec a leg can handle. telephone-event (RFC 4733) and CN (RFC 3389) are listed here
/// too: offer/answer recognises them and pairs them with the primary codec's clock rate.
struct codec_capability {
  std::string encoding;  // rtpmap encoding name, compared case-insensitively
  std::uint32_t clock_rate = 8000;
  std::uint32_t channels = 1;  // opus is always "opus/48000/2" (RFC 7587 §7)
  /// The a=fmtp we send with this codec (what we want to receive); empty: none.
  std::string fmtp;
  /// Our payload type in offers. A static codec uses its RFC 3551 number; dynamic ones
  /// 96-127. In answers the offerer's number is mirrored instead (RFC 3264 §6.1).
  std::uint8_t payload_type = 0;
  friend bool operator==(const codec_capability&, const codec_capability&) = default;
};

/// What a leg does for one media type, e.g. the audio of a WebRTC leg.
struct media_capability {
  std::string media = "audio";
  /// Transport protocols accepted, compared case-insensitively; the first is offered.
  std::vector<std::string> protos = {"RTP/AVP"};
  std::vector<codec_capability> codecs;   // preference order
  std::optional<std::uint32_t> ptime;     // a=ptime we ask for, in ms (RFC 8866 §6.4)
  std::optional<std::uint32_t> maxptime;  // a=maxptime (§6.5)
  /// SDES suites for RTP/SAVP(F), preference order (RFC 4568 §6.2). A crypto line
  /// with session parameters or more than one key is not accepted.
  std::vector<std::string> srtp_suites;
  /// This stream's own direction, instead of the leg's (e.g. a receive-only events stream).
  std::optional<media_direction> direction;
};

/// Whose codec order decides which codec an answer picks.
enum class codec_preference {
  offerer,  // the offer's order (RFC 3264 §5.1: formats are listed in preference order)
  local,    // our order, e.g. to avoid transcoding
};

struct leg_capabilities {
  std::vector<media_capability> media;
  /// RFC 5761: offer a=rtcp-mux, and accept it when offered.
  bool rtcp_mux = false;
  /// Our wish for every stream: sendonly or inactive puts the peer on hold (RFC 3264
  /// §8.4, RFC 6337 §5); answers narrow the offered direction by it.
  media_direction direction = media_direction::sendrecv;
  codec_preference preference = codec_preference::offerer;
  /// Answer with one codec (plus telephone-event/CN), so the peer cannot switch codec
  /// mid-stream (RFC 3264 §10.2 "one of N"); otherwise every common codec is answered.
  bool single_codec_answer = true;
  /// Offers state a=sendrecv explicitly (common practice, and unambiguous after a
  /// hold); answers do when the offer did or when the direction is not sendrecv.
  bool explicit_sendrecv = true;
};

/// Our side of one m= line: what the media plane allocated for it.
struct local_stream {
  /// 0: nothing allocated — the stream is rejected in an answer, disabled in an offer.
  std::uint16_t rtp_port = 0;
  /// Written as a=rtcp (RFC 3605) when it is not rtp_port + 1 and RTCP is not muxed.
  std::optional<std::uint16_t> rtcp_port;
  /// SDES keys to use again (a re-offer keeps its keys); fresh ones are made when empty.
  std::vector<crypto_attribute> crypto;
  /// Attributes owned by other layers, e.g. ICE and DTLS: ice-ufrag, ice-pwd, candidate,
  /// fingerprint, setup. Appended as they are.
  sdp_attribute_list extra_attributes;
};

/// The resources of one offer or answer on one leg.
struct local_session {
  sdp_connection address;                              // our advertised address (c=)
  std::vector<local_stream> streams;                   // by m= line index
  sdp_attribute_list session_attributes;               // e.g. a=ice-lite, a=group:BUNDLE
  std::string session_name = "-";                      // s= (RFC 8866 §5.3)
  random_bytes_function random = system_random_bytes;  // SDES key material
};

}  // namespace voxedge::media
