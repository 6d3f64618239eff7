#pragma once
// One Via header field value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sip/message/param_list.hpp"
#include "sip/message/uri.hpp"

namespace voxedge::sip {

/// RFC 3261 §8.1.1.7: branches of compliant elements start with this cookie.
inline constexpr std::string_view branch_magic_cookie = "z9hG4bK";

struct via {
  std::string protocol = "SIP/2.0";
  std::string transport = "UDP";  // upper case: UDP, TCP, TLS, SCTP, WS, WSS
  std::string host;               // IPv6 without brackets
  std::optional<std::uint16_t> port;
  param_list params;

  std::string_view branch() const noexcept { return params.get("branch").value_or(std::string_view{}); }
  /// The branch starts with the magic cookie and has something after it: a bare
  /// "z9hG4bK" carries no transaction id (RFC 4475 §3.2.1), so matching falls back to
  /// the RFC 2543 rules for it.
  bool rfc3261_branch() const noexcept;
  std::optional<std::string_view> received() const noexcept { return params.get("received"); }
  bool has_rport() const noexcept { return params.has("rport"); }
  /// rport with a value (set by a server); nullopt if absent or empty.
  std::optional<std::uint16_t> rport() const noexcept;

  std::string to_string() const;
  void append_to(std::string& out) const;
};

/// A Via header field value may hold several comma-separated vias.
result<std::vector<via>, uri_error> parse_via_list(std::string_view text);

}  // namespace voxedge::sip
