#pragma once
#include <string>

#include "sip/message/message.hpp"

namespace voxedge::sip {

/// Writes the message as it goes on the wire, with a computed Content-Length.
void serialize_to(const message& m, std::string& out);
std::string serialize(const message& m);

}  // namespace voxedge::sip
