#pragma once
// A throwaway PKI for TLS tests: a CA and certificates it issues (EC P-256, SHA-256),
// written as PEM files into a per-test directory, since OpenSSL contexts load files.
#include <memory>
#include <string>
#include <vector>

namespace voxedge::daemon::testing {

struct pem_files {
  std::string certificate;
  std::string private_key;
};

class test_pki {
 public:
  /// Creates `dir` (emptied first) and a CA named `ca_name` in it.
  test_pki(std::string dir, std::string ca_name = "voxedge test CA");
  ~test_pki();
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  const std::string& ca_file() const noexcept { return ca_.certificate; }

  struct options {
    std::vector<std::string> names;  // subjectAltNames: DNS names or IP literals; the first is the CN
    bool client = false;             // clientAuth instead of serverAuth
    long valid_from_days = -1;       // relative to now
    long valid_until_days = 30;
  };
  /// Issues a certificate signed by this CA; files named after `file_stem`.
  pem_files issue(const std::string& file_stem, const options& o);

  const std::string& dir() const noexcept { return dir_; }

 private:
  struct keys;
  std::string dir_;
  pem_files ca_;
  std::unique_ptr<keys> keys_;
};

}  // namespace voxedge::daemon::testing
