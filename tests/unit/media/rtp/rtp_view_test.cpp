#include "media/rtp/rtp_view.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

// PCMA, seq 0x1234, ts 800, SSRC 0xDEADBEEF, 160 bytes of payload: what a trunk sends.
bytes g711_packet() {
  bytes p = {0x80, 0x08, 0x12, 0x34, 0x00, 0x00, 0x03, 0x20, 0xDE, 0xAD, 0xBE, 0xEF};
  p.resize(12 + 160, 0xD5);  // A-law silence
  return p;
}

rtp_error error_of(bytes p) {
  auto r = parse_rtp(std::span<const std::uint8_t>(p));
  EXPECT_FALSE(r.ok());
  return r.ok() ? rtp_error{} : r.error();
}

TEST(rtp_view, reads_the_fixed_header) {
  const bytes p = g711_packet();
  auto r = parse_rtp(std::span<const std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  const const_rtp_view& v = *r;
  EXPECT_EQ(v.version(), 2);
  EXPECT_FALSE(v.has_padding());
  EXPECT_FALSE(v.has_extension());
  EXPECT_EQ(v.csrc_count(), 0);
  EXPECT_FALSE(v.marker());
  EXPECT_EQ(v.payload_type(), 8);
  EXPECT_EQ(v.sequence_number(), 0x1234);
  EXPECT_EQ(v.timestamp(), 800u);
  EXPECT_EQ(v.ssrc(), 0xDEADBEEFu);
  EXPECT_EQ(v.header_size(), 12u);
  EXPECT_EQ(v.payload().size(), 160u);
  EXPECT_EQ(v.payload().data(), p.data() + 12);  // a view, not a copy
  EXPECT_EQ(v.padding_size(), 0u);
  EXPECT_EQ(v.extension_profile(), 0);
  EXPECT_TRUE(v.extension_data().empty());
  EXPECT_FALSE(v.extension_element(1));
}

TEST(rtp_view, marker_and_csrcs) {
  bytes p = {
      0x82, 0xE0, 0xFF, 0xFF,  // CC = 2, M = 1, PT 96, seq 65535
      0xFF, 0xFF, 0xFF, 0xFF,  // timestamp
      0x00, 0x00, 0x00, 0x01,  // SSRC
      0x11, 0x22, 0x33, 0x44,  // CSRC 1
      0x55, 0x66, 0x77, 0x88,  // CSRC 2
      0xAA,                    // payload
  };
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->marker());
  EXPECT_EQ(r->payload_type(), 96);
  EXPECT_EQ(r->sequence_number(), 0xFFFF);
  EXPECT_EQ(r->timestamp(), 0xFFFFFFFFu);
  EXPECT_EQ(r->csrc_count(), 2);
  EXPECT_EQ(r->csrc(0), 0x11223344u);
  EXPECT_EQ(r->csrc(1), 0x55667788u);
  EXPECT_EQ(r->header_size(), 20u);
  ASSERT_EQ(r->payload().size(), 1u);
  EXPECT_EQ(r->payload()[0], 0xAA);
}

TEST(rtp_view, padding_is_excluded_from_the_payload) {
  bytes p = g711_packet();
  p[0] |= 0x20;
  p.insert(p.end(), {0, 0, 0, 4});  // §5.1: the count includes itself
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->has_padding());
  EXPECT_EQ(r->padding_size(), 4u);
  EXPECT_EQ(r->payload().size(), 160u);
  EXPECT_EQ(r->size(), 176u);
}

TEST(rtp_view, padding_may_be_all_there_is) {
  // A padding-only packet (bandwidth probing) has an empty payload.
  bytes p = {0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4};
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->payload().empty());
}

TEST(rtp_view, empty_payload_is_valid) {
  bytes p = {0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->payload().empty());
}

TEST(rtp_view, rewrites_fields_in_place) {
  bytes p = g711_packet();
  p[1] = 0x80 | 0;  // marker, PCMU
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  const rtp_view v = *r;
  v.set_ssrc(0x01020304);
  v.set_sequence_number(0xFEDC);
  v.set_timestamp(0xA0B0C0D0);
  v.set_payload_type(8);  // keeps the marker
  EXPECT_EQ(bytes(p.begin(), p.begin() + 12),
            (bytes{0x80, 0x88, 0xFE, 0xDC, 0xA0, 0xB0, 0xC0, 0xD0, 0x01, 0x02, 0x03, 0x04}));
  v.set_marker(false);  // keeps the payload type
  EXPECT_EQ(p[1], 0x08);
  v.set_marker(true);
  EXPECT_EQ(p[1], 0x88);
  // The same bytes parse again to what was written, and the payload did not move.
  auto again = parse_rtp(std::span<const std::uint8_t>(p));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ssrc(), 0x01020304u);
  EXPECT_EQ(again->sequence_number(), 0xFEDC);
  EXPECT_EQ(again->timestamp(), 0xA0B0C0D0u);
  EXPECT_EQ(again->payload_type(), 8);
  EXPECT_TRUE(again->marker());
  EXPECT_EQ(again->payload().size(), 160u);
}

