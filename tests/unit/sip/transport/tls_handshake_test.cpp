// The pieces of the TLS client handshake that need no peer: server-name normalisation,
// and failure classification for errors that are not certificate checks.
#include "sip/transport/tls_handshake.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace voxedge::sip {
namespace {

namespace asio = boost::asio;

boost::system::error_code ssl_error(int reason) {
  // Reason strings are loaded with libssl, which nothing else in this test has touched.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr);
  return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), asio::error::get_ssl_category()};
}

TEST(tls_handshake, server_names_are_normalised_for_sni_and_checks) {
  EXPECT_EQ(normalize_server_name("sip.carrier.example."), "sip.carrier.example");
  EXPECT_EQ(normalize_server_name("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(normalize_server_name("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(normalize_server_name(""), "");
}

TEST(tls_handshake, protocol_failures_are_classified) {
  const auto f = describe_handshake_failure(nullptr, ssl_error(SSL_R_UNSUPPORTED_PROTOCOL), {});
  EXPECT_EQ(f.reason, tls_failure::protocol);
  EXPECT_EQ(f.detail, "protocol: unsupported protocol");
  EXPECT_EQ(describe_handshake_failure(nullptr, ssl_error(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION), {}).reason,
            tls_failure::protocol);
  EXPECT_EQ(describe_handshake_failure(nullptr, ssl_error(SSL_R_NO_SHARED_CIPHER), {}).reason, tls_failure::protocol);
}

TEST(tls_handshake, peer_alerts_about_our_certificate_are_classified) {
  const auto f = describe_handshake_failure(nullptr, ssl_error(SSL_R_TLSV1_ALERT_UNKNOWN_CA), {});
  EXPECT_EQ(f.reason, tls_failure::untrusted_chain);
  EXPECT_NE(f.detail.find("does not trust our certificate"), std::string::npos) << f.detail;
  EXPECT_EQ(describe_handshake_failure(nullptr, ssl_error(SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED), {}).reason,
            tls_failure::expired);
  const auto missing = describe_handshake_failure(nullptr, ssl_error(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE), {});
  EXPECT_EQ(missing.reason, tls_failure::other);
  EXPECT_NE(missing.detail.find("no client certificate"), std::string::npos) << missing.detail;
}

TEST(tls_handshake, transport_errors_during_the_handshake) {
  const auto closed = describe_handshake_failure(nullptr, asio::error::eof, {});
  EXPECT_EQ(closed.reason, tls_failure::other);
  EXPECT_EQ(closed.detail, "connection closed by the peer during the handshake");
  EXPECT_EQ(describe_handshake_failure(nullptr, asio::ssl::error::stream_truncated, {}).reason, tls_failure::other);
  EXPECT_TRUE(is_unclean_tls_eof(ssl_error(SSL_R_UNEXPECTED_EOF_WHILE_READING)));
  EXPECT_FALSE(is_unclean_tls_eof(asio::error::eof));
}

TEST(tls_handshake, failure_labels_are_stable) {
  EXPECT_EQ(to_string(tls_failure::hostname_mismatch), "hostname_mismatch");
  EXPECT_EQ(to_string(tls_failure::untrusted_chain), "untrusted_chain");
  EXPECT_EQ(to_string(tls_failure::expired), "expired");
  EXPECT_EQ(to_string(tls_failure::protocol), "protocol");
  EXPECT_EQ(to_string(tls_failure::timeout), "timeout");
  EXPECT_EQ(to_string(tls_failure::other), "other");
  EXPECT_EQ(to_string(tls_side::client), "client");
  EXPECT_EQ(to_string(tls_side::server), "server");
}

}  // namespace
}  // namespace voxedge::sip
