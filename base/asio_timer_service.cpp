#include "base/asio_timer_service.hpp"

namespace voxedge {

timer_service::handle asio_timer_service::schedule(duration after, std::function<void()> fn) {
  const auto h = queue_.add(now() + after, std::move(fn));
  rearm();
  return h;
}

void asio_timer_service::cancel(handle h) {
  queue_.remove(h);
  // An early expiry with nothing due is harmless; rearming on every cancel would cost
  // a syscall per transaction.
}

void asio_timer_service::clear() {
  queue_ = timer_queue{};
  timer_.cancel();
  armed_for_.reset();
}

void asio_timer_service::rearm() {
  auto next = queue_.next_deadline();
  if (!next) return;
  if (armed_for_ && *armed_for_ <= *next) return;
  armed_for_ = *next;
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: a newer, earlier deadline was armed, or clear()
    armed_for_.reset();
    on_expiry();
  });
}

void asio_timer_service::on_expiry() {
  const auto t = now();
  while (auto fn = queue_.pop_due(t)) (*fn)();
  rearm();
}

}  // namespace voxedge
