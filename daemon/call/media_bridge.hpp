#pragma once
// SDP across the two legs of a relayed call (RFC 3264 on each leg, no transcoding): what
// we offer one leg given what the other offered us, what we answer given what the other
// answered, and what the relay must be told afterwards. Pure functions over the
// media/sdp model; the call keeps the state.
//
// Relaying without transcoding means both legs must end up on the same codec:
//   - an offer received on one leg is carried to the other with exactly its codecs (and
//     telephone-event/CN), our address and ports, and its direction (RFC 3264 §8.4 hold);
//   - the answer we give is built from the codec the other leg's answer chose, with the
//     payload type numbers mirrored from the offer (§6.1), and the other leg's direction;
//   - the relay rewrites payload types between the legs' numbers.
// Late offer (an INVITE without SDP) is supported: the other leg gets our own list
// (default_capabilities: PCMU, PCMA, telephone-event), and the 2xx we answer with
// carries an offer of the codec that leg chose; the ACK must bring the answer.
//
// SRTP with SDES keys (RFC 4568) is per leg, by the trunk's `srtp` (config::srtp_mode;
// endpoints and users are always off: the inside leg is plain RTP):
//   off       RTP/AVP only. An RTP/SAVP offer is refused (488); a=crypto in an RTP/AVP
//             offer is ignored and the answer is plain.
//   optional  We offer RTP/AVP with a=crypto (best-effort SDES, as widely deployed) and
//             take a plain answer. We accept RTP/SAVP with a usable key, and RTP/AVP,
//             keyed when it carries a usable a=crypto.
//   required  We offer RTP/SAVP. We accept RTP/SAVP, and RTP/AVP only with a usable
//             a=crypto; a plain offer is refused (488), a plain answer ends the call.
// Our offers list AES_CM_128_HMAC_SHA1_80 (tag 1), _32 (tag 2) and, when OpenSSL runs
// it, AEAD_AES_128_GCM (tag 3). Answers take the first offered line we can key
// (including AEAD_AES_128_GCM and the AES-256 suites), echo its tag and carry a fresh key
// of ours, or the one we already use on that leg for the same suite. Lines we cannot use
// (unknown suites, session parameters, several keys, an MKI that does not fit) are
// ignored when another one fits. Keys are never logged: SDP goes to logs redacted.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "daemon/call/media_control.hpp"
#include "media/sdp/leg_capabilities.hpp"
#include "media/sdp/negotiated_session.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/session_description.hpp"
#include "media/sdp/session_version.hpp"

