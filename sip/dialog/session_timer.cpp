#include "sip/dialog/session_timer.hpp"

#include <algorithm>

namespace voxedge::sip {

session_timer::session_timer(timer_service& timers, listener& l)
    : listener_(l), refresh_timer_(timers), expiry_timer_(timers) {}

duration session_timer::refresh_after(const negotiated_session& s) noexcept {
  // Halving in milliseconds keeps an odd interval exact (1801 s -> 900.5 s).
  return std::chrono::duration_cast<duration>(std::chrono::milliseconds(s.interval) / 2);
}

duration session_timer::expire_after(const negotiated_session& s) noexcept {
  const auto interval = std::chrono::duration_cast<duration>(s.interval);
  const auto margin = std::min<duration>(std::chrono::seconds(32), interval / 3);
  return interval - margin;
}

void session_timer::start(const negotiated_session& s) {
  session_ = s;
  // §10: both UAs time the session; only the refresher also sends refreshes. The refresher
  // keeps the expiry deadline too, so a refresh that never gets its 2xx (lost, or retried
  // after 491s until too late) still ends the session before the peer's timer does.
  if (s.we_refresh) {
    refresh_timer_.start(refresh_after(s), [this] { on_refresh_timer(); });
  } else {
    refresh_timer_.cancel();
  }
  expiry_timer_.start(expire_after(s), [this] { on_expiry_timer(); });
}

void session_timer::refresh() {
  if (session_) start(*session_);
}

void session_timer::stop() {
  refresh_timer_.cancel();
  expiry_timer_.cancel();
  session_.reset();
}

void session_timer::on_refresh_timer() {
  // Last statement: the listener may restart or destroy us.
  listener_.on_refresh_due();
}

void session_timer::on_expiry_timer() {
  stop();
  listener_.on_expired();
}

}  // namespace voxedge::sip
