#pragma once
// Tells which trunk or endpoint a request came from by its source IP, using their
// inbound.allow lists (DESIGN.md §8: default deny on trunk listeners). Entries are CIDRs,
// bare IPs (an exact match: /32 or /128) or host names; a host name matches the
// addresses the resolver last reported for it through set_resolved() (nothing until
// then). Among the entries that contain the address the longest prefix wins, so a /32
// carved out of a provider's /24 can belong to another trunk; equal lengths go to the
// entry first in config order (trunks or endpoints in file order, each allow list in
// its order).
//
// The listener side decides whom a source may be: on a `trunk` listener only trunks, on
// an `inside` listener only endpoints, on a `clients` listener nobody (clients are users
// and prove it by authenticating). A provider's IP reaching the inside listener is
// therefore `unknown` there, which is what keeps the two networks apart.
//
// Built from a configuration, rebuilt on reload (adopt_resolved carries the resolver's
// results over). Control thread only. classify() is a linear scan: allow lists hold tens
// of entries, where a scan beats a trie and stays obvious.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "config/config.hpp"
#include "daemon/routing/call_source.hpp"

namespace voxedge::daemon {

class source_classifier {
 public:
  explicit source_classifier(const config::config& cfg);

  /// The trunk or endpoint `from` belongs to, or call_source::kind::unknown. An
  /// IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4
  /// peers) is matched as the IPv4 address it is.
  call_source classify(const boost::asio::ip::address& from, config::listener_side side) const;

  /// The host names the allow lists hold (lower case, no trailing dot, each once), for
  /// the resolver to look up.
  std::vector<std::string> names() const;
  /// Replaces the addresses `name` resolves to (all A and AAAA records; an empty list
  /// when it resolves to nothing). Names compare case-insensitively, a trailing dot
  /// ignored. Returns false, changing nothing, when no allow list holds the name.
  bool set_resolved(std::string_view name, const std::vector<boost::asio::ip::address>& addresses);
  /// On reload: takes over what `previous` had resolved for names this one also holds,
  /// so a trunk known by name is not refused until the next lookup completes.
  void adopt_resolved(const source_classifier& previous);

 private:
  /// An address block; IPv4 is kept in the first 4 bytes.
  struct net_prefix {
    std::array<unsigned char, 16> bytes{};
    std::uint8_t length = 0;  ///< in bits
    bool v6 = false;

    bool contains(const net_prefix& host) const noexcept;
  };

  /// One allow-list item. A literal (IP or CIDR) has one prefix; a host name one host
  /// prefix per address it currently resolves to.
  struct entry {
    call_source owner;
    std::string host_name;  ///< empty for literals
    std::vector<net_prefix> prefixes;
  };

  static net_prefix host_prefix(const boost::asio::ip::address& a);
  static void add_entries(std::vector<entry>& out, const call_source& owner, const std::vector<std::string>& allow);
  static const entry* best_match(const std::vector<entry>& entries, const net_prefix& host) noexcept;

  std::vector<entry> trunk_entries_;     ///< trunk listeners; config order
  std::vector<entry> endpoint_entries_;  ///< inside listeners; config order
};

}  // namespace voxedge::daemon
