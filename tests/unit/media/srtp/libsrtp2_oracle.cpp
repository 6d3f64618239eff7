#include "libsrtp2_oracle.hpp"

#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace voxedge::media::testing {

namespace {

bool library_ready() noexcept {
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] { ready = srtp_init() == srtp_err_status_ok; });
  return ready;
}

void set_crypto_policy(srtp_policy_t& p, srtp_suite s) noexcept {
  switch (s) {
    case srtp_suite::aes_cm_128_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_cm_128_hmac_sha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_256_cm_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_256_cm_hmac_sha1_32:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p.rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aead_aes_128_gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
      return;
    case srtp_suite::aead_aes_256_gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtcp);
      return;
  }
}

}  // namespace

libsrtp2_oracle::libsrtp2_oracle(bool outbound, srtp_suite suite, const srtp_key& key) noexcept {
  if (!library_ready()) return;
  std::array<std::uint8_t, srtp_key::max_size> key_copy{};
  std::array<std::uint8_t, 128> mki{};
  const auto bytes = key.bytes();
  std::copy(bytes.begin(), bytes.end(), key_copy.begin());
  for (std::size_t i = 0; i < key.mki_length && i < 4; ++i) {
    mki[key.mki_length - 1 - i] = static_cast<std::uint8_t>(key.mki_value >> (8U * i));
  }
  srtp_master_key_t master{key_copy.data(), mki.data(), key.mki_length};
  srtp_master_key_t* masters[1] = {&master};
  srtp_policy_t policy{};
  set_crypto_policy(policy, suite);
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  if (key.mki_length == 0) {
    policy.key = key_copy.data();
  } else {
    policy.keys = masters;
    policy.num_master_keys = 1;
  }
  policy.window_size = 0;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_t ctx = nullptr;
  if (srtp_create(&ctx, &policy) == srtp_err_status_ok) {
    ctx_ = ctx;
  } else if (ctx != nullptr) {
    srtp_dealloc(ctx);
  }
  mki_ = key.mki_length != 0;
}

libsrtp2_oracle::~libsrtp2_oracle() {
  if (ctx_ != nullptr) srtp_dealloc(ctx_);
}

int libsrtp2_oracle::protect_rtp(std::uint8_t* buffer, std::size_t& size) noexcept {
  int len = static_cast<int>(size);
  const auto s = srtp_protect_mki(ctx_, buffer, &len, mki_ ? 1U : 0U, 0);
  if (s == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return s;
}

int libsrtp2_oracle::protect_rtcp(std::uint8_t* buffer, std::size_t& size) noexcept {
  int len = static_cast<int>(size);
  const auto s = srtp_protect_rtcp_mki(ctx_, buffer, &len, mki_ ? 1U : 0U, 0);
  if (s == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return s;
}

int libsrtp2_oracle::unprotect_rtp(std::uint8_t* buffer, std::size_t& size) noexcept {
  int len = static_cast<int>(size);
  const auto s = srtp_unprotect_mki(ctx_, buffer, &len, mki_ ? 1U : 0U);
  if (s == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return s;
}

int libsrtp2_oracle::unprotect_rtcp(std::uint8_t* buffer, std::size_t& size) noexcept {
  int len = static_cast<int>(size);
  const auto s = srtp_unprotect_rtcp_mki(ctx_, buffer, &len, mki_ ? 1U : 0U);
  if (s == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return s;
}

}  // namespace voxedge::media::testing
