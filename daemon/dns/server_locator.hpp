#pragma once
// RFC 3263 §4: from a SIP URI and the transport we will use, the ordered list of
// (transport, address, port) to try.
//
//   IP literal                    → that address (port from the URI or the default)
//   name in /etc/hosts            → its addresses there (port from the URI or the default)
//   explicit port                 → A/AAAA of the host on that port (§4.2)
//   ;transport= in the URI        → SRV for that transport, no NAPTR (§4.1)
//   otherwise                     → NAPTR, keeping only "S" records for our transport
//                                   (SIPS+D2T, SIP+D2T, SIP+D2U) in (order, preference);
//                                   then SRV of their replacements, then the usual SRV
//                                   name (_sips._tcp / _sip._tcp / _sip._udp) as a fallback
//   no SRV record anywhere        → A/AAAA of the host on the default port (5061 for TLS)
//
// The transport is the caller's decision (the trunk's configured transport); a sips:
// URI forces TLS. maddr, when present, replaces the host (§4.1). SRV records are ordered
// per RFC 2782 (ascending priority, weighted random within a priority), each target then
// expands to all its addresses, IPv4 first then IPv6, each in DNS answer order. When SRV
// records exist but no target resolves, location fails (no A/AAAA fallback, §4.2); a
// single SRV record with target "." means the service is not offered and fails at once.
//
// The result carries the smallest TTL of every record it was built from, so the caller
// knows when to locate again. Control thread only; nothing is cached here.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/result.hpp"
#include "daemon/dns/dns_resolver.hpp"
#include "sip/message/uri.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::daemon::dns {

struct target {
  sip::transport_kind transport = sip::transport_kind::udp;
  boost::asio::ip::address address;
  std::uint16_t port = 0;
  /// The name the address came from: the SRV target, or the URI's host (for logs).
  std::string host;

  bool operator==(const target&) const = default;
};

struct location {
  std::vector<target> targets;  ///< in the order to try them; never empty
  std::uint32_t ttl = 0;        ///< smallest TTL along the chain (literal_ttl for an IP literal)
  /// What went wrong without stopping location, for the log: "AAAA for sip2.example.com:
  /// timeout", "SRV target sip3.example.com: NXDOMAIN (skipped)".
  std::vector<std::string> notes;
};

class server_locator {
 public:
  using request_id = std::uint64_t;
  /// A uniform random number in [0, max] (inclusive), for RFC 2782 weighting.
  using random_source = std::function<std::uint32_t(std::uint32_t max)>;
  /// Either the targets or one line for the operator saying what failed:
  /// "no SRV for _sips._tcp.example.com (NXDOMAIN) and no A/AAAA for example.com: NXDOMAIN".
  using callback = std::function<void(result<location, std::string>)>;

  /// `random` defaults to a std::mt19937 seeded from std::random_device.
  explicit server_locator(dns_resolver& resolver, random_source random = {});
  /// Cancels every outstanding request: no callback runs after this.
  ~server_locator();
  server_locator(const server_locator&) = delete;
  server_locator& operator=(const server_locator&) = delete;

  /// Starts locating `uri` for `transport` (udp, tcp or tls). The callback runs later,
  /// never from inside this call; it may call locate(), cancel() or destroy this
  /// object. Fails at once, without a callback, for what DNS cannot help with: a tel:
  /// or other non-SIP URI, an empty host, a WebSocket transport.
  result<request_id, std::string> locate(const sip::uri& uri, sip::transport_kind transport, callback cb);
  /// Abandons a request: its callback will not run. Unknown ids are ignored.
  void cancel(request_id id);
  std::size_t outstanding() const { return ops_.size(); }

  /// RFC 2782 order: ascending priority; within a priority, repeatedly pick a record
  /// with probability proportional to its weight (weight 0 records first in the running
  /// sum, so they are chosen only when the draw is 0).
  static std::vector<srv_record> order_srv(std::vector<srv_record> records, const random_source& random);

 private:
  struct operation;

  void start_naptr(operation& op);
  void on_naptr(request_id id, result<naptr_answer, dns_error> r);
  void next_srv(operation& op);
  void on_srv(request_id id, const std::string& name, result<srv_answer, dns_error> r);
  void on_srv_target(request_id id, const std::string& host, result<address_answer, dns_error> r);
  void finish_srv_targets(operation& op);
  void start_addresses(operation& op, std::uint16_t port);
  void on_addresses(request_id id, std::uint16_t port, result<address_answer, dns_error> r);
  void finish(request_id id, result<location, std::string> r);

  dns_resolver& resolver_;
  random_source random_;
  std::unordered_map<request_id, std::unique_ptr<operation>> ops_;
  request_id next_id_ = 1;
};

}  // namespace voxedge::daemon::dns
