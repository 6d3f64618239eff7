#pragma once
// NTP timestamps as RTCP carries them (RFC 3550 §4): 32 bits of seconds since
// 1900-01-01 and 32 bits of fraction. Reports echo only the middle 32 bits, a 16.16
// fixed-point "compact" form (LSR, DLSR; §6.4.1), which is what round-trip time is
// computed in. Pure conversions: the caller reads the clock and passes the time in.
#include <chrono>
#include <cstdint>

namespace voxedge::media {

/// Seconds from the NTP era 0 epoch (1900) to the Unix epoch (1970): 70 years with 17
/// leap days (RFC 868, RFC 5905 §6).
inline constexpr std::uint32_t ntp_unix_epoch_offset = 2'208'988'800U;

struct ntp_timestamp {
  std::uint32_t seconds = 0;
  std::uint32_t fraction = 0;  // units of 2^-32 s

  constexpr std::uint64_t to_u64() const noexcept { return (std::uint64_t{seconds} << 32) | fraction; }
  static constexpr ntp_timestamp from_u64(std::uint64_t v) noexcept {
    return {static_cast<std::uint32_t>(v >> 32), static_cast<std::uint32_t>(v)};
  }
  /// The middle 32 bits (§6.4.1 LSR): low 16 bits of seconds, high 16 of fraction.
  constexpr std::uint32_t compact() const noexcept { return (seconds << 16) | (fraction >> 16); }
  friend constexpr bool operator==(const ntp_timestamp&, const ntp_timestamp&) = default;
};

/// Wall-clock time to NTP. Seconds wrap in 2036 into era 1, as on the wire (RFC 5905
/// §6): only differences of compact values are ever used, and those survive the wrap.
ntp_timestamp to_ntp(std::chrono::system_clock::time_point t) noexcept;

/// A duration in compact NTP units (1/65536 s), as DLSR carries it: negative durations
/// give 0 and anything over 65536 s saturates (§6.4.1 leaves both undefined).
std::uint32_t to_compact_ntp(std::chrono::nanoseconds d) noexcept;

/// Compact NTP units (1/65536 s) to microseconds, rounded to nearest.
std::chrono::microseconds from_compact_ntp(std::uint32_t units) noexcept;

}  // namespace voxedge::media
