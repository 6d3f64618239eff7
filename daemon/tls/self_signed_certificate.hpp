#pragma once
// The certificate an unconfigured daemon serves TLS with: generated once into the state
// directory (EC P-256, SAN for the node's addresses and "localhost"), reused afterwards.
#include <string>
#include <vector>

#include "base/result.hpp"

namespace voxedge::daemon {

struct certificate_files {
  std::string certificate;  // PEM path
  std::string private_key;  // PEM path, mode 0600
};

/// Returns the files under `dir` (creating the directory), generating them when absent.
/// `names`: DNS names and IP literals for the subjectAltName; the first is the CN.
result<certificate_files, std::string> ensure_self_signed_certificate(const std::string& dir,
                                                                      const std::vector<std::string>& names);

}  // namespace voxedge::daemon
