#include "daemon/metrics/loop_lag_monitor.hpp"

namespace voxedge::daemon {

loop_lag_monitor::loop_lag_monitor(timer_service& timers, prometheus::Histogram& histogram, duration period)
    : timers_(timers), histogram_(histogram), period_(period), timer_(timers) {}

void loop_lag_monitor::start() { arm(); }

void loop_lag_monitor::arm() {
  expected_ = timers_.now() + period_;
  timer_.start(period_, [this] {
    const auto late = timers_.now() - expected_;
    histogram_.Observe(std::chrono::duration<double>(late > duration::zero() ? late : duration::zero()).count());
    arm();
  });
}

}  // namespace voxedge::daemon
