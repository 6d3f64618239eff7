#include "daemon/tls/server_tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509err.h>

#include "daemon/tls/openssl_error.hpp"
#include "daemon/tls/self_signed_certificate.hpp"

namespace voxedge::daemon {

namespace ssl = boost::asio::ssl;

result<std::shared_ptr<ssl::context>, std::string> make_server_tls_context(const config::tls_settings& tls,
                                                                           const std::string& state_dir,
                                                                           const std::vector<std::string>& names) {
  std::string cert = tls.certificate;
  std::string key = tls.private_key;
  if (tls.self_signed()) {
    auto files = ensure_self_signed_certificate(state_dir + "/tls", names);
    if (!files) return fail(files.error());
    cert = files->certificate;
    key = files->private_key;
  }

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  const int min = tls.min_version == config::tls_version::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(native, min) != 1) return fail(openssl_error("cannot set minimum TLS version"));
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!tls.ciphers.empty() && SSL_CTX_set_cipher_list(native, tls.ciphers.c_str()) != 1) {
    return fail(openssl_error("invalid cipher list \"" + tls.ciphers + "\""));
  }
  if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1) {
    return fail(openssl_error("cannot load certificate " + cert));
  }
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return fail("private key " + key + " does not match " + cert);
    }
    return fail(openssl_error("cannot load private key " + key));
  }
  if (SSL_CTX_check_private_key(native) != 1) return fail(openssl_error("private key does not match " + cert));
  if (!tls.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(native, tls.ca_file.c_str(), nullptr) != 1) {
      return fail(openssl_error("cannot load CA bundle " + tls.ca_file));
    }
    // Tell clients which CAs we accept, so one holding several certificates picks the
    // right one (RFC 8446 §4.2.4, certificate_authorities).
    if (STACK_OF(X509_NAME)* ca_names = SSL_load_client_CA_file(tls.ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, ca_names);
    }
  } else if (tls.verify_peer && SSL_CTX_set_default_verify_paths(native) != 1) {
    // No bundle given: client certificates must chain to the system store.
    return fail(openssl_error("cannot load the system CA store"));
  }
  // Session resumption with client certificates needs a session id context; without it
  // OpenSSL refuses every resumed handshake.
  static constexpr unsigned char session_context[] = "voxedge";
  SSL_CTX_set_session_id_context(native, session_context, sizeof session_context - 1);
  if (tls.verify_peer) {
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

}  // namespace voxedge::daemon
