#include "sip/message/auth_header.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

TEST(auth_header, digest_challenge) {
  auto r = parse_auth_header(
      "Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\",\r\n nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", "
      "opaque=\"\", stale=FALSE, algorithm=MD5");
  ASSERT_TRUE(r.ok()) << r.error().what;
  EXPECT_EQ(r->scheme, "Digest");
  EXPECT_EQ(r->params.get("realm"), "atlanta.example.com");
  EXPECT_EQ(r->params.get("qop"), "auth,auth-int");
  EXPECT_EQ(r->params.get("opaque"), "");
  EXPECT_EQ(r->params.get("stale"), "FALSE");
  EXPECT_EQ(r->params.get("algorithm"), "MD5");
  EXPECT_EQ(r->to_string(),
            "Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\", nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", "
            "opaque=\"\", stale=FALSE, algorithm=MD5");
}

TEST(auth_header, digest_credentials) {
  auto r = parse_auth_header(
      "Digest username=\"bob\",realm=\"biloxi.com\" , "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",uri=\"sip:bob@biloxi.com\","
      "qop=auth,nc=00000001,cnonce=\"0a4f113b\",response=\"6629fae49393a05397450978507c4ef1\",opaque="
      "\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(r.ok()) << r.error().what;
  EXPECT_EQ(r->params.get("username"), "bob");
  EXPECT_EQ(r->params.get("nc"), "00000001");
  EXPECT_EQ(r->params.get("qop"), "auth");
  // In credentials qop is a bare token; nc is never quoted.
  EXPECT_EQ(r->to_string(),
            "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
            "uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
            "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
}

TEST(auth_header, escaped_quotes_in_values) {
  auto r = parse_auth_header(R"(Digest realm="a \"quoted\" realm", nonce="n\\1")");
  ASSERT_TRUE(r.ok()) << r.error().what;
  EXPECT_EQ(r->params.get("realm"), R"(a "quoted" realm)");
  EXPECT_EQ(r->params.get("nonce"), R"(n\1)");
  EXPECT_EQ(r->to_string(), R"(Digest realm="a \"quoted\" realm", nonce="n\\1")");
}

TEST(auth_header, quoting_applies_to_programmatic_values) {
  auth_header h;
  h.scheme = "Digest";
  h.params.set("realm", "r");
  h.params.set("nonce", "n");
  h.params.set("algorithm", "SHA-256");
  h.params.set("qop", "auth");
  h.params.set("stale", "true");
  EXPECT_EQ(h.to_string(), "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\", stale=true");
}

TEST(auth_header, bearer_token68) {
  auto r = parse_auth_header("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl==");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->scheme, "Bearer");
  EXPECT_EQ(r->token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl==");
  EXPECT_TRUE(r->params.empty());
  EXPECT_EQ(r->to_string(), "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl==");
}

TEST(auth_header, bearer_challenge_has_params) {
  auto r = parse_auth_header("Bearer realm=\"example.com\", error=\"invalid_token\", error_description=\"expired\"");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->token.empty());
  EXPECT_EQ(r->params.get("error"), "invalid_token");
  EXPECT_EQ(r->to_string(), "Bearer realm=\"example.com\", error=\"invalid_token\", error_description=\"expired\"");
}

TEST(auth_header, unknown_scheme_and_lenient_unquoted_uri) {
  auto r = parse_auth_header("NoOneKnowsThisScheme opaque-data=here");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->params.get("opaque-data"), "here");
  auto lenient = parse_auth_header("Digest username=\"a\", uri=sip:a@b;transport=tcp, response=\"x\"");
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->params.get("uri"), "sip:a@b;transport=tcp");
  EXPECT_TRUE(parse_auth_header("Digest").ok());
}

TEST(auth_header, rejects_malformed) {
  for (const char* bad : {"", " ", "\"Digest\" realm=x", "Digest,realm=x", "Digest realm", "Digest realm=\"open",
                          "Digest realm=\"a\" nonce=\"b\"", "Digest =x", "Bearer a b"}) {
    EXPECT_FALSE(parse_auth_header(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace voxedge::sip
