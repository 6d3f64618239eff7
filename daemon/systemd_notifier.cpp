#include "daemon/systemd_notifier.hpp"

#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace voxedge::daemon {

systemd_notifier::systemd_notifier(timer_service& timers)
    : timers_(timers), watchdog_(timers), active_(std::getenv("NOTIFY_SOCKET") != nullptr) {}

void systemd_notifier::notify(const std::string& state) {
  if (!active_) return;
  if (sd_notify(0, state.c_str()) < 0) spdlog::warn("systemd: sd_notify({}) failed", state);
}

void systemd_notifier::ready() { notify("READY=1"); }
void systemd_notifier::reloading() { notify("RELOADING=1"); }
void systemd_notifier::stopping() { notify("STOPPING=1"); }
void systemd_notifier::status(std::string_view text) { notify("STATUS=" + std::string(text)); }

void systemd_notifier::start_watchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  watchdog_interval_ = std::chrono::microseconds(usec / 2);
  spdlog::info("systemd: watchdog every {} ms", usec / 2000);
  ping();
}

void systemd_notifier::ping() {
  notify("WATCHDOG=1");
  watchdog_.start(watchdog_interval_, [this] { ping(); });
}

}  // namespace voxedge::daemon
