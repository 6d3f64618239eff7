#pragma once
// A minimal UAS/proxy-side check of Digest credentials (RFC 3261 §22.4, RFC 7616 §3.4):
// recomputes `response` from a known password and compares in constant time. Whether the
// nonce is one we issued, is stale (RFC 7616 §3.3 stale=true) or replays an nc, and
// whether `uri` matches the Request-URI, are the caller's to decide.
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/auth/digest.hpp"
#include "sip/message/auth_header.hpp"

namespace voxedge::sip {

class digest_verifier {
 public:
  explicit digest_verifier(std::string realm) : realm_(std::move(realm)) {}

  const std::string& realm() const noexcept { return realm_; }

  /// Ok when `credentials` (an Authorization / Proxy-Authorization value, its username
  /// already looked up to `password`) answer for `method` (and `body` for auth-int).
  /// Untrusted input: every malformation is an error, never an exception.
  result<void, digest_error> verify(const auth_header& credentials, std::string_view method,
                                    std::string_view password,
                                    std::optional<std::string_view> body = std::nullopt) const;

 private:
  std::string realm_;
};

}  // namespace voxedge::sip
