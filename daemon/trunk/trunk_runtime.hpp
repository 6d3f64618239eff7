#pragma once
// A provider trunk at run time (issue 4): where its calls go (RFC 3263 targets,
// re-located at their TTL), whether each target is alive (OPTIONS pings, call outcomes,
// Retry-After), its digest credentials, and its figures for /metrics.
//
// Calls ask candidates() for the targets to try in order; an empty list means every
// target is down and the call fails fast with 503 instead of waiting for timeouts. Calls
// report what happened to each attempt (report_*), which feeds the same health state the
// pings do.
//
// trunk_directory holds one trunk_runtime per configured trunk and rebuilds them on
// reload: a trunk whose outbound settings did not change keeps its targets and their
// state. Calls hold a shared_ptr, so a trunk removed by a reload lives on until its last
// call ends (its pings stop at once). Control thread only.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "base/timer_service.hpp"
#include "config/config.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/trunk/target_set.hpp"
#include "sip/auth/digest_client.hpp"
#include "sip/message/uri.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

/// RFC 3263 server location, as the trunk needs it (the daemon adapts dns::server_locator;
/// tests fake it). `ttl` says when to locate again.
class target_locator {
 public:
  using located = result<std::vector<trunk_target>, std::string>;
  using callback = std::function<void(located targets, duration ttl)>;

  virtual ~target_locator() = default;
  /// Calls back later (never from inside locate). Results for a trunk that has since
  /// been destroyed are dropped by the trunk itself (it holds a weak reference).
  virtual void locate(const sip::uri& uri, sip::transport_kind transport, callback done) = 0;
};

/// What the trunk needs from the daemon.
struct trunk_environment {
  timer_service& timers;
  sip::transaction_layer& transactions;
  const leg_addressing& addressing;
  target_locator* locator = nullptr;  ///< null: host names cannot be located (503)
  std::string user_agent = "voxedge";
  duration ttl_floor = std::chrono::seconds(30);
  duration ttl_ceiling = std::chrono::hours(1);
};

/// Counters per trunk, for /metrics.
struct trunk_counters {
  std::uint64_t options_sent = 0;
  std::uint64_t options_failed = 0;
  std::uint64_t locate_ok = 0;
  std::uint64_t locate_failed = 0;
  std::uint64_t auth_challenges = 0;   ///< 401/407 answered with credentials
  std::uint64_t auth_failures = 0;     ///< challenged again after answering, or no credentials
  std::uint64_t failovers = 0;         ///< a call moved on to the next target
  std::uint64_t fail_fast = 0;         ///< calls refused at once: no target up
  std::uint64_t targets_went_down = 0;
  std::uint64_t targets_went_up = 0;
};

class trunk_runtime final : public std::enable_shared_from_this<trunk_runtime> {
 public:
  /// With options_interval_s 0, a target marked down by call outcomes is tried again
  /// after this long (nothing else would bring it back).
  static constexpr duration retry_down_without_pings = std::chrono::seconds(30);

  /// `password` is the content of credentials.password_file (trailing newline removed).
  trunk_runtime(trunk_environment& env, config::trunk cfg, std::string password);
  ~trunk_runtime();
  trunk_runtime(const trunk_runtime&) = delete;
  trunk_runtime& operator=(const trunk_runtime&) = delete;

  /// Locates the targets and starts the pings. Separate from the constructor because it
  /// needs shared_from_this.
  void start();
  /// Stops pings and re-location (the trunk was removed or replaced); calls may still use it.
  void stop();
  /// Takes over the targets and their health from the trunk this one replaces (same
  /// outbound settings), so a reload neither forgets a dead target nor re-resolves.
  void adopt(const trunk_runtime& previous);

  const config::trunk& config() const noexcept { return cfg_; }
  const std::string& name() const noexcept { return cfg_.name; }
  /// "trunk:carrier", the label calls and metrics use.
  std::string label() const { return "trunk:" + cfg_.name; }
  /// The parsed outbound URI (nullopt if it does not parse, which config checks prevent).
  const std::optional<sip::uri>& uri() const noexcept { return uri_; }
  sip::transport_kind transport() const noexcept { return transport_; }

  /// Targets a new call may try, in order. Empty: fail fast (see why_unavailable()).
  std::vector<trunk_target> candidates() const;
  /// For the log and the 503: why candidates() is empty.
  std::string why_unavailable() const;
  bool located() const noexcept { return located_; }

  // --- outcomes of call attempts ----------------------------------------------------------
  void report_answered(const target_key& k);  ///< any response: the target is alive
  void report_unreachable(const target_key& k, std::string_view why);
  void report_retry_after(const target_key& k, duration d);
  void count_failover() noexcept { ++counters_.failovers; }
  void count_fail_fast() noexcept { ++counters_.fail_fast; }

  // --- digest (RFC 3261 §22.2, RFC 7616) ---------------------------------------------------
  bool has_credentials() const noexcept { return cfg_.credentials.has_value(); }
  /// The Authorization / Proxy-Authorization header answering `challenge_response` (a
  /// 401/407) for `request`; nullopt when we have no credentials or no usable challenge.
  /// The header name is "Authorization" for 401 and "Proxy-Authorization" for 407.
  std::optional<std::pair<std::string, std::string>> authorize(const sip::message& challenge_response,
                                                               const sip::message& request);
  void count_auth_failure() noexcept { ++counters_.auth_failures; }

  const target_set& targets() const noexcept { return targets_; }
  const trunk_counters& counters() const noexcept { return counters_; }
  /// Whether any target is up (the trunk is usable).
  bool up() const noexcept { return targets_.up_count() > 0; }
  /// The last problem seen locating targets ("" when the last attempt worked).
  const std::string& locate_problem() const noexcept { return locate_problem_; }

 private:
  class pinger;

  void locate();
  void on_located(target_locator::located r, duration ttl);
  void schedule_locate(duration after);
  void sync_pingers();
  void note_change(const target_key& k, target_set::change c, std::string_view why);

  trunk_environment& env_;
  config::trunk cfg_;
  std::string password_;
  std::optional<sip::uri> uri_;
  sip::transport_kind transport_ = sip::transport_kind::tls;
  target_set targets_;
  bool located_ = false;
  bool stopped_ = false;
  std::string locate_problem_;
  scoped_timer locate_timer_;
  std::vector<std::unique_ptr<pinger>> pingers_;
  sip::digest_client digest_;
  trunk_counters counters_;
};

class trunk_directory {
 public:
  explicit trunk_directory(trunk_environment env);
  ~trunk_directory();

  using trunk_map = std::map<std::string, std::shared_ptr<trunk_runtime>>;

  /// Builds (does not start) the trunks of `cfg`, reading password files. The error
  /// names the first password file that cannot be read. Nothing running changes.
  result<trunk_map, std::string> prepare(const config::config& cfg);
  /// Swaps in what prepare() built: trunks whose name and outbound settings are
  /// unchanged keep their targets and health; the others start afresh.
  void commit(trunk_map next);
  /// prepare() then commit().
  result<void, std::string> apply(const config::config& cfg);

  std::shared_ptr<trunk_runtime> find(std::string_view name) const;
  const trunk_map& all() const noexcept { return trunks_; }
  trunk_environment& environment() noexcept { return env_; }

  /// Stops every trunk (shutdown).
  void stop();

 private:
  trunk_environment env_;
  trunk_map trunks_;
};

/// Reads a secret file: the first line, without its line ending. Never logs the content.
result<std::string, std::string> read_password_file(const std::string& path);

}  // namespace voxedge::daemon
