#include "media/srtp/srtp_suite.hpp"

#include <array>
#include <mutex>

#include "base/text.hpp"
#include "media/srtp/srtp_session.hpp"

namespace voxedge::media {

namespace {

struct suite_info {
  srtp_suite suite;
  std::string_view name;
  std::size_t key_length;
  std::size_t salt_length;
};

// Preference order: the RFC 4568 mandatory suite first, then the widely deployed short
// tag, then the stronger ones.
constexpr std::array<suite_info, 6> suites = {{
    {srtp_suite::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14},
    {srtp_suite::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14},
    {srtp_suite::aead_aes_128_gcm, "AEAD_AES_128_GCM", 16, 12},  // RFC 7714 §12: 96-bit salt
    {srtp_suite::aes_256_cm_hmac_sha1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14},
    {srtp_suite::aes_256_cm_hmac_sha1_32, "AES_256_CM_HMAC_SHA1_32", 32, 14},
    {srtp_suite::aead_aes_256_gcm, "AEAD_AES_256_GCM", 32, 12},
}};

constexpr std::array<srtp_suite, suites.size()> order = {
    suites[0].suite, suites[1].suite, suites[2].suite, suites[3].suite, suites[4].suite, suites[5].suite,
};

const suite_info& info(srtp_suite s) noexcept {
  for (const auto& i : suites) {
    if (i.suite == s) return i;
  }
  return suites.front();  // unreachable: every enumerator is in the table
}

}  // namespace

std::optional<srtp_suite> srtp_suite_from_name(std::string_view name) noexcept {
  for (const auto& i : suites) {
    if (text::iequals(i.name, name)) return i.suite;
  }
  return std::nullopt;
}

std::string_view to_string(srtp_suite s) noexcept { return info(s).name; }
std::size_t srtp_master_key_length(srtp_suite s) noexcept { return info(s).key_length; }
std::size_t srtp_master_salt_length(srtp_suite s) noexcept { return info(s).salt_length; }
std::span<const srtp_suite> all_srtp_suites() noexcept { return order; }

bool srtp_suite_available(srtp_suite s) noexcept {
  static std::once_flag once;
  static std::array<bool, suites.size()> available{};
  std::call_once(once, [] {
    for (std::size_t i = 0; i < suites.size(); ++i) {
      // A throwaway key: the probe only asks whether OpenSSL has the ciphers.
      const std::array<std::uint8_t, srtp_key::max_size> zeros{};
      const auto key = srtp_key::from_bytes(std::span(zeros.data(), srtp_key_salt_length(suites[i].suite)));
      available[i] = key && srtp_session::create(srtp_session::direction::outbound, suites[i].suite, *key).ok();
    }
  });
  for (std::size_t i = 0; i < suites.size(); ++i) {
    if (suites[i].suite == s) return available[i];
  }
  return false;
}

}  // namespace voxedge::media
