#include "media/rtp/rtcp_packet.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

// An SR with one report block followed by an SDES CNAME: the compound a G.711 phone
// sends every five seconds (RFC 3550 §6.1: SR/RR first, CNAME in every compound).
constexpr auto sr_sdes = std::to_array<std::uint8_t>({
    // SR: V=2 P=0 RC=1, PT=200, length 12 (13 words)
    0x81, 0xC8, 0x00, 0x0C,  //
    0x12, 0x34, 0x56, 0x78,  // SSRC of sender
    0xB4, 0x4D, 0xB7, 0x05,  // NTP seconds: 10 Nov 1995 11:33:25 UTC (§6.4.1 example)
    0x20, 0x00, 0x00, 0x00,  // NTP fraction: .125
    0x00, 0x01, 0x6F, 0x30,  // RTP timestamp 94000
    0x00, 0x00, 0x03, 0xE8,  // sender's packet count 1000
    0x00, 0x02, 0x71, 0x00,  // sender's octet count 160000
    // report block
    0x9A, 0xBC, 0xDE, 0xF0,  // SSRC_1
    0x0C, 0x00, 0x00, 0x0A,  // fraction lost 12/256, cumulative lost 10
    0x00, 0x01, 0x00, 0xA4,  // extended highest sequence: 1 cycle, seq 164
    0x00, 0x00, 0x00, 0x23,  // interarrival jitter 35
    0xB7, 0x05, 0x20, 0x00,  // LSR
    0x00, 0x05, 0x40, 0x00,  // DLSR 5.25 s
    // SDES: V=2 P=0 SC=1, PT=202, length 6 (7 words)
    0x81, 0xCA, 0x00, 0x06,                                                          //
    0x12, 0x34, 0x56, 0x78,                                                          // SSRC
    0x01, 0x10,                                                                      // CNAME, 16 octets
    'u', 's', 'e', 'r', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',  // "user@example.com"
    0x00, 0x00,  // END and padding to the word boundary
});
static_assert(sr_sdes.size() == 52 + 28);

rtcp_error error_of(const bytes& b) {
  auto r = parse_rtcp_compound(b);
  EXPECT_FALSE(r.ok());
  return r.ok() ? rtcp_error{} : r.error();
}

// The first packet of a compound that must parse.
rtcp_packet first(const bytes& b) {
  auto r = parse_rtcp_compound(b);
  EXPECT_TRUE(r.ok());
  return *r->begin();
}

TEST(rtcp_packet, sender_report_with_sdes_compound) {
  auto r = parse_rtcp_compound(sr_sdes);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->packet_count(), 2u);

  auto it = r->begin();
  ASSERT_EQ(it->type(), rtcp_type::sender_report);
  EXPECT_EQ(it->bytes().size(), 52u);
  auto sr = report_view::parse(*it);
  ASSERT_TRUE(sr.ok());
  EXPECT_TRUE(sr->is_sender_report());
  EXPECT_EQ(sr->ssrc(), 0x12345678u);
  const auto info = sr->sender_info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->ntp, (ntp_timestamp{0xB44DB705, 0x20000000}));
  EXPECT_EQ(info->rtp_timestamp, 94000u);
  EXPECT_EQ(info->packet_count, 1000u);
  EXPECT_EQ(info->octet_count, 160000u);
  ASSERT_EQ(sr->block_count(), 1u);
  const report_block b = sr->block(0);
  EXPECT_EQ(b.ssrc, 0x9ABCDEF0u);
  EXPECT_EQ(b.fraction_lost, 12);
  EXPECT_EQ(b.cumulative_lost, 10);
  EXPECT_EQ(b.extended_highest_sequence, 0x000100A4u);
  EXPECT_EQ(b.jitter, 35u);
  EXPECT_EQ(b.last_sr, 0xB7052000u);
  EXPECT_EQ(b.delay_since_last_sr, 0x00054000u);
  EXPECT_TRUE(sr->extension().empty());

  ++it;
  ASSERT_EQ(it->type(), rtcp_type::source_description);
  auto sdes = sdes_view::parse(*it);
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->chunk_count(), 1u);
  EXPECT_EQ(sdes->cname(0x12345678), "user@example.com");
  EXPECT_FALSE(sdes->cname(0x9ABCDEF0));
  ++it;
  EXPECT_EQ(it, r->end());
}

