#include "daemon/call/media_supervisor.hpp"

namespace voxedge::daemon {

namespace {

std::size_t slot(media_leg l) noexcept { return l == media_leg::a ? 0 : 1; }

}  // namespace

media_supervisor::media_supervisor(timer_service& timers, listener& l, duration hangup_after, duration renewal,
                                   duration silence_limit)
    : listener_(l),
      hangup_after_(hangup_after),
      renewal_(renewal),
      silence_limit_(silence_limit),
      answered_silence_timer_(timers),
      hangup_timer_(timers),
      renewal_timer_(timers) {}

void media_supervisor::on_established(bool held) {
  if (held || !(silent_[0] || silent_[1])) return;
  answered_silence_timer_.start(silence_limit_, [this] {
    // Media that came back meanwhile was reported by the relay and cleared the flag.
    if (silent_[0] || silent_[1]) {
      on_timeout(silent_[0] ? media_leg::a : media_leg::b, call_state::established, false);
    }
  });
}

void media_supervisor::on_timeout(media_leg leg, call_state state, bool held) {
  silent_[slot(leg)] = true;
  if (state != call_state::established && state != call_state::renewing_media) return;
  if (held) return;  // on hold, silence is expected
  renewal_timer_.cancel();
  listener_.on_media_state(call_state::media_disrupted);
  if (hangup_after_ > duration::zero() && !hangup_timer_.pending()) {
    hangup_timer_.start(hangup_after_, [this] { listener_.on_media_lost(); });
  }
}

void media_supervisor::on_resumed(media_leg leg, call_state state) {
  silent_[slot(leg)] = false;
  if (state != call_state::media_disrupted || silent_[0] || silent_[1]) return;
  hangup_timer_.cancel();
  listener_.on_media_state(call_state::renewing_media);
  renewal_timer_.start(renewal_, [this] { listener_.on_media_state(call_state::established); });
}

void media_supervisor::on_session_changed(call_state state, bool held) {
  if (held) {
    answered_silence_timer_.cancel();  // on hold, silence is expected
    if (state != call_state::media_disrupted && state != call_state::renewing_media) return;
    stop();
    listener_.on_media_state(call_state::established);
    return;
  }
  // Off hold with a leg still silent: the relay reports a silence once, so it is a
  // disruption now (the hang-up timer starts afresh).
  if (state == call_state::established && (silent_[0] || silent_[1])) {
    on_timeout(silent_[0] ? media_leg::a : media_leg::b, state, false);
  }
}

void media_supervisor::stop() {
  answered_silence_timer_.cancel();
  hangup_timer_.cancel();
  renewal_timer_.cancel();
}

}  // namespace voxedge::daemon
