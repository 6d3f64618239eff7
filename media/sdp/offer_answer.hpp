#pragma once
// The offer/answer model (RFC 3264) for one leg of the B2BUA: answering a received offer
// from the leg's capabilities, making an offer for a leg we call out on (or re-offer, as
// for hold), and reading the answer to our offer. Each returns what the media plane
// needs per m= line (negotiated_session) and, where we write SDP, the description.
//
// Policy, in brief: every m= line of an offer gets one in the answer, in order, port 0
// when refused (§6); the offer's payload type numbers are mirrored (§6.1); telephone-event
// and CN are answered at the clock rate of the chosen codec (RFC 4733, RFC 3389); the answered
// direction is the offered one reversed and narrowed by our own (§6.1, §8.4); rtcp-mux is
// answered only when offered and wanted (RFC 5761 §5.1.1); SDES answers echo the tag and
// suite of the first acceptable offered key with a key of our own (RFC 4568 §5.1.2).
#include <vector>

#include "base/result.hpp"
#include "media/sdp/leg_capabilities.hpp"
#include "media/sdp/negotiated_session.hpp"
#include "media/sdp/session_description.hpp"
#include "media/sdp/session_version.hpp"

namespace voxedge::media {

struct sdp_answer {
  session_description sdp;
  negotiated_session negotiated;
};

/// Which m= lines of `offer` make_answer() would accept given a port: allocate ports for
/// these before answering.
std::vector<bool> streams_to_accept(const session_description& offer, const leg_capabilities& caps);

/// Answers a received offer (RFC 3264 §6). Fails — answer 488 — when no stream can be
/// accepted, unless the offerer itself disabled every stream (then all-rejected is the
/// valid answer, §8.2). `version` stamps the o= line (and counts changes).
result<sdp_answer, negotiation_error> make_answer(const session_description& offer, const leg_capabilities& caps,
                                                  const local_session& local, session_version& version);

/// An offer with one m= line per media capability, in order (RFC 3264 §5). A re-offer
/// must keep the earlier m= lines (§8): pass the same capabilities, with port 0 for a
/// stream being removed.
session_description make_offer(const leg_capabilities& caps, const local_session& local, session_version& version);

/// Reads the answer to our `offer` (RFC 3264 §7). Tolerates answers that list codecs we
/// did not offer (they are ignored) or that renumber our payload types (§6.1 permits it).
result<negotiated_session, negotiation_error> process_answer(const session_description& offer,
                                                             const session_description& answer);

}  // namespace voxedge::media
