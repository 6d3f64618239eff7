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

}  // namespace voxedge::sip
