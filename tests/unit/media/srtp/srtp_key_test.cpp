// Suites by name, key material from a=crypto (RFC 4568 §6.1, §9.1), and what is refused.
#include "media/srtp/srtp_key.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "media/sdp/crypto_attribute.hpp"

namespace voxedge::media {
namespace {

crypto_attribute crypto(std::string_view value) {
  auto c = parse_crypto(value);
  EXPECT_TRUE(c) << value;
  return c.value_or(crypto_attribute{});
}

std::string key_of_length(std::size_t n, std::uint8_t fill = 0x42) {
  const std::vector<std::uint8_t> bytes(n, fill);
  return encode_base64(bytes);
}

TEST(srtp_suite, names_and_lengths) {
  EXPECT_EQ(srtp_suite_from_name("AES_CM_128_HMAC_SHA1_80"), srtp_suite::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(srtp_suite_from_name("aes_cm_128_hmac_sha1_32"), srtp_suite::aes_cm_128_hmac_sha1_32);
  EXPECT_EQ(srtp_suite_from_name("AEAD_AES_128_GCM"), srtp_suite::aead_aes_128_gcm);
  EXPECT_FALSE(srtp_suite_from_name("F8_128_HMAC_SHA1_80"));
  EXPECT_FALSE(srtp_suite_from_name("AEAD_AES_128_GCM_8"));
  for (const auto s : all_srtp_suites()) {
    EXPECT_EQ(srtp_suite_from_name(to_string(s)), s);
    // Our table agrees with the SDP layer's (RFC 4568 §6.2, RFC 6188, RFC 7714).
    EXPECT_EQ(srtp_key_salt_length(s), srtp_key_salt_length(to_string(s))) << to_string(s);
  }
  EXPECT_EQ(srtp_key_salt_length(srtp_suite::aes_cm_128_hmac_sha1_80), 30u);
  EXPECT_EQ(srtp_key_salt_length(srtp_suite::aead_aes_128_gcm), 28u);
  EXPECT_EQ(srtp_key_salt_length(srtp_suite::aes_256_cm_hmac_sha1_32), 46u);
  EXPECT_EQ(all_srtp_suites().front(), srtp_suite::aes_cm_128_hmac_sha1_80);
}

TEST(srtp_suite, aes_cm_is_always_available) {
  EXPECT_TRUE(srtp_suite_available(srtp_suite::aes_cm_128_hmac_sha1_80));
  EXPECT_TRUE(srtp_suite_available(srtp_suite::aes_cm_128_hmac_sha1_32));
  // GCM depends on how libsrtp2 was built; the answer is stable within a process.
  EXPECT_EQ(srtp_suite_available(srtp_suite::aead_aes_128_gcm), srtp_suite_available(srtp_suite::aead_aes_128_gcm));
}

TEST(srtp_key, copies_compare_and_bounds) {
  const std::vector<std::uint8_t> bytes(30, 7);
  auto k = srtp_key::from_bytes(bytes);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->size(), 30u);
  srtp_key copy = *k;
  EXPECT_EQ(copy, *k);
  copy.mki_length = 1;
  copy.mki_value = 1;
  EXPECT_NE(copy, *k);
  copy = *k;
  EXPECT_EQ(copy, *k);
  EXPECT_FALSE(srtp_key::from_bytes({}));
  EXPECT_FALSE(srtp_key::from_bytes(std::vector<std::uint8_t>(47, 1)));
  const auto other = srtp_key::from_bytes(std::vector<std::uint8_t>(30, 8));
  EXPECT_NE(*other, *k);
  EXPECT_TRUE(srtp_key{}.empty());
}

TEST(keying_from_crypto, inline_key_of_the_suite_length) {
  const auto key = key_of_length(30);
  const auto k = keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->suite, srtp_suite::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(k->key.size(), 30u);
  EXPECT_EQ(k->key.bytes()[0], 0x42);
  EXPECT_EQ(k->key.mki_length, 0);
  // A lifetime is allowed: libsrtp2 enforces the RFC 3711 §9.2 limits itself.
  EXPECT_TRUE(keying_from_crypto(crypto("2 AES_CM_128_HMAC_SHA1_32 inline:" + key + "|2^31")));
}

TEST(keying_from_crypto, mki) {
  const auto key = key_of_length(30);
  const auto k = keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4"));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->key.mki_value, 1u);
  EXPECT_EQ(k->key.mki_length, 4);
  // 300 does not fit in one byte (RFC 3711 §3.1: the MKI field has the signalled length).
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|300:1")));
  EXPECT_TRUE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|255:1")));
}

TEST(keying_from_crypto, refuses_what_we_cannot_honour) {
  const auto key30 = key_of_length(30);
  // Wrong length for the suite.
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key_of_length(28))));
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_256_CM_HMAC_SHA1_80 inline:" + key30)));
  // Suites we do not implement.
  EXPECT_FALSE(keying_from_crypto(crypto("1 F8_128_HMAC_SHA1_80 inline:" + key30)));
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_192_CM_HMAC_SHA1_80 inline:" + key_of_length(38))));
  // Session parameters change the transform (RFC 4568 §6.3).
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key30 + " UNENCRYPTED_SRTP")));
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key30 + " KDR=1")));
  // Two keys (§6.1 allows it with MKIs; we take one).
  EXPECT_FALSE(
      keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 inline:" + key30 + "|1:1;inline:" + key30 + "|2:1")));
  // Another key method.
  EXPECT_FALSE(keying_from_crypto(crypto("1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key")));
}

TEST(keying_from_crypto, gcm_when_available) {
  const auto k = keying_from_crypto(crypto("1 AEAD_AES_128_GCM inline:" + key_of_length(28)));
  EXPECT_EQ(k.has_value(), srtp_suite_available(srtp_suite::aead_aes_128_gcm));
  if (k) {
    EXPECT_EQ(k->suite, srtp_suite::aead_aes_128_gcm);
  }
}

}  // namespace
}  // namespace voxedge::media
