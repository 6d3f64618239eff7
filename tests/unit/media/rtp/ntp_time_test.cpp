#include "media/rtp/ntp_time.hpp"

#include <gtest/gtest.h>

namespace voxedge::media {
namespace {

using namespace std::chrono_literals;
using sys = std::chrono::system_clock;

TEST(ntp_time, unix_epoch_is_ntp_2208988800) {
  EXPECT_EQ(to_ntp(sys::time_point{}), (ntp_timestamp{2208988800U, 0}));
  EXPECT_EQ(to_ntp(sys::time_point{1500ms}), (ntp_timestamp{2208988801U, 0x80000000U}));
  EXPECT_EQ(to_ntp(sys::time_point{-500ms}), (ntp_timestamp{2208988799U, 0x80000000U}));
}

TEST(ntp_time, rfc3550_example_instant) {
  // §6.4.1 figure: 10 Nov 1995 11:33:25.125 UTC is 0xb44db705:20000000.
  const sys::time_point t{std::chrono::seconds{816003205} + 125ms};
  EXPECT_EQ(to_ntp(t), (ntp_timestamp{0xB44DB705U, 0x20000000U}));
  EXPECT_EQ(to_ntp(t).compact(), 0xB7052000U);
}

TEST(ntp_time, era_rolls_over_in_2036) {
  // RFC 5905 §6: 2036-02-07 06:28:16 UTC starts era 1 with seconds 0.
  const sys::time_point t{std::chrono::seconds{2085978496}};
  EXPECT_EQ(to_ntp(t).seconds, 0u);
  EXPECT_EQ(to_ntp(t - 1s).seconds, 0xFFFFFFFFu);
  // Compact differences survive the wrap.
  EXPECT_EQ(to_ntp(t + 2s).compact() - to_ntp(t - 1s).compact(), 3U << 16);
}

TEST(ntp_time, u64_round_trip) {
  const ntp_timestamp n{0x01234567, 0x89ABCDEF};
  EXPECT_EQ(n.to_u64(), 0x0123456789ABCDEFULL);
  EXPECT_EQ(ntp_timestamp::from_u64(n.to_u64()), n);
  EXPECT_EQ(n.compact(), 0x456789ABU);
}

TEST(ntp_time, compact_durations) {
  EXPECT_EQ(to_compact_ntp(5250ms), 0x00054000U);  // §6.4.1: DLSR of 5.250 s
  EXPECT_EQ(to_compact_ntp(0ns), 0U);
  EXPECT_EQ(to_compact_ntp(-1s), 0U);
  EXPECT_EQ(to_compact_ntp(15258ns), 0U);  // under one unit of 1/65536 s
  EXPECT_EQ(to_compact_ntp(15259ns), 1U);
  EXPECT_EQ(to_compact_ntp(std::chrono::seconds{65535}), 0xFFFF0000U);
  EXPECT_EQ(to_compact_ntp(std::chrono::seconds{65536}), 0xFFFFFFFFU);
  EXPECT_EQ(from_compact_ntp(0x00062000U), 6125000us);
  EXPECT_EQ(from_compact_ntp(1U), 15us);  // 15.26 µs rounds down
  EXPECT_EQ(from_compact_ntp(0xFFFFFFFFU).count(), 65535999985);
}

}  // namespace
}  // namespace voxedge::media
