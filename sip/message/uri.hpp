#pragma once
// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), and any other absoluteURI kept
// opaque (RFC 3261 §25.1: From, To and Contact may carry e.g. mailto: or im: URIs).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/message/param_list.hpp"

namespace voxedge::sip {

// `other`: a syntactically valid absoluteURI of another scheme (RFC 4475 §3.3.4 says a
// parser must accept them in header fields); only `scheme_name` and `opaque` are set.
enum class uri_scheme { sip, sips, tel, other };

struct uri {
  uri_scheme scheme = uri_scheme::sip;
  std::string user;      // userinfo user part, escapes kept as received; tel: the number
  std::string password;  // rarely used, kept for fidelity
  std::string host;      // hostname, IPv4, or IPv6 *without* brackets
  std::optional<std::uint16_t> port;
  param_list params;        // ;transport=tcp;lr;maddr=... (tel: ;phone-context=...)
  param_list headers;       // ?subject=x&priority=urgent
  std::string scheme_name;  // uri_scheme::other only: the scheme as received ("mailto")
  std::string opaque;       // uri_scheme::other only: everything after "scheme:"

  bool host_is_ipv6() const noexcept { return host.find(':') != std::string::npos; }
  /// "host" or "[v6]" as it must appear on the wire.
  std::string host_for_wire() const;
  /// "sip:user@host:port;params?headers" (tel: "tel:number;params").
  std::string to_string() const;
  void append_to(std::string& out) const;
};

/// RFC 3261 §19.1.4 URI comparison (for sip/sips; tel compares the number without visual
/// separators and the params, RFC 3966 §4; other schemes compare scheme and opaque part).
bool uri_equivalent(const uri& a, const uri& b);

struct uri_error {
  std::string what;  // short, suitable for a 400 reason phrase: "Bad Request-URI"
};

/// Parses a URI as it appears in a Request-URI or inside <...>. Escapes are validated
/// and kept as received.
result<uri, uri_error> parse_uri(std::string_view text);

}  // namespace voxedge::sip
