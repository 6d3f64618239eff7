#include "media/rtp/receive_statistics.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace voxedge::media {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t pcmu_rate = 8000;
constexpr sequence_limits no_probation{3000, 100, 1};

// 20 ms G.711 packets: 160 bytes of payload, 160 timestamp ticks apart, arriving on time.
packet_verdict feed(receive_statistics& s, std::uint16_t seq, std::uint32_t ts, std::chrono::milliseconds at) {
  return s.on_packet(seq, ts, 160, 172, time_point{at});
}
packet_verdict feed(receive_statistics& s, std::uint16_t seq) {
  return feed(s, seq, seq * 160U, std::chrono::milliseconds{seq * 20});
}

TEST(receive_statistics, loss_counted_across_the_sequence_wrap) {
  // A.1 probation: the first packet (65500) only starts the source; counting starts at
  // 65501. Of the next 200 (65501 .. 65535, 0 .. 164) every 20th is lost: 5 % exactly.
  receive_statistics s(0x1111, pcmu_rate);
  EXPECT_EQ(feed(s, 65500, 0, 0ms), packet_verdict::probation);
  EXPECT_FALSE(s.valid());
  for (std::uint32_t i = 0; i < 200; ++i) {
    if (i % 20 == 10) continue;
    const auto seq = static_cast<std::uint16_t>(65501 + i);
    EXPECT_EQ(feed(s, seq, (i + 1) * 160, std::chrono::milliseconds{(i + 1) * 20}), packet_verdict::in_order);
  }
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(s.expected(), 200);
  EXPECT_EQ(s.received(), 190u);
  EXPECT_EQ(s.cumulative_lost(), 10);
  EXPECT_DOUBLE_EQ(s.loss_percent(), 5.0);
  EXPECT_EQ(s.extended_highest_sequence(), 65536u + 164u);  // one cycle, then 164
  EXPECT_EQ(s.jitter(), 0u);                                // perfectly paced

  const report_block b = s.make_report_block(time_point{5s});
  EXPECT_EQ(b.ssrc, 0x1111u);
  EXPECT_EQ(b.fraction_lost, 12);  // (10 << 8) / 200 = 12.8, truncated as in A.3
  EXPECT_EQ(b.cumulative_lost, 10);
  EXPECT_EQ(b.extended_highest_sequence, 0x000100A4u);
  EXPECT_EQ(b.last_sr, 0u);
  EXPECT_EQ(b.delay_since_last_sr, 0u);
  EXPECT_EQ(s.packets(), 190u);
  EXPECT_EQ(s.bytes(), 190u * 172u);
  EXPECT_EQ(s.payload_bytes(), 190u * 160u);
  EXPECT_EQ(s.discarded(), 1u);
}

TEST(receive_statistics, without_probation_the_first_packet_counts) {
  receive_statistics s(1, pcmu_rate, no_probation);
  for (std::uint32_t i = 0; i < 200; ++i) {
    if (i % 20 == 10) continue;
    EXPECT_EQ(feed(s, static_cast<std::uint16_t>(65500 + i), i * 160, std::chrono::milliseconds{i * 20}),
              packet_verdict::in_order);
  }
  EXPECT_EQ(s.expected(), 200);
  EXPECT_DOUBLE_EQ(s.loss_percent(), 5.0);
}

TEST(receive_statistics, first_sequence_number_zero) {
  receive_statistics s(1, pcmu_rate, no_probation);
  EXPECT_EQ(feed(s, 0), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 1), packet_verdict::in_order);
  EXPECT_EQ(s.extended_highest_sequence(), 1u);
  EXPECT_EQ(s.expected(), 2);
}

TEST(receive_statistics, probation_needs_sequential_packets) {
  receive_statistics s(1, pcmu_rate);  // MIN_SEQUENTIAL = 2
  EXPECT_EQ(feed(s, 100), packet_verdict::probation);
  EXPECT_EQ(feed(s, 200), packet_verdict::probation);  // not sequential: probation again
  EXPECT_FALSE(s.valid());
  EXPECT_EQ(s.expected(), 0);
  EXPECT_EQ(feed(s, 201), packet_verdict::in_order);
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(s.expected(), 1);  // A.1 bases the source on the packet that validated it
  EXPECT_EQ(s.received(), 1u);
  EXPECT_EQ(s.discarded(), 2u);
  ASSERT_TRUE(s.last_arrival());
  EXPECT_EQ(*s.last_arrival(), time_point{201 * 20ms});

  receive_statistics three(1, pcmu_rate, sequence_limits{3000, 100, 3});
  EXPECT_EQ(feed(three, 7), packet_verdict::probation);
  EXPECT_EQ(feed(three, 8), packet_verdict::probation);
  EXPECT_EQ(feed(three, 9), packet_verdict::in_order);
}

