#pragma once
// The states a call goes through, named as the client SDKs show them (DESIGN.md §1), so
// that logs, CDRs, metrics and the SDKs speak one vocabulary. For the B2BUA, a call is
// the pair of legs; the state describes the call as the A side (who called us) sees it.
//
//   NONE ─▶ INCOMING ─▶ OUTGOING_INITIATED ─▶ RINGING / EARLY ─▶ CONNECTING ─▶ ESTABLISHED
//                                                   (late offer: ANSWERING) ──┘      │
//   ESTABLISHED ◀─▶ MEDIA_DISRUPTED ─▶ RENEWING_MEDIA ─▶ ESTABLISHED                  │
//   any ─▶ ENDING ─▶ ENDED ◀─────────────────────────────────────────────────────────┘
#include <cstdint>
#include <string_view>

namespace voxedge::daemon {

enum class call_state : std::uint8_t {
  none,                // created, nothing received yet
  outgoing_initiated,  // our INVITE to the B side is sent, no answer yet
  early,               // early media: a 183 with SDP came from the B side
  ringing,             // a 180 came from the B side
  connecting,          // the B side answered (2xx, ACKed); our 2xx to A awaits its ACK
  incoming,            // A's INVITE arrived; classifying, routing, allocating media
  answering,           // late offer: our 2xx to A carries an offer, its ACK must bring the answer
  established,         // both legs confirmed, media flowing
  media_disrupted,     // no RTP for calls.media_timeout_s on a leg that expects some
  renewing_media,      // RTP came back after a disruption; confirming it stays
  ending,              // hanging up: BYE/CANCEL sent, media being released, CDR pending
  ended,               // over: the CDR is written
};

/// The exact upper-case names: "NONE", "OUTGOING_INITIATED", ...
std::string_view to_string(call_state s) noexcept;

/// ESTABLISHED, MEDIA_DISRUPTED or RENEWING_MEDIA: both dialogs are confirmed.
constexpr bool is_answered(call_state s) noexcept {
  return s == call_state::established || s == call_state::media_disrupted || s == call_state::renewing_media;
}

}  // namespace voxedge::daemon
