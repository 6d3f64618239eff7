#include "sip/transport/tls_handshake.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

namespace voxedge::sip {

namespace asio = boost::asio;

namespace {

bool is_ip_literal(std::string_view name) {
  boost::system::error_code ec;
  asio::ip::make_address(std::string(name), ec);
  return !ec;
}

/// The packed OpenSSL error Asio put into an SSL-category error_code, or 0.
unsigned long openssl_code(const boost::system::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return 0;
  return static_cast<unsigned long>(static_cast<unsigned int>(ec.value()));
}

int ssl_reason(const boost::system::error_code& ec) {
  const unsigned long e = openssl_code(ec);
  if (e == 0 || ERR_SYSTEM_ERROR(e) || ERR_GET_LIB(e) != ERR_LIB_SSL) return 0;
  return ERR_GET_REASON(e);
}

std::string reason_text(const boost::system::error_code& ec) {
  if (const unsigned long e = openssl_code(ec); e != 0) {
    if (const char* r = ERR_reason_error_string(e)) return r;
  }
  return ec.message();
}

struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct names_free {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

std::string one_line(const X509_NAME* name) {
  std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE) < 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

/// The names a certificate is for: its DNS and IP subjectAltNames, else its CN.
std::string certificate_names(X509* cert) {
  std::string out;
  auto add = [&out](std::string_view n) {
    if (!out.empty()) out += ", ";
    out += n;
  };
  std::unique_ptr<GENERAL_NAMES, names_free> sans(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  int shown = 0;
  const int count = sans ? sk_GENERAL_NAME_num(sans.get()) : 0;
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
    if (shown == 5) {
      add("...");
      break;
    }
    if (gn->type == GEN_DNS) {
      const auto* s = gn->d.dNSName;
      add(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                           static_cast<std::size_t>(ASN1_STRING_length(s))));
      ++shown;
    } else if (gn->type == GEN_IPADD) {
      const auto* s = gn->d.iPAddress;
      const auto* p = ASN1_STRING_get0_data(s);
      if (ASN1_STRING_length(s) == 4) {
        add(asio::ip::address_v4({p[0], p[1], p[2], p[3]}).to_string());
        ++shown;
      } else if (ASN1_STRING_length(s) == 16) {
        asio::ip::address_v6::bytes_type b{};
        for (std::size_t k = 0; k < b.size(); ++k) b[k] = p[k];
        add(asio::ip::address_v6(b).to_string());
        ++shown;
      }
    }
  }
  if (!out.empty()) return out;
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0) {
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    return "CN " + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                               static_cast<std::size_t>(ASN1_STRING_length(cn)));
  }
  return "no name";
}

/// The peer's leaf certificate, also after a failed verification (when OpenSSL has not
/// yet made it the session's peer certificate but has kept the chain it received).
X509* peer_leaf(const SSL* ssl) {
  if (X509* c = SSL_get0_peer_certificate(ssl)) return c;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (chain != nullptr && sk_X509_num(chain) > 0) return sk_X509_value(chain, 0);
  return nullptr;
}

tls_failure classify_verify_error(long v) {
  switch (v) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return tls_failure::hostname_mismatch;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID: return tls_failure::expired;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_INVALID_PURPOSE: return tls_failure::untrusted_chain;
    default: return tls_failure::other;
  }
}

}  // namespace

std::string normalize_server_name(std::string_view name) {
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return std::string(name);
}

bool prepare_client_handshake(SSL* ssl, std::string_view server_name, bool verify) {
  const std::string name = normalize_server_name(server_name);
  const bool ip = !name.empty() && is_ip_literal(name);
  // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
  if (!name.empty() && !ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return false;
  if (!verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return true;
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  if (name.empty()) return true;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (ip) return X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1;
  // A wildcard only as the whole left-most label ("*.example.com", not "f*.example.com").
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, name.c_str()) == 1;
}

tls_failure_info describe_handshake_failure(const SSL* ssl, const boost::system::error_code& ec,
                                            std::string_view expected_name) {
  const int reason = ssl_reason(ec);
  if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED && ssl != nullptr) {
    const long v = SSL_get_verify_result(ssl);
    const auto kind = classify_verify_error(v);
    std::string detail = std::string("certificate verify failed: ") + X509_verify_cert_error_string(v);
    X509* leaf = peer_leaf(ssl);
    if (kind == tls_failure::hostname_mismatch) {
      detail += " (expected " + std::string(expected_name);
      if (leaf != nullptr) detail += ", certificate is for " + certificate_names(leaf);
      detail += ')';
    } else if (leaf != nullptr) {
      detail +=
          " (certificate for " + certificate_names(leaf) + ", issued by " + one_line(X509_get_issuer_name(leaf)) + ')';
    }
    return {kind, std::move(detail)};
  }
  switch (reason) {
    // What the peer's alert says about our certificate (we are the one rejected).
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      return {tls_failure::untrusted_chain, "the peer does not trust our certificate (" + reason_text(ec) + ")"};
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
      return {tls_failure::expired, "the peer says our certificate has expired (" + reason_text(ec) + ")"};
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
      return {tls_failure::other, "the peer rejected our certificate (" + reason_text(ec) + ")"};
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
      return {tls_failure::other, "no client certificate where one is required (" + reason_text(ec) + ")"};
    // Version and cipher negotiation, or something that is not TLS at all.
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_CIPHERS_AVAILABLE:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
    case SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY:
    case SSL_R_TLSV1_ALERT_INAPPROPRIATE_FALLBACK:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST: return {tls_failure::protocol, "protocol: " + reason_text(ec)};
    default: break;
  }
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || is_unclean_tls_eof(ec) ||
      ec == asio::error::connection_reset) {
    return {tls_failure::other, "connection closed by the peer during the handshake"};
  }
  if (ec == asio::error::operation_aborted || ec == asio::error::timed_out) return {tls_failure::timeout, "timeout"};
  return {tls_failure::other, reason_text(ec)};
}

std::string describe_session(const SSL* ssl) {
  std::string out = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) {
    out += ' ';
    out += SSL_CIPHER_get_name(c);
  }
  return out;
}

bool is_unclean_tls_eof(const boost::system::error_code& ec) {
  return ssl_reason(ec) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

}  // namespace voxedge::sip
