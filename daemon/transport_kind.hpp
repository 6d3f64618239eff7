#pragma once
// The one mapping from the configuration's transport words to the SIP stack's.
#include "config/config.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::daemon {

constexpr sip::transport_kind to_transport_kind(config::sip_transport t) noexcept {
  switch (t) {
    case config::sip_transport::udp: return sip::transport_kind::udp;
    case config::sip_transport::tcp: return sip::transport_kind::tcp;
    case config::sip_transport::tls: return sip::transport_kind::tls;
    case config::sip_transport::ws: return sip::transport_kind::ws;
    case config::sip_transport::wss: return sip::transport_kind::wss;
  }
  return sip::transport_kind::udp;
}

}  // namespace voxedge::daemon
