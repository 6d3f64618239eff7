#include "sip/dialog/reinvite_guard.hpp"

namespace voxedge::sip {

std::string_view to_string(glare_verdict v) noexcept {
  switch (v) {
    case glare_verdict::proceed: return "proceed";
    case glare_verdict::request_pending: return "request_pending";
    case glare_verdict::retry_later: return "retry_later";
  }
  return "proceed";
}

duration glare_retry_delay(bool call_id_owner, std::uint64_t random) noexcept {
  using std::chrono::milliseconds;
  // §14.1: "in units of 10 ms". 2.1-4 s is 191 steps of 10 ms (2100, 2110, ... 4000),
  // 0-2 s is 201 steps (0, 10, ... 2000); both bounds included.
  if (call_id_owner) return milliseconds(2100 + static_cast<long long>(random % 191) * 10);
  return milliseconds(static_cast<long long>(random % 201) * 10);
}

std::uint32_t retry_after_seconds(std::uint64_t random) noexcept {
  // §14.2: "a randomly chosen value of between 0 and 10 seconds"; Retry-After counts
  // whole seconds (§20.33).
  return static_cast<std::uint32_t>(random % 11);
}

bool reinvite_guard::on_reinvite_completed(int status) noexcept {
  outgoing_invite_ = false;
  return status == 491;
}

bool reinvite_guard::on_update_completed(int status) noexcept {
  outgoing_update_ = false;
  return status == 491;
}

glare_verdict reinvite_guard::on_reinvite_received() noexcept {
  // §14.2: "A UAS that receives a second INVITE before it sends the final response to a
  // first INVITE with a lower CSeq sequence number on the same dialog MUST return a 500
  // (Server Internal Error) response to the second INVITE and MUST include a
  // Retry-After header field".
  if (incoming_invite_) return glare_verdict::retry_later;
  // §14.2: "A UAS that receives an INVITE on a dialog while an INVITE it had sent on that
  // dialog is in progress MUST return a 491 (Request Pending) response".
  if (outgoing_invite_) return glare_verdict::request_pending;
  incoming_invite_ = true;
  return glare_verdict::proceed;
}

glare_verdict reinvite_guard::on_update_received(bool has_offer, bool local_offer_pending,
                                                 bool remote_offer_pending) noexcept {
  // RFC 3311 §5.2: an UPDATE before we answered the previous one gets 500 + Retry-After.
  if (incoming_update_) return glare_verdict::retry_later;
  if (has_offer) {
    // RFC 3311 §5.2: an offer crossing ours is glare (491); an offer on top of one we
    // have not answered yet is 500 + Retry-After.
    if (local_offer_pending) return glare_verdict::request_pending;
    if (remote_offer_pending) return glare_verdict::retry_later;
  }
  incoming_update_ = true;
  return glare_verdict::proceed;
}

}  // namespace voxedge::sip
