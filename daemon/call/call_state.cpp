#include "daemon/call/call_state.hpp"

namespace voxedge::daemon {

std::string_view to_string(call_state s) noexcept {
  switch (s) {
    case call_state::none: return "NONE";
    case call_state::outgoing_initiated: return "OUTGOING_INITIATED";
    case call_state::early: return "EARLY";
    case call_state::ringing: return "RINGING";
    case call_state::connecting: return "CONNECTING";
    case call_state::incoming: return "INCOMING";
    case call_state::answering: return "ANSWERING";
    case call_state::established: return "ESTABLISHED";
    case call_state::media_disrupted: return "MEDIA_DISRUPTED";
    case call_state::renewing_media: return "RENEWING_MEDIA";
    case call_state::ending: return "ENDING";
    case call_state::ended: return "ENDED";
  }
  return "NONE";
}

}  // namespace voxedge::daemon
