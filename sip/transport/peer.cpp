#include "sip/transport/peer.hpp"

namespace voxedge::sip {

std::string_view to_string(transport_kind k) noexcept {
  switch (k) {
    case transport_kind::udp: return "udp";
    case transport_kind::tcp: return "tcp";
    case transport_kind::tls: return "tls";
    case transport_kind::ws: return "ws";
    case transport_kind::wss: return "wss";
  }
  return "udp";
}

std::string_view via_transport_token(transport_kind k) noexcept {
  switch (k) {
    case transport_kind::udp: return "UDP";
    case transport_kind::tcp: return "TCP";
    case transport_kind::tls: return "TLS";
    case transport_kind::ws: return "WS";
    case transport_kind::wss: return "WSS";
  }
  return "UDP";
}

std::string peer::to_string() const {
  std::string out(sip::to_string(transport));
  out += ':';
  if (address.is_v6()) {
    out += '[';
    out += address.to_string();
    out += ']';
  } else {
    out += address.to_string();
  }
  out += ':';
  out += std::to_string(port);
  if (connection_id != 0) {
    out += '#';
    out += std::to_string(connection_id);
  }
  return out;
}

}  // namespace voxedge::sip
