#pragma once
// Time as the signalling code sees it. Everything that waits (transaction timers, TCP idle
// timeouts, registrations, DNS TTLs) asks a timer_service instead of a clock or an Asio
// timer directly, so unit tests drive it with manual_timer_service and never sleep.
#include <chrono>
#include <cstdint>
#include <functional>

namespace voxedge {

using steady_clock = std::chrono::steady_clock;
using time_point = steady_clock::time_point;
using duration = steady_clock::duration;

class timer_service {
 public:
  using handle = std::uint64_t;
  static constexpr handle invalid_handle = 0;

  virtual ~timer_service() = default;

  virtual time_point now() const = 0;

  /// Runs `fn` once, `after` from now, on the thread that owns this service. The callback
  /// may schedule and cancel timers, including its own handle (which is then a no-op).
  virtual handle schedule(duration after, std::function<void()> fn) = 0;

  /// Cancels a pending timer; unknown or already-fired handles are ignored.
  virtual void cancel(handle h) = 0;
};

/// A timer that cancels itself when destroyed: the usual way to hold one.
class scoped_timer {
 public:
  scoped_timer() = default;
  explicit scoped_timer(timer_service& ts) : ts_(&ts) {}
  scoped_timer(const scoped_timer&) = delete;
  scoped_timer& operator=(const scoped_timer&) = delete;
  scoped_timer(scoped_timer&& o) noexcept : ts_(o.ts_), h_(o.h_) { o.h_ = timer_service::invalid_handle; }
  scoped_timer& operator=(scoped_timer&& o) noexcept {
    if (this != &o) {
      cancel();
      ts_ = o.ts_;
      h_ = o.h_;
      o.h_ = timer_service::invalid_handle;
    }
    return *this;
  }
  ~scoped_timer() { cancel(); }

  void bind(timer_service& ts) { ts_ = &ts; }
  void start(duration after, std::function<void()> fn) {
    cancel();
    h_ = ts_->schedule(after, [this, f = std::move(fn)] {
      h_ = timer_service::invalid_handle;
      f();
    });
  }
  void cancel() {
    if (ts_ != nullptr && h_ != timer_service::invalid_handle) ts_->cancel(h_);
    h_ = timer_service::invalid_handle;
  }
  bool pending() const { return h_ != timer_service::invalid_handle; }

 private:
  timer_service* ts_ = nullptr;
  timer_service::handle h_ = timer_service::invalid_handle;
};

}  // namespace voxedge
