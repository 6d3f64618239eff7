#pragma once
// How we present ourselves and what we check when we open a TLS connection (RFC 5922 §7):
// one per trunk, registered by name in the transport layer and named by peer::tls_identity.
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace voxedge::sip {

struct tls_identity {
  /// A client-mode context: protocol floor, ciphers, trust store, and the client
  /// certificate for mutual TLS if any (daemon/tls/client_tls_context builds it).
  std::shared_ptr<boost::asio::ssl::context> context;
  /// Sent as SNI (RFC 6066 §3) and required in the server's certificate. An IP literal
  /// is checked against the certificate's IP subjectAltName and never sent as SNI (RFC
  /// 6066 forbids it). Empty: no SNI and no name check (chain only when `verify`).
  std::string server_name;
  /// Verify the chain against the context's trust store and the name above. Off only for
  /// lab setups: the handshake then succeeds against any certificate.
  bool verify = true;
};

}  // namespace voxedge::sip
