#pragma once
// a=crypto (RFC 4568 §9.1): SDP security descriptions for SRTP (SDES), as the trunk side
// uses them. The structure is kept so that the SRTP layer gets the suite, the master key
// and salt, lifetime and MKI; the key is a secret, so logs must use to_redacted_value().
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace voxedge::media {

/// key-param = key-method ":" key-info; for "inline": key||salt ["|" lifetime] ["|" MKI ":" length].
struct crypto_key_param {
  std::string method = "inline";
  /// inline: base64 master key||salt. Another key method keeps its key-info here, raw.
  std::string key_salt;
  std::optional<std::string> lifetime;      // "2^31" or a decimal count of packets
  std::optional<std::uint32_t> mki_value;   // set together with mki_length
  std::optional<std::uint32_t> mki_length;  // bytes, 1..128
  friend bool operator==(const crypto_key_param&, const crypto_key_param&) = default;
};

struct crypto_attribute {
  std::uint32_t tag = 1;  // 1*9DIGIT, chosen by the offerer, echoed by the answerer (§5.1.2)
  std::string suite;      // "AES_CM_128_HMAC_SHA1_80", ...
  std::vector<crypto_key_param> key_params;
  std::vector<std::string> session_params;  // "KDR=...", "UNENCRYPTED_SRTCP", ... kept as received

  /// "1 AES_CM_128_HMAC_SHA1_80 inline:<key>": the wire form, key included.
  std::string to_value() const;
  /// The same with every key replaced by "<redacted>", for logs.
  std::string to_redacted_value() const;
  friend bool operator==(const crypto_attribute&, const crypto_attribute&) = default;
};

std::optional<crypto_attribute> parse_crypto(std::string_view value);

/// Length in bytes of master key + master salt for the SRTP suites we know (RFC 4568
/// §6.2, RFC 6188, RFC 7714), 0 for any other suite.
std::size_t srtp_key_salt_length(std::string_view suite) noexcept;

/// Base64 (RFC 4648 §4). Decoding tolerates missing "=" padding, as some peers omit it.
std::string encode_base64(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text);

/// Fills a buffer with unpredictable bytes. Tests inject a deterministic one.
using random_bytes_function = std::function<void(std::span<std::uint8_t>)>;
/// The OS CSPRNG (through base/random.hpp).
void system_random_bytes(std::span<std::uint8_t> out);

/// A fresh inline key for `suite` (which must have a known key length, else nullopt).
std::optional<crypto_attribute> make_crypto(std::uint32_t tag, std::string_view suite,
                                            const random_bytes_function& random = system_random_bytes);

}  // namespace voxedge::media
