#pragma once
// The part of RFC 3263 server location that needs no DNS: a URI whose host (or maddr)
// is an IP literal names its peer directly. Everything else (host names: NAPTR, SRV,
// A/AAAA) is the caller's resolver's job.
#include <optional>

#include "sip/message/uri.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

/// The transport a URI asks for (RFC 3263 §4.1 with an IP literal target): the
/// `transport` parameter, upgraded to TLS/WSS for sips: (RFC 3261 §26.2.2, RFC 7118
/// §5.2), else UDP for sip: and TLS for sips:. nullopt for tel:/other schemes and for
/// transports we do not speak (sctp, or sips: over udp).
std::optional<transport_kind> uri_transport(const uri& u);

/// The default port of a transport when the URI has none (RFC 3263 §4.2): 5060, 5061
/// for TLS, 80/443 for WS/WSS (RFC 6455 §3).
std::uint16_t default_port(transport_kind k) noexcept;

/// RFC 3263 §4.1/§4.2 for a URI whose target (maddr when present, RFC 3261 §19.1.1, else
/// the host) is an IPv4 or IPv6 literal: the peer to send to, with no connection and no
/// listener chosen. nullopt when the target is a host name (resolve it), and whenever
/// uri_transport() is nullopt.
std::optional<peer> peer_from_uri(const uri& u);

}  // namespace voxedge::sip
