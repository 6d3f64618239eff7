#pragma once
// What an operator should check when a trunk refuses a call or a ping: the provider's
// answers mean the same things on every trunk (401 credentials, 403 source address,
// 404 number format, 503 overload), and the log should say so in words rather than
// leave the operator to look the code up.
#include <string>
#include <string_view>

namespace voxedge::daemon {

/// A sentence for the log after the trunk answered `status` to one of our requests, or
/// "" when the answer needs no explanation (2xx, 486 busy, 487 cancelled, ...).
/// `source` is the address we sent from, when known ("198.51.100.10").
std::string provider_hint(int status, std::string_view source = {});

/// For a request that got no answer at all: `timed_out` (nothing came back) or a
/// transport error (refused, reset, TLS handshake failed).
std::string unreachable_hint(bool timed_out);

}  // namespace voxedge::daemon
