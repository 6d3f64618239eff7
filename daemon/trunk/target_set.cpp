#include "daemon/trunk/target_set.hpp"

#include <algorithm>

namespace voxedge::daemon {

std::string target_key::to_string() const {
  const std::string host = address.is_v6() ? '[' + address.to_string() + ']' : address.to_string();
  return std::string(sip::to_string(transport)) + ':' + host + ':' + std::to_string(port);
}

bool target_set::replace(std::vector<trunk_target> located) {
  bool changed = located.size() != targets_.size();
  for (std::size_t i = 0; i < located.size(); ++i) {
    if (!changed && !(located[i].key == targets_[i].key)) changed = true;
    if (const auto* old = find(located[i].key)) {
      const std::string host = located[i].host;
      located[i] = *old;
      located[i].host = host;
    }
  }
  targets_ = std::move(located);
  return changed;
}

std::vector<trunk_target> target_set::candidates(time_point now, duration retry_down_after) const {
  std::vector<trunk_target> out;
  for (const auto& t : targets_) {
    if (t.up && t.retry_after_until <= now) out.push_back(t);
  }
  if (retry_down_after > duration::zero()) {
    for (const auto& t : targets_) {
      if (!t.up && t.retry_after_until <= now && t.down_since + retry_down_after <= now) out.push_back(t);
    }
  }
  return out;
}

target_set::change target_set::record_success(const target_key& k, std::optional<duration> rtt) {
  auto* t = find_mutable(k);
  if (t == nullptr) return change::none;
  t->failures = 0;
  if (rtt) t->last_rtt = rtt;
  if (t->up) return change::none;
  t->up = true;
  return change::went_up;
}

target_set::change target_set::record_failure(const target_key& k, std::string_view why, time_point now) {
  auto* t = find_mutable(k);
  if (t == nullptr) return change::none;
  t->last_problem = std::string(why);
  if (t->failures < UINT32_MAX) ++t->failures;
  if (!t->up) {
    t->down_since = now;  // a failed retry starts the wait again
    return change::none;
  }
  if (t->failures < down_after_) return change::none;
  t->up = false;
  t->down_since = now;
  return change::went_down;
}

void target_set::hold_until(const target_key& k, time_point until) {
  if (auto* t = find_mutable(k)) t->retry_after_until = std::max(t->retry_after_until, until);
}

std::size_t target_set::up_count() const noexcept {
  return static_cast<std::size_t>(std::count_if(targets_.begin(), targets_.end(), [](const trunk_target& t) {
    return t.up;
  }));
}

const trunk_target* target_set::find(const target_key& k) const noexcept {
  const auto it = std::find_if(targets_.begin(), targets_.end(), [&](const trunk_target& t) { return t.key == k; });
  return it == targets_.end() ? nullptr : &*it;
}

trunk_target* target_set::find_mutable(const target_key& k) noexcept {
  const auto it = std::find_if(targets_.begin(), targets_.end(), [&](const trunk_target& t) { return t.key == k; });
  return it == targets_.end() ? nullptr : &*it;
}

}  // namespace voxedge::daemon
