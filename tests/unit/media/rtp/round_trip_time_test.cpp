#include "media/rtp/round_trip_time.hpp"

#include <gtest/gtest.h>

#include "media/rtp/receive_statistics.hpp"

namespace voxedge::media {
namespace {

using namespace std::chrono_literals;

TEST(round_trip_time, rfc3550_worked_example) {
  // §6.4.1: our SR left at 0xb44db705:20000000 (LSR 0xb705:2000, 46853.125 s); the RR
  // came back with DLSR 0x0005:4000 (5.250 s) and arrived at A = 0xb710:8000
  // (46864.500 s). A - LSR - DLSR = 0x0006:2000 = 6.125 s.
  report_block b;
  b.last_sr = 0xB7052000U;
  b.delay_since_last_sr = 0x00054000U;
  const ntp_timestamp arrival{0xB44DB710U, 0x80000000U};
  EXPECT_EQ(round_trip_time_compact(arrival.compact(), b.last_sr, b.delay_since_last_sr), 0x00062000U);
  EXPECT_EQ(round_trip_time(b, arrival), 6125000us);
}

TEST(round_trip_time, from_both_ends_with_receive_statistics) {
  // The far end keeps receive_statistics for our stream: our SR reaches it after 40 ms,
  // it answers 5.25 s later with LSR/DLSR, and the RR takes 40 ms to come back.
  const std::chrono::system_clock::time_point sent{std::chrono::seconds{816003205} + 125ms};
  const time_point far_now{100s};
  receive_statistics far(0xAAAA, 8000);
  far.on_sender_report(to_ntp(sent), far_now);
  const report_block rr = far.make_report_block(far_now + 5250ms);
  EXPECT_EQ(rr.last_sr, 0xB7052000U);
  EXPECT_EQ(rr.delay_since_last_sr, 0x00054000U);
  const auto rtt = round_trip_time(rr, to_ntp(sent + 40ms + 5250ms + 40ms));
  ASSERT_TRUE(rtt);
  // Two truncations to 1/65536 s: within 31 µs of the truth.
  EXPECT_NEAR(static_cast<double>(rtt->count()), 80000.0, 31.0);
}

TEST(round_trip_time, no_sender_report_means_no_rtt) {
  EXPECT_FALSE(round_trip_time_compact(0x12345678U, 0, 0));
  report_block b;
  EXPECT_FALSE(round_trip_time(b, ntp_timestamp{1, 2}));
}

TEST(round_trip_time, sixteen_bit_seconds_wrap) {
  // LSR just before the wrap of the compact seconds, arrival two seconds later.
  EXPECT_EQ(round_trip_time_compact(0x00018000U, 0xFFFF8000U, 0x00008000U), 0x00018000U);
}

TEST(round_trip_time, rounding_and_nonsense) {
  // One unit short is the two truncations meeting: RTT 0.
  EXPECT_EQ(round_trip_time_compact(0x00010000U, 0x00008000U, 0x00008001U), 0U);
  // More than that is a report that held our SR longer than it has existed.
  EXPECT_FALSE(round_trip_time_compact(0x00010000U, 0x00008000U, 0x00010000U));
  // An LSR later than the arrival (A - LSR wraps past half the range) is not ours.
  EXPECT_FALSE(round_trip_time_compact(0x00010000U, 0x00020000U, 0));
}

}  // namespace
}  // namespace voxedge::media
