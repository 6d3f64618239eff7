#include "sip/message/name_addr.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

name_addr parse(std::string_view s) {
  auto r = parse_name_addr(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().what);
  return r.ok() ? std::move(r).value() : name_addr{};
}

TEST(name_addr, quoted_display_name_with_escapes) {
  const auto na = parse(R"("Mr. \"Watson\" \\ co" <sip:watson@bell.example.com>;tag=a;expires=30)");
  EXPECT_EQ(na.display_name, R"(Mr. "Watson" \ co)");
  EXPECT_EQ(na.address.user, "watson");
  EXPECT_EQ(na.tag(), "a");
  EXPECT_EQ(na.params.get("expires"), "30");
  EXPECT_EQ(na.to_string(), R"("Mr. \"Watson\" \\ co" <sip:watson@bell.example.com>;tag=a;expires=30)");
}

TEST(name_addr, token_display_names) {
  EXPECT_EQ(parse("Bob <sip:bob@h>").display_name, "Bob");
  EXPECT_EQ(parse("Bob  Smith\t<sip:bob@h>").display_name, "Bob  Smith");
  EXPECT_EQ(parse("<sip:bob@h>").display_name, "");
  EXPECT_EQ(parse("\"\" <sip:bob@h>").display_name, "");
  EXPECT_EQ(parse("caller<sip:c@h>").display_name, "caller");
  EXPECT_EQ(parse("\"caller\"<sip:c@h>").display_name, "caller");
  EXPECT_EQ(parse("J\xc3\xbcrgen M\xc3\xbcller <sip:c@h>").display_name, "J\xc3\xbcrgen M\xc3\xbcller");  // lenient
}

TEST(name_addr, addr_spec_params_are_header_params) {
  const auto na = parse("sip:alice@atlanta.com;tag=88sja8x ;user=phone");
  EXPECT_EQ(na.tag(), "88sja8x");
  EXPECT_EQ(na.params.get("user"), "phone");
  EXPECT_TRUE(na.address.params.empty());
  const auto bracketed = parse("<sip:alice@atlanta.com;user=phone>;tag=1");
  EXPECT_EQ(bracketed.address.params.get("user"), "phone");
  EXPECT_EQ(bracketed.to_string(), "<sip:alice@atlanta.com;user=phone>;tag=1");
}

TEST(name_addr, quoted_and_spaced_params) {
  const auto na = parse("<sip:a@h> ; q = 0.7 ;  +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
  EXPECT_EQ(na.params.get("q"), "0.7");
  EXPECT_EQ(na.params.get("+sip.instance"), "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>");
  EXPECT_TRUE(na.params.items()[1].quoted);
  EXPECT_EQ(na.to_string(), "<sip:a@h>;q=0.7;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
}

TEST(name_addr, rejects_malformed) {
  for (const char* bad : {"", "\"unterminated <sip:a@h>", "Bell, Alexander <sip:a@h>", "< sip:a@h >", "<sip:a@h",
                          "sip:a@h?Route=x", "<sip:a@h>;", "<sip:a@h>;tag=", "<sip:a@h> junk", "Bob \"X\" <sip:a@h>",
                          "\"X\" sip:a@h", "<>", "<sip:a@h>;tag=\"open"}) {
    EXPECT_FALSE(parse_name_addr(bad).ok()) << bad;
  }
}

TEST(name_addr, list_splits_outside_quotes_and_brackets) {
  auto r = parse_name_addr_list("\"a,b\" <sip:x@h;p=1>, <sip:y,z@h?h=1>;q=1 , sip:z@h;expires=5");
  ASSERT_TRUE(r.ok()) << r.error().what;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].display_name, "a,b");
  EXPECT_EQ((*r)[1].address.user, "y,z");
  EXPECT_EQ((*r)[2].params.get("expires"), "5");
  EXPECT_FALSE(parse_name_addr_list("<sip:a@h>,,<sip:b@h>").ok());
  EXPECT_FALSE(parse_name_addr_list("<sip:a@h>, \"b").ok());
}

TEST(name_addr, display_name_serialization_escapes_controls) {
  name_addr na;
  na.display_name = std::string("a\"b\\c\x01\r\nd", 9);
  na.address.host = "h";
  EXPECT_EQ(na.to_string(), "\"a\\\"b\\\\c\\\x01  d\" <sip:h>");
  const auto back = parse(na.to_string());
  EXPECT_EQ(back.display_name, std::string("a\"b\\c\x01  d", 9));
}

TEST(name_addr, tag_helpers) {
  name_addr na = parse("<sip:a@h>");
  EXPECT_TRUE(na.tag().empty());
  na.set_tag("xyz");
  EXPECT_EQ(na.tag(), "xyz");
  na.set_tag("abc");
  EXPECT_EQ(na.params.size(), 1u);
  EXPECT_EQ(na.to_string(), "<sip:a@h>;tag=abc");
  EXPECT_FALSE(na.empty());
  EXPECT_TRUE(name_addr{}.empty());
}

}  // namespace
}  // namespace voxedge::sip
