#include "media/relay/stream_rewriter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "media/rtp/byte_io.hpp"

namespace voxedge::media {
namespace {

using namespace std::chrono_literals;

struct packet {
  std::array<std::uint8_t, 12 + 160> bytes{};
  packet(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint8_t pt = 0) {
    bytes[0] = 0x80;
    bytes[1] = pt;
    byte_io::store_be16(&bytes[2], seq);
    byte_io::store_be32(&bytes[4], ts);
    byte_io::store_be32(&bytes[8], ssrc);
  }
  rtp_view view() { return *parse_rtp(std::span<std::uint8_t>(bytes)); }
};

const time_point t0{std::chrono::seconds(1000)};

TEST(stream_rewriter, first_source_starts_at_the_initial_values) {
  stream_rewriter w(0xABCD0001, 65534, 0xFFFFFF00);
  for (std::uint16_t i = 0; i < 4; ++i) {
    packet p(0x1111, static_cast<std::uint16_t>(100 + i), 5000 + 160U * i);
    w.rewrite(p.view(), t0 + i * 20ms, 8000);
    EXPECT_EQ(p.view().ssrc(), 0xABCD0001u);
    EXPECT_EQ(p.view().sequence_number(), static_cast<std::uint16_t>(65534 + i));  // wraps
    EXPECT_EQ(p.view().timestamp(), 0xFFFFFF00U + 160U * i);
    EXPECT_FALSE(p.view().marker());
  }
  EXPECT_EQ(w.source_changes(), 0u);
}

TEST(stream_rewriter, a_new_source_continues_the_stream) {
  stream_rewriter w(7, 1000, 50000);
  for (std::uint16_t i = 0; i < 3; ++i) {
    packet p(0x1111, i, 160U * i);
    w.rewrite(p.view(), t0 + i * 20ms, 8000);
  }
  // The media moved (re-INVITE to another server): another SSRC, sequence, timestamp.
  packet q(0x2222, 40000, 123456789);
  w.rewrite(q.view(), t0 + 2 * 20ms + 60ms, 8000);
  EXPECT_EQ(q.view().ssrc(), 7u);
  EXPECT_EQ(q.view().sequence_number(), 1003);
  EXPECT_EQ(q.view().timestamp(), 50000U + 2 * 160 + 480);  // 60 ms at 8 kHz later
  EXPECT_TRUE(q.view().marker());
  packet r(0x2222, 40001, 123456789 + 160);
  w.rewrite(r.view(), t0 + 120ms, 8000);
  EXPECT_EQ(r.view().sequence_number(), 1004);
  EXPECT_EQ(r.view().timestamp(), 50000U + 2 * 160 + 480 + 160);
  EXPECT_FALSE(r.view().marker());
  EXPECT_EQ(w.source_changes(), 1u);
}

TEST(stream_rewriter, reordering_and_loss_pass_through) {
  stream_rewriter w(7, 10, 0);
  packet a(1, 500, 0);
  packet c(1, 502, 320);
  packet b(1, 501, 160);
  w.rewrite(a.view(), t0, 8000);
  w.rewrite(c.view(), t0 + 40ms, 8000);
  w.rewrite(b.view(), t0 + 41ms, 8000);  // late
  EXPECT_EQ(a.view().sequence_number(), 10);
  EXPECT_EQ(c.view().sequence_number(), 12);
  EXPECT_EQ(b.view().sequence_number(), 11);
  EXPECT_EQ(w.highest_sequence(), 12);
  // The next source continues after the highest, not after the late one.
  packet d(2, 9, 9);
  w.rewrite(d.view(), t0 + 60ms, 8000);
  EXPECT_EQ(d.view().sequence_number(), 13);
  EXPECT_EQ(d.view().timestamp(), 320U + 160);
}

TEST(stream_rewriter, a_source_switch_without_elapsed_time_still_advances_the_timestamp) {
  stream_rewriter w(7, 0, 0);
  packet a(1, 0, 0);
  w.rewrite(a.view(), t0, 8000);
  packet b(2, 0, 0);
  w.rewrite(b.view(), t0, 8000);
  EXPECT_EQ(b.view().timestamp(), 1u);
  EXPECT_EQ(b.view().sequence_number(), 1);
}

TEST(stream_rewriter, ssrc_change_keeps_the_sequence) {
  stream_rewriter w(7, 0, 0);
  packet a(1, 0, 0);
  w.rewrite(a.view(), t0, 8000);
  w.change_ssrc(99);
  packet b(1, 1, 160);
  w.rewrite(b.view(), t0 + 20ms, 8000);
  EXPECT_EQ(b.view().ssrc(), 99u);
  EXPECT_EQ(b.view().sequence_number(), 1);
}

}  // namespace
}  // namespace voxedge::media
