#include "media/sdp/crypto_attribute.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace voxedge::media {
namespace {

// RFC 4568 §9.1 / §10 example keys.
constexpr std::string_view example =
    "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";

TEST(crypto_attribute, rfc4568_example) {
  const auto c = parse_crypto(example);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->tag, 1u);
  EXPECT_EQ(c->suite, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(c->key_params.size(), 1u);
  const auto& k = c->key_params[0];
  EXPECT_EQ(k.method, "inline");
  EXPECT_EQ(k.key_salt, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
  EXPECT_EQ(k.lifetime, "2^20");
  EXPECT_EQ(k.mki_value, 1u);
  EXPECT_EQ(k.mki_length, 32u);
  EXPECT_TRUE(c->session_params.empty());
  EXPECT_EQ(c->to_value(), example);
  EXPECT_EQ(c->to_redacted_value(), "1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:32");
  EXPECT_EQ(decode_base64(k.key_salt)->size(), srtp_key_salt_length(c->suite));
}

TEST(crypto_attribute, several_keys_and_session_parameters) {
  const auto c = parse_crypto(
      "2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4;"
      "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 FEC_ORDER=FEC_SRTP KDR=23");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->key_params.size(), 2u);
  EXPECT_EQ(c->key_params[1].mki_value, 2u);
  EXPECT_EQ(c->session_params, (std::vector<std::string>{"FEC_ORDER=FEC_SRTP", "KDR=23"}));
  EXPECT_EQ(parse_crypto(c->to_value()), c);
  // Lifetime alone, MKI alone.
  EXPECT_EQ(parse_crypto("3 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1048576")
                ->key_params[0]
                .lifetime,
            "1048576");
  EXPECT_EQ(parse_crypto("3 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|7:1")
                ->key_params[0]
                .mki_value,
            7u);
}

TEST(crypto_attribute, rejects_malformed) {
  for (const char* bad :
       {"", "1", "1 AES_CM_128_HMAC_SHA1_80", "x AES inline:QUJD", "1234567890 AES inline:QUJD", "1 AES-CM inline:QUJD",
        "1 AES inline", "1 AES inline:", "1 AES inline:QU=JD", "1 AES inline:QUJD|", "1 AES inline:QUJD|2^x",
        "1 AES inline:QUJD|1:0", "1 AES inline:QUJD|1:129", "1 AES inline:QUJD|1:4|2^20", "1 AES inline:QUJD;"}) {
    EXPECT_FALSE(parse_crypto(bad)) << bad;
  }
}

TEST(crypto_attribute, suites_and_keys) {
  EXPECT_EQ(srtp_key_salt_length("AES_CM_128_HMAC_SHA1_32"), 30u);
  EXPECT_EQ(srtp_key_salt_length("AES_256_CM_HMAC_SHA1_80"), 46u);
  EXPECT_EQ(srtp_key_salt_length("AEAD_AES_128_GCM"), 28u);
  EXPECT_EQ(srtp_key_salt_length("NULL_HMAC_SHA1_80"), 0u);
  std::uint8_t n = 0;
  const random_bytes_function counter = [&](std::span<std::uint8_t> out) {
    for (auto& b : out) b = n++;
  };
  const auto c = make_crypto(7, "AES_256_CM_HMAC_SHA1_80", counter);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->tag, 7u);
  const auto bytes = decode_base64(c->key_params.at(0).key_salt);
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), 46u);
  EXPECT_EQ((*bytes)[45], 45);
  EXPECT_FALSE(make_crypto(1, "UNKNOWN_SUITE", counter));
  // The system generator gives distinct keys.
  EXPECT_NE(make_crypto(1, "AES_CM_128_HMAC_SHA1_80")->key_params[0].key_salt,
            make_crypto(1, "AES_CM_128_HMAC_SHA1_80")->key_params[0].key_salt);
}

TEST(base64, round_trip_and_padding) {
  for (std::size_t len = 0; len < 40; ++len) {
    std::vector<std::uint8_t> bytes(len);
    std::generate(bytes.begin(), bytes.end(), [v = std::uint8_t{200}]() mutable { return v += 37; });
    const auto text = encode_base64(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_EQ(decode_base64(text), bytes);
    // Padding is optional on input.
    std::string bare = text;
    while (!bare.empty() && bare.back() == '=') bare.pop_back();
    EXPECT_EQ(decode_base64(bare), bytes);
  }
  EXPECT_EQ(encode_base64(std::vector<std::uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
  EXPECT_FALSE(decode_base64("Zm9v!"));
  EXPECT_FALSE(decode_base64("Z"));
}

}  // namespace
}  // namespace voxedge::media
