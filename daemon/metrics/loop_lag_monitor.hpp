#pragma once
// Measures how late the control thread's event loop runs a timer that asked to fire
// every `period`: the lateness is how long a SIP message may wait before it is handled.
#include <prometheus/histogram.h>

#include "base/timer_service.hpp"

namespace voxedge::daemon {

class loop_lag_monitor {
 public:
  loop_lag_monitor(timer_service& timers, prometheus::Histogram& histogram,
                   duration period = std::chrono::milliseconds(250));
  void start();

 private:
  void arm();

  timer_service& timers_;
  prometheus::Histogram& histogram_;
  duration period_;
  time_point expected_{};
  scoped_timer timer_;
};

}  // namespace voxedge::daemon
