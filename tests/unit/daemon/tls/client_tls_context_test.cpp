// Building the client (per trunk) and server (per listener) TLS contexts from
// configuration: what is enforced, and that every error names the file at fault.
#include "daemon/tls/client_tls_context.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "daemon/tls/server_tls_context.hpp"
#include "tests/unit/daemon/tls/test_pki.hpp"

namespace voxedge::daemon {
namespace {

std::string temp_dir(const std::string& suffix) {
  return (std::filesystem::temp_directory_path() /
          ("vx-tlsctx-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" + suffix))
      .string();
}

TEST(client_tls_context, tls12_floor_and_verification_by_default) {
  testing::test_pki pki(temp_dir("ca"));
  config::trunk_tls tls;
  tls.ca_file = pki.ca_file();
  auto ctx = make_client_tls_context(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  SSL_CTX* native = (*ctx)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(native) & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(SSL_CTX_get_options(native) & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_EQ(SSL_CTX_get_verify_mode(native), SSL_VERIFY_PEER);
}

TEST(client_tls_context, tls13_floor_when_configured) {
  config::trunk_tls tls;
  tls.verify = false;
  tls.min_version = config::tls_version::v1_3;
  auto ctx = make_client_tls_context(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*ctx)->native_handle()), TLS1_3_VERSION);
}

TEST(client_tls_context, system_store_is_used_without_a_bundle) {
  config::trunk_tls tls;  // verify, no ca_file: the system store
  auto ctx = make_client_tls_context(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
}

TEST(client_tls_context, missing_ca_bundle_is_named) {
  config::trunk_tls tls;
  tls.ca_file = "/nonexistent/ca.pem";
  auto ctx = make_client_tls_context(tls);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().find("cannot load CA bundle /nonexistent/ca.pem"), std::string::npos) << ctx.error();
}

TEST(client_tls_context, bad_cipher_list_is_rejected) {
  config::trunk_tls tls;
  tls.verify = false;
  tls.ciphers = "NOT-A-CIPHER";
  auto ctx = make_client_tls_context(tls);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().find("invalid cipher list \"NOT-A-CIPHER\""), std::string::npos) << ctx.error();
}

TEST(client_tls_context, configured_ciphers_are_applied) {
  config::trunk_tls tls;
  tls.verify = false;
  tls.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
  auto ctx = make_client_tls_context(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  bool found_other_tls12 = false;
  bool found = false;
  STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers((*ctx)->native_handle());
  for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
    const std::string name = SSL_CIPHER_get_name(c);
    if (name == "ECDHE-ECDSA-AES128-GCM-SHA256") {
      found = true;
    } else if (!name.starts_with("TLS_")) {  // TLS 1.3 suites are configured apart
      found_other_tls12 = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(found_other_tls12);
}

TEST(client_tls_context, client_certificate_is_loaded_and_checked) {
  testing::test_pki pki(temp_dir("ca"));
  const auto mine = pki.issue("client", {{"voxedge.customer.example"}, true});
  const auto other = pki.issue("other", {{"other.example"}, true});
  config::trunk_tls tls;
  tls.ca_file = pki.ca_file();
  tls.certificate = mine.certificate;
  tls.private_key = mine.private_key;
  auto ok = make_client_tls_context(tls);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_NE(SSL_CTX_get0_certificate((*ok)->native_handle()), nullptr);

  tls.private_key = other.private_key;
  auto mismatch = make_client_tls_context(tls);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().find("client private key " + other.private_key + " does not match " + mine.certificate),
            std::string::npos)
      << mismatch.error();

  tls.private_key.clear();
  auto no_key = make_client_tls_context(tls);
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().find("without a private key"), std::string::npos) << no_key.error();

  tls.certificate = "/nonexistent/client.pem";
  tls.private_key = mine.private_key;
  auto missing = make_client_tls_context(tls);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot load client certificate /nonexistent/client.pem"), std::string::npos)
      << missing.error();
}

TEST(trunk_tls_identity, server_name_defaults_to_the_uri_host) {
  config::trunk_tls tls;
  tls.verify = false;
  auto from_uri = make_trunk_tls_identity(tls, "sip.carrier.example");
  ASSERT_TRUE(from_uri.ok()) << from_uri.error();
  EXPECT_EQ(from_uri->server_name, "sip.carrier.example");
  EXPECT_FALSE(from_uri->verify);
  EXPECT_NE(from_uri->context, nullptr);

  tls.server_name = "edge.carrier.example";
  auto configured = make_trunk_tls_identity(tls, "192.0.2.10");
  ASSERT_TRUE(configured.ok()) << configured.error();
  EXPECT_EQ(configured->server_name, "edge.carrier.example");
}

TEST(server_tls_context, honours_min_version_and_ciphers) {
  testing::test_pki pki(temp_dir("ca"));
  const auto cert = pki.issue("server", {{"sip.test.example"}});
  config::tls_settings tls;
  tls.certificate = cert.certificate;
  tls.private_key = cert.private_key;
  tls.min_version = config::tls_version::v1_3;
  tls.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384";
  auto ctx = make_server_tls_context(tls, {}, {});
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  SSL_CTX* native = (*ctx)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_3_VERSION);
  EXPECT_NE(SSL_CTX_get_options(native) & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_EQ(SSL_CTX_get_verify_mode(native), SSL_VERIFY_NONE);
}

TEST(server_tls_context, client_certificates_required_with_verify_peer) {
  testing::test_pki pki(temp_dir("ca"));
  const auto cert = pki.issue("server", {{"sip.test.example"}});
  config::tls_settings tls;
  tls.certificate = cert.certificate;
  tls.private_key = cert.private_key;
  tls.ca_file = pki.ca_file();
  tls.verify_peer = true;
  auto ctx = make_server_tls_context(tls, {}, {});
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  SSL_CTX* native = (*ctx)->native_handle();
  EXPECT_EQ(SSL_CTX_get_verify_mode(native), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  EXPECT_EQ(sk_X509_NAME_num(SSL_CTX_get_client_CA_list(native)), 1) << "clients are told which CA we accept";
}

}  // namespace
}  // namespace voxedge::daemon
