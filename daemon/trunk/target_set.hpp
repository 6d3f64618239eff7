#pragma once
// The servers one trunk can send to, in RFC 3263 order, with what we know of their
// health. Pure bookkeeping on an injected clock: the trunk feeds it the located targets
// (re-resolved at their TTL), the OPTIONS pings and every call attempt's outcome, and
// asks it which targets a new call may try, in order.
//
// Health rules:
//   - a target starts up (unknown counts as up, so the first call need not wait for a
//     ping);
//   - `down_after` failures in a row (ping unanswered, transport error, no provisional
//     response within the attempt timeout) mark it down; one success marks it up;
//   - a 503 with Retry-After (RFC 3261 §21.5.4) takes it out of rotation until then
//     without marking it down: it is alive, just refusing work;
//   - a down target still gets pings, so it comes back by itself.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/timer_service.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::daemon {

/// One place to send to: what RFC 3263 yields.
struct target_key {
  sip::transport_kind transport = sip::transport_kind::udp;
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  friend bool operator==(const target_key&, const target_key&) = default;
  /// "tls:192.0.2.1:5061"
  std::string to_string() const;
};

struct trunk_target {
  target_key key;
  std::string host;  ///< the name it was found under (SRV target or URI host), for logs
  bool up = true;
  std::uint32_t failures = 0;        ///< in a row
  time_point retry_after_until{};    ///< out of rotation until then (503 Retry-After)
  time_point down_since{};           ///< when it was last marked down
  std::optional<duration> last_rtt;  ///< of the last answered OPTIONS ping
  std::string last_problem;          ///< why it last failed, for logs and /metrics
};

class target_set {
 public:
  enum class change : std::uint8_t { none, went_down, went_up };

  explicit target_set(std::uint32_t down_after = 2) : down_after_(down_after == 0 ? 1 : down_after) {}

  void set_down_after(std::uint32_t n) noexcept { down_after_ = n == 0 ? 1 : n; }

  /// A new resolution, in order. Targets seen before keep their state; others start up.
  /// Returns true when the list differs from the previous one.
  bool replace(std::vector<trunk_target> located);

  /// The targets a new call may try, in order: up and not held back by Retry-After.
  /// `retry_down_after` > 0: a target down for that long is tried again (after the up
  /// ones), for trunks without pings, where nothing else would ever bring it back.
  std::vector<trunk_target> candidates(time_point now, duration retry_down_after = duration::zero()) const;

  change record_success(const target_key& k, std::optional<duration> rtt = std::nullopt);
  change record_failure(const target_key& k, std::string_view why, time_point now = {});
  /// A 503 with Retry-After: skip `k` until `until`.
  void hold_until(const target_key& k, time_point until);

  std::size_t up_count() const noexcept;
  bool empty() const noexcept { return targets_.empty(); }
  const std::vector<trunk_target>& targets() const noexcept { return targets_; }
  const trunk_target* find(const target_key& k) const noexcept;

 private:
  trunk_target* find_mutable(const target_key& k) noexcept;

  std::uint32_t down_after_;
  std::vector<trunk_target> targets_;
};

}  // namespace voxedge::daemon
