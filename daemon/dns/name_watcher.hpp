#pragma once
// Keeps a set of host names resolved (A and AAAA), for the FQDN entries of allow lists
// and for trunk targets (DESIGN.md §8: "the addresses its FQDNs currently resolve to,
// re-resolved at TTL").
//
// Each name is looked up at once, then again when its TTL runs out, the TTL clamped to
// [dns.ttl_floor_s, dns.ttl_ceiling_s]. What an outcome means:
// - addresses: the new set (a family whose lookup failed without an answer keeps its
//   last good addresses, and the name is retried soon, as for a failure);
// - NXDOMAIN or NODATA: an answer, the empty set (the name has no addresses now); looked
//   up again after the floor, as no negative TTL is known;
// - timeout, SERVFAIL, REFUSED, ...: not an answer. The last good addresses stay and
//   the name is retried after 1 s, 2 s, 4 s, ... capped at the floor.
// The listener hears of a name when its first answer arrives (even an empty one) and
// whenever its address set changes after that (order and repetitions ignored); never
// for a lookup that confirms what it already knew. Until the first answer a name has no
// addresses (addresses() returns nullptr).
//
// Control thread only. The resolver and the timer service must outlive the watcher.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/timer_service.hpp"
#include "config/config.hpp"
#include "daemon/dns/dns_resolver.hpp"

namespace voxedge::daemon::dns {

/// For dns_resolutions_total{result="ok"|"empty"|"failed"}.
struct resolution_counters {
  std::uint64_t ok = 0;      ///< answered with at least one address
  std::uint64_t empty = 0;   ///< NXDOMAIN or NODATA
  std::uint64_t failed = 0;  ///< no answer (timeout, SERVFAIL, ...); last good kept
};

class name_watcher {
 public:
  class listener {
   public:
    virtual ~listener() = default;
    /// `name` (lower case, no trailing dot) now resolves to `addresses`: IPv4 then IPv6,
    /// each in DNS answer order; empty after NXDOMAIN/NODATA. Runs from a resolver
    /// callback; may call watch() and may destroy the watcher. `addresses` is valid for
    /// the call only.
    virtual void on_addresses_changed(const std::string& name,
                                      const std::vector<boost::asio::ip::address>& addresses) = 0;
    /// A lookup of `name` failed without an answer; it is retried after `retry_in`. For
    /// the log. Same rules as above.
    virtual void on_resolution_failed(const std::string& /*name*/, dns_error /*error*/, duration /*retry_in*/) {}
  };

  name_watcher(dns_resolver& resolver, timer_service& timers, const config::dns_settings& settings, listener& l);
  /// Cancels every lookup and timer; the listener hears nothing more.
  ~name_watcher();
  name_watcher(const name_watcher&) = delete;
  name_watcher& operator=(const name_watcher&) = delete;

  /// Makes `names` the watched set: names new to it are looked up now, names no longer
  /// in it are forgotten (their lookups and timers cancelled), the others keep their
  /// state and schedule. Names compare case-insensitively, a trailing dot ignored.
  void watch(const std::vector<std::string>& names);
  /// New TTL bounds (on reload); they apply from each name's next lookup.
  void set_settings(const config::dns_settings& settings);

  /// The last addresses `name` resolved to, or nullptr before its first answer (or when
  /// it is not watched).
  const std::vector<boost::asio::ip::address>* addresses(std::string_view name) const;
  /// The watched names, normalised, sorted.
  std::vector<std::string> names() const;
  const resolution_counters& counters() const noexcept { return counters_; }

 private:
  struct entry;

  void resolve(entry& e);
  void on_result(entry& e, result<address_answer, dns_error> r);
  void schedule(entry& e, duration after);
  duration clamp_ttl(std::uint32_t ttl_s) const;
  duration retry_delay(unsigned failures) const;

  dns_resolver& resolver_;
  timer_service& timers_;
  listener& listener_;
  std::uint32_t ttl_floor_s_;
  std::uint32_t ttl_ceiling_s_;
  std::map<std::string, std::unique_ptr<entry>, std::less<>> entries_;
  resolution_counters counters_;
};

}  // namespace voxedge::daemon::dns
