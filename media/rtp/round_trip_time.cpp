#include "media/rtp/round_trip_time.hpp"

namespace voxedge::media {

std::optional<std::uint32_t> round_trip_time_compact(std::uint32_t arrival, std::uint32_t last_sr,
                                                     std::uint32_t delay_since_last_sr) noexcept {
  if (last_sr == 0) return std::nullopt;
  const std::uint32_t since_sr = arrival - last_sr;  // modulo 2^32 on purpose
  // Over half the 16.16 range (9.1 h) means the LSR is not one of ours from this call.
  if (since_sr >= 0x80000000U) return std::nullopt;
  if (since_sr < delay_since_last_sr) {
    if (delay_since_last_sr - since_sr <= 1) return 0U;
    return std::nullopt;
  }
  return since_sr - delay_since_last_sr;
}

std::optional<std::chrono::microseconds> round_trip_time(const report_block& block, ntp_timestamp arrival) noexcept {
  const auto rtt = round_trip_time_compact(arrival.compact(), block.last_sr, block.delay_since_last_sr);
  if (!rtt) return std::nullopt;
  return from_compact_ntp(*rtt);
}

}  // namespace voxedge::media