TEST(rtcp_packet, negative_cumulative_loss_is_sign_extended) {
  bytes b(sr_sdes.begin(), sr_sdes.begin() + 52);
  b[33] = 0xFF, b[34] = 0xFF, b[35] = 0xFE;  // -2: duplicates outnumber losses
  auto sr = report_view::parse(first(b));
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->block(0).cumulative_lost, -2);
  b[33] = 0x80, b[34] = 0x00, b[35] = 0x00;
  EXPECT_EQ(report_view::parse(first(b))->block(0).cumulative_lost, -0x800000);
  b[33] = 0x7F, b[34] = 0xFF, b[35] = 0xFF;
  EXPECT_EQ(report_view::parse(first(b))->block(0).cumulative_lost, 0x7FFFFF);
}

TEST(rtcp_packet, empty_receiver_report_bye_and_app) {
  const bytes b = {
      0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,  // RR, RC=0, SSRC 7
      0x81, 0xCB, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07,  // BYE, SC=1
      0x06, 'h',  'a',  'n',  'g',  'u',  'p',  0x00,  // reason, padded
      0x85, 0xCC, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07,  // APP subtype 5
      'v',  'o',  'x',  'e',  0xDE, 0xAD, 0xBE, 0xEF,  // name, data
  };
  auto r = parse_rtcp_compound(b);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->packet_count(), 3u);
  auto it = r->begin();
  auto rr = report_view::parse(*it++);
  ASSERT_TRUE(rr.ok());
  EXPECT_FALSE(rr->is_sender_report());
  EXPECT_FALSE(rr->sender_info());
  EXPECT_EQ(rr->ssrc(), 7u);
  EXPECT_EQ(rr->block_count(), 0u);
  auto bye = bye_view::parse(*it++);
  ASSERT_TRUE(bye.ok());
  ASSERT_EQ(bye->ssrc_count(), 1u);
  EXPECT_EQ(bye->ssrc(0), 7u);
  EXPECT_EQ(bye->reason(), "hangup");
  auto app = app_view::parse(*it++);
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->subtype(), 5);
  EXPECT_EQ(app->ssrc(), 7u);
  EXPECT_EQ(app->name(), "voxe");
  EXPECT_EQ(bytes(app->data().begin(), app->data().end()), (bytes{0xDE, 0xAD, 0xBE, 0xEF}));
  EXPECT_EQ(it, r->end());
}

TEST(rtcp_packet, feedback_and_xr_are_skipped_safely) {
  const bytes b = {
      0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,                          // RR
      0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,  // PSFB PLI
      0x81, 0xCD, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,  // RTPFB NACK
      0x00, 0x10, 0x00, 0x00,                                                  // PID 16, no BLP
      0x80, 0xCF, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,                          // XR with no blocks
      0x80, 0xFF, 0x00, 0x00,                                                  // a type nobody assigned, empty
  };
  auto r = parse_rtcp_compound(b);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  std::vector<int> types;
  for (const rtcp_packet& p : *r) types.push_back(p.type());
  EXPECT_EQ(types, (std::vector<int>{201, 206, 205, 207, 255}));
  auto it = r->begin();
  ++it;
  EXPECT_EQ(it->count(), 1);  // FMT 1 = PLI
  EXPECT_EQ(it->body().size(), 8u);
  EXPECT_EQ(report_view::parse(*it).error(), rtcp_error::wrong_type);
}

TEST(rtcp_packet, reduced_size_rtcp_may_start_with_feedback_rfc5506) {
  const bytes pli = {0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09};
  auto r = parse_rtcp_compound(pli);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packet_count(), 1u);
}

// Packets come by value, so a packet outlives the iterator it came from.
static_assert(std::forward_iterator<rtcp_compound::iterator>);

TEST(rtcp_packet, padding_on_the_last_packet) {
  const bytes b = {0xA0, 0xC9, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04};
  auto r = parse_rtcp_compound(b);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  const rtcp_packet& p = *r->begin();
  EXPECT_TRUE(p.has_padding());
  EXPECT_EQ(p.body().size(), 4u);
  EXPECT_EQ(p.bytes().size(), 12u);
}

