#include "daemon/routing/source_classifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "base/text.hpp"

namespace voxedge::daemon {
namespace {

// Host names compare case-insensitively (RFC 4343) and "example.com." is "example.com".
std::string canonical_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return text::to_lower(name);
}

std::optional<boost::asio::ip::address> parse_address(std::string_view s) {
  // "[2001:db8::1]" is how people write IPv6 next to ports; accept it here too.
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  return a;
}

}  // namespace

bool source_classifier::net_prefix::contains(const net_prefix& host) const noexcept {
  if (host.v6 != v6) return false;
  const std::size_t full = length / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(full), host.bytes.begin())) return false;
  const unsigned rest = length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFU << (8 - rest));
  return (bytes[full] & mask) == (host.bytes[full] & mask);
}

source_classifier::net_prefix source_classifier::host_prefix(const boost::asio::ip::address& a) {
  net_prefix p;
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), p.bytes.begin());
    p.v6 = true;
    p.length = 128;
    return p;
  }
  // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; allow lists say a.b.c.d.
  const auto v4 = a.is_v4() ? a.to_v4() : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  const auto b = v4.to_bytes();
  std::copy(b.begin(), b.end(), p.bytes.begin());
  p.length = 32;
  return p;
}

void source_classifier::add_entries(std::vector<entry>& out, const call_source& owner,
                                    const std::vector<std::string>& allow) {
  for (const auto& item : allow) {
    entry e{owner, {}, {}};
    const auto slash = item.find('/');
    if (slash != std::string::npos) {
      const auto base = parse_address(std::string_view(item).substr(0, slash));
      if (base) {
        net_prefix p = host_prefix(*base);
        const auto bits = text::parse_uint(std::string_view(item).substr(slash + 1), p.length);
        if (bits) {
          p.length = static_cast<std::uint8_t>(*bits);
          // Validation refuses host bits; clearing them anyway keeps contains() exact.
          for (std::size_t bit = p.length; bit < 128; ++bit) {
            p.bytes[bit / 8] &= static_cast<unsigned char>(~(0x80U >> (bit % 8)));
          }
          e.prefixes.push_back(p);
          out.push_back(std::move(e));
          continue;
        }
      }
    } else if (const auto a = parse_address(item)) {
      e.prefixes.push_back(host_prefix(*a));
      out.push_back(std::move(e));
      continue;
    } else if (!item.empty()) {
      // A host name: it matches nothing until the resolver reports its addresses.
      e.host_name = canonical_name(item);
      out.push_back(std::move(e));
      continue;
    }
    spdlog::warn("source ACL: {}: ignoring allow entry \"{}\"", to_string(owner), item);
  }
}

source_classifier::source_classifier(const config::config& cfg) {
  for (const auto& t : cfg.trunks) {
    add_entries(trunk_entries_, call_source{call_source::kind::trunk, t.name}, t.inbound.allow);
  }
  for (const auto& e : cfg.endpoints) {
    add_entries(endpoint_entries_, call_source{call_source::kind::endpoint, e.name}, e.inbound.allow);
  }
}

const source_classifier::entry* source_classifier::best_match(const std::vector<entry>& entries,
                                                              const net_prefix& host) noexcept {
  const entry* best = nullptr;
  int best_length = -1;
  for (const auto& e : entries) {
    for (const auto& p : e.prefixes) {
      // Strictly longer: on a tie the entry met first, i.e. first in config order, stays.
      if (p.length > best_length && p.contains(host)) {
        best = &e;
        best_length = p.length;
      }
    }
  }
  return best;
}

call_source source_classifier::classify(const boost::asio::ip::address& from, config::listener_side side) const {
  const std::vector<entry>* entries = nullptr;
  switch (side) {
    case config::listener_side::trunk: entries = &trunk_entries_; break;
    case config::listener_side::inside: entries = &endpoint_entries_; break;
    case config::listener_side::clients: return {};
  }
  if (entries == nullptr) return {};
  const entry* e = best_match(*entries, host_prefix(from));
  return e != nullptr ? e->owner : call_source{};
}

std::vector<std::string> source_classifier::names() const {
  std::vector<std::string> out;
  for (const auto* list : {&trunk_entries_, &endpoint_entries_}) {
    for (const auto& e : *list) {
      if (!e.host_name.empty() && std::find(out.begin(), out.end(), e.host_name) == out.end()) {
        out.push_back(e.host_name);
      }
    }
  }
  return out;
}

bool source_classifier::set_resolved(std::string_view name, const std::vector<boost::asio::ip::address>& addresses) {
  const std::string key = canonical_name(name);
  std::vector<net_prefix> hosts;
  hosts.reserve(addresses.size());
  for (const auto& a : addresses) hosts.push_back(host_prefix(a));
  bool known = false;
  for (auto* list : {&trunk_entries_, &endpoint_entries_}) {
    for (auto& e : *list) {
      if (!key.empty() && e.host_name == key) {
        e.prefixes = hosts;
        known = true;
      }
    }
  }
  return known;
}

void source_classifier::adopt_resolved(const source_classifier& previous) {
  for (auto* list : {&trunk_entries_, &endpoint_entries_}) {
    for (auto& e : *list) {
      if (e.host_name.empty()) continue;
      for (const auto* old_list : {&previous.trunk_entries_, &previous.endpoint_entries_}) {
        const auto it = std::find_if(old_list->begin(), old_list->end(),
                                     [&](const entry& o) { return o.host_name == e.host_name; });
        if (it != old_list->end()) {
          e.prefixes = it->prefixes;
          break;
        }
      }
    }
  }
}

}  // namespace voxedge::daemon
