#include "daemon/tls/self_signed_certificate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <filesystem>
#include <memory>

#include <boost/asio/ip/address.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include "base/random.hpp"

namespace voxedge::daemon {

namespace {

template <class T, void (*F)(T*)>
struct deleter {
  void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

struct file_closer {
  void operator()(FILE* f) const { std::fclose(f); }
};

result<void, std::string> write_pem(const std::string& path, mode_t mode, bool key, EVP_PKEY* pkey, X509* cert) {
  // Create with the final mode so the key is never world-readable, not even briefly.
  const auto tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail("cannot create " + tmp + ": " + std::strerror(errno));
  std::unique_ptr<FILE, file_closer> f(fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    return fail("cannot open " + tmp);
  }
  const int ok = key ? PEM_write_PrivateKey(f.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_X509(f.get(), cert);
  if (ok != 1 || std::fflush(f.get()) != 0) return fail("cannot write " + tmp);
  f.reset();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return fail("cannot rename " + tmp + ": " + ec.message());
  return {};
}

std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string san;
  for (const auto& n : names) {
    if (!san.empty()) san += ',';
    boost::system::error_code ec;
    boost::asio::ip::make_address(n, ec);
    san += (ec ? "DNS:" : "IP:") + n;
  }
  return san;
}

}  // namespace

result<certificate_files, std::string> ensure_self_signed_certificate(const std::string& dir,
                                                                      const std::vector<std::string>& names) {
  certificate_files files{dir + "/selfsigned.crt", dir + "/selfsigned.key"};
  std::error_code fec;
  if (std::filesystem::exists(files.certificate, fec) && std::filesystem::exists(files.private_key, fec)) return files;
  std::filesystem::create_directories(dir, fec);
  if (fec) return fail("cannot create " + dir + ": " + fec.message());
  if (names.empty()) return fail("no name for the certificate");

  pkey_ptr pkey(EVP_EC_gen("P-256"));
  if (!pkey) return fail("EC key generation failed");

  x509_ptr cert(X509_new());
  if (!cert) return fail("X509_new failed");
  X509_set_version(cert.get(), 2);
  // A random serial so browsers and peers never see two different certs with one serial.
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), random_u64() >> 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 825);
  X509_set_pubkey(cert.get(), pkey.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("voxedge self-signed"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(names.front().c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string san = subject_alt_names(names);
  for (const auto& [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                                   {NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_key_usage, "critical,digitalSignature,keyAgreement"},
                                   {NID_ext_key_usage, "serverAuth,clientAuth"}}) {
    ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1) return fail("cannot add certificate extension " + value);
  }
  if (X509_sign(cert.get(), pkey.get(), EVP_sha256()) == 0) return fail("certificate signing failed");

  if (auto r = write_pem(files.private_key, 0600, true, pkey.get(), nullptr); !r) return fail(r.error());
  if (auto r = write_pem(files.certificate, 0644, false, nullptr, cert.get()); !r) return fail(r.error());
  spdlog::info("tls: generated self-signed certificate {} for {}", files.certificate, san);
  return files;
}

}  // namespace voxedge::daemon
