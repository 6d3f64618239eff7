#pragma once
// Session modification in an answered call (RFC 3261 §14, RFC 3311, RFC 3264 §8): a
// re-INVITE or UPDATE that arrives on one leg.
//
//   - A changed offer is carried to the other leg as a re-INVITE (whatever arrived: every
//     peer supports re-INVITE, not every one UPDATE) with the offer's codecs and
//     direction, so hold and resume (sendonly / recvonly / inactive, RFC 3264 §8.4) pass
//     through; the other leg's answer is mapped back into our answer, and the call
//     updates the relay. A failure comes back through failure_mapping (491 stays 491, so
//     the originator retries after its §14.1 interval).
//   - An unchanged offer (same o= version: a session refresh, RFC 4028 §10), an UPDATE
//     without SDP, and a re-INVITE without SDP (we offer in the 2xx, the ACK answers) are
//     answered here without bothering the other leg.
//   - Glare (§14.2, RFC 3311 §5.2): the dialog's reinvite_guard decides 491 / 500 with
//     Retry-After; one modification at a time per call, so a crossing one gets 491.
//   - Session timers are answered per leg (call_leg::session_answer).
//   - A digest challenge to the re-INVITE we relayed (a trunk, RFC 3261 §22.2) is
//     answered by the other leg's call_leg::retry_with_credentials; one it cannot answer
//     comes back through failure_mapping (401/407 -> 403).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.hpp"
#include "daemon/call/call_leg.hpp"
#include "daemon/call/media_control.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

class session_relay final : private sip::transaction_layer::client_listener {
 public:
  /// The call. Called on the control thread from inside a session_relay method or a
  /// transaction callback; must not destroy the session_relay from inside.
  class listener {
   public:
    /// A leg's negotiated stream changed (hold, resume, new address or codec numbers).
    virtual void on_session_changed() = 0;
    /// A leg's dialog is gone (481, 408 or no answer to our re-INVITE, §12.2.1.2).
    virtual void on_session_lost(std::string_view why) = 0;

   protected:
    ~listener() = default;
  };

  session_relay(sip::transaction_layer& transactions, call_leg& a, call_leg& b, listener& l, std::string server);
  ~session_relay();
  session_relay(const session_relay&) = delete;
  session_relay& operator=(const session_relay&) = delete;

  void set_media(const media_endpoints& e) { media_ = e; }
  /// Each leg's SRTP policy (media_bridge.hpp): re-offers are checked and answered by it.
  void set_srtp(config::srtp_mode a, config::srtp_mode b) {
    srtp_[0] = a;
    srtp_[1] = b;
  }

  /// A re-INVITE or UPDATE on `x` that its dialog accepted (§12.2.2). `ready`: the call
  /// is answered and confirmed; before that every modification gets 491.
  void on_request(call_leg& x, sip::server_transaction_handle h, sip::message&& req, bool ready);
  /// Our next 2xx to an INVITE on `x` carries an offer (late offer, or a re-INVITE without
  /// SDP): its ACK must bring the answer.
  void expect_answer_in_ack(const call_leg& x) { offer_in_2xx_[index(x)] = true; }
  /// An ACK on `x` that acknowledged our 2xx. True unless it had to bring an answer and
  /// the answer is missing or unusable (the call then ends, RFC 3264 §5 leaves no other way).
  bool on_ack(call_leg& x, const sip::message& ack);
  /// CANCEL for a request we are relaying (§9.2): 487 to it, CANCEL onwards. False when
  /// `h` is not one of ours.
  bool on_cancel(sip::server_transaction_handle h);
  /// The call is ending: a request still being relayed is answered 500.
  void abort();
  bool busy() const noexcept { return mod_.has_value(); }

 private:
  struct modification {
    media_leg from = media_leg::a;
    sip::server_transaction_handle server;
    sip::message request;  // what arrived, without its body (for make_response)
    media::session_description offer;
    std::size_t index = 0;
    std::optional<sip::session_timer_answer> timers;
    media::session_description forwarded;  // our offer to the other leg
    sip::client_transaction_handle client;
    call_leg::sent_request out;  // the re-INVITE as sent, when a challenge can be answered
  };
  struct sent {
    media_leg to = media_leg::b;
    bool answered = false;
  };

  static std::size_t index(const call_leg& x) noexcept { return x.side() == media_leg::a ? 0 : 1; }
  call_leg& leg(media_leg l) noexcept { return l == media_leg::a ? a_ : b_; }
  call_leg& other(const call_leg& x) noexcept { return x.side() == media_leg::a ? b_ : a_; }

  void answer_locally(call_leg& x, sip::server_transaction_handle h, const sip::message& req,
                      const std::optional<sip::session_timer_answer>& timers, const media::session_description* offer);
  void relay(call_leg& x, sip::server_transaction_handle h, sip::message&& req, media::session_description offer,
             std::size_t offer_index, std::optional<sip::session_timer_answer> timers);
  void finish(int status, const media::session_description* sdp, const std::string& reason_header = {});
  /// A response on a request the guard admitted: releases the guard.
  void respond(call_leg& x, sip::server_transaction_handle h, sip::message resp, bool invite);
  sip::message response(const sip::message& req, int status, std::string_view reason = {}) const;

  // sip::transaction_layer::client_listener
  void on_provisional(sip::client_transaction_handle, sip::message&&) override {}
  void on_final(sip::client_transaction_handle h, sip::message&& r) override;
  void on_timeout(sip::client_transaction_handle h) override;
  void on_transport_error(sip::client_transaction_handle h) override;
  void on_failed(sip::client_transaction_handle h, std::string_view why);
  /// Our re-INVITE on `y` was challenged: sends it again with credentials. False when not.
  bool retry_challenged(call_leg& y, const sip::message& challenge);

  sip::transaction_layer& transactions_;
  call_leg& a_;
  call_leg& b_;
  listener& listener_;
  std::string server_;
  media_endpoints media_;
  config::srtp_mode srtp_[2] = {config::srtp_mode::off, config::srtp_mode::off};
  config::srtp_mode srtp(const call_leg& x) const noexcept { return srtp_[index(x)]; }
  std::optional<modification> mod_;
  bool offer_in_2xx_[2] = {false, false};
  std::unordered_map<std::uint64_t, sent> sent_;  // our re-INVITEs and CANCELs, detached at the end
};

}  // namespace voxedge::daemon
