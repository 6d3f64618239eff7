#pragma once
// Round-trip time from a reception report about our own stream (RFC 3550 §6.4.1):
//
//   RTT = A - LSR - DLSR
//
// where A is when the report arrived, LSR echoes the middle 32 bits of the NTP
// timestamp of our last SR, and DLSR is how long the far end held that SR before
// reporting; all three in compact NTP units of 1/65536 s, subtracted modulo 2^32 so the
// 16-bit seconds wrap every 18.2 hours harmlessly. A must come from the same clock we
// stamp our SRs with, since LSR is just our own timestamp coming back.
#include <chrono>
#include <cstdint>
#include <optional>

#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp_packet.hpp"

namespace voxedge::media {

/// RTT in compact NTP units; nullopt when LSR is 0 (no SR received yet, §6.4.1) or the
/// report claims it held our SR longer than it has been out (clock or implementation
/// trouble on the far side). A deficit of one unit, which is rounding on the two
/// truncations, reads as 0.
std::optional<std::uint32_t> round_trip_time_compact(std::uint32_t arrival, std::uint32_t last_sr,
                                                     std::uint32_t delay_since_last_sr) noexcept;

/// RTT for a report block about one of our SSRCs that arrived at NTP time `arrival`.
std::optional<std::chrono::microseconds> round_trip_time(const report_block& block, ntp_timestamp arrival) noexcept;

}  // namespace voxedge::media
