#pragma once
// RTP timeout supervision of one answered call: no media on a leg that expects some for
// calls.media_timeout_s (the relay's rtp_timeout) makes the call MEDIA_DISRUPTED; media
// coming back makes it RENEWING_MEDIA, and ESTABLISHED once it has kept flowing for a
// short while; still nothing calls.media_hangup_s after the disruption and the call is
// hung up. A call on hold (any leg not sendrecv) expects silence and is never disrupted.
#include "base/timer_service.hpp"
#include "daemon/call/call_state.hpp"
#include "daemon/call/media_control.hpp"

namespace voxedge::daemon {

class media_supervisor {
 public:
  /// The call. Called from inside a media_supervisor method or one of its timers; may
  /// stop() the supervisor but not destroy it from inside.
  class listener {
   public:
    /// Move the call to MEDIA_DISRUPTED, RENEWING_MEDIA or back to ESTABLISHED.
    virtual void on_media_state(call_state s) = 0;
    /// Media did not come back in time: hang up.
    virtual void on_media_lost() = 0;

   protected:
    ~listener() = default;
  };

  /// `hangup_after` zero: never hang up for silence.
  /// `silence_limit`: the relay's RTP timeout, used by on_established.
  media_supervisor(timer_service& timers, listener& l, duration hangup_after, duration renewal,
                   duration silence_limit);

  /// The relay reported silence / media again on `leg`. `state` is the call's now;
  /// `held`: a leg is on hold.
  void on_timeout(media_leg leg, call_state state, bool held);
  void on_resumed(media_leg leg, call_state state);
  /// The session changed: going on hold ends a disruption; coming off hold with a leg
  /// still silent starts one.
  void on_session_changed(call_state state, bool held);
  /// The call has just been answered. A leg the relay already reported silent (it rang
  /// longer than the RTP timeout, with no early media) is not reported again: if it is
  /// still silent one silence_limit from now, that is a disruption.
  void on_established(bool held);
  void stop();

 private:
  listener& listener_;
  duration hangup_after_;
  duration renewal_;
  bool silent_[2] = {false, false};
  duration silence_limit_;
  scoped_timer answered_silence_timer_;
  scoped_timer hangup_timer_;
  scoped_timer renewal_timer_;
};

}  // namespace voxedge::daemon
