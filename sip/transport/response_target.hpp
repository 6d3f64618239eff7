#pragma once
// Where a response to a request goes (RFC 3261 §18.2.2, RFC 3581 §4): back over the
// connection for stream transports; for UDP to the `received` address (else the sent-by
// host when it is an IP literal, else the source) and the `rport` port (else the sent-by
// port, else 5060), from the listener the request arrived on.
#include "sip/message/via.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

peer response_target(const via& top, const peer& from);

}  // namespace voxedge::sip
