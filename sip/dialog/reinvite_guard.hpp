#pragma once
// Glare between session modifications inside one dialog (RFC 3261 §14, RFC 3311 §5):
// which INVITE/UPDATE transactions are in progress in each direction, what to answer a
// request that collides with one, and how long to wait before retrying after a 491.
//
// Offer/answer state (who has an SDP offer outstanding) belongs to the call; the UPDATE
// checks take it as arguments.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "base/timer_service.hpp"

namespace voxedge::sip {

/// What to answer an incoming re-INVITE or UPDATE.
enum class glare_verdict : std::uint8_t {
  proceed,          // no conflict: process the request
  request_pending,  // answer 491 Request Pending (§14.2, RFC 3311 §5.2)
  retry_later,      // answer 500 with Retry-After: retry_after_seconds() (§14.2, RFC 3311 §5.2)
};

std::string_view to_string(glare_verdict v) noexcept;

/// §14.1: after a 491 to our re-INVITE, wait a random 2.1-4 s when we own the dialog's
/// Call-ID (we were the UAC that created it), else 0-2 s, in 10 ms units, so the two
/// sides do not collide again. `random` is any uniformly distributed value.
duration glare_retry_delay(bool call_id_owner, std::uint64_t random) noexcept;
/// §14.2, RFC 3311 §5.2: the Retry-After of the 500, a random 0-10 s.
std::uint32_t retry_after_seconds(std::uint64_t random) noexcept;

/// Bookkeeping of the INVITE and UPDATE transactions in progress on one dialog. Plain
/// state, no timers: the call arms the retry timer with glare_retry_delay().
class reinvite_guard {
 public:
  /// Our re-INVITE was sent and has no final response yet: the `pending_reinvite` flag.
  bool pending_reinvite() const noexcept { return outgoing_invite_; }
  /// Their re-INVITE arrived and we have not sent its final response yet.
  bool incoming_reinvite() const noexcept { return incoming_invite_; }
  /// §14.1: a UAC MUST NOT start an INVITE transaction while another one is in progress
  /// in either direction. A false answer means: wait for it to finish, then retry.
  bool can_send_reinvite() const noexcept { return !outgoing_invite_ && !incoming_invite_; }
  /// RFC 3311 §5.1: likewise no second UPDATE of ours before the first one completes.
  bool can_send_update() const noexcept { return !outgoing_update_; }

  void on_reinvite_sent() noexcept { outgoing_invite_ = true; }
  /// A final response (or a timeout / transport error) ended our re-INVITE. Returns
  /// true for 491: the call retries after glare_retry_delay() (§14.1).
  bool on_reinvite_completed(int status) noexcept;
  void on_update_sent() noexcept { outgoing_update_ = true; }
  /// Like on_reinvite_completed, for our UPDATE (RFC 3311 §5.1 applies §14.1's timer).
  bool on_update_completed(int status) noexcept;

  /// A re-INVITE arrived on the dialog. On `proceed` it is recorded as in progress until
  /// on_reinvite_answered(); the other verdicts record nothing (the call answers them at
  /// once).
  glare_verdict on_reinvite_received() noexcept;
  /// We sent the final response to the re-INVITE accepted by on_reinvite_received().
  void on_reinvite_answered() noexcept { incoming_invite_ = false; }

  /// An UPDATE arrived (RFC 3311 §5.2). `has_offer`: it carries an SDP offer;
  /// `local_offer_pending`: we sent an offer (INVITE, UPDATE or PRACK) that is not
  /// answered yet; `remote_offer_pending`: we received an offer we have not answered.
  /// On `proceed` it is recorded until on_update_answered().
  glare_verdict on_update_received(bool has_offer, bool local_offer_pending, bool remote_offer_pending) noexcept;
  void on_update_answered() noexcept { incoming_update_ = false; }

 private:
  bool outgoing_invite_ = false;
  bool incoming_invite_ = false;
  bool outgoing_update_ = false;
  bool incoming_update_ = false;
};

}  // namespace voxedge::sip