TEST(receive_statistics, duplicates_make_loss_negative) {
  receive_statistics s(1, pcmu_rate, no_probation);
  EXPECT_EQ(feed(s, 1), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 2), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 3), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 3), packet_verdict::duplicate);
  EXPECT_EQ(feed(s, 2), packet_verdict::duplicate);
  EXPECT_EQ(s.duplicates(), 2u);
  EXPECT_EQ(s.reordered(), 0u);
  // §6.4.1: duplicates count as received, so the cumulative loss goes negative...
  EXPECT_EQ(s.expected(), 3);
  EXPECT_EQ(s.received(), 5u);
  EXPECT_EQ(s.cumulative_lost(), -2);
  EXPECT_EQ(s.loss_percent(), 0.0);
  const report_block b = s.make_report_block(time_point{1s});
  EXPECT_EQ(b.cumulative_lost, -2);
  // ...while A.3 reports no fraction lost for a negative interval loss.
  EXPECT_EQ(b.fraction_lost, 0);
}

TEST(receive_statistics, reordered_packets_are_not_lost) {
  receive_statistics s(1, pcmu_rate, no_probation);
  EXPECT_EQ(feed(s, 1), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 2), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 4), packet_verdict::in_order);  // 3 is missing, for now
  EXPECT_EQ(s.cumulative_lost(), 1);
  EXPECT_EQ(feed(s, 3), packet_verdict::reordered);
  EXPECT_EQ(feed(s, 5), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 3), packet_verdict::duplicate);  // the late one, twice
  EXPECT_EQ(s.reordered(), 1u);
  EXPECT_EQ(s.duplicates(), 1u);
  EXPECT_EQ(s.expected(), 5);
  EXPECT_EQ(s.cumulative_lost(), -1);
}

TEST(receive_statistics, reordering_across_the_wrap) {
  receive_statistics s(1, pcmu_rate, no_probation);
  EXPECT_EQ(feed(s, 65534), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 65535), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 1), packet_verdict::in_order);
  EXPECT_EQ(feed(s, 0), packet_verdict::reordered);  // late, and from the new cycle
  EXPECT_EQ(feed(s, 65535), packet_verdict::duplicate);
  EXPECT_EQ(feed(s, 2), packet_verdict::in_order);
  EXPECT_EQ(s.extended_highest_sequence(), 65536u + 2u);
  EXPECT_EQ(s.expected(), 5);
  EXPECT_EQ(s.cumulative_lost(), -1);
}

TEST(receive_statistics, too_late_is_a_bad_sequence) {
  receive_statistics s(1, pcmu_rate, no_probation);
  for (std::uint16_t seq = 1; seq <= 500; ++seq) feed(s, seq);
  // A.1 takes a packet as late while it is less than MAX_MISORDER (100) behind.
  EXPECT_EQ(feed(s, 401), packet_verdict::duplicate);     // 99 behind
  EXPECT_EQ(feed(s, 400), packet_verdict::bad_sequence);  // 100 behind
  EXPECT_EQ(s.discarded(), 1u);
  EXPECT_EQ(feed(s, 501), packet_verdict::in_order);  // and life goes on
  EXPECT_EQ(s.restarts(), 0u);
}

TEST(receive_statistics, large_gap_within_max_dropout) {
  receive_statistics s(1, pcmu_rate, no_probation);
  feed(s, 10);
  EXPECT_EQ(feed(s, 2009), packet_verdict::in_order);  // 1999 ahead < MAX_DROPOUT
  EXPECT_EQ(s.expected(), 2000);
  EXPECT_EQ(s.cumulative_lost(), 1998);
  // A packet from inside the gap but far behind the new highest is no longer accepted.
  EXPECT_EQ(feed(s, 500), packet_verdict::bad_sequence);
}

