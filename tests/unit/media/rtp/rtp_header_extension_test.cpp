#include "media/rtp/rtp_header_extension.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace voxedge::media {
namespace {

using bytes = std::vector<std::uint8_t>;

std::vector<int> ids(std::uint16_t profile, const bytes& data) {
  std::vector<int> out;
  rtp_extension_reader reader(profile, data);
  rtp_extension_element e;
  while (reader.next(e)) out.push_back(e.id);
  return out;
}

TEST(rtp_header_extension, profiles) {
  EXPECT_TRUE(is_one_byte_extension(0xBEDE));
  EXPECT_FALSE(is_one_byte_extension(0xBEDF));
  EXPECT_TRUE(is_two_byte_extension(0x1000));
  EXPECT_TRUE(is_two_byte_extension(0x100F));  // appbits
  EXPECT_FALSE(is_two_byte_extension(0x1010));
}

TEST(rtp_header_extension, one_byte_walk_skips_padding_between_elements) {
  const bytes data = {0x00, 0x10, 0xAA, 0x00, 0x00, 0x31, 1, 2, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(ids(one_byte_extension_profile, data), (std::vector<int>{1, 3}));
  const auto e = find_extension_element(one_byte_extension_profile, data, 3);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->offset, 6u);
  EXPECT_EQ(e->size, 2u);
  EXPECT_TRUE(extension_elements_valid(one_byte_extension_profile, data));
}

TEST(rtp_header_extension, one_byte_id_15_stops_the_walk_without_error) {
  // RFC 8285 §4.2: on ID 15 "processing of the entire extension should terminate".
  const bytes data = {0x10, 0xAA, 0xF3, 0x2F, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(ids(one_byte_extension_profile, data), (std::vector<int>{1}));
  EXPECT_TRUE(extension_elements_valid(one_byte_extension_profile, data));
}

TEST(rtp_header_extension, one_byte_id_0_with_a_length_stops_the_walk) {
  const bytes data = {0x10, 0xAA, 0x05, 0x20, 0x01, 0x00, 0x00, 0x00};
  EXPECT_EQ(ids(one_byte_extension_profile, data), (std::vector<int>{1}));
  EXPECT_TRUE(extension_elements_valid(one_byte_extension_profile, data));
}

TEST(rtp_header_extension, overruns_are_malformed) {
  const bytes one = {0x10, 0xAA, 0x2F, 1, 2, 3};
  rtp_extension_reader reader(one_byte_extension_profile, one);
  rtp_extension_element e;
  EXPECT_TRUE(reader.next(e));
  EXPECT_FALSE(reader.next(e));
  EXPECT_TRUE(reader.malformed());
  EXPECT_FALSE(reader.next(e));  // stays finished
  EXPECT_FALSE(extension_elements_valid(one_byte_extension_profile, one));
  EXPECT_FALSE(extension_elements_valid(two_byte_extension_profile, bytes{9}));
  EXPECT_FALSE(extension_elements_valid(two_byte_extension_profile, bytes{9, 2, 1}));
  EXPECT_TRUE(extension_elements_valid(two_byte_extension_profile, bytes{9, 2, 1, 2}));
}

TEST(rtp_header_extension, other_profiles_are_opaque) {
  const bytes data = {0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_TRUE(ids(0xABCD, data).empty());
  EXPECT_TRUE(extension_elements_valid(0xABCD, data));
  EXPECT_FALSE(find_extension_element(0xABCD, data, 0xFF));
}

TEST(rtp_header_extension, empty_block) {
  EXPECT_TRUE(ids(one_byte_extension_profile, {}).empty());
  EXPECT_TRUE(extension_elements_valid(two_byte_extension_profile, {}));
}

}  // namespace
}  // namespace voxedge::media
