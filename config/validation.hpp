#pragma once
// Checks that relate values to each other once the whole document has been read: unique
// names, listeners that would fight over a socket, TLS blocks matching their transport,
// the media port range against the worker count, routes naming trunks and endpoints
// that exist. Each problem points at the line of the value at fault, through the
// positions the reader recorded.
#include "config/config.hpp"
#include "config/read_context.hpp"

namespace voxedge::config {

void validate(const config& c, read_context& ctx);

}  // namespace voxedge::config
