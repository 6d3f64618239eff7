#pragma once
// Unpredictable identifiers (tags, branches, Call-IDs, nonces): an attacker who can
// guess them can forge CANCELs and BYEs (RFC 3261 §19.3, §26.3.3).
#include <cstddef>
#include <cstdint>
#include <string>

namespace voxedge {

/// `chars` characters from [0-9a-zA-Z], drawn from the OS CSPRNG via OpenSSL.
std::string random_token(std::size_t chars);
std::uint64_t random_u64();

}  // namespace voxedge
