#pragma once
// The RFC 4028 §10 session timer of one dialog: when we are the refresher, it says when
// to send the refresh; either way it says when the session has expired and must be ended
// with a BYE. Time comes from the timer_service (tests drive manual_timer_service).
#include <optional>

#include "base/timer_service.hpp"
#include "sip/dialog/session_negotiation.hpp"

namespace voxedge::sip {

class session_timer {
 public:
  /// Called on the control thread from inside a timer_service callback, never from inside
  /// a method of session_timer. The callee may call any method of the timer (refresh(),
  /// start(), stop()) and may destroy it: the timer touches nothing after the call
  /// returns.
  class listener {
   public:
    /// We are the refresher and half the interval has passed (§10: "It is RECOMMENDED that
    /// this refresh be sent once half the session interval has elapsed"): send a re-INVITE
    /// or UPDATE decorated by session_negotiation::add_to_request, and call refresh() with
    /// the outcome of its 2xx. If no 2xx comes, on_expired() follows.
    virtual void on_refresh_due() = 0;
    /// No refresh arrived in time (§10): send a BYE. The timer has stopped.
    virtual void on_expired() = 0;

   protected:
    ~listener() = default;
  };

  /// `timers` and `l` must outlive the session_timer.
  session_timer(timer_service& timers, listener& l);
  session_timer(const session_timer&) = delete;
  session_timer& operator=(const session_timer&) = delete;

  /// (Re)starts the timer for `s`, counting from now: after every successful refresh
  /// transaction, whichever side sent it (§10). Re-arms both deadlines.
  void start(const negotiated_session& s);
  /// A refresh succeeded with unchanged terms: restart from now. No-op when stopped.
  void refresh();
  /// The session timer is off (no session expiration, §7.2) or the call is over.
  void stop();

  bool running() const noexcept { return session_.has_value(); }
  const std::optional<negotiated_session>& session() const noexcept { return session_; }

  /// §10: the refresher refreshes at half the interval.
  static duration refresh_after(const negotiated_session& s) noexcept;
  /// §10: the side that does not refresh and sees no refresh sends a BYE slightly before
  /// the session expires, by the minimum of 32 s and a third of the interval: interval -
  /// min(32 s, interval / 3). Also the refresher's deadline for a refresh that got no 2xx.
  static duration expire_after(const negotiated_session& s) noexcept;

 private:
  void on_refresh_timer();
  void on_expiry_timer();

  listener& listener_;
  scoped_timer refresh_timer_;
  scoped_timer expiry_timer_;
  std::optional<negotiated_session> session_;
};

}  // namespace voxedge::sip