TEST(rtcp_packet, sdes_with_several_chunks_and_items) {
  const bytes b = {
      0x83, 0xCA, 0x00, 0x08,                       // SDES, SC=3, 9 words
      0x00, 0x00, 0x00, 0x01,                       // chunk 1
      0x01, 0x01, 'a',  0x06, 0x03, 'v', 'o', 'x',  // CNAME "a", TOOL "vox"
      0x00, 0x00, 0x00, 0x00,                       // END + pad
      0x00, 0x00, 0x00, 0x02,                       // chunk 2: no items
      0x00, 0x00, 0x00, 0x00,                       // END + pad
      0x00, 0x00, 0x00, 0x03,                       // chunk 3
      0x01, 0x00, 0x00, 0x00,                       // empty CNAME, END + pad
  };
  auto r = parse_rtcp_compound(b);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  auto sdes = sdes_view::parse(*r->begin());
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->chunk_count(), 3u);
  std::vector<std::string> seen;
  sdes_item item;
  while (sdes->next(item)) {
    seen.push_back(std::to_string(item.ssrc) + ":" + std::to_string(item.type) + ":" + std::string(item.value));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"1:1:a", "1:6:vox", "3:1:"}));
  EXPECT_FALSE(sdes->next(item));
  sdes->rewind();
  ASSERT_TRUE(sdes->next(item));
  EXPECT_EQ(item.value, "a");
  EXPECT_EQ(sdes->cname(3), "");
  EXPECT_FALSE(sdes->cname(2));
}

TEST(rtcp_packet, rejects_malformed_compounds) {
  EXPECT_EQ(error_of({}), rtcp_error::too_short);
  EXPECT_EQ(error_of({0x80, 0xC9, 0x00}), rtcp_error::too_short);
  EXPECT_EQ(error_of({0x40, 0xC9, 0x00, 0x00}), rtcp_error::bad_version);
  // Length says two words, one is there.
  EXPECT_EQ(error_of({0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 7}), rtcp_error::too_short);
  // Trailing bytes that are not a whole packet (A.2: lengths must add up exactly).
  EXPECT_EQ(error_of({0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 7, 0x80, 0xC9}), rtcp_error::too_short);
  // A sound first packet does not save a broken second one.
  EXPECT_EQ(error_of({0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 7, 0x00, 0xC9, 0x00, 0x00}), rtcp_error::bad_version);
  // Padding count 0, or larger than the packet body.
  EXPECT_EQ(error_of({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0}), rtcp_error::bad_padding);
  EXPECT_EQ(error_of({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5}), rtcp_error::bad_padding);
  // RC = 1 without the 24-byte block; an SR too short for its sender info.
  EXPECT_EQ(error_of({0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 7}), rtcp_error::truncated_report);
  EXPECT_EQ(error_of({0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 7}), rtcp_error::truncated_report);
  // A padded RR whose padding eats into its report block.
  bytes rr(4 + 4 + 24, 0);
  rr[0] = 0xA1, rr[1] = 0xC9, rr[3] = 7, rr.back() = 4;
  EXPECT_EQ(error_of(rr), rtcp_error::truncated_report);
  // SDES: chunk without END, item running past the packet, more chunks than bytes.
  EXPECT_EQ(error_of({0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'}), rtcp_error::bad_sdes);
  EXPECT_EQ(error_of({0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 'b'}), rtcp_error::bad_sdes);
  EXPECT_EQ(error_of({0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x00}), rtcp_error::bad_sdes);
  EXPECT_EQ(error_of({0x81, 0xCA, 0x00, 0x01, 0, 0, 0, 1}), rtcp_error::bad_sdes);  // SSRC only
  EXPECT_EQ(error_of({0x81, 0xCA, 0x00, 0x01, 0, 0, 0x01, 0x02}), rtcp_error::bad_sdes);
  // BYE: SC = 2 with one SSRC; reason longer than the packet.
  EXPECT_EQ(error_of({0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 7}), rtcp_error::bad_bye);
  EXPECT_EQ(error_of({0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 7, 0x04, 'a', 'b', 'c'}), rtcp_error::bad_bye);
  // APP without its name.
  EXPECT_EQ(error_of({0x80, 0xCC, 0x00, 0x01, 0, 0, 0, 7}), rtcp_error::bad_app);
}

TEST(rtcp_packet, typed_views_refuse_other_types) {
  const bytes b = {0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 7};
  const rtcp_packet rr = first(b);
  EXPECT_EQ(sdes_view::parse(rr).error(), rtcp_error::wrong_type);
  EXPECT_EQ(bye_view::parse(rr).error(), rtcp_error::wrong_type);
  EXPECT_EQ(app_view::parse(rr).error(), rtcp_error::wrong_type);
}

TEST(rtcp_packet, read_one_packet) {
  auto p = read_rtcp_packet(sr_sdes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bytes().size(), 52u);
  EXPECT_EQ(p->count(), 1);
  EXPECT_EQ(to_string(rtcp_error::bad_sdes), "bad_sdes");
}

}  // namespace
}  // namespace voxedge::media
