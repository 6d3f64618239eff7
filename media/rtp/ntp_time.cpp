#include "media/rtp/ntp_time.hpp"

namespace voxedge::media {

namespace {
constexpr std::int64_t ns_per_s = 1'000'000'000;
}  // namespace

ntp_timestamp to_ntp(std::chrono::system_clock::time_point t) noexcept {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  // Floor division, so times before 1970 still map onto the right NTP second.
  std::int64_t secs = ns / ns_per_s;
  std::int64_t rem = ns % ns_per_s;
  if (rem < 0) {
    rem += ns_per_s;
    --secs;
  }
  ntp_timestamp out;
  // Modulo 2^32 on purpose: era arithmetic (RFC 5905 §6).
  out.seconds = static_cast<std::uint32_t>(static_cast<std::uint64_t>(secs) + ntp_unix_epoch_offset);
  // rem < 10^9 < 2^30, so rem * 2^32 < 2^62 fits; round down like a clock would.
  out.fraction = static_cast<std::uint32_t>((static_cast<std::uint64_t>(rem) << 32) / ns_per_s);
  return out;
}

std::uint32_t to_compact_ntp(std::chrono::nanoseconds d) noexcept {
  const std::int64_t ns = d.count();
  if (ns <= 0) return 0;
  const std::uint64_t whole = static_cast<std::uint64_t>(ns / ns_per_s);
  if (whole >= 65536) return 0xFFFFFFFFU;
  const std::uint64_t part = static_cast<std::uint64_t>(ns % ns_per_s);
  return static_cast<std::uint32_t>((whole << 16) | ((part << 16) / ns_per_s));
}

std::chrono::microseconds from_compact_ntp(std::uint32_t units) noexcept {
  // units * 10^6 < 2^52: no overflow; + 2^15 rounds to nearest.
  return std::chrono::microseconds{static_cast<std::int64_t>((std::uint64_t{units} * 1'000'000 + 32768) >> 16)};
}

}  // namespace voxedge::media
