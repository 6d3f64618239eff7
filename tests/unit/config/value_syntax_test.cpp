#include "config/value_syntax.hpp"

#include <gtest/gtest.h>

namespace voxedge::config {
namespace {

TEST(value_syntax, ip_literals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("0.0.0.0"));
  EXPECT_TRUE(is_ip_literal("::"));
  EXPECT_TRUE(is_ip_literal("2001:db8::1"));
  EXPECT_TRUE(is_ip_literal("::ffff:192.0.2.1"));
  EXPECT_FALSE(is_ip_literal(""));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
  EXPECT_FALSE(is_ip_literal("256.1.1.1"));
  EXPECT_FALSE(is_ip_literal("[::1]"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("10.0.0.1 "));
}

TEST(value_syntax, canonical_ip_folds_ipv6_spellings) {
  EXPECT_EQ(canonical_ip("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(canonical_ip("2001:DB8:0::1"), "2001:db8::1");
  EXPECT_EQ(canonical_ip("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(canonical_ip("nope"), std::nullopt);
}

TEST(value_syntax, ipv4_cidr) {
  EXPECT_TRUE(is_cidr("203.0.113.0/24"));
  EXPECT_TRUE(is_cidr("0.0.0.0/0"));
  EXPECT_TRUE(is_cidr("192.0.2.7/32"));
  EXPECT_FALSE(is_cidr("203.0.113.5/24"));  // host bits set
  EXPECT_FALSE(is_cidr("203.0.113.0/33"));
  EXPECT_FALSE(is_cidr("203.0.113.0/"));
  EXPECT_FALSE(is_cidr("203.0.113.0/-1"));
  EXPECT_FALSE(is_cidr("203.0.113/24"));
  EXPECT_FALSE(is_cidr("203.0.113.0"));
}

TEST(value_syntax, ipv6_cidr) {
  EXPECT_TRUE(is_cidr("2001:db8::/32"));
  EXPECT_TRUE(is_cidr("::/0"));
  EXPECT_TRUE(is_cidr("2001:db8::1/128"));
  EXPECT_TRUE(is_cidr("fe80::/10"));
  EXPECT_FALSE(is_cidr("2001:db8::1/64"));  // host bits set
  EXPECT_FALSE(is_cidr("2001:db8::/129"));
  EXPECT_FALSE(is_cidr("2001:db8:::/32"));
}

TEST(value_syntax, host_names) {
  EXPECT_TRUE(is_host_name("sip.carrier.example.com"));
  EXPECT_TRUE(is_host_name("sip.carrier.example.com."));
  EXPECT_TRUE(is_host_name("localhost"));
  EXPECT_TRUE(is_host_name("a-b.example"));
  EXPECT_FALSE(is_host_name(""));
  EXPECT_FALSE(is_host_name("10.0.0.300"));  // a mistyped address, not a name
  EXPECT_FALSE(is_host_name("-a.example"));
  EXPECT_FALSE(is_host_name("a..example"));
  EXPECT_FALSE(is_host_name("a_b.example"));
  EXPECT_FALSE(is_host_name(std::string(64, 'a') + ".example"));
}

TEST(value_syntax, source_patterns) {
  EXPECT_EQ(check_source_pattern("203.0.113.0/24"), "");
  EXPECT_EQ(check_source_pattern("2001:db8::/32"), "");
  EXPECT_EQ(check_source_pattern("192.0.2.1"), "");
  EXPECT_EQ(check_source_pattern("2001:db8::1"), "");
  EXPECT_EQ(check_source_pattern("sip.example.com"), "");
  EXPECT_EQ(check_source_pattern("203.0.113.5/24"), "CIDR \"203.0.113.5/24\" has bits set after the prefix length");
  EXPECT_EQ(check_source_pattern("2001:db8::/200"),
            "expected a CIDR such as 203.0.113.0/24 or 2001:db8::/32, got \"2001:db8::/200\"");
  EXPECT_EQ(check_source_pattern("not a host"), "expected a CIDR, an IP address or a host name, got \"not a host\"");
}

TEST(value_syntax, sip_uris) {
  EXPECT_TRUE(is_sip_uri("sip:pbx.example"));
  EXPECT_TRUE(is_sip_uri("sips:sip.carrier.example.com:5061"));
  EXPECT_TRUE(is_sip_uri("SIP:pbx"));
  EXPECT_FALSE(is_sip_uri("sip:"));
  EXPECT_FALSE(is_sip_uri("tel:+441234"));
  EXPECT_FALSE(is_sip_uri("pbx.example"));
}

TEST(value_syntax, e164_numbers) {
  EXPECT_TRUE(is_e164("+44207123"));          // 8 digits
  EXPECT_TRUE(is_e164("+442071234567"));
  EXPECT_TRUE(is_e164("+123456789012345"));   // 15 digits
  EXPECT_FALSE(is_e164("+4420712"));          // 7 digits
  EXPECT_FALSE(is_e164("+1234567890123456"));  // 16 digits
  EXPECT_FALSE(is_e164("442071234567"));
  EXPECT_FALSE(is_e164("+44 20 7123 4567"));
}

TEST(value_syntax, number_prefixes_and_digits) {
  EXPECT_EQ(check_number_prefix("+44"), "");
  EXPECT_EQ(check_number_prefix("0800"), "");
  EXPECT_NE(check_number_prefix("+"), "");
  EXPECT_NE(check_number_prefix(""), "");
  EXPECT_NE(check_number_prefix("4+4"), "");
  EXPECT_EQ(check_digits(""), "");
  EXPECT_EQ(check_digits("00"), "");
  EXPECT_EQ(check_digits("+1"), "expected digits only, got \"+1\"");
}

TEST(value_syntax, regexes) {
  EXPECT_EQ(check_regex("^\\+44[0-9]{10}$"), "");
  EXPECT_NE(check_regex("([0-9"), "");
  EXPECT_TRUE(check_regex("a{2,1}").starts_with("invalid regular expression \"a{2,1}\": "));
}

TEST(value_syntax, route_sources_and_targets) {
  EXPECT_EQ(parse_route_source("any"), (route_source{route_source::kind::any, ""}));
  EXPECT_EQ(parse_route_source("user"), (route_source{route_source::kind::user, ""}));
  EXPECT_EQ(parse_route_source("trunk:carrier"), (route_source{route_source::kind::trunk, "carrier"}));
  EXPECT_EQ(parse_route_source("endpoint:pbx"), (route_source{route_source::kind::endpoint, "pbx"}));
  EXPECT_EQ(parse_route_source("trunk:"), std::nullopt);
  EXPECT_EQ(parse_route_source("everyone"), std::nullopt);
  EXPECT_EQ(parse_route_target("trunk:carrier"), (route_target{route_target::kind::trunk, "carrier"}));
  EXPECT_EQ(parse_route_target("endpoint:pbx"), (route_target{route_target::kind::endpoint, "pbx"}));
  EXPECT_EQ(parse_route_target("any"), std::nullopt);
  EXPECT_EQ(parse_route_target("user"), std::nullopt);
}

}  // namespace
}  // namespace voxedge::config
