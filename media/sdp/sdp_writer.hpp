#pragma once
// Writes a session description in the order RFC 8866 §5 prescribes, CRLF line ends.
// What parse_sdp() accepted writes back to text that parses to an equal description.
#include <string>

#include "media/sdp/session_description.hpp"

namespace voxedge::media {

std::string write_sdp(const session_description& sd);
void write_sdp(const session_description& sd, std::string& out);

/// The same text with the secrets replaced by "<redacted>": a=crypto keys (RFC 4568),
/// a=ice-pwd (RFC 8839 §5.4) and k= lines. For logs; never send it.
std::string write_sdp_redacted(const session_description& sd);

}  // namespace voxedge::media
