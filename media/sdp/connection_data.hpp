#pragma once
// Connection data: "<nettype> <addrtype> <connection-address>" of c= (RFC 8866 §5.7),
// also the address part of o= (§5.2) and of a=rtcp (RFC 3605 §2.1).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace voxedge::media {

struct sdp_connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  /// An IP literal (IPv6 without brackets), an FQDN, or a multicast base address; for a
  /// nettype/addrtype other than IN IP4/IP6 the address is kept opaque.
  std::string address;
  std::optional<std::uint32_t> ttl;            // IP4 multicast "/<ttl>" (RFC 8866 §5.7)
  std::optional<std::uint32_t> address_count;  // multicast "/<number of addresses>"

  bool is_ip4() const noexcept;
  bool is_ip6() const noexcept;
  /// 0.0.0.0 or "::": RFC 3264 §8.4 — neither RTP nor RTCP is to be sent there.
  bool is_unspecified() const noexcept;
  /// "IN IP4 192.0.2.1" as on the wire.
  std::string to_string() const;
  void append_to(std::string& out) const;

  friend bool operator==(const sdp_connection&, const sdp_connection&) = default;
};

/// IN IP4 or IN IP6, chosen from the form of `address` (an IPv6 literal has a colon).
sdp_connection make_connection(std::string address);

enum class address_kind { ipv4, ipv6, fqdn, invalid };
/// Dotted-quad IPv4, IPv6 literal, or a host name of letters, digits, '-' and '.'.
address_kind classify_address(std::string_view s) noexcept;

/// Parses connection data. `multicast_suffix` admits the "/ttl[/count]" (IP4) and
/// "/count" (IP6) suffixes of c=; o= and a=rtcp carry a bare unicast address. The error
/// is a short reason without the offending text.
result<sdp_connection, std::string_view> parse_connection(std::string_view text, bool multicast_suffix);

}  // namespace voxedge::media
