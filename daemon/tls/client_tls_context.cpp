#include "daemon/tls/client_tls_context.hpp"

#include <cstdlib>
#include <filesystem>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>

#include "daemon/tls/openssl_error.hpp"

namespace voxedge::daemon {

namespace ssl = boost::asio::ssl;

namespace {

/// Where OpenSSL looks when told to use the system store, honouring SSL_CERT_FILE and
/// SSL_CERT_DIR as OpenSSL itself does.
std::string default_store_location(const char* env_name, const char* builtin) {
  const char* env = std::getenv(env_name);
  return env != nullptr && *env != '\0' ? env : builtin;
}

bool system_store_exists() {
  std::error_code ec;
  const auto file = default_store_location(X509_get_default_cert_file_env(), X509_get_default_cert_file());
  const auto dir = default_store_location(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
  return std::filesystem::is_regular_file(file, ec) || std::filesystem::is_directory(dir, ec);
}

}  // namespace

result<std::shared_ptr<ssl::context>, std::string> make_client_tls_context(const config::trunk_tls& tls) {
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  const int min = tls.min_version == config::tls_version::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(native, min) != 1) return fail(openssl_error("cannot set minimum TLS version"));
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (!tls.ciphers.empty() && SSL_CTX_set_cipher_list(native, tls.ciphers.c_str()) != 1) {
    return fail(openssl_error("invalid cipher list \"" + tls.ciphers + "\""));
  }

  if (!tls.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(native, tls.ca_file.c_str(), nullptr) != 1) {
      return fail(openssl_error("cannot load CA bundle " + tls.ca_file));
    }
  } else if (tls.verify) {
    if (!system_store_exists()) {
      return fail("no system CA store at " + std::string(X509_get_default_cert_file()) + " or " +
                  X509_get_default_cert_dir() + " (install ca-certificates, or set tls.ca_file)");
    }
    if (SSL_CTX_set_default_verify_paths(native) != 1) return fail(openssl_error("cannot load the system CA store"));
  }
  // Verification itself is switched per connection (prepare_client_handshake), together
  // with the host name; peer verification here is the safe default should anything use
  // this context without it.
  SSL_CTX_set_verify(native, tls.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

  if (!tls.certificate.empty() || !tls.private_key.empty()) {
    if (tls.certificate.empty()) return fail("client private key " + tls.private_key + " given without a certificate");
    if (tls.private_key.empty()) return fail("client certificate " + tls.certificate + " given without a private key");
    if (SSL_CTX_use_certificate_chain_file(native, tls.certificate.c_str()) != 1) {
      return fail(openssl_error("cannot load client certificate " + tls.certificate));
    }
    if (SSL_CTX_use_PrivateKey_file(native, tls.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        return fail("client private key " + tls.private_key + " does not match " + tls.certificate);
      }
      return fail(openssl_error("cannot load client private key " + tls.private_key));
    }
    if (SSL_CTX_check_private_key(native) != 1) {
      return fail(openssl_error("client private key " + tls.private_key + " does not match " + tls.certificate));
    }
  }
  return ctx;
}

result<sip::tls_identity, std::string> make_trunk_tls_identity(const config::trunk_tls& tls,
                                                               const std::string& uri_host) {
  auto ctx = make_client_tls_context(tls);
  if (!ctx) return fail(ctx.error());
  sip::tls_identity id;
  id.context = std::move(ctx).value();
  id.server_name = tls.server_name.empty() ? uri_host : tls.server_name;
  id.verify = tls.verify;
  if (id.verify && id.server_name.empty()) return fail("no server name to verify the certificate against");
  return id;
}

}  // namespace voxedge::daemon
