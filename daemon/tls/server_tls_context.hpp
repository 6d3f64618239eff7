#pragma once
// Builds the OpenSSL server context for a TLS listener from its configuration: TLS 1.2+
// only, the configured (or generated) certificate and key, optional client-certificate
// verification against a CA bundle.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "base/result.hpp"
#include "config/config.hpp"

namespace voxedge::daemon {

/// `state_dir` and `names` are used only when the certificate is "auto".
result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_server_tls_context(
    const config::tls_settings& tls, const std::string& state_dir, const std::vector<std::string>& names);

}  // namespace voxedge::daemon
