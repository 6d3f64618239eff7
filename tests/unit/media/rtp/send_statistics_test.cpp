#include "media/rtp/send_statistics.hpp"

#include <gtest/gtest.h>

namespace voxedge::media {
namespace {

using namespace std::chrono_literals;

TEST(send_statistics, counts_packets_and_payload_octets) {
  send_statistics s(8000);
  EXPECT_FALSE(s.last_sent());
  const ntp_timestamp ntp{0xB44DB705U, 0x20000000U};
  const sender_info empty = s.make_sender_info(ntp, time_point{1s});
  EXPECT_EQ(empty.packet_count, 0u);
  EXPECT_EQ(empty.octet_count, 0u);
  EXPECT_EQ(empty.rtp_timestamp, 0u);
  EXPECT_EQ(empty.ntp, ntp);

  for (std::uint32_t i = 0; i < 50; ++i) s.on_packet_sent(1000 + i * 160, 160, time_point{i * 20ms});
  EXPECT_EQ(s.packets_sent(), 50u);
  EXPECT_EQ(s.octets_sent(), 8000u);
  EXPECT_EQ(s.last_sent(), time_point{980ms});
}

TEST(send_statistics, sender_report_timestamp_names_the_report_instant) {
  // §6.4.1: the RTP timestamp of an SR corresponds to its NTP timestamp, so it runs on
  // from the last packet at the clock rate: 100 ms at 8 kHz is 800 ticks.
  send_statistics s(8000);
  s.on_packet_sent(0xFFFFFF00U, 160, time_point{10s});
  const sender_info info = s.make_sender_info(ntp_timestamp{}, time_point{10s + 100ms});
  EXPECT_EQ(info.rtp_timestamp, 544u);  // 0xFFFFFF00 + 800, wrapped as the stream wraps
  EXPECT_EQ(info.packet_count, 1u);
  EXPECT_EQ(info.octet_count, 160u);
  s.set_clock_rate(48000);
  EXPECT_EQ(s.make_sender_info(ntp_timestamp{}, time_point{10s + 100ms}).rtp_timestamp, 4544u);
}

}  // namespace
}  // namespace voxedge::media
