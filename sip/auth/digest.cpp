#include "sip/auth/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "base/text.hpp"

namespace voxedge::sip {

std::string_view to_string(digest_error e) noexcept {
  switch (e) {
    case digest_error::not_digest: return "not a Digest header";
    case digest_error::missing_realm: return "missing realm";
    case digest_error::missing_nonce: return "missing nonce";
    case digest_error::missing_parameter: return "missing Digest parameter";
    case digest_error::unsupported_algorithm: return "unsupported algorithm";
    case digest_error::unsupported_qop: return "unsupported qop";
    case digest_error::realm_mismatch: return "realm mismatch";
    case digest_error::bad_nonce_count: return "bad nonce count";
    case digest_error::hash_unavailable: return "hash unavailable";
    case digest_error::wrong_response: return "wrong response";
  }
  return "unknown digest error";
}

std::optional<digest_algorithm> parse_digest_algorithm(std::string_view token) noexcept {
  if (text::iequals(token, "MD5")) return digest_algorithm::md5;
  if (text::iequals(token, "MD5-sess")) return digest_algorithm::md5_sess;
  if (text::iequals(token, "SHA-256")) return digest_algorithm::sha256;
  if (text::iequals(token, "SHA-256-sess")) return digest_algorithm::sha256_sess;
  return std::nullopt;  // SHA-512-256 (RFC 7616 §6.1) and anything else
}

std::string_view to_string(digest_algorithm a) noexcept {
  switch (a) {
    case digest_algorithm::md5: return "MD5";
    case digest_algorithm::md5_sess: return "MD5-sess";
    case digest_algorithm::sha256: return "SHA-256";
    case digest_algorithm::sha256_sess: return "SHA-256-sess";
  }
  return "MD5";
}

int digest_strength(digest_algorithm a) noexcept {
  switch (a) {
    case digest_algorithm::md5_sess: return 1;
    case digest_algorithm::md5: return 2;
    case digest_algorithm::sha256_sess: return 3;
    case digest_algorithm::sha256: return 4;
  }
  return 0;
}

std::string_view to_string(digest_qop q) noexcept {
  switch (q) {
    case digest_qop::none: return "";
    case digest_qop::auth: return "auth";
    case digest_qop::auth_int: return "auth-int";
  }
  return "";
}

namespace {

bool is_sess(digest_algorithm a) noexcept {
  return a == digest_algorithm::md5_sess || a == digest_algorithm::sha256_sess;
}

// Wipes a string holding password-derived material before it is freed.
struct cleansed_string {
  std::string s;
  ~cleansed_string() {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  }
};

}  // namespace

result<std::string, digest_error> digest_hash_hex(digest_algorithm a, std::string_view data) {
  const EVP_MD* md = (a == digest_algorithm::md5 || a == digest_algorithm::md5_sess) ? EVP_md5() : EVP_sha256();
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    return fail(digest_error::hash_unavailable);
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(std::size_t{len} * 2);
  for (unsigned int i = 0; i < len; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 0x0f];
  }
  return s;
}

result<std::string, digest_error> digest_response(const digest_inputs& in) {
  // A1 = username:realm:passwd; for -sess, H(A1) = H(H(username:realm:passwd):nonce:cnonce)
  // (RFC 7616 §3.4.2).
  cleansed_string a1;
  a1.s.reserve(in.username.size() + in.realm.size() + in.password.size() + 2);
  a1.s.append(in.username).append(":").append(in.realm).append(":").append(in.password);
  auto ha1 = digest_hash_hex(in.algorithm, a1.s);
  if (!ha1) return ha1;
  if (is_sess(in.algorithm)) {
    std::string sess = *ha1;
    sess.append(":").append(in.nonce).append(":").append(in.cnonce);
    ha1 = digest_hash_hex(in.algorithm, sess);
    if (!ha1) return ha1;
  }
  // A2 = Method:request-uri[:H(entity-body)] (RFC 7616 §3.4.3, RFC 3261 §22.4).
  std::string a2;
  a2.append(in.method).append(":").append(in.uri);
  if (in.qop == digest_qop::auth_int) {
    auto hb = digest_hash_hex(in.algorithm, in.body);
    if (!hb) return hb;
    a2.append(":").append(*hb);
  }
  auto ha2 = digest_hash_hex(in.algorithm, a2);
  if (!ha2) return ha2;
  cleansed_string kd;
  kd.s = std::move(*ha1);
  kd.s.append(":").append(in.nonce).append(":");
  if (in.qop != digest_qop::none) {
    kd.s.append(in.nc).append(":").append(in.cnonce).append(":").append(to_string(in.qop)).append(":");
  }
  kd.s.append(*ha2);
  return digest_hash_hex(in.algorithm, kd.s);
}

std::string format_nonce_count(std::uint32_t nc) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = hex[nc & 0x0f];
    nc >>= 4;
  }
  return s;
}

}  // namespace voxedge::sip
