#include "sip/auth/digest_verifier.hpp"

#include <openssl/crypto.h>

#include "base/text.hpp"

namespace voxedge::sip {

namespace {

bool is_nonce_count(std::string_view nc) noexcept {
  if (nc.size() != 8) return false;
  for (char c : nc) {
    const char l = text::ascii_lower(c);
    if (!((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f'))) return false;
  }
  return true;
}

}  // namespace

result<void, digest_error> digest_verifier::verify(const auth_header& credentials, std::string_view method,
                                                   std::string_view password,
                                                   std::optional<std::string_view> body) const {
  if (!text::iequals(credentials.scheme, "Digest")) return fail(digest_error::not_digest);
  const auto realm = credentials.params.get("realm");
  if (!realm) return fail(digest_error::missing_realm);
  // Realms compare exactly: they are quoted-strings, not tokens (RFC 7616 §3.3).
  if (*realm != realm_) return fail(digest_error::realm_mismatch);
  const auto nonce = credentials.params.get("nonce");
  if (!nonce || nonce->empty()) return fail(digest_error::missing_nonce);
  const auto username = credentials.params.get("username");
  const auto uri = credentials.params.get("uri");
  const auto response = credentials.params.get("response");
  if (!username || !uri || !response) return fail(digest_error::missing_parameter);

  digest_inputs in;
  in.algorithm = digest_algorithm::md5;
  if (const auto a = credentials.params.get("algorithm")) {
    const auto parsed = parse_digest_algorithm(*a);
    if (!parsed) return fail(digest_error::unsupported_algorithm);
    in.algorithm = *parsed;
  }
  in.qop = digest_qop::none;
  if (const auto q = credentials.params.get("qop")) {
    if (text::iequals(*q, "auth")) {
      in.qop = digest_qop::auth;
    } else if (text::iequals(*q, "auth-int")) {
      in.qop = digest_qop::auth_int;
    } else {
      return fail(digest_error::unsupported_qop);
    }
  }
  const auto cnonce = credentials.params.get("cnonce");
  const auto nc = credentials.params.get("nc");
  const bool sess = in.algorithm == digest_algorithm::md5_sess || in.algorithm == digest_algorithm::sha256_sess;
  if (in.qop != digest_qop::none) {
    // RFC 7616 §3.4: cnonce and nc MUST be sent with a qop.
    if (!cnonce || !nc) return fail(digest_error::missing_parameter);
    if (!is_nonce_count(*nc)) return fail(digest_error::bad_nonce_count);
    in.nc = *nc;
  }
  if (sess && !cnonce) return fail(digest_error::missing_parameter);
  if (cnonce) in.cnonce = *cnonce;
  in.username = *username;
  in.realm = *realm;
  in.password = password;
  in.nonce = *nonce;
  in.method = method;
  in.uri = *uri;
  in.body = body.value_or(std::string_view{});

  const auto expected = digest_response(in);
  if (!expected) return fail(expected.error());
  // Hex is case-insensitive; compare without an early exit (CRYPTO_memcmp).
  const std::string got = text::to_lower(*response);
  if (got.size() != expected->size() || CRYPTO_memcmp(got.data(), expected->data(), got.size()) != 0) {
    return fail(digest_error::wrong_response);
  }
  return {};
}

}  // namespace voxedge::sip
