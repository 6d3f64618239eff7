#pragma once
// What the daemon asks of DNS: addresses (A and AAAA together), SRV and NAPTR records,
// each with the TTL it may be kept for. cares_resolver is the real one; tests use a fake.
//
// Contract for every implementation (the callers rely on it):
// - the callback runs on the control thread, exactly once, and never from inside the
//   call that started the query (so a caller may start a query while holding state);
// - after cancel(id) the callback is never run, whatever the query's state;
// - after the resolver is destroyed no callback is ever run;
// - a callback may start and cancel queries and may destroy its own owner (and the
//   resolver itself).
// Names are absolute (no search domains): SIP and allow-list host names are FQDNs.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/result.hpp"

namespace voxedge::daemon::dns {

enum class dns_error : std::uint8_t {
  nxdomain,        ///< the name does not exist (RCODE 3)
  no_data,         ///< the name exists but has no record of this type
  timeout,         ///< no server answered in time, after every try
  server_failure,  ///< every server failed: SERVFAIL, or (c-ares 1.18) REFUSED/NOTIMP or unreachable
  refused,         ///< REFUSED or NOTIMP (c-ares 1.18 reports these as server_failure)
  bad_response,    ///< an answer that does not parse (or FORMERR)
  cancelled,       ///< the resolver shut down under the query (never seen by callers of cancel())
  other,           ///< anything else: no server reachable, bad name, out of memory
};

/// "NXDOMAIN", "no data", "timeout", "server failure (SERVFAIL, REFUSED or unreachable)",
/// "REFUSED", "bad response", "cancelled", "resolver error": meant for log lines.
std::string_view to_string(dns_error e) noexcept;

/// NXDOMAIN and NODATA are answers (the name has no such records); everything else says
/// nothing about the name and may be retried.
constexpr bool is_definitive(dns_error e) noexcept { return e == dns_error::nxdomain || e == dns_error::no_data; }

/// TTL given to an IP literal: it never expires (callers clamp it to their ceiling).
inline constexpr std::uint32_t literal_ttl = std::numeric_limits<std::uint32_t>::max();

struct address_answer {
  /// Every A address in answer order, then every AAAA address in answer order.
  std::vector<boost::asio::ip::address> addresses;
  /// The smallest TTL among the records used (after CNAMEs), in seconds.
  std::uint32_t ttl = 0;
  /// Set when that family's lookup failed without a definitive answer (timeout, SERVFAIL)
  /// while the other family answered: `addresses` then holds only the family that did.
  /// A family that has no records (NODATA) is an answer and leaves this empty.
  std::optional<dns_error> ipv4_failure;
  std::optional<dns_error> ipv6_failure;
};

struct srv_record {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;  ///< without the trailing dot; "." (RFC 2782: service not offered) kept as "."

  bool operator==(const srv_record&) const = default;
};

struct srv_answer {
  std::vector<srv_record> records;  ///< in answer order (ordering per RFC 2782 is the caller's)
  /// The smallest TTL of the SRV records. An RRset has one TTL (RFC 2181 §5.2), so one
  /// value for the answer rather than one per record.
  std::uint32_t ttl = 0;
};

struct naptr_record {
  std::uint16_t order = 0;
  std::uint16_t preference = 0;
  std::string flags;    ///< "s", "a", "u", "p" or empty, as received
  std::string service;  ///< "SIPS+D2T", "SIP+D2U", ...
  std::string regexp;
  std::string replacement;  ///< without the trailing dot; "." when empty

  bool operator==(const naptr_record&) const = default;
};

struct naptr_answer {
  std::vector<naptr_record> records;  ///< in answer order
  std::uint32_t ttl = 0;              ///< the smallest TTL of the NAPTR records
};

class dns_resolver {
 public:
  using query_id = std::uint64_t;
  /// Never returned by a resolve_* call; cancel(no_query) is a no-op.
  static constexpr query_id no_query = 0;

  template <class T>
  using callback = std::function<void(result<T, dns_error>)>;

  virtual ~dns_resolver() = default;

  /// A and AAAA for `name`, asked in parallel. Succeeds when either family has
  /// addresses; fails with nxdomain when either lookup says the name does not exist,
  /// with no_data when both say it has no addresses, otherwise with the error of the
  /// family that failed without an answer (IPv4's if both did). An IP literal
  /// (brackets allowed around IPv6) answers itself with literal_ttl, without DNS.
  virtual query_id resolve_addresses(std::string_view name, callback<address_answer> cb) = 0;
  /// SRV records of `name` ("_sips._tcp.example.com").
  virtual query_id resolve_srv(std::string_view name, callback<srv_answer> cb) = 0;
  /// NAPTR records of `name`.
  virtual query_id resolve_naptr(std::string_view name, callback<naptr_answer> cb) = 0;
  /// Forgets a query: its callback will not run. Unknown or finished ids are ignored.
  virtual void cancel(query_id id) = 0;
  /// The addresses the local hosts file (/etc/hosts) gives `name`, read now; nullopt
  /// when it has none. A name found there is not asked of DNS at all: resolve_addresses
  /// answers from the file, and server location treats it as an address (no NAPTR/SRV),
  /// as the system resolver ("hosts: files dns") would.
  virtual std::optional<address_answer> from_hosts_file(std::string_view /*name*/) { return std::nullopt; }
};

/// TTL given to an answer from the hosts file: it is read again this often, so an edit
/// to the file is followed within a minute (callers clamp it to their floor and ceiling).
inline constexpr std::uint32_t hosts_file_ttl = 60;

/// The address `name` spells, if it is an IPv4 or IPv6 literal ("[::1]" too).
std::optional<boost::asio::ip::address> parse_ip_literal(std::string_view name);

/// Lower case, one trailing dot removed: the form names are compared and reported in.
std::string normalize_name(std::string_view name);

/// Combines the two halves of an address lookup as resolve_addresses() documents.
result<address_answer, dns_error> combine_families(const result<address_answer, dns_error>& ipv4,
                                                   const result<address_answer, dns_error>& ipv6);

}  // namespace voxedge::daemon::dns
