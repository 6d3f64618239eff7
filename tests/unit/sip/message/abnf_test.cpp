#include "sip/message/abnf.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip::abnf {
namespace {

TEST(abnf, tokens) {
  EXPECT_TRUE(is_token("INVITE"));
  EXPECT_TRUE(is_token("!interesting-Method0123456789_*+`.%indeed'~"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_FALSE(is_token(std::string_view("a\0b", 3)));
}

TEST(abnf, quoted_strings) {
  EXPECT_EQ(quoted_string_end(R"("abc" x)", 0), 5u);
  EXPECT_EQ(quoted_string_end(R"("a\"b" x)", 0), 6u);
  EXPECT_EQ(quoted_string_end(R"("a\\" x)", 0), 5u);
  EXPECT_FALSE(quoted_string_end(R"("abc)", 0));
  EXPECT_FALSE(quoted_string_end(R"("abc\)", 0));
  EXPECT_EQ(unquote(R"(a\"b\\c\d)"), R"(a"b\cd)");
  std::string out;
  append_quoted(out, std::string("q\"b\\\x7f\t", 6));
  EXPECT_EQ(out, std::string("\"q\\\"b\\\\\\\x7f\t\"", 11));
}

TEST(abnf, escapes) {
  EXPECT_TRUE(valid_escapes("a%20b%7E"));
  EXPECT_FALSE(valid_escapes("a%2"));
  EXPECT_FALSE(valid_escapes("a%g0"));
  EXPECT_FALSE(valid_escapes("%"));
  EXPECT_EQ(normalize_escapes("%61lice"), "alice");
  EXPECT_EQ(normalize_escapes("a%3bb"), "a%3Bb");  // reserved: stays escaped
  EXPECT_EQ(normalize_escapes("a;b"), "a;b");
  EXPECT_EQ(normalize_escapes("a b"), "a%20b");  // neither: always escaped
  EXPECT_EQ(normalize_escapes("%25%34%31"), "%2541");
}

TEST(abnf, split_list) {
  std::vector<std::string_view> parts;
  ASSERT_TRUE(split_list(R"( a , "b,c" , <d,e>, f )", parts, true));
  EXPECT_EQ(parts, (std::vector<std::string_view>{"a", R"("b,c")", "<d,e>", "f"}));
  parts.clear();
  ASSERT_TRUE(split_list("<d,e>", parts, false));
  EXPECT_EQ(parts.size(), 2u);
  parts.clear();
  EXPECT_FALSE(split_list(R"(a, "b)", parts, true));
  parts.clear();
  EXPECT_FALSE(split_list("<a", parts, true));
}

TEST(abnf, generic_params) {
  param_list params;
  std::string_view s = " ; a = 1 ;b; c=\"x;y\" ;d=[::1] rest";
  std::size_t pos = 0;
  ASSERT_TRUE(parse_generic_params(s, pos, params));
  EXPECT_EQ(s.substr(pos), "rest");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params.get("a"), "1");
  EXPECT_EQ(params.get("b"), "");
  EXPECT_FALSE(params.items()[1].value);
  EXPECT_EQ(params.get("C"), "x;y");
  EXPECT_EQ(params.get("d"), "[::1]");
  std::string out;
  append_header_params(out, params);
  EXPECT_EQ(out, ";a=1;b;c=\"x;y\";d=[::1]");
}

TEST(abnf, hosts) {
  EXPECT_TRUE(is_ipv4("192.0.2.1"));
  EXPECT_FALSE(is_ipv4("192.0.2"));
  EXPECT_FALSE(is_ipv4("192.0.2.256"));
  EXPECT_FALSE(is_ipv4("1.2.3.4.5"));
  EXPECT_FALSE(is_ipv4("1..2.3"));
  EXPECT_FALSE(is_ipv4("0001.2.3.4"));
  std::array<unsigned char, 16> bytes{};
  EXPECT_TRUE(parse_ipv6("::1", bytes));
  EXPECT_FALSE(parse_ipv6("::1%eth0", bytes));
  EXPECT_FALSE(parse_ipv6(std::string(80, '1'), bytes));
}

TEST(param_list, set_get_erase) {
  param_list p;
  EXPECT_TRUE(p.empty());
  p.set("Tag", "a");
  p.set("lr");
  EXPECT_EQ(p.get("tag"), "a");
  EXPECT_EQ(p.get("LR"), "");
  EXPECT_FALSE(p.get("x"));
  p.set("tag", "b");
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.get("tag"), "b");
  p.erase("TAG");
  EXPECT_FALSE(p.has("tag"));
  std::string out;
  p.append_to(out);
  EXPECT_EQ(out, ";lr");
  param_list h;
  h.set("Subject", "a b");
  h.set("Priority", "urgent");
  out.clear();
  h.append_to(out, '&');
  EXPECT_EQ(out, "?Subject=a%20b&Priority=urgent");
}

}  // namespace
}  // namespace voxedge::sip::abnf
