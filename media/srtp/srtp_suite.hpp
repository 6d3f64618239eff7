#pragma once
// The SRTP crypto suites we key with SDES (RFC 4568 §6.2, RFC 6188 §7, RFC 7714 §14.2),
// by their SDP names, and which of them the OpenSSL we run with can actually do.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace voxedge::media {

enum class srtp_suite : unsigned char {
  aes_cm_128_hmac_sha1_80,  // RFC 4568 §6.2.1: the mandatory one
  aes_cm_128_hmac_sha1_32,  // §6.2.2: 32-bit tag on SRTP, 80-bit on SRTCP
  aes_256_cm_hmac_sha1_80,  // RFC 6188
  aes_256_cm_hmac_sha1_32,
  aead_aes_128_gcm,  // RFC 7714: 16-octet tag
  aead_aes_256_gcm,
};

/// "AES_CM_128_HMAC_SHA1_80" → aes_cm_128_hmac_sha1_80; case-insensitive; nullopt for
/// any suite we do not implement (F8, AES-192, the 8-octet-tag GCM variants, ...).
std::optional<srtp_suite> srtp_suite_from_name(std::string_view name) noexcept;
/// The SDP name, upper case.
std::string_view to_string(srtp_suite s) noexcept;

/// Master key and master salt lengths in bytes (RFC 3711 §8.2, RFC 7714 §12).
std::size_t srtp_master_key_length(srtp_suite s) noexcept;
std::size_t srtp_master_salt_length(srtp_suite s) noexcept;
inline std::size_t srtp_key_salt_length(srtp_suite s) noexcept {
  return srtp_master_key_length(s) + srtp_master_salt_length(s);
}

/// Whether srtp_session can be created for `s` in this process: whether OpenSSL offers
/// the ciphers (AES-CTR, AES-GCM, HMAC-SHA1; a restricted provider set may lack one).
/// Probed once, by creating a session, and remembered.
bool srtp_suite_available(srtp_suite s) noexcept;

/// Every suite we implement, in our order of preference.
std::span<const srtp_suite> all_srtp_suites() noexcept;

}  // namespace voxedge::media
