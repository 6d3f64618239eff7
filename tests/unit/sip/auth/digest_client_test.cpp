#include "sip/auth/digest_client.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sip/auth/digest_verifier.hpp"

namespace voxedge::sip {
namespace {

// RFC 7616 §3.9.1.
constexpr std::string_view rfc_realm = "http-auth@example.org";
constexpr std::string_view rfc_nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr std::string_view rfc_cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
constexpr std::string_view rfc_opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
const digest_request rfc_get{"GET", "/dir/index.html", std::nullopt};

auth_header challenge(std::string_view algorithm, std::string_view qop = "auth, auth-int") {
  auth_header c;
  c.scheme = "Digest";
  c.params.set("realm", rfc_realm, true);
  if (!qop.empty()) c.params.set("qop", qop, true);
  if (!algorithm.empty()) c.params.set("algorithm", algorithm);
  c.params.set("nonce", rfc_nonce, true);
  c.params.set("opaque", rfc_opaque, true);
  return c;
}

digest_client fixed_client() {
  return digest_client([] { return std::string(rfc_cnonce); });
}

std::string param(const auth_header& h, std::string_view name) {
  return std::string(h.params.get(name).value_or("<absent>"));
}

TEST(DigestClient, Rfc7616Md5Example) {
  auto client = fixed_client();
  auto h = client.authorize(challenge("MD5"), "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(param(*h, "response"), "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(param(*h, "nc"), "00000001");
  EXPECT_EQ(param(*h, "qop"), "auth");
  EXPECT_EQ(param(*h, "cnonce"), rfc_cnonce);
  EXPECT_EQ(param(*h, "opaque"), rfc_opaque);
  EXPECT_EQ(param(*h, "algorithm"), "MD5");
  EXPECT_EQ(param(*h, "uri"), "/dir/index.html");
  // Round-trips through the header syntax.
  const std::string text = h->to_string();
  EXPECT_NE(text.find("qop=auth,"), std::string::npos) << text;
  EXPECT_NE(text.find("nc=00000001"), std::string::npos) << text;
  auto reparsed = parse_auth_header(text);
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(param(*reparsed, "response"), "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(DigestClient, Rfc7616Sha256Example) {
  auto client = fixed_client();
  auto h = client.authorize(challenge("SHA-256"), "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(param(*h, "response"), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(param(*h, "algorithm"), "SHA-256");
}

TEST(DigestClient, Rfc2617NoQopMd5) {
  auto client = fixed_client();
  auto h = client.authorize(challenge("", ""), "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(h.ok());
  const auto ha1 = digest_hash_hex(digest_algorithm::md5, "Mufasa:http-auth@example.org:Circle of Life");
  const auto ha2 = digest_hash_hex(digest_algorithm::md5, "GET:/dir/index.html");
  ASSERT_TRUE(ha1.ok() && ha2.ok());
  const auto expected = digest_hash_hex(digest_algorithm::md5, *ha1 + ":" + std::string(rfc_nonce) + ":" + *ha2);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(param(*h, "response"), *expected);
  EXPECT_FALSE(h->params.has("qop"));
  EXPECT_FALSE(h->params.has("nc"));
  EXPECT_FALSE(h->params.has("cnonce"));
  EXPECT_FALSE(h->params.has("algorithm"));  // not in the challenge, not echoed
}

TEST(DigestClient, KnownMd5VectorForHashing) {
  // RFC 1321 A.5 and FIPS 180-2 test vectors: the EVP plumbing and hex are right.
  EXPECT_EQ(*digest_hash_hex(digest_algorithm::md5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(*digest_hash_hex(digest_algorithm::sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestClient, NonceCountIncrementsPerNonce) {
  auto client = fixed_client();
  auto first = client.authorize(challenge("MD5"), "Mufasa", "Circle of Life", rfc_get);
  auto second = client.authorize(challenge("MD5"), "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(param(*first, "nc"), "00000001");
  EXPECT_EQ(param(*second, "nc"), "00000002");
  EXPECT_NE(param(*first, "response"), param(*second, "response"));
  EXPECT_EQ(client.nonce_count(rfc_nonce), 2u);

  auto other = challenge("MD5");
  other.params.set("nonce", "another-nonce", true);
  auto third = client.authorize(other, "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(param(*third, "nc"), "00000001");
  EXPECT_EQ(format_nonce_count(0x1a2b), "00001a2b");
}

TEST(DigestClient, PrefersAuthOverAuthIntAndFallsBackToAuthInt) {
  auto client = fixed_client();
  auto h = client.authorize(challenge("MD5", "auth-int, auth"), "u", "p", rfc_get);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(param(*h, "qop"), "auth");

  const digest_request with_body{"INVITE", "sip:bob@example.com", std::string_view("v=0\r\n")};
  auto i = client.authorize(challenge("SHA-256", "auth-int"), "u", "p", with_body);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(param(*i, "qop"), "auth-int");
  digest_verifier v{std::string(rfc_realm)};
  EXPECT_TRUE(v.verify(*i, "INVITE", "p", std::string_view("v=0\r\n")).ok());
  EXPECT_EQ(v.verify(*i, "INVITE", "p", std::string_view("v=1\r\n")).error(), digest_error::wrong_response);
}

TEST(DigestClient, Errors) {
  auto client = fixed_client();
  auto no_realm = challenge("MD5");
  no_realm.params.erase("realm");
  EXPECT_EQ(client.authorize(no_realm, "u", "p", rfc_get).error(), digest_error::missing_realm);
  auto no_nonce = challenge("MD5");
  no_nonce.params.erase("nonce");
  EXPECT_EQ(client.authorize(no_nonce, "u", "p", rfc_get).error(), digest_error::missing_nonce);
  EXPECT_EQ(client.authorize(challenge("SHA-512-256"), "u", "p", rfc_get).error(),
            digest_error::unsupported_algorithm);
  EXPECT_EQ(client.authorize(challenge("MD5", "auth-conf"), "u", "p", rfc_get).error(), digest_error::unsupported_qop);
  auth_header bearer;
  bearer.scheme = "Bearer";
  EXPECT_EQ(client.authorize(bearer, "u", "p", rfc_get).error(), digest_error::not_digest);
}

TEST(DigestClient, ChoosesStrongestAlgorithm) {
  std::vector<auth_header> offered{challenge("MD5"), challenge("SHA-512-256"), challenge("SHA-256"),
                                   challenge("SHA-256-sess")};
  EXPECT_EQ(choose_digest_challenge(offered), 2u);
  std::vector<auth_header> md5_only{challenge("MD5-sess"), challenge("")};
  EXPECT_EQ(choose_digest_challenge(md5_only), 1u);  // absent algorithm = MD5
  std::vector<auth_header> none{challenge("SHA-512-256"), challenge("MD5", "auth-conf")};
  EXPECT_FALSE(choose_digest_challenge(none).has_value());
  EXPECT_FALSE(choose_digest_challenge({}).has_value());
}

TEST(DigestVerifier, AcceptsClientOutputForEveryAlgorithm) {
  digest_verifier v{std::string(rfc_realm)};
  for (auto alg : {"MD5", "MD5-sess", "SHA-256", "SHA-256-sess"}) {
    digest_client client;  // real CSPRNG cnonce
    for (auto qop : {"auth", ""}) {
      auto h = client.authorize(challenge(alg, qop), "Mufasa", "Circle of Life", rfc_get);
      ASSERT_TRUE(h.ok()) << alg;
      auto reparsed = parse_auth_header(h->to_string());
      ASSERT_TRUE(reparsed.ok());
      EXPECT_TRUE(v.verify(*reparsed, "GET", "Circle of Life").ok()) << alg << " qop=" << qop;
      auto wrong = v.verify(*reparsed, "GET", "Circle of Death");
      ASSERT_FALSE(wrong.ok());
      EXPECT_EQ(wrong.error(), digest_error::wrong_response) << alg;
      EXPECT_FALSE(v.verify(*reparsed, "POST", "Circle of Life").ok()) << alg;
    }
  }
}

TEST(DigestVerifier, RejectsMalformedCredentials) {
  auto client = fixed_client();
  auto h = client.authorize(challenge("MD5"), "Mufasa", "Circle of Life", rfc_get);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(digest_verifier{"other realm"}.verify(*h, "GET", "Circle of Life").error(), digest_error::realm_mismatch);
  digest_verifier v{std::string(rfc_realm)};

  auto upper = *h;
  upper.params.set("response", "8CA523F5E9506FED4657C9700EEBDBEC", true);
  EXPECT_TRUE(v.verify(upper, "GET", "Circle of Life").ok());
  auto bad_nc = *h;
  bad_nc.params.set("nc", "1");
  EXPECT_EQ(v.verify(bad_nc, "GET", "Circle of Life").error(), digest_error::bad_nonce_count);
  auto no_cnonce = *h;
  no_cnonce.params.erase("cnonce");
  EXPECT_EQ(v.verify(no_cnonce, "GET", "Circle of Life").error(), digest_error::missing_parameter);
  auto short_response = *h;
  short_response.params.set("response", "8ca5", true);
  EXPECT_EQ(v.verify(short_response, "GET", "Circle of Life").error(), digest_error::wrong_response);
  auto bad_alg = *h;
  bad_alg.params.set("algorithm", "SHA-1");
  EXPECT_EQ(v.verify(bad_alg, "GET", "Circle of Life").error(), digest_error::unsupported_algorithm);
}

}  // namespace
}  // namespace voxedge::sip
