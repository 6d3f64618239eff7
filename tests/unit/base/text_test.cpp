#include "base/text.hpp"

#include <gtest/gtest.h>

namespace voxedge::text {
namespace {

TEST(text, iequals_is_ascii_case_insensitive) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_FALSE(iequals("Via", "Vias"));
  EXPECT_TRUE(istarts_with("Z9HG4bKabc", "z9hG4bK"));
}

TEST(text, trim_strips_sip_whitespace) {
  EXPECT_EQ(trim("  \tabc \r\n"), "abc");
  EXPECT_EQ(trim(" \t "), "");
}

TEST(text, parse_uint_rejects_signs_overflow_and_junk) {
  EXPECT_EQ(parse_uint("0"), 0u);
  EXPECT_EQ(parse_uint("65535", 65535), 65535u);
  EXPECT_FALSE(parse_uint("65536", 65535));
  EXPECT_FALSE(parse_uint("-1"));
  EXPECT_FALSE(parse_uint("+1"));
  EXPECT_FALSE(parse_uint("1a"));
  EXPECT_FALSE(parse_uint(""));
  EXPECT_FALSE(parse_uint("18446744073709551616"));
  EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
}

TEST(text, ihash_matches_iequal) {
  EXPECT_EQ(ihash{}("Call-ID"), ihash{}("call-id"));
}

}  // namespace
}  // namespace voxedge::text
