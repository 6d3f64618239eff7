#include "daemon/dns/name_watcher.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace voxedge::daemon::dns {

namespace {

using boost::asio::ip::address;

std::vector<address> sorted_unique(std::vector<address> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

struct name_watcher::entry {
  explicit entry(std::string n, timer_service& ts) : name(std::move(n)), timer(ts) {}

  std::string name;
  dns_resolver::query_id query = dns_resolver::no_query;
  scoped_timer timer;
  bool answered = false;
  std::vector<address> ipv4;  // last good, per family, so a half answer keeps the other
  std::vector<address> ipv6;
  std::vector<address> addresses;  // ipv4 then ipv6: what the listener was last told
  unsigned failures = 0;           // consecutive lookups without an answer
};

name_watcher::name_watcher(dns_resolver& resolver, timer_service& timers, const config::dns_settings& settings,
                           listener& l)
    : resolver_(resolver),
      timers_(timers),
      listener_(l),
      ttl_floor_s_(settings.ttl_floor_s),
      ttl_ceiling_s_(settings.ttl_ceiling_s) {}

name_watcher::~name_watcher() {
  for (auto& [name, e] : entries_) resolver_.cancel(e->query);
}

void name_watcher::set_settings(const config::dns_settings& settings) {
  ttl_floor_s_ = settings.ttl_floor_s;
  ttl_ceiling_s_ = settings.ttl_ceiling_s;
}

void name_watcher::watch(const std::vector<std::string>& names) {
  std::set<std::string, std::less<>> wanted;
  for (const auto& n : names) {
    if (!n.empty()) wanted.insert(normalize_name(n));
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    resolver_.cancel(it->second->query);
    it = entries_.erase(it);  // the entry's scoped_timer cancels itself
  }
  std::vector<entry*> added;
  for (const auto& n : wanted) {
    if (entries_.contains(n)) continue;
    auto e = std::make_unique<entry>(n, timers_);
    added.push_back(e.get());
    entries_.emplace(n, std::move(e));
  }
  for (entry* e : added) resolve(*e);
}

const std::vector<address>* name_watcher::addresses(std::string_view name) const {
  const auto it = entries_.find(normalize_name(name));
  if (it == entries_.end() || !it->second->answered) return nullptr;
  return &it->second->addresses;
}

std::vector<std::string> name_watcher::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [name, e] : entries_) out.push_back(name);
  return out;
}

void name_watcher::resolve(entry& e) {
  entry* p = &e;
  // The entry cancels this query before it goes away, so `p` is valid when it runs.
  e.query = resolver_.resolve_addresses(e.name, [this, p](result<address_answer, dns_error> r) {
    p->query = dns_resolver::no_query;
    on_result(*p, std::move(r));
  });
}

void name_watcher::schedule(entry& e, duration after) {
  entry* p = &e;
  e.timer.start(after, [this, p] { resolve(*p); });
}

duration name_watcher::clamp_ttl(std::uint32_t ttl_s) const {
  const std::uint32_t s = std::clamp(ttl_s, ttl_floor_s_, std::max(ttl_floor_s_, ttl_ceiling_s_));
  return std::chrono::seconds(s);
}

duration name_watcher::retry_delay(unsigned failures) const {
  // 1 s, 2 s, 4 s, ... up to the floor.
  const unsigned shift = std::min(failures == 0 ? 0u : failures - 1, 20u);
  return std::chrono::seconds(std::min<std::uint64_t>(std::uint64_t{1} << shift, std::max(ttl_floor_s_, 1u)));
}

void name_watcher::on_result(entry& e, result<address_answer, dns_error> r) {
  if (!r.ok() && r.error() == dns_error::cancelled) return;  // the resolver is going away

  if (!r.ok() && !is_definitive(r.error())) {
    ++counters_.failed;
    ++e.failures;
    const duration retry = retry_delay(e.failures);
    schedule(e, retry);
    const std::string name = e.name;
    listener_.on_resolution_failed(name, r.error(), retry);  // last: may destroy us
    return;
  }

  std::vector<address> v4;
  std::vector<address> v6;
  bool partial = false;
  if (r.ok()) {
    ++counters_.ok;
    for (const auto& a : r->addresses) (a.is_v4() ? v4 : v6).push_back(a);
    // A family that failed without an answer keeps what it had.
    if (r->ipv4_failure) v4 = e.ipv4;
    if (r->ipv6_failure) v6 = e.ipv6;
    partial = r->ipv4_failure || r->ipv6_failure;
  } else {
    ++counters_.empty;  // NXDOMAIN / NODATA: an answer, no addresses
  }

  std::vector<address> all = v4;
  all.insert(all.end(), v6.begin(), v6.end());
  const bool changed = !e.answered || sorted_unique(all) != sorted_unique(e.addresses);
  e.answered = true;
  e.ipv4 = std::move(v4);
  e.ipv6 = std::move(v6);
  e.addresses = std::move(all);

  if (partial) {
    ++e.failures;
    schedule(e, std::min(retry_delay(e.failures), clamp_ttl(r->ttl)));
  } else {
    e.failures = 0;
    schedule(e, r.ok() ? clamp_ttl(r->ttl) : clamp_ttl(0));
  }

  if (changed) {
    const std::string name = e.name;
    const std::vector<address> addrs = e.addresses;
    listener_.on_addresses_changed(name, addrs);  // last: may destroy us
  }
}

}  // namespace voxedge::daemon::dns