TEST(rtp_view, rewrites_a_csrc_and_reads_through_a_const_view) {
  bytes p = {0x81, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9};
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  r->set_csrc(0, 0xCAFEBABE);
  const const_rtp_view c = *r;  // writable converts to read-only, never the reverse
  EXPECT_EQ(c.csrc(0), 0xCAFEBABEu);
  static_assert(!std::is_convertible_v<const_rtp_view, rtp_view>);
}

TEST(rtp_view, opaque_extension_profile_rfc3550) {
  // §5.3.1: profile 0x1234, one word of data we do not interpret.
  bytes p = {0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x42};
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->has_extension());
  EXPECT_EQ(r->extension_profile(), 0x1234);
  EXPECT_EQ(r->extension_data().size(), 4u);
  EXPECT_EQ(r->header_size(), 20u);
  EXPECT_FALSE(r->extension_element(15));
  ASSERT_EQ(r->payload().size(), 1u);
  EXPECT_EQ(r->payload()[0], 0x42);
}

TEST(rtp_view, one_byte_extension_elements_rfc8285) {
  // ID 1 (1 byte: audio level), ID 2 (2 bytes), three padding octets: 2 words.
  bytes p = {
      0x90, 0x6F, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // X = 1
      0xBE, 0xDE, 0x00, 0x02,                                                  // one-byte form, 2 words
      0x10, 0xAA, 0x21, 0xBB, 0xCC, 0x00, 0x00, 0x00,                          // elements, padding
      0x01, 0x02,                                                              // payload
  };
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  const auto level = r->extension_element(1);
  ASSERT_TRUE(level);
  ASSERT_EQ(level->size(), 1u);
  EXPECT_EQ((*level)[0], 0xAA);
  const auto two = r->extension_element(2);
  ASSERT_TRUE(two);
  EXPECT_EQ(bytes(two->begin(), two->end()), (bytes{0xBB, 0xCC}));
  EXPECT_FALSE(r->extension_element(3));
  EXPECT_EQ(r->payload().size(), 2u);
  // Elements are writable in place, e.g. to restamp abs-send-time.
  (*two)[0] = 0x99;
  EXPECT_EQ(p[19], 0x99);
}

TEST(rtp_view, two_byte_extension_elements_rfc8285) {
  // Profile 0x1000 with appbits 0x5; ID 5 empty, ID 200 with 3 bytes, one padding octet.
  bytes p = {
      0x90, 0x6F, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // X = 1
      0x10, 0x05, 0x00, 0x02,                                                  // two-byte form, 2 words
      5,    0,    200,  3,    1,    2,    3,    0,                             // elements, padding
  };
  auto r = parse_rtp(std::span<std::uint8_t>(p));
  ASSERT_TRUE(r.ok());
  const auto empty = r->extension_element(5);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  const auto big = r->extension_element(200);
  ASSERT_TRUE(big);
  EXPECT_EQ(bytes(big->begin(), big->end()), (bytes{1, 2, 3}));
  EXPECT_TRUE(r->payload().empty());
}

TEST(rtp_view, rejects_malformed_packets) {
  EXPECT_EQ(error_of({}), rtp_error::too_short);
  EXPECT_EQ(error_of({0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}), rtp_error::too_short);
  EXPECT_EQ(error_of({0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), rtp_error::bad_version);
  EXPECT_EQ(error_of({0x00, 1, 0, 8, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 1}), rtp_error::bad_version);  // STUN
  EXPECT_EQ(error_of({0xC0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), rtp_error::bad_version);
  // CC = 15 needs 60 more bytes.
  EXPECT_EQ(error_of({0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}), rtp_error::truncated_csrc);
  // X = 1 without room for the extension header, or with a length past the end.
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE}), rtp_error::truncated_extension);
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0, 0}),
            rtp_error::truncated_extension);
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0xFF, 0xFF}), rtp_error::truncated_extension);
  // One-byte element of 4 bytes (L = 3) in a 1-word block that has 3 bytes left for it.
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x01, 0x13, 1, 2, 3}),
            rtp_error::bad_extension_element);
  // Two-byte element header cut by the end of the block, and element data past it.
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0, 0, 0, 7}),
            rtp_error::bad_extension_element);
  EXPECT_EQ(error_of({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 7, 3, 1, 2}),
            rtp_error::bad_extension_element);
  // Padding count 0, and padding longer than what follows the header.
  EXPECT_EQ(error_of({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x00}), rtp_error::bad_padding);
  EXPECT_EQ(error_of({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x03}), rtp_error::bad_padding);
  EXPECT_EQ(error_of({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 12}), rtp_error::bad_padding);  // would eat the header
  EXPECT_EQ(error_of({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), rtp_error::bad_padding);   // P set, nothing after
}

TEST(rtp_view, error_names) {
  EXPECT_EQ(to_string(rtp_error::too_short), "too_short");
  EXPECT_EQ(to_string(rtp_error::bad_extension_element), "bad_extension_element");
  EXPECT_EQ(to_string(rtp_error::bad_padding), "bad_padding");
}

}  // namespace
}  // namespace voxedge::media
