#pragma once
// The OpenSSL client context for one trunk (RFC 5922 §7, DESIGN.md §8): TLS 1.2 or 1.3 as
// the floor, no compression or renegotiation, the configured ciphers, peer verification
// against the system CA store or a configured bundle, and an optional client certificate
// for mutual TLS. SNI and the host-name check are per connection (sip::tls_identity).
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/result.hpp"
#include "config/config.hpp"
#include "sip/transport/tls_identity.hpp"

namespace voxedge::daemon {

/// Errors are sentences naming the file ("cannot load CA bundle /etc/x.pem: ...").
result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_tls_context(const config::trunk_tls& tls);

/// The identity to register for a trunk: the context above, with the name to send as SNI
/// and to verify: `tls.server_name`, or else `uri_host` (the host of the trunk's
/// outbound URI; an IP literal is checked against the certificate's IP addresses).
result<sip::tls_identity, std::string> make_trunk_tls_identity(const config::trunk_tls& tls,
                                                               const std::string& uri_host);

}  // namespace voxedge::daemon