TEST(receive_statistics, restart_after_a_large_jump) {
  receive_statistics s(1, pcmu_rate, no_probation);
  for (std::uint16_t seq = 1; seq <= 10; ++seq) feed(s, seq);
  // One stray packet far away is ignored...
  EXPECT_EQ(feed(s, 30000), packet_verdict::bad_sequence);
  EXPECT_EQ(feed(s, 11), packet_verdict::in_order);
  EXPECT_EQ(s.expected(), 11);
  // ...but two in sequence mean the sender restarted (A.1): re-base there.
  EXPECT_EQ(feed(s, 40000), packet_verdict::bad_sequence);
  EXPECT_EQ(feed(s, 40001), packet_verdict::restarted);
  EXPECT_EQ(s.restarts(), 1u);
  EXPECT_EQ(s.expected(), 1);
  EXPECT_EQ(s.received(), 1u);
  EXPECT_EQ(feed(s, 40002), packet_verdict::in_order);
  EXPECT_EQ(s.expected(), 2);
  EXPECT_EQ(s.cumulative_lost(), 0);
  EXPECT_EQ(s.packets(), 13u);  // lifetime counters survive
  EXPECT_EQ(s.discarded(), 2u);
}

TEST(receive_statistics, interval_fraction_lost) {
  receive_statistics s(1, pcmu_rate, no_probation);
  for (std::uint16_t seq = 1; seq <= 10; ++seq) {
    if (seq != 4 && seq != 7) feed(s, seq);
  }
  EXPECT_EQ(s.make_report_block(time_point{1s}).fraction_lost, 51);  // (2 << 8) / 10
  EXPECT_FALSE(s.heard_since_last_report());
  for (std::uint16_t seq = 11; seq <= 20; ++seq) feed(s, seq);
  EXPECT_TRUE(s.heard_since_last_report());
  EXPECT_EQ(s.make_report_block(time_point{2s}).fraction_lost, 0);
  feed(s, 30);  // 21-29 lost: 9 of 10
  const report_block b = s.make_report_block(time_point{3s});
  EXPECT_EQ(b.fraction_lost, 230);  // (9 << 8) / 10
  EXPECT_EQ(s.last_fraction_lost(), 230);
  EXPECT_EQ(b.cumulative_lost, 11);
  // Nothing new: an empty interval reports no loss.
  EXPECT_EQ(s.make_report_block(time_point{4s}).fraction_lost, 0);
}

TEST(receive_statistics, many_cycles) {
  receive_statistics s(1, pcmu_rate, no_probation);
  const std::uint32_t total = 3 * 65536 + 10;
  for (std::uint32_t i = 0; i < total; ++i) {
    s.on_packet(static_cast<std::uint16_t>(i), i * 160, 160, 172, time_point{std::chrono::milliseconds{i * 20ULL}});
  }
  EXPECT_EQ(s.extended_highest_sequence(), total - 1);
  EXPECT_EQ(s.expected(), static_cast<std::int64_t>(total));
  EXPECT_EQ(s.cumulative_lost(), 0);
  EXPECT_EQ(s.make_report_block(time_point{}).extended_highest_sequence, (3U << 16) | 9U);
}

