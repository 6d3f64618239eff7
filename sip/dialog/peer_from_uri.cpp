#include "sip/dialog/peer_from_uri.hpp"

#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "base/text.hpp"

namespace voxedge::sip {

std::optional<transport_kind> uri_transport(const uri& u) {
  if (u.scheme != uri_scheme::sip && u.scheme != uri_scheme::sips) return std::nullopt;
  const bool secure = u.scheme == uri_scheme::sips;
  const auto param = u.params.get("transport");
  // RFC 3263 §4.1: with a numeric target and no transport parameter, UDP for sip: and
  // TCP (that is, TLS) for sips:.
  if (!param || param->empty()) return secure ? transport_kind::tls : transport_kind::udp;
  const std::string_view t = *param;
  if (text::iequals(t, "udp")) {
    // RFC 3261 §26.2.2: sips: means TLS hop by hop; there is no TLS over UDP for SIP.
    if (secure) return std::nullopt;
    return transport_kind::udp;
  }
  // sips:...;transport=tcp is TLS over TCP (RFC 3261 §26.2.2); transport=tls is the
  // deprecated RFC 2543 spelling still seen in the wild.
  if (text::iequals(t, "tcp")) return secure ? transport_kind::tls : transport_kind::tcp;
  if (text::iequals(t, "tls")) return transport_kind::tls;
  // RFC 7118 §5.2: transport=ws, and sips: over it means WSS.
  if (text::iequals(t, "ws")) return secure ? transport_kind::wss : transport_kind::ws;
  if (text::iequals(t, "wss")) return transport_kind::wss;
  return std::nullopt;
}

std::uint16_t default_port(transport_kind k) noexcept {
  switch (k) {
    case transport_kind::udp:
    case transport_kind::tcp: return 5060;
    case transport_kind::tls: return 5061;
    case transport_kind::ws: return 80;
    case transport_kind::wss: return 443;
  }
  return 5060;
}

std::optional<peer> peer_from_uri(const uri& u) {
  const auto transport = uri_transport(u);
  if (!transport) return std::nullopt;
  // RFC 3263 §4.1: "If the URI contains an maddr parameter, TARGET is set to the value of
  // maddr", else the host part.
  const auto maddr = u.params.get("maddr");
  std::string target = maddr && !maddr->empty() ? std::string(*maddr) : u.host;
  // A bracketed IPv6 maddr value ("[::1]") is allowed by the host grammar.
  if (target.size() > 2 && target.front() == '[' && target.back() == ']') target = target.substr(1, target.size() - 2);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(target, ec);
  // A host name (or anything that is not an address literal) needs DNS: the caller's.
  if (ec) return std::nullopt;
  peer p;
  p.transport = *transport;
  p.address = address;
  // RFC 3263 §4.2: the URI's port, else the transport's default.
  p.port = u.port.value_or(default_port(*transport));
  return p;
}

}  // namespace voxedge::sip
