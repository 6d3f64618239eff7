#pragma once
// The UAC side of HTTP Digest (RFC 3261 §22.2-§22.4, RFC 7616 §3.4, RFC 8760): answers a
// WWW-Authenticate / Proxy-Authenticate challenge with the matching Authorization /
// Proxy-Authorization credentials, keeping the nonce count per nonce.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "sip/auth/digest.hpp"
#include "sip/message/auth_header.hpp"

namespace voxedge::sip {

/// The index of the challenge to answer among several (RFC 7616 §3.7, RFC 8760 §2.4:
/// the strongest supported algorithm wins; earlier wins a tie, as servers list their
/// preference first). Non-Digest challenges and unsupported algorithms or qops are
/// skipped; nullopt when none is usable.
std::optional<std::size_t> choose_digest_challenge(std::span<const auth_header> challenges);

/// The request being authorized. `body` matters only for qop=auth-int.
struct digest_request {
  std::string_view method;
  std::string_view uri;  // the Request-URI exactly as sent (RFC 3261 §22.4 item 5)
  std::optional<std::string_view> body;
};

class digest_client {
 public:
  /// Returns a fresh cnonce; the default draws 32 characters from the OS CSPRNG.
  using cnonce_generator = std::function<std::string()>;

  explicit digest_client(cnonce_generator generator = {});

  /// Credentials for `challenge`: qop=auth is preferred over auth-int; with no qop in the
  /// challenge the RFC 2617 form (no nc/cnonce) is produced. The nonce count of the
  /// challenge's nonce advances by one per call.
  result<auth_header, digest_error> authorize(const auth_header& challenge, std::string_view username,
                                              std::string_view password, const digest_request& request);

  /// The last nc sent with `nonce` (0 when never used).
  std::uint32_t nonce_count(std::string_view nonce) const noexcept;

 private:
  static constexpr std::size_t max_nonces_ = 16;  // oldest forgotten first

  cnonce_generator generator_;
  std::vector<std::pair<std::string, std::uint32_t>> counts_;
};

}  // namespace voxedge::sip
