#include "media/rtp/rtcp_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

report_block block_for(std::uint32_t ssrc) {
  report_block b;
  b.ssrc = ssrc;
  b.fraction_lost = static_cast<std::uint8_t>(ssrc * 7);
  b.cumulative_lost = static_cast<std::int32_t>(ssrc) - 20;
  b.extended_highest_sequence = 0x00010000U + ssrc;
  b.jitter = ssrc * 3;
  b.last_sr = 0xB7052000U + ssrc;
  b.delay_since_last_sr = 0x00054000U;
  return b;
}

TEST(rtcp_writer, empty_receiver_report_bytes) {
  std::array<std::uint8_t, 64> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_receiver_report(0x01020304, {}).ok());
  EXPECT_EQ(bytes(w.bytes().begin(), w.bytes().end()), (bytes{0x80, 0xC9, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04}));
}

TEST(rtcp_writer, sender_report_and_cname_round_trip) {
  const sender_info info{{0xB44DB705, 0x20000000}, 94000, 1000, 160000};
  const std::array<report_block, 2> blocks{block_for(1), block_for(2)};
  std::array<std::uint8_t, 1500> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_sender_report(0x12345678, info, blocks).ok());
  ASSERT_TRUE(w.add_sdes_cname(0x12345678, "user@example.com").ok());
  EXPECT_EQ(w.size(), 4 + 4 + 20 + 2 * 24 + 28u);

  auto c = parse_rtcp_compound(w.bytes());
  ASSERT_TRUE(c.ok()) << to_string(c.error());
  ASSERT_EQ(c->packet_count(), 2u);
  auto it = c->begin();
  auto sr = report_view::parse(*it++);
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->ssrc(), 0x12345678u);
  EXPECT_EQ(sr->sender_info(), info);
  ASSERT_EQ(sr->block_count(), 2u);
  EXPECT_EQ(sr->block(0), blocks[0]);
  EXPECT_EQ(sr->block(1), blocks[1]);
  auto sdes = sdes_view::parse(*it);
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->cname(0x12345678), "user@example.com");
}

TEST(rtcp_writer, cname_of_every_length_pads_to_a_word) {
  const std::string text(255, 'x');
  for (std::size_t len = 0; len <= 255; ++len) {
    std::array<std::uint8_t, 300> buf{};
    rtcp_writer w(buf);
    ASSERT_TRUE(w.add_sdes_cname(9, std::string_view(text).substr(0, len)).ok());
    EXPECT_EQ(w.size() % 4, 0u);
    auto c = parse_rtcp_compound(w.bytes());
    ASSERT_TRUE(c.ok()) << len;
    EXPECT_EQ(sdes_view::parse(*c->begin())->cname(9)->size(), len);
  }
  std::array<std::uint8_t, 300> buf{};
  rtcp_writer w(buf);
  EXPECT_EQ(w.add_sdes_cname(9, std::string(256, 'x')).error(), rtcp_error::value_too_long);
  EXPECT_EQ(w.size(), 0u);
}

TEST(rtcp_writer, cumulative_loss_is_clamped_to_24_bits) {
  std::array<report_block, 3> blocks{block_for(1), block_for(2), block_for(3)};
  blocks[0].cumulative_lost = 10'000'000;
  blocks[1].cumulative_lost = -10'000'000;
  blocks[2].cumulative_lost = -2;
  std::array<std::uint8_t, 128> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_receiver_report(5, blocks).ok());
  auto c = parse_rtcp_compound(w.bytes());
  ASSERT_TRUE(c.ok());
  auto rr = report_view::parse(*c->begin());
  EXPECT_EQ(rr->block(0).cumulative_lost, 0x7FFFFF);
  EXPECT_EQ(rr->block(1).cumulative_lost, -0x800000);
  EXPECT_EQ(rr->block(2).cumulative_lost, -2);
}

