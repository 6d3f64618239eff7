#include "media/sdp/crypto_attribute.hpp"

#include <string.h>  // explicit_bzero

#include <array>

#include "base/random.hpp"
#include "base/text.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

namespace g = sdp_grammar;

namespace {

constexpr std::string_view base64_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// key-salt = 1*(base64) (RFC 4568 §9.1): the alphabet, "=" only as trailing padding.
bool valid_key_salt(std::string_view s) noexcept {
  if (s.empty()) return false;
  const auto pad = s.find('=');
  if (pad != std::string_view::npos && s.find_first_not_of('=', pad) != std::string_view::npos) return false;
  if (pad != std::string_view::npos && s.size() - pad > 2) return false;
  for (char c : s.substr(0, pad)) {
    if (base64_value(c) < 0) return false;
  }
  return true;
}

// lifetime = ["2^"] 1*(DIGIT)
bool valid_lifetime(std::string_view s) noexcept {
  if (s.starts_with("2^")) s.remove_prefix(2);
  return g::is_digits(s) && s.size() <= 20;
}

std::optional<crypto_key_param> parse_key_param(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  crypto_key_param p;
  const auto method = text.substr(0, colon);
  if (!g::is_token(method)) return std::nullopt;
  p.method.assign(method);
  auto info = text.substr(colon + 1);
  if (!text::iequals(method, "inline")) {
    if (!g::is_non_ws_string(info)) return std::nullopt;
    p.key_salt.assign(info);
    return p;
  }
  const auto bar = info.find('|');
  const auto key = info.substr(0, bar);
  if (!valid_key_salt(key)) return std::nullopt;
  p.key_salt.assign(key);
  if (bar == std::string_view::npos) return p;
  auto rest = info.substr(bar + 1);
  // "|" lifetime and/or "|" MKI:length, in that order; the MKI is the one with a colon.
  const auto bar2 = rest.find('|');
  const auto first = rest.substr(0, bar2);
  std::string_view mki;
  if (first.find(':') == std::string_view::npos) {
    if (!valid_lifetime(first)) return std::nullopt;
    p.lifetime = std::string(first);
    if (bar2 != std::string_view::npos) mki = rest.substr(bar2 + 1);
    if (bar2 != std::string_view::npos && mki.empty()) return std::nullopt;
  } else {
    if (bar2 != std::string_view::npos) return std::nullopt;
    mki = first;
  }
  if (!mki.empty()) {
    const auto mc = mki.find(':');
    if (mc == std::string_view::npos) return std::nullopt;
    const auto value = g::parse_number(mki.substr(0, mc), UINT32_MAX);
    const auto length = g::parse_number(mki.substr(mc + 1), 128);
    if (!value || !length || *length == 0) return std::nullopt;
    p.mki_value = static_cast<std::uint32_t>(*value);
    p.mki_length = static_cast<std::uint32_t>(*length);
  }
  return p;
}

void append_key_param(std::string& out, const crypto_key_param& p, bool redact) {
  out += p.method;
  out += ':';
  out += redact ? std::string_view("<redacted>") : std::string_view(p.key_salt);
  if (p.lifetime) {
    out += '|';
    out += *p.lifetime;
  }
  if (p.mki_value && p.mki_length) {
    out += '|';
    out += std::to_string(*p.mki_value);
    out += ':';
    out += std::to_string(*p.mki_length);
  }
}

std::string format(const crypto_attribute& a, bool redact) {
  std::string out = std::to_string(a.tag);
  out += ' ';
  out += a.suite;
  out += ' ';
  for (std::size_t i = 0; i < a.key_params.size(); ++i) {
    if (i != 0) out += ';';
    append_key_param(out, a.key_params[i], redact);
  }
  for (const auto& s : a.session_params) {
    out += ' ';
    out += s;
  }
  return out;
}

}  // namespace

std::string crypto_attribute::to_value() const { return format(*this, false); }
std::string crypto_attribute::to_redacted_value() const { return format(*this, true); }

std::optional<crypto_attribute> parse_crypto(std::string_view value) {
  auto rest = text::trim(value);
  const auto tag = g::next_field(rest);
  // tag = 1*9DIGIT
  if (!g::is_digits(tag) || tag.size() > 9) return std::nullopt;
  crypto_attribute a;
  a.tag = static_cast<std::uint32_t>(*g::parse_number(tag, UINT32_MAX));
  // crypto-suite = 1*(ALPHA / DIGIT / "_")
  const auto suite = g::next_field(rest);
  if (suite.empty()) return std::nullopt;
  for (char c : suite) {
    if (!g::is_alpha(c) && !g::is_digit(c) && c != '_') return std::nullopt;
  }
  a.suite.assign(suite);
  auto keys = g::next_field(rest);
  if (keys.empty()) return std::nullopt;
  for (;;) {
    const auto semi = keys.find(';');
    auto p = parse_key_param(keys.substr(0, semi));
    if (!p) return std::nullopt;
    a.key_params.push_back(std::move(*p));
    if (semi == std::string_view::npos) break;
    keys.remove_prefix(semi + 1);
  }
  while (!rest.empty()) a.session_params.emplace_back(g::next_field(rest));
  return a;
}

std::size_t srtp_key_salt_length(std::string_view suite) noexcept {
  struct entry {
    std::string_view name;
    std::size_t bytes;
  };
  static constexpr std::array<entry, 9> suites = {{
      {"AES_CM_128_HMAC_SHA1_80", 30},  // RFC 4568 §6.2.1: 128-bit key, 112-bit salt
      {"AES_CM_128_HMAC_SHA1_32", 30},
      {"F8_128_HMAC_SHA1_80", 30},
      {"AES_192_CM_HMAC_SHA1_80", 38},  // RFC 6188
      {"AES_192_CM_HMAC_SHA1_32", 38},
      {"AES_256_CM_HMAC_SHA1_80", 46},
      {"AES_256_CM_HMAC_SHA1_32", 46},
      {"AEAD_AES_128_GCM", 28},  // RFC 7714: 96-bit salt
      {"AEAD_AES_256_GCM", 44},
  }};
  for (const auto& s : suites) {
    if (text::iequals(s.name, suite)) return s.bytes;
  }
  return 0;
}

std::string encode_base64(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += base64_chars[(v >> 18) & 63];
    out += base64_chars[(v >> 12) & 63];
    out += base64_chars[(v >> 6) & 63];
    out += base64_chars[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) v |= std::uint32_t{bytes[i + 1]} << 8;
    out += base64_chars[(v >> 18) & 63];
    out += base64_chars[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? base64_chars[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

void system_random_bytes(std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); i += 8) {
    auto v = random_u64();
    for (std::size_t j = i; j < out.size() && j < i + 8; ++j) {
      out[j] = static_cast<std::uint8_t>(v & 0xff);
      v >>= 8;
    }
  }
}

std::optional<crypto_attribute> make_crypto(std::uint32_t tag, std::string_view suite,
                                            const random_bytes_function& random) {
  const auto length = srtp_key_salt_length(suite);
  if (length == 0 || tag > 999999999) return std::nullopt;  // tag = 1*9DIGIT (RFC 4568 §9.1)
  std::array<std::uint8_t, 64> key{};
  const std::span<std::uint8_t> bytes(key.data(), length);
  random(bytes);
  crypto_attribute a;
  a.tag = tag;
  a.suite.assign(suite);
  crypto_key_param p;
  p.key_salt = encode_base64(bytes);
  explicit_bzero(key.data(), key.size());  // the base64 copy is the only one left
  a.key_params.push_back(std::move(p));
  return a;
}

}  // namespace voxedge::media
