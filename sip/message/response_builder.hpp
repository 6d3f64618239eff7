#pragma once
// Builds a response to a request as RFC 3261 §8.2.6 says: Via, From, To, Call-ID, CSeq
// copied; a To tag added (except 100) when the request had none; Timestamp echoed on
// 100 Trying (§8.2.6.1).
#include <string_view>

#include "sip/message/message.hpp"

namespace voxedge::sip {

/// The standard reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view default_reason(int status) noexcept;

/// `to_tag`: used when status > 100 and the request's To has no tag.
message make_response(const message& request, int status, std::string_view reason = {}, std::string_view to_tag = {});

}  // namespace voxedge::sip
