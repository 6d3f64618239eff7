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
#include <cstddef>
#include <optional>

#include "daemon/call/media_control.hpp"
#include "media/sdp/leg_capabilities.hpp"
#include "media/sdp/negotiated_session.hpp"
#include "media/sdp/session_description.hpp"

namespace voxedge::daemon {

/// The m= line we relay: the first audio stream with a non-zero port and an RTP/AVP
/// transport (SRTP and WebRTC legs are not relayed yet), or nullopt.
std::optional<std::size_t> relayed_stream(const media::session_description& sd);

/// The direction `sd` asks for on stream `index`, as its author sees it; a 0.0.0.0
/// connection address (RFC 2543 hold, RFC 3264 §8.4) means it does not want to receive.
media::media_direction offered_direction(const media::session_description& sd, std::size_t index);

/// Capabilities that accept any codec `offer` lists on stream `index` (to check an offer
/// can be relayed at all before routing it, with streams_to_accept()).
media::leg_capabilities relay_capabilities(const media::session_description& offer, std::size_t index);

/// What to offer the other leg for `offer`'s stream `index`: its codecs, fmtp, ptime and
/// direction. Payload type numbers are the offer's, except that a codec named in
/// `previous` (our last SDP on that leg) keeps its number there, and a number `previous`
/// bound to another codec is not reused (RFC 3264 §8.3.2).
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
/// peer's answered direction, which we take on as our own towards this leg).
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

}  // namespace voxedge::daemon
