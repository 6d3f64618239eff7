#include "base/timer_queue.hpp"

namespace voxedge {

timer_service::handle timer_queue::add(time_point when, std::function<void()> fn) {
  const auto h = next_++;
  by_deadline_.emplace(key{when, h}, std::move(fn));
  deadline_of_.emplace(h, when);
  return h;
}

void timer_queue::remove(timer_service::handle h) {
  auto it = deadline_of_.find(h);
  if (it == deadline_of_.end()) return;
  by_deadline_.erase(key{it->second, h});
  deadline_of_.erase(it);
}

std::optional<time_point> timer_queue::next_deadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first.first;
}

std::optional<std::function<void()>> timer_queue::pop_due(time_point now) {
  if (by_deadline_.empty()) return std::nullopt;
  auto it = by_deadline_.begin();
  if (it->first.first > now) return std::nullopt;
  auto fn = std::move(it->second);
  deadline_of_.erase(it->first.second);
  by_deadline_.erase(it);
  return fn;
}

timer_service::handle manual_timer_service::schedule(duration after, std::function<void()> fn) {
  return queue_.add(now_ + after, std::move(fn));
}

void manual_timer_service::advance(duration d) {
  const auto until = now_ + d;
  while (true) {
    auto next = queue_.next_deadline();
    if (!next || *next > until) break;
    if (*next > now_) now_ = *next;
    if (auto fn = queue_.pop_due(now_)) (*fn)();
  }
  now_ = until;
}

}  // namespace voxedge
