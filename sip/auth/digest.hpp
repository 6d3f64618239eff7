#pragma once
// HTTP Digest computation shared by client and verifier (RFC 7616 §3.4.1-§3.4.3,
// RFC 2617 §3.2.2 for the no-qop form, RFC 8760 for SHA-256 in SIP). Hashing goes
// through OpenSSL EVP; a hash the provider refuses (MD5 under FIPS) is an error, never
// an exception.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace voxedge::sip {

enum class digest_algorithm { md5, md5_sess, sha256, sha256_sess };

enum class digest_qop { none, auth, auth_int };  // none: RFC 2069/2617 compatibility

enum class digest_error {
  not_digest,             // scheme is not "Digest"
  missing_realm,
  missing_nonce,
  missing_parameter,      // credentials lack username, uri, response, nc or cnonce
  unsupported_algorithm,
  unsupported_qop,
  realm_mismatch,
  bad_nonce_count,        // nc is not 8 hex digits, or the count is exhausted
  hash_unavailable,       // the OpenSSL provider refused the digest
  wrong_response,
};

std::string_view to_string(digest_error e) noexcept;

/// The `algorithm` parameter value (RFC 7616 §3.3); an absent parameter means MD5.
std::optional<digest_algorithm> parse_digest_algorithm(std::string_view token) noexcept;
std::string_view to_string(digest_algorithm a) noexcept;
/// Higher is preferred: SHA-256 over MD5, the plain form over -sess.
int digest_strength(digest_algorithm a) noexcept;

std::string_view to_string(digest_qop q) noexcept;

/// Lower-case hex of H(data) for the algorithm's hash (RFC 7616 §3.4.2).
result<std::string, digest_error> digest_hash_hex(digest_algorithm a, std::string_view data);

/// Everything that goes into `response`. `body` is used only for qop=auth-int; an
/// absent body hashes as the empty string (RFC 3261 §22.4 item 7).
struct digest_inputs {
  digest_algorithm algorithm = digest_algorithm::md5;
  digest_qop qop = digest_qop::auth;
  std::string_view username;
  std::string_view realm;
  std::string_view password;
  std::string_view nonce;
  std::string_view cnonce;   // ignored for qop none unless -sess
  std::string_view nc;       // 8 hex digits; ignored for qop none
  std::string_view method;
  std::string_view uri;
  std::string_view body;
};

/// request-digest (RFC 7616 §3.4.1): KD(H(A1), nonce:nc:cnonce:qop:H(A2)), or
/// KD(H(A1), nonce:H(A2)) without qop (RFC 2617 §3.2.2.1).
result<std::string, digest_error> digest_response(const digest_inputs& in);

/// "%08x" of the nonce count (RFC 7616 §3.4: nc).
std::string format_nonce_count(std::uint32_t nc);

}  // namespace voxedge::sip
