#pragma once
// SRTP master keys as SDES carries them (RFC 4568 §6.1: key||salt, base64 in a=crypto),
// held in a fixed buffer that is wiped when the key goes away, and never printed
// (logs use crypto_attribute::to_redacted_value()).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/sdp/crypto_attribute.hpp"
#include "media/srtp/srtp_suite.hpp"

namespace voxedge::media {

/// Writes zeros over `bytes` in a way the optimiser may not drop.
void secure_wipe(std::span<std::uint8_t> bytes) noexcept;

class srtp_key {
 public:
  /// The longest master key||salt we implement: AES-256-CM's 32 + 14 bytes.
  static constexpr std::size_t max_size = 46;

  srtp_key() = default;
  /// nullopt when `key_salt` is empty or longer than max_size.
  static std::optional<srtp_key> from_bytes(std::span<const std::uint8_t> key_salt) noexcept;
  srtp_key(const srtp_key& other) noexcept { *this = other; }
  srtp_key& operator=(const srtp_key& other) noexcept;
  ~srtp_key() { secure_wipe(bytes_); }

  /// Master key followed by master salt.
  std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// RFC 3711 §3.1 MKI: the peer puts `mki_length` bytes holding `mki_value` (big-endian)
  /// into each packet; 0 = no MKI.
  std::uint32_t mki_value = 0;
  std::uint8_t mki_length = 0;

  /// Equal keys (and MKI): a re-offer that kept its key must keep its context (RFC 4568
  /// §7.1.4), since a fresh context on the same key would reuse keystream.
  friend bool operator==(const srtp_key& x, const srtp_key& y) noexcept;

 private:
  std::array<std::uint8_t, max_size> bytes_{};
  std::size_t size_ = 0;
};

/// One direction's keying: the suite and the master key.
struct srtp_keying {
  srtp_suite suite = srtp_suite::aes_cm_128_hmac_sha1_80;
  srtp_key key;
  friend bool operator==(const srtp_keying&, const srtp_keying&) = default;
};

/// SRTP on one leg, keyed by SDES (RFC 4568 §6.1: each side's key protects what that
/// side sends).
struct leg_srtp {
  srtp_suite suite = srtp_suite::aes_cm_128_hmac_sha1_80;
  srtp_key remote_key;  // the peer's: what arrives is unprotected (and authenticated) with it
  srtp_key local_key;   // ours: what we send to the peer is protected with it
  friend bool operator==(const leg_srtp&, const leg_srtp&) = default;
};

/// The keying an a=crypto line carries, when we can use it: a suite we implement and
/// OpenSSL can run, exactly one inline key of that suite's length, MKI of at most 128
/// bytes that holds its value, and no session parameters (RFC 4568 §6.3: KDR,
/// UNENCRYPTED_SRTP, ... would change the transform; we answer only plain ones).
std::optional<srtp_keying> keying_from_crypto(const crypto_attribute& crypto);

}  // namespace voxedge::media
