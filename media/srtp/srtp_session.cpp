#include "media/srtp/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <mutex>

namespace voxedge::media {

namespace {

// srtp_init() registers libsrtp2's ciphers in a process-wide kernel and is not safe to
// race; every media worker may create contexts, so it runs exactly once.
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
      // RFC 4568 §6.2.2: the short tag is for SRTP only; SRTCP keeps HMAC-SHA1-80.
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_256_cm_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_256_cm_hmac_sha1_32:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p.rtp);  // RFC 6188 §7.1: SRTCP as _80
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aead_aes_128_gcm:
      // RFC 7714 §14.2: AEAD_AES_128_GCM has the 16-octet tag, on SRTP and SRTCP alike.
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
      return;
    case srtp_suite::aead_aes_256_gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtcp);
      return;
  }
}

srtp_status status_of(srtp_err_status_t e) noexcept {
  switch (e) {
    case srtp_err_status_ok: return srtp_status::ok;
    case srtp_err_status_auth_fail:
    case srtp_err_status_bad_mki:     // an MKI we never agreed on: not keyed by our peer
    case srtp_err_status_cant_check:  // SRTCP without the E flag where we require encryption (§3.4)
      return srtp_status::auth_failed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return srtp_status::replayed;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err: return srtp_status::bad_packet;
    default: return srtp_status::failed;
  }
}

// libsrtp2 reads the RTP/RTCP header fields as 32-bit words in place; a packet buffer is
// always at least 4-aligned (the relay's slots are), which its callers guarantee.
bool too_large(std::size_t size) noexcept { return size > static_cast<std::size_t>(INT_MAX) - 256; }

}  // namespace

std::string_view to_string(srtp_status s) noexcept {
  switch (s) {
    case srtp_status::ok: return "ok";
    case srtp_status::auth_failed: return "auth_failed";
    case srtp_status::replayed: return "replayed";
    case srtp_status::bad_packet: return "bad_packet";
    case srtp_status::no_room: return "no_room";
    case srtp_status::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(srtp_create_error e) noexcept {
  switch (e) {
    case srtp_create_error::init_failed: return "init_failed";
    case srtp_create_error::unavailable_suite: return "unavailable_suite";
    case srtp_create_error::bad_key: return "bad_key";
    case srtp_create_error::create_failed: return "create_failed";
  }
  return "unknown";
}

result<srtp_session, srtp_create_error> srtp_session::create(direction d, srtp_suite suite,
                                                             const srtp_key& key) noexcept {
  if (!library_ready()) return fail(srtp_create_error::init_failed);
  if (key.size() != srtp_key_salt_length(suite)) return fail(srtp_create_error::bad_key);
  if (key.mki_length > 128 || (key.mki_length < 4 && (key.mki_value >> (8U * key.mki_length)) != 0)) {
    return fail(srtp_create_error::bad_key);
  }

  // libsrtp2 takes the key through non-const pointers but only reads it; it copies what
  // it needs into the context. Our copies are wiped on the way out.
  std::array<std::uint8_t, srtp_key::max_size> key_copy{};
  std::array<std::uint8_t, 128> mki{};
  const auto bytes = key.bytes();
  std::copy(bytes.begin(), bytes.end(), key_copy.begin());
  for (std::size_t i = 0; i < key.mki_length && i < 4; ++i) {
    // Big-endian in its field (RFC 3711 §3.1), right-aligned in a longer one.
    mki[key.mki_length - 1 - i] = static_cast<std::uint8_t>(key.mki_value >> (8U * i));
  }
  srtp_master_key_t master{key_copy.data(), mki.data(), key.mki_length};
  srtp_master_key_t* masters[1] = {&master};

  srtp_policy_t policy{};
  set_crypto_policy(policy, suite);
  policy.ssrc.type = d == direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
  if (key.mki_length == 0) {
    policy.key = key_copy.data();
  } else {
    policy.keys = masters;
    policy.num_master_keys = 1;
  }
  policy.window_size = 0;      // libsrtp2's default replay window (128)
  policy.allow_repeat_tx = 0;  // never the same index twice under one key (RFC 3711 §9.1)
  policy.next = nullptr;

  srtp_t ctx = nullptr;
  const auto status = srtp_create(&ctx, &policy);
  secure_wipe(key_copy);
  if (status != srtp_err_status_ok) {
    if (ctx != nullptr) srtp_dealloc(ctx);
    return fail(status == srtp_err_status_bad_param || status == srtp_err_status_cipher_fail
                    ? srtp_create_error::unavailable_suite
                    : srtp_create_error::create_failed);
  }
  return srtp_session(ctx, d, suite, key.mki_length != 0);
}

srtp_session::srtp_session(srtp_session&& other) noexcept
    : ctx_(other.ctx_), direction_(other.direction_), suite_(other.suite_), mki_(other.mki_) {
  other.ctx_ = nullptr;
}

srtp_session& srtp_session::operator=(srtp_session&& other) noexcept {
  if (this != &other) {
    release();
    ctx_ = other.ctx_;
    direction_ = other.direction_;
    suite_ = other.suite_;
    mki_ = other.mki_;
    other.ctx_ = nullptr;
  }
  return *this;
}

srtp_session::~srtp_session() { release(); }

void srtp_session::release() noexcept {
  if (ctx_ != nullptr) srtp_dealloc(ctx_);
  ctx_ = nullptr;
}

srtp_status srtp_session::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  if (ctx_ == nullptr || direction_ != direction::outbound) return srtp_status::failed;
  if (too_large(size) || buffer.size() < size || buffer.size() - size < max_overhead) return srtp_status::no_room;
  int len = static_cast<int>(size);
  const auto status = srtp_protect_mki(ctx_, buffer.data(), &len, mki_ ? 1U : 0U, 0);
  if (status == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return status_of(status);
}

srtp_status srtp_session::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  if (ctx_ == nullptr || direction_ != direction::outbound) return srtp_status::failed;
  if (too_large(size) || buffer.size() < size || buffer.size() - size < max_overhead) return srtp_status::no_room;
  int len = static_cast<int>(size);
  const auto status = srtp_protect_rtcp_mki(ctx_, buffer.data(), &len, mki_ ? 1U : 0U, 0);
  if (status == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return status_of(status);
}

srtp_status srtp_session::unprotect_rtp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  if (ctx_ == nullptr || direction_ != direction::inbound) return srtp_status::failed;
  // RFC 3711 §3.1: a 12-byte header at least; libsrtp2 checks the rest.
  if (packet.size() < 12 || too_large(packet.size())) return srtp_status::bad_packet;
  int len = static_cast<int>(packet.size());
  const auto status = srtp_unprotect_mki(ctx_, packet.data(), &len, mki_ ? 1U : 0U);
  if (status == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return status_of(status);
}

srtp_status srtp_session::unprotect_rtcp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  if (ctx_ == nullptr || direction_ != direction::inbound) return srtp_status::failed;
  // §3.4: the 8-byte RTCP header and SSRC, then the E flag and SRTCP index.
  if (packet.size() < 12 || too_large(packet.size())) return srtp_status::bad_packet;
  int len = static_cast<int>(packet.size());
  const auto status = srtp_unprotect_rtcp_mki(ctx_, packet.data(), &len, mki_ ? 1U : 0U);
  if (status == srtp_err_status_ok) size = static_cast<std::size_t>(len);
  return status_of(status);
}

}  // namespace voxedge::media