namespace voxedge::daemon {

/// The m= line we relay: the first audio stream with a non-zero port and an RTP/AVP or
/// RTP/SAVP transport (WebRTC's UDP/TLS/RTP/SAVPF is not relayed yet), or nullopt.
/// Whether its transport suits the leg is srtp_offer_problem()'s question.
std::optional<std::size_t> relayed_stream(const media::session_description& sd);

/// The direction `sd` asks for on stream `index`, as its author sees it; a 0.0.0.0
/// connection address (RFC 2543 hold, RFC 3264 §8.4) means it does not want to receive.
media::media_direction offered_direction(const media::session_description& sd, std::size_t index);

/// Capabilities that accept any codec `offer` lists on stream `index`, over RTP/AVP or
/// RTP/SAVP with any suite we can key (to check an offer can be relayed at all before
/// routing it, with streams_to_accept()).
media::leg_capabilities relay_capabilities(const media::session_description& offer, std::size_t index);

/// What to offer the other leg for `offer`'s stream `index`: its codecs, fmtp, ptime and
/// direction. Payload type numbers are the offer's, except that a codec named in
/// `previous` (our last SDP on that leg) keeps its number there, and a number `previous`
/// bound to another codec is not reused (RFC 3264 §8.3.2). The transport is RTP/AVP,
/// or RTP/SAVP with offered_srtp_suites() when `previous` offered RTP/SAVP (a re-offer
/// keeps the leg's protection; make_leg_offer() sets it from the policy instead).
media::leg_capabilities carried_offer(const media::session_description& offer, std::size_t index,
                                      const media::session_description* previous);

/// A re-offer keeps every m= line of our previous SDP on that leg (RFC 3264 §8.1): the
/// single capability of `caps` goes to line `index`, every other line is offered
/// disabled (port 0) with its media type and transport.
media::leg_capabilities keep_lines(media::leg_capabilities caps, const media::session_description* previous,
                                   std::size_t index);

/// Our own list for a late offer: PCMU, PCMA (RFC 3551 numbers) and telephone-event/8000
/// on 101 (RFC 4733), sendrecv.
media::leg_capabilities default_capabilities();

/// What to answer with on one leg when the other leg negotiated `other`: its codec (with
/// the fmtp its peer asked for), its telephone-event and CN, and `direction` (the other
/// peer's answered direction, which we take on as our own towards this leg). Over
/// RTP/AVP or RTP/SAVP, whichever the offer uses: the policy is srtp_offer_problem()'s.
media::leg_capabilities answer_capabilities(const media::negotiated_stream& other, media::media_direction direction);

/// An offer carrying what `other` negotiated (late offer: the 2xx to the A leg), with the
/// payload type numbers we used on that leg.
media::leg_capabilities offer_from_negotiated(const media::negotiated_stream& other, media::media_direction direction);

/// Our side of leg `leg` of the session: one local stream at `index` (the others get no
/// port and are refused or disabled).
media::local_session local_media(const media_endpoints& endpoints, media_leg leg, std::size_t index,
                                 std::size_t stream_count);

/// The relay update for one leg: where its peer receives, which way media may flow,
/// and the payload type rewriting from the other leg's numbers to this one's.
media_leg_update leg_update(const media::negotiated_stream& self, const media::negotiated_stream* other,
                            bool strict_source);

/// "PCMA/8000", or "" when nothing was negotiated.
std::string codec_name(const media::negotiated_stream& s);

// --- SRTP (SDES) ----------------------------------------------------------------------------

/// The suites we offer, in tag order: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32,
/// and AEAD_AES_128_GCM when OpenSSL can run it.
std::vector<std::string> offered_srtp_suites();
/// Every suite we can key when a peer offers it.
std::vector<std::string> accepted_srtp_suites();

/// Why `offer`'s stream `index` may not be accepted on a leg with `policy` (the offer is
/// then answered 488), or nullopt when it may.
std::optional<std::string> srtp_offer_problem(const media::session_description& offer, std::size_t index,
                                              config::srtp_mode policy);

/// make_offer() on a leg with `policy`: the relayed line(s) of `caps` become RTP/SAVP
/// with a=crypto (required), RTP/AVP with a=crypto (optional) or plain RTP/AVP (off).
/// `current`: the leg's negotiated stream; our key in it is offered again for its suite
/// (a re-offer keeps its key, so the contexts keep running).
media::session_description make_leg_offer(media::leg_capabilities caps, media::local_session local,
                                          media::session_version& version, config::srtp_mode policy,
                                          const media::negotiated_stream* current = nullptr);

/// make_answer() on a leg with `policy` (srtp_offer_problem() must have passed): the
/// first usable a=crypto of the offer is answered, on RTP/SAVP and (unless off) on
/// RTP/AVP too; `current` as for make_leg_offer(). Fails like make_answer(), and with
/// no_common_crypto when `policy` is required and no key was agreed.
result<media::sdp_answer, media::negotiation_error> answer_offer(const media::session_description& offer,
                                                                 std::size_t index, media::leg_capabilities caps,
                                                                 media::local_session local,
                                                                 media::session_version& version,
                                                                 config::srtp_mode policy,
                                                                 const media::negotiated_stream* current = nullptr);

/// process_answer() for an offer we made on a leg with `policy`: an RTP/AVP offer of
/// ours with a=crypto is keyed when the answer returns one of our tags with a usable
/// key (RFC 4568 §5.1.3); a key we cannot use refuses the stream; with `policy`
/// required an answer without a key fails with no_common_crypto.
result<media::negotiated_session, media::negotiation_error> read_leg_answer(const media::session_description& offer,
                                                                            const media::session_description& answer,
                                                                            config::srtp_mode policy);

/// The relay's SRTP for a negotiated stream: nullopt for plain RTP. A key the relay
/// could not use (never, after the functions above) still yields SRTP, with an empty
/// key: the relay then drops both ways rather than send in the clear.
std::optional<media::leg_srtp> srtp_of(const media::negotiated_stream& s);

}  // namespace voxedge::daemon
