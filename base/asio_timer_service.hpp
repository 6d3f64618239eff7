#pragma once
// timer_service on an Asio io_context: one steady_timer armed for the earliest deadline.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/timer_queue.hpp"

namespace voxedge {

class asio_timer_service final : public timer_service {
 public:
  explicit asio_timer_service(boost::asio::io_context& io) : timer_(io) {}
  time_point now() const override { return steady_clock::now(); }
  handle schedule(duration after, std::function<void()> fn) override;
  void cancel(handle h) override;
  /// Drops every pending timer (used on shutdown).
  void clear();

 private:
  void rearm();
  void on_expiry();

  boost::asio::steady_timer timer_;
  timer_queue queue_;
  std::optional<time_point> armed_for_;
};

}  // namespace voxedge
