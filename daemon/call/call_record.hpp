#pragma once
// What a finished call's CDR says about each leg, and the result label a call is counted
// under in the metrics.
#include <optional>
#include <string>
#include <string_view>

#include "daemon/call/media_control.hpp"
#include "daemon/cdr/cdr_record.hpp"
#include "media/sdp/negotiated_session.hpp"

namespace voxedge::daemon {

/// One leg: its Call-ID, the codec negotiated there, and what the media plane measured of
/// that leg's peer (no MOS without RTP).
cdr_leg make_cdr_leg(media_leg leg, const std::string& sip_call_id,
                     const std::optional<media::negotiated_stream>& stream, const std::optional<media_report>& report);

/// "answered", "busy", "no_answer", "cancelled", "rejected", "no_route", "forbidden",
/// "unreachable" or "failed".
std::string_view call_result(const cdr_record& r) noexcept;

}  // namespace voxedge::daemon
