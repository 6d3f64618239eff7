#include "media/srtp/srtp_key.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/text.hpp"

namespace voxedge::media {

void secure_wipe(std::span<std::uint8_t> bytes) noexcept {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

std::optional<srtp_key> srtp_key::from_bytes(std::span<const std::uint8_t> key_salt) noexcept {
  if (key_salt.empty() || key_salt.size() > max_size) return std::nullopt;
  srtp_key k;
  std::copy(key_salt.begin(), key_salt.end(), k.bytes_.begin());
  k.size_ = key_salt.size();
  return k;
}

srtp_key& srtp_key::operator=(const srtp_key& other) noexcept {
  if (this == &other) return *this;
  secure_wipe(bytes_);
  bytes_ = other.bytes_;
  size_ = other.size_;
  mki_value = other.mki_value;
  mki_length = other.mki_length;
  return *this;
}

bool operator==(const srtp_key& x, const srtp_key& y) noexcept {
  return x.size_ == y.size_ && x.mki_value == y.mki_value && x.mki_length == y.mki_length &&
         std::equal(x.bytes_.begin(), x.bytes_.begin() + static_cast<std::ptrdiff_t>(x.size_), y.bytes_.begin());
}

std::optional<srtp_keying> keying_from_crypto(const crypto_attribute& crypto) {
  const auto suite = srtp_suite_from_name(crypto.suite);
  if (!suite || !srtp_suite_available(*suite)) return std::nullopt;
  // RFC 4568 §6.3: session parameters change the transform (KDR, UNENCRYPTED_*,
  // FEC_ORDER, WSH); a line with any is not one we can honour.
  if (crypto.key_params.size() != 1 || !crypto.session_params.empty()) return std::nullopt;
  const auto& p = crypto.key_params.front();
  if (!text::iequals(p.method, "inline")) return std::nullopt;
  auto decoded = decode_base64(p.key_salt);
  if (!decoded) return std::nullopt;
  std::optional<srtp_keying> out;
  if (decoded->size() == srtp_key_salt_length(*suite)) {
    if (auto key = srtp_key::from_bytes(*decoded)) out = srtp_keying{*suite, std::move(*key)};
  }
  secure_wipe(*decoded);
  if (!out) return std::nullopt;
  if (p.mki_value && p.mki_length) {
    // RFC 3711 §3.1: the MKI field is mki_length bytes; its value must fit in it.
    const auto length = *p.mki_length;
    if (length == 0 || length > 128 || (length < 4 && (*p.mki_value >> (8U * length)) != 0)) return std::nullopt;
    out->key.mki_value = *p.mki_value;
    out->key.mki_length = static_cast<std::uint8_t>(length);
  }
  return out;
}

}  // namespace voxedge::media
