#pragma once
// sd_notify(3) for Type=notify: READY=1 once listening, RELOADING=1/READY=1 around a
// SIGHUP reload, STOPPING=1 on shutdown, and WATCHDOG=1 at half of WatchdogSec from the
// control thread's own timer, so a wedged event loop is restarted by systemd.
#include <string_view>

#include "base/timer_service.hpp"

namespace voxedge::daemon {

class systemd_notifier {
 public:
  explicit systemd_notifier(timer_service& timers);

  bool active() const noexcept { return active_; }
  void ready();
  void reloading();
  void stopping();
  void status(std::string_view text);
  /// Starts WATCHDOG=1 pings if the service manager asked for them.
  void start_watchdog();

 private:
  void notify(const std::string& state);
  void ping();

  timer_service& timers_;
  scoped_timer watchdog_;
  duration watchdog_interval_{};
  bool active_ = false;
};

}  // namespace voxedge::daemon