TEST(receive_statistics, jitter_follows_the_a8_recurrence) {
  // 8 kHz, 20 ms packets (160 ticks), arrivals off the 20 ms grid by 0/0/+10/0/+5/0 ms.
  // transit = arrival (in ticks since the first packet) - RTP timestamp;
  // D = transit - previous transit; J16 += |D| - ((J16 + 8) >> 4) (A.8, J kept * 16):
  //
  //   packet  ts   arrival  ticks  transit  |D|   J16                      J = J16 >> 4
  //   1         0    0 ms      0      0      -     0                        0
  //   2       160   20 ms    160      0      0     0 + 0 - 0   =   0        0
  //   3       320   50 ms    400     80     80     0 + 80 - 0  =  80        5
  //   4       480   60 ms    480      0     80    80 + 80 - 5  = 155        9
  //   5       640   85 ms    680     40     40   155 + 40 - 10 = 185       11
  //   6       800  100 ms    800      0     40   185 + 40 - 12 = 213       13
  //
  // (The floating-point form J += (|D| - J) / 16 gives 0, 0, 5, 9.69, 11.58, 13.36.)
  receive_statistics s(1, pcmu_rate, no_probation);
  const std::uint16_t seqs[] = {1, 2, 3, 4, 5, 6};
  const std::uint32_t ts[] = {0, 160, 320, 480, 640, 800};
  const int arrival_ms[] = {0, 20, 50, 60, 85, 100};
  const std::uint32_t expected_jitter[] = {0, 0, 5, 9, 11, 13};
  for (int i = 0; i < 6; ++i) {
    feed(s, seqs[i], ts[i], std::chrono::milliseconds{arrival_ms[i]} + 1h);  // any epoch
    EXPECT_EQ(s.jitter(), expected_jitter[i]) << "after packet " << i + 1;
  }
  EXPECT_DOUBLE_EQ(s.jitter_ms(), 213.0 / 16.0 / 8.0);  // 1.664 ms
  EXPECT_EQ(s.make_report_block(time_point{2h}).jitter, 13u);
}

TEST(receive_statistics, jitter_at_another_clock_rate) {
  // Opus at 48 kHz: a packet 10 ms late is 480 ticks of transit change.
  receive_statistics s(1, 48000, no_probation);
  s.on_packet(1, 0, 80, 92, time_point{0ms});
  s.on_packet(2, 960, 80, 92, time_point{30ms});
  EXPECT_EQ(s.jitter(), 480u / 16u);
  EXPECT_DOUBLE_EQ(s.jitter_ms(), 0.625);
  // A codec switch to 8 kHz keeps the estimate, in the new units.
  s.set_clock_rate(8000);
  EXPECT_EQ(s.jitter(), 5u);
  EXPECT_DOUBLE_EQ(s.jitter_ms(), 0.625);
}

TEST(receive_statistics, timestamp_discontinuity_is_not_jitter) {
  receive_statistics s(1, pcmu_rate, no_probation);
  feed(s, 1, 0, 0ms);
  feed(s, 2, 160, 20ms);
  feed(s, 3, 10'000'000, 40ms);  // the sender's timestamp leapt about 20 minutes
  EXPECT_EQ(s.jitter(), 0u);
  feed(s, 4, 10'000'160, 60ms);  // and carries on from there
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(receive_statistics, restart_rebases_jitter) {
  receive_statistics s(1, pcmu_rate, no_probation);
  feed(s, 1, 0, 0ms);
  feed(s, 2, 160, 20ms);
  // The restarted sender's timestamps start 2.5 s ahead: within the discontinuity
  // guard, so without a new baseline this step would read as 2.4 s of jitter.
  feed(s, 30000, 20'000, 40ms);
  feed(s, 30001, 20'160, 60ms);
  feed(s, 30002, 20'320, 80ms);
  EXPECT_EQ(s.restarts(), 1u);
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(receive_statistics, sender_report_gives_lsr_and_dlsr) {
  receive_statistics s(1, pcmu_rate, no_probation);
  feed(s, 1);
  s.on_sender_report(ntp_timestamp{0xB44DB705U, 0x20000000U}, time_point{10s});
  const report_block b = s.make_report_block(time_point{10s + 5250ms});
  EXPECT_EQ(b.last_sr, 0xB7052000U);
  EXPECT_EQ(b.delay_since_last_sr, 0x00054000U);
}

TEST(receive_statistics, accepts_a_parsed_packet) {
  std::vector<std::uint8_t> p = {0x80, 0x00, 0x00, 0x07, 0x00, 0x00, 0x04, 0x60, 0, 0, 0, 1, 0xFF, 0xFF};
  auto v = parse_rtp(std::span<const std::uint8_t>(p));
  ASSERT_TRUE(v.ok());
  receive_statistics s(1, pcmu_rate, no_probation);
  EXPECT_EQ(s.on_packet(*v, time_point{1s}), packet_verdict::in_order);
  EXPECT_EQ(s.extended_highest_sequence(), 7u);
  EXPECT_EQ(s.payload_bytes(), 2u);
  EXPECT_EQ(s.bytes(), 14u);
  EXPECT_EQ(to_string(packet_verdict::reordered), "reordered");
}

}  // namespace
}  // namespace voxedge::media
