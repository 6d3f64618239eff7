#include "config/config.hpp"

namespace voxedge::config {

std::vector<listener> default_listeners() {
  std::vector<listener> out(3);
  out[0].name = "udp";
  out[0].transport = sip_transport::udp;
  out[1].name = "tcp";
  out[1].transport = sip_transport::tcp;
  out[2].name = "tls";
  out[2].transport = sip_transport::tls;
  out[2].port = default_port(sip_transport::tls);
  out[2].tls.emplace().certificate = tls_settings::auto_certificate;
  return out;
}

}  // namespace voxedge::config
