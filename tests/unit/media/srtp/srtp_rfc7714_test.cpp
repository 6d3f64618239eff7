// AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714) against a reference written here over
// OpenSSL from the RFC's text, independent of libsrtp2 and of srtp_session's code: key
// derivation with the 96-bit master salt (§11), the SRTP IV 0 || SSRC || ROC || SEQ XOR
// salt with the header as AAD (§8.1, §8.2), and SRTCP with IV 0 || SSRC || 0 || index,
// AAD = header || E||index and the index word after the tag (§9.1, §17). The RFC's own
// packets (§16, §17) use session keys without the KDF, which srtp_session does not take;
// byte-identity with libsrtp2 is checked in srtp_differential_test.cpp.
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "media/rtp/byte_io.hpp"
#include "media/srtp/srtp_session.hpp"

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes aes_ctr(const bytes& key, const std::array<std::uint8_t, 16>& iv, std::size_t n) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  bytes out(n, 0);
  int len = 0;
  EXPECT_EQ(
      EVP_EncryptInit_ex(ctx, key.size() == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr(), nullptr, key.data(), iv.data()),
      1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &len, out.data(), static_cast<int>(n)), 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

/// RFC 3711 §4.3.1 (kdr 0) with the 96-bit salt padded to 112 bits (RFC 7714 §11).
bytes derive(const bytes& master_key, const bytes& master_salt, std::uint8_t label, std::size_t n) {
  std::array<std::uint8_t, 16> iv{};
  std::copy(master_salt.begin(), master_salt.end(), iv.begin());
  iv[7] ^= label;
  return aes_ctr(master_key, iv, n);
}

/// AES-GCM with a 16-octet tag: ciphertext || tag.
bytes gcm(const bytes& key, const std::array<std::uint8_t, 12>& iv, const bytes& aad, const bytes& plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EXPECT_EQ(
      EVP_EncryptInit_ex(ctx, key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), nullptr, nullptr, nullptr), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr), 1);
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())), 1);
  bytes out(plain.size() + 16);
  if (!plain.empty()) {
    EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &len, plain.data(), static_cast<int>(plain.size())), 1);
  }
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + plain.size(), &len), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + plain.size()), 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

std::array<std::uint8_t, 12> iv_of(const bytes& salt, std::uint32_t ssrc, std::uint32_t middle, std::uint16_t low) {
  std::array<std::uint8_t, 12> iv{};
  byte_io::store_be32(&iv[2], ssrc);
  byte_io::store_be32(&iv[6], middle);
  byte_io::store_be16(&iv[10], low);
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= salt[i];
  return iv;
}

class rfc7714 : public ::testing::TestWithParam<srtp_suite> {};

TEST_P(rfc7714, srtp_and_srtcp_as_the_rfc_says) {
  const auto suite = GetParam();
  const std::size_t key_length = srtp_master_key_length(suite);
  ASSERT_EQ(srtp_master_salt_length(suite), 12u);
  bytes master_key(key_length);
  bytes master_salt(12);
  for (std::size_t i = 0; i < key_length; ++i) master_key[i] = static_cast<std::uint8_t>(i);
  for (std::size_t i = 0; i < 12; ++i) master_salt[i] = static_cast<std::uint8_t>(0xA0 + i);
  bytes key_salt = master_key;
  key_salt.insert(key_salt.end(), master_salt.begin(), master_salt.end());
  auto out = srtp_session::create(srtp_session::direction::outbound, suite, *srtp_key::from_bytes(key_salt));
  ASSERT_TRUE(out.ok());

  // SRTP: labels 0 and 2 (§4.3.1); the 12-octet header is the AAD.
  const auto k_e = derive(master_key, master_salt, 0x00, key_length);
  const auto k_s = derive(master_key, master_salt, 0x02, 12);
  for (const std::uint16_t seq : {std::uint16_t{0xF17B}, std::uint16_t{0xFFFF}, std::uint16_t{0x0000}}) {
    bytes packet = {0x80, 0x40, 0, 0, 0x80, 0x41, 0xF8, 0xD3, 0x55, 0x01, 0xA0, 0xB2};
    byte_io::store_be16(&packet[2], seq);
    const bytes payload = {'G', 'a', 'l', 'l', 'i', 'a', ' ', 'e', 's', 't', ' ', 'o', 'm', 'n', 'i', 's'};
    packet.insert(packet.end(), payload.begin(), payload.end());
    const std::uint32_t roc = seq == 0 ? 1 : 0;  // 0x0000 follows 0xFFFF
    bytes expected(packet.begin(), packet.begin() + 12);
    const auto sealed = gcm(k_e, iv_of(k_s, 0x5501A0B2, roc, seq), expected, payload);
    expected.insert(expected.end(), sealed.begin(), sealed.end());

    alignas(16) std::array<std::uint8_t, 256> buffer{};
    std::copy(packet.begin(), packet.end(), buffer.begin());
    std::size_t size = packet.size();
    ASSERT_EQ(out->protect_rtp(buffer, size), srtp_status::ok);
    EXPECT_EQ(bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)), expected) << "seq " << seq;
  }

  // SRTCP: labels 3 and 5; AAD = the first 8 octets || E=1 || index; the index word after
  // the tag. The first SRTCP index of a source is 1.
  const auto c_e = derive(master_key, master_salt, 0x03, key_length);
  const auto c_s = derive(master_key, master_salt, 0x05, 12);
  for (std::uint32_t index = 1; index <= 3; ++index) {
    const bytes packet = {0x81, 0xC8, 0x00, 0x0D, 0x4D, 0x61, 0x72, 0x73, 'N', 'T', 'P', ' ', 'i', 's', ' ', 'x'};
    bytes word(4);
    byte_io::store_be32(word.data(), 0x80000000U | index);
    bytes aad(packet.begin(), packet.begin() + 8);
    aad.insert(aad.end(), word.begin(), word.end());
    bytes expected(packet.begin(), packet.begin() + 8);
    // §9.1: the IV carries the 31-bit index in its last four octets.
    auto iv = iv_of(c_s, 0x4D617273, 0, 0);
    for (int i = 0; i < 4; ++i) iv[8 + i] ^= static_cast<std::uint8_t>(index >> (8 * (3 - i)));
    const auto sealed_with_index = gcm(c_e, iv, aad, bytes(packet.begin() + 8, packet.end()));
    expected.insert(expected.end(), sealed_with_index.begin(), sealed_with_index.end());
    expected.insert(expected.end(), word.begin(), word.end());

    alignas(16) std::array<std::uint8_t, 256> buffer{};
    std::copy(packet.begin(), packet.end(), buffer.begin());
    std::size_t size = packet.size();
    ASSERT_EQ(out->protect_rtcp(buffer, size), srtp_status::ok);
    EXPECT_EQ(bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)), expected) << "index " << index;
  }
}

INSTANTIATE_TEST_SUITE_P(suites, rfc7714, ::testing::Values(srtp_suite::aead_aes_128_gcm, srtp_suite::aead_aes_256_gcm),
                         [](const ::testing::TestParamInfo<srtp_suite>& p) { return std::string(to_string(p.param)); });

}  // namespace
}  // namespace voxedge::media
