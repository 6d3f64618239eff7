#pragma once
// The structure of WWW-Authenticate / Proxy-Authenticate / Authorization /
// Proxy-Authorization values (RFC 3261 §25.1, RFC 7616, RFC 6750 bearer tokens).
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/message/param_list.hpp"
#include "sip/message/uri.hpp"

namespace voxedge::sip {

struct auth_header {
  std::string scheme;  // "Digest", "Bearer" (compared case-insensitively)
  param_list params;   // realm, nonce, uri, response, qop, nc, cnonce, algorithm, opaque...; unquoted
  std::string token;   // Bearer: the token68 credentials; empty for Digest

  std::string to_string() const;  // quotes the params that RFC 7616 says are quoted
};

result<auth_header, uri_error> parse_auth_header(std::string_view text);

}  // namespace voxedge::sip
