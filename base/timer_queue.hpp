#pragma once
// The ordered set of pending timers shared by the real (Asio) and the manual timer
// services: a map keyed by (deadline, sequence) so equal deadlines fire in the order
// they were scheduled.
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "base/timer_service.hpp"

namespace voxedge {

class timer_queue {
 public:
  timer_service::handle add(time_point when, std::function<void()> fn);
  void remove(timer_service::handle h);
  std::optional<time_point> next_deadline() const;
  /// Removes and returns the earliest timer due at or before `now`, if any.
  std::optional<std::function<void()>> pop_due(time_point now);
  std::size_t size() const { return by_deadline_.size(); }

 private:
  using key = std::pair<time_point, timer_service::handle>;
  std::map<key, std::function<void()>> by_deadline_;
  std::unordered_map<timer_service::handle, time_point> deadline_of_;
  timer_service::handle next_ = 1;
};

/// Driven by hand in tests: advance() fires everything that falls due, in order, with
/// now() stepping to each deadline as it fires.
class manual_timer_service final : public timer_service {
 public:
  explicit manual_timer_service(time_point start = time_point{} + std::chrono::hours(1)) : now_(start) {}
  time_point now() const override { return now_; }
  handle schedule(duration after, std::function<void()> fn) override;
  void cancel(handle h) override { queue_.remove(h); }

  void advance(duration d);
  std::size_t pending() const { return queue_.size(); }

 private:
  time_point now_;
  timer_queue queue_;
};

}  // namespace voxedge
