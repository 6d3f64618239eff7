#include "tests/unit/daemon/tls/test_pki.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <boost/asio/ip/address.hpp>

namespace voxedge::daemon::testing {

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
struct ext_free {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
struct file_close {
  void operator()(FILE* f) const { std::fclose(f); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_pki: ") + what);
}

void write_files(const pem_files& f, X509* cert, EVP_PKEY* key) {
  std::unique_ptr<FILE, file_close> c(std::fopen(f.certificate.c_str(), "w"));
  check(c && PEM_write_X509(c.get(), cert) == 1, "write certificate");
  std::unique_ptr<FILE, file_close> k(std::fopen(f.private_key.c_str(), "w"));
  check(k && PEM_write_PrivateKey(k.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write key");
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ext_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  check(ext && X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

x509_ptr new_cert(EVP_PKEY* key, const std::string& cn, long from_days, long until_days) {
  static long serial = 1;
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), until_days * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

struct test_pki::keys {
  pkey_ptr key;
  x509_ptr cert;
};

test_pki::test_pki(std::string dir, std::string ca_name) : dir_(std::move(dir)), keys_(std::make_unique<keys>()) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  keys_->key.reset(EVP_EC_gen("P-256"));
  check(keys_->key != nullptr, "CA key");
  keys_->cert = new_cert(keys_->key.get(), ca_name, -1, 365);
  X509_set_issuer_name(keys_->cert.get(), X509_get_subject_name(keys_->cert.get()));
  add_ext(keys_->cert.get(), keys_->cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(keys_->cert.get(), keys_->cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(keys_->cert.get(), keys_->cert.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(keys_->cert.get(), keys_->key.get(), EVP_sha256()) != 0, "sign CA");
  ca_ = {dir_ + "/ca.crt", dir_ + "/ca.key"};
  write_files(ca_, keys_->cert.get(), keys_->key.get());
}

test_pki::~test_pki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

pem_files test_pki::issue(const std::string& file_stem, const options& o) {
  check(!o.names.empty(), "a certificate needs a name");
  pkey_ptr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "key");
  auto cert = new_cert(key.get(), o.names.front(), o.valid_from_days, o.valid_until_days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(keys_->cert.get()));
  std::string san;
  for (const auto& n : o.names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(n, ec);
    if (!san.empty()) san += ',';
    san += (ec ? "DNS:" : "IP:") + n;
  }
  add_ext(cert.get(), keys_->cert.get(), NID_subject_alt_name, san);
  add_ext(cert.get(), keys_->cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), keys_->cert.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), keys_->cert.get(), NID_ext_key_usage, o.client ? "clientAuth" : "serverAuth");
  add_ext(cert.get(), keys_->cert.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(cert.get(), keys_->key.get(), EVP_sha256()) != 0, "sign");
  pem_files f{dir_ + "/" + file_stem + ".crt", dir_ + "/" + file_stem + ".key"};
  write_files(f, cert.get(), key.get());
  return f;
}

}  // namespace voxedge::daemon::testing
