#pragma once
// Converting between real time and a stream's RTP timestamp clock (RFC 3550 §5.1: the
// timestamp counts at the payload format's clock rate, 8000 Hz for G.711). Results are
// modulo 2^32 like the timestamps themselves, and the arithmetic never overflows, so any
// injected time (even a hostile or backwards one in a fuzzer) is defined behaviour.
#include <chrono>
#include <cstdint>

namespace voxedge::media {

/// `d` in ticks of a `clock_rate` Hz clock, truncated toward zero, modulo 2^32.
constexpr std::uint32_t to_rtp_ticks(std::chrono::nanoseconds d, std::uint32_t clock_rate) noexcept {
  constexpr std::int64_t ns_per_s = 1'000'000'000;
  const std::int64_t ns = d.count();
  const std::int64_t secs = ns / ns_per_s;
  const std::int64_t rem = ns % ns_per_s;  // |rem| < 10^9, so rem * clock_rate < 2^63
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(secs) * clock_rate +
                                    static_cast<std::uint64_t>(rem * std::int64_t{clock_rate} / ns_per_s));
}

/// `a - b` in nanoseconds without signed overflow: wraps instead, which only matters for
/// times 292 years apart.
template <class TimePoint>
constexpr std::chrono::nanoseconds wrapping_difference(TimePoint a, TimePoint b) noexcept {
  const auto x = std::chrono::duration_cast<std::chrono::nanoseconds>(a.time_since_epoch()).count();
  const auto y = std::chrono::duration_cast<std::chrono::nanoseconds>(b.time_since_epoch()).count();
  return std::chrono::nanoseconds{
      static_cast<std::int64_t>(static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y))};
}

}  // namespace voxedge::media
