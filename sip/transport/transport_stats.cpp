#include "sip/transport/transport_stats.hpp"

namespace voxedge::sip {

std::string_view to_string(drop_reason r) noexcept {
  switch (r) {
    case drop_reason::parse_unanswerable: return "unanswerable";
    case drop_reason::oversize_datagram: return "oversize";
    case drop_reason::framing: return "framing";
    case drop_reason::send_failed: return "send_failed";
    case drop_reason::count_: break;
  }
  return "unknown";
}

std::string_view to_string(tls_side s) noexcept {
  return s == tls_side::server ? "server" : "client";
}

std::string_view to_string(tls_failure f) noexcept {
  switch (f) {
    case tls_failure::hostname_mismatch: return "hostname_mismatch";
    case tls_failure::untrusted_chain: return "untrusted_chain";
    case tls_failure::expired: return "expired";
    case tls_failure::protocol: return "protocol";
    case tls_failure::timeout: return "timeout";
    case tls_failure::other: return "other";
    case tls_failure::count_: break;
  }
  return "other";
}

}  // namespace voxedge::sip
