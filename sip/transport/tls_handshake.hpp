#pragma once
// The client side of a TLS handshake as RFC 5922 §7 wants it (SNI, chain and host-name
// checks), and what went wrong when a handshake fails, as a metric label plus a sentence
// an operator can act on ("certificate verify failed: hostname mismatch (expected
// sip.carrier.example, certificate is for other.example)").
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "sip/transport/transport_stats.hpp"

struct ssl_st;  // OpenSSL's SSL, kept out of this header

namespace voxedge::sip {

struct tls_failure_info {
  tls_failure reason = tls_failure::other;
  std::string detail;
};

/// Before a client handshake: SNI = `server_name` unless it is an IP literal; with
/// `verify`, chain verification plus the host-name check (whole-label wildcards only,
/// RFC 6125 §6.4.3) or, for an IP literal, the IP subjectAltName check. Without
/// `verify`, no verification at all. Returns false if OpenSSL refuses the name.
bool prepare_client_handshake(ssl_st* ssl, std::string_view server_name, bool verify);

/// Classifies a failed handshake. `expected_name`: the name the client checked ("" on
/// the server side or without verification).
tls_failure_info describe_handshake_failure(const ssl_st* ssl, const boost::system::error_code& ec,
                                            std::string_view expected_name);

/// For an open connection: "TLSv1.3 TLS_AES_256_GCM_SHA384".
std::string describe_session(const ssl_st* ssl);

/// True for the SSL-category error a peer's close without close_notify gives (OpenSSL 3
/// reports it as "unexpected eof while reading"): for SIP that is an orderly close.
bool is_unclean_tls_eof(const boost::system::error_code& ec);

/// Normalises a configured name for SNI and checks: brackets around an IPv6 literal
/// and a trailing dot are dropped.
std::string normalize_server_name(std::string_view name);

}  // namespace voxedge::sip