TEST(rtcp_writer, more_than_31_sources_stack_receiver_reports) {
  std::vector<report_block> blocks;
  for (std::uint32_t i = 1; i <= 70; ++i) blocks.push_back(block_for(i));
  std::array<std::uint8_t, 2048> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_sender_report(77, sender_info{}, blocks).ok());
  auto c = parse_rtcp_compound(w.bytes());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->packet_count(), 3u);  // SR(31) RR(31) RR(8)
  std::vector<report_block> seen;
  std::vector<std::size_t> per_packet;
  bool first = true;
  for (const auto& p : *c) {
    auto r = report_view::parse(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->is_sender_report(), first);
    EXPECT_EQ(r->ssrc(), 77u);
    first = false;
    per_packet.push_back(r->block_count());
    for (std::size_t i = 0; i < r->block_count(); ++i) seen.push_back(r->block(i));
  }
  EXPECT_EQ(per_packet, (std::vector<std::size_t>{31, 31, 8}));
  EXPECT_EQ(seen, blocks);
}

TEST(rtcp_writer, short_buffer_writes_nothing_and_keeps_what_is_there) {
  std::array<std::uint8_t, 40> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_receiver_report(1, {}).ok());
  const std::array<report_block, 2> blocks{block_for(1), block_for(2)};
  EXPECT_EQ(w.add_sender_report(1, sender_info{}, blocks).error(), rtcp_error::buffer_too_small);
  EXPECT_EQ(w.add_receiver_report(1, blocks).error(), rtcp_error::buffer_too_small);
  EXPECT_EQ(w.add_sdes_cname(1, std::string(40, 'c')).error(), rtcp_error::buffer_too_small);
  EXPECT_EQ(w.size(), 8u);
  EXPECT_TRUE(parse_rtcp_compound(w.bytes()).ok());
  // Exactly full is fine: 8 + 32 bytes.
  EXPECT_TRUE(w.add_receiver_report(2, std::span(blocks).first(1)).ok());
  EXPECT_EQ(w.size(), 40u);
  EXPECT_EQ(w.add_receiver_report(3, {}).error(), rtcp_error::buffer_too_small);

  // 70 blocks need SR + 2 RRs; room for the SR alone must not leave a partial stack.
  std::vector<report_block> many(70, block_for(9));
  std::array<std::uint8_t, 28 + 31 * 24 + 8> tight{};
  rtcp_writer t(tight);
  EXPECT_EQ(t.add_sender_report(1, sender_info{}, many).error(), rtcp_error::buffer_too_small);
  EXPECT_EQ(t.size(), 0u);
}

TEST(rtcp_writer, bye_with_reason) {
  const std::array<std::uint32_t, 2> ssrcs{7, 8};
  std::array<std::uint8_t, 64> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_bye(ssrcs, "hangup").ok());
  EXPECT_EQ(w.size(), 4 + 8 + 8u);
  auto c = parse_rtcp_compound(w.bytes());
  ASSERT_TRUE(c.ok());
  auto bye = bye_view::parse(*c->begin());
  ASSERT_TRUE(bye.ok());
  ASSERT_EQ(bye->ssrc_count(), 2u);
  EXPECT_EQ(bye->ssrc(1), 8u);
  EXPECT_EQ(bye->reason(), "hangup");

  rtcp_writer plain(buf);
  ASSERT_TRUE(plain.add_bye(std::span(ssrcs).first(1)).ok());
  EXPECT_EQ(plain.size(), 8u);
  EXPECT_EQ(bye_view::parse(*parse_rtcp_compound(plain.bytes())->begin())->reason(), "");

  const std::vector<std::uint32_t> too_many(32, 1);
  EXPECT_EQ(plain.add_bye(too_many).error(), rtcp_error::too_many_sources);
  EXPECT_EQ(plain.add_bye(ssrcs, std::string(256, 'r')).error(), rtcp_error::value_too_long);
}

}  // namespace
}  // namespace voxedge::media
