// Known answers, independent of libsrtp2: a reference of RFC 3711's AES-CM key
// derivation (§4.3) and of AES_CM_128_HMAC_SHA1_80 packet protection (§3.1, §4.1.1,
// §4.2), written here over OpenSSL. The reference is checked against the RFC's own test
// vectors (Appendix B.2, B.3); srtp_session must then produce exactly
// what the reference produces, so the key||salt order SDES hands us and the transform
// are what a peer expects on the wire.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "media/rtp/byte_io.hpp"
#include "media/srtp/srtp_session.hpp"

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes from_hex(std::string_view hex) {
  bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

/// AES-128 in counter mode from the 16-byte counter block `iv`: `n` bytes of keystream
/// XORed onto `data` (zeros: the keystream itself).
bytes aes_ctr(const bytes& key, const std::array<std::uint8_t, 16>& iv, bytes data) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  bytes out(data.size());
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key.data(), iv.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &len, data.data(), static_cast<int>(data.size())), 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

/// §4.3.1 with key_derivation_rate 0 (r = 0): x = key_id XOR master_salt, key_id =
/// label || r, then AES-CM of x * 2^16 under the master key.
bytes derive(const bytes& master_key, const bytes& master_salt, std::uint8_t label, std::size_t n) {
  std::array<std::uint8_t, 16> iv{};
  std::copy(master_salt.begin(), master_salt.end(), iv.begin());  // 112 bits, then 16 zero bits
  iv[7] ^= label;  // key_id is 56 bits, right-aligned in the 112-bit salt: label at byte 7
  return aes_ctr(master_key, iv, bytes(n, 0));
}

/// §3.1/§4.1.1/§4.2: AES_CM_128_HMAC_SHA1_80 for an RTP packet with a 12-byte header and
/// rollover counter `roc`.
bytes reference_protect(const bytes& master_key, const bytes& master_salt, const bytes& packet, std::uint32_t roc) {
  const auto k_e = derive(master_key, master_salt, 0x00, 16);
  const auto k_a = derive(master_key, master_salt, 0x01, 20);
  const auto k_s = derive(master_key, master_salt, 0x02, 14);
  std::array<std::uint8_t, 16> iv{};
  std::copy(k_s.begin(), k_s.end(), iv.begin());
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= packet[8 + i];  // SSRC * 2^64
  const std::uint16_t seq = byte_io::load_be16(&packet[2]);
  const std::uint64_t index = (std::uint64_t{roc} << 16) | seq;                                // §3.3.1
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= static_cast<std::uint8_t>(index >> (8 * (5 - i)));  // i * 2^16
  bytes out(packet.begin(), packet.begin() + 12);
  const auto encrypted = aes_ctr(k_e, iv, bytes(packet.begin() + 12, packet.end()));
  out.insert(out.end(), encrypted.begin(), encrypted.end());
  bytes authenticated = out;
  for (int i = 3; i >= 0; --i) authenticated.push_back(static_cast<std::uint8_t>(roc >> (8 * i)));
  std::array<std::uint8_t, 20> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), k_a.data(), static_cast<int>(k_a.size()), authenticated.data(), authenticated.size(), mac.data(),
       &mac_len);
  out.insert(out.end(), mac.begin(), mac.begin() + 10);  // 80-bit tag
  return out;
}

TEST(srtp_known_answer, rfc3711_b2_aes_cm_keystream) {
  std::array<std::uint8_t, 16> iv{};
  const auto offset = from_hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  std::copy(offset.begin(), offset.end(), iv.begin());
  const auto ks = aes_ctr(from_hex("2B7E151628AED2A6ABF7158809CF4F3C"), iv, bytes(48, 0));
  EXPECT_EQ(ks, from_hex("E03EAD0935C95E80E166B16DD92B4EB4"
                         "D23513162B02D0F72A43A2FE4A5F97AB"
                         "41E95B3BB0A2E8DD477901E4FCA894C0"));
}

TEST(srtp_known_answer, rfc3711_b3_key_derivation) {
  const auto master_key = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto master_salt = from_hex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(derive(master_key, master_salt, 0x00, 16), from_hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(derive(master_key, master_salt, 0x02, 14), from_hex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(derive(master_key, master_salt, 0x01, 20), from_hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
}

TEST(srtp_known_answer, session_protects_as_rfc3711_says) {
  // The SDES inline key is master key || master salt (RFC 4568 §6.1).
  const auto master_key = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto master_salt = from_hex("0EC675AD498AFEEBB6960B3AABE6");
  bytes key_salt = master_key;
  key_salt.insert(key_salt.end(), master_salt.begin(), master_salt.end());
  auto out = srtp_session::create(srtp_session::direction::outbound, srtp_suite::aes_cm_128_hmac_sha1_80,
                                  *srtp_key::from_bytes(key_salt));
  ASSERT_TRUE(out.ok());
  for (const std::uint16_t seq : {std::uint16_t{0x1234}, std::uint16_t{0xFFFF}, std::uint16_t{0x0000}}) {
    bytes packet(12 + 160);
    packet[0] = 0x80;
    packet[1] = 0x08;
    byte_io::store_be16(&packet[2], seq);
    byte_io::store_be32(&packet[4], 0xDECAFBAD);
    byte_io::store_be32(&packet[8], 0xCAFEBABE);
    for (std::size_t i = 12; i < packet.size(); ++i) packet[i] = static_cast<std::uint8_t>(i);
    // After 0xFFFF comes 0x0000 with the rollover counter at 1 (§3.3.1).
    const std::uint32_t roc = seq == 0 ? 1 : 0;
    alignas(16) std::array<std::uint8_t, 512> buffer{};
    std::copy(packet.begin(), packet.end(), buffer.begin());
    std::size_t size = packet.size();
    ASSERT_EQ(out->protect_rtp(buffer, size), srtp_status::ok);
    EXPECT_EQ(bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)),
              reference_protect(master_key, master_salt, packet, roc))
        << "seq " << seq;
  }
}

}  // namespace
}  // namespace voxedge::media
