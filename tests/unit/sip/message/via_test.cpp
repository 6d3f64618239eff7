#include "sip/message/via.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

TEST(via, basic_fields) {
  auto r = parse_via_list("SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport;received=192.0.2.1");
  ASSERT_TRUE(r.ok()) << r.error().what;
  ASSERT_EQ(r->size(), 1u);
  const auto& v = r->front();
  EXPECT_EQ(v.protocol, "SIP/2.0");
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.host, "pc33.atlanta.com");
  EXPECT_EQ(v.port, 5066);
  EXPECT_EQ(v.branch(), "z9hG4bK776asdhds");
  EXPECT_TRUE(v.rfc3261_branch());
  EXPECT_TRUE(v.has_rport());
  EXPECT_FALSE(v.rport());
  EXPECT_EQ(v.received(), "192.0.2.1");
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport;received=192.0.2.1");
}

TEST(via, rport_with_value_rfc3581) {
  auto r = parse_via_list("SIP/2.0/UDP 10.0.0.1;rport=5070;branch=z9hG4bKx");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().rport(), 5070);
  auto bad = parse_via_list("SIP/2.0/UDP 10.0.0.1;rport=70000;branch=z9hG4bKx");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->front().rport());
}

TEST(via, lws_inside_sent_protocol_and_around_colon) {
  auto r = parse_via_list("SIP  /   2.0 /UDP    192.0.2.2 : 5060 ;branch = z9hG4bK1 , SIP/2.0/TCP h2");
  ASSERT_TRUE(r.ok()) << r.error().what;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].port, 5060);
  EXPECT_EQ((*r)[0].branch(), "z9hG4bK1");
  EXPECT_EQ((*r)[1].transport, "TCP");
}

TEST(via, ipv6_sent_by_and_received) {
  auto r = parse_via_list("SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKa;received=2001:db8::2;maddr=[2001:db8::3]");
  ASSERT_TRUE(r.ok()) << r.error().what;
  const auto& v = r->front();
  EXPECT_EQ(v.host, "2001:db8::1");
  EXPECT_EQ(v.port, 5061);
  EXPECT_EQ(v.received(), "2001:db8::2");
  EXPECT_EQ(v.to_string(), "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKa;received=2001:db8::2;maddr=[2001:db8::3]");
}

TEST(via, quoted_extension_param_may_hold_a_comma) {
  auto r = parse_via_list("SIP/2.0/UDP h;x=\"a,b\";branch=z9hG4bK1, SIP/2.0/UDP h2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].params.get("x"), "a,b");
}

TEST(via, rejects_malformed) {
  for (const char* bad : {"", "SIP/2.0/UDP", "SIP/2.0 UDP h", "SIP/2.0/UDPh", "SIP/2.0/UDP h:", "SIP/2.0/UDP h:99999",
                          "SIP/2.0/UDP [::1", "SIP/2.0/UDP h;;", "SIP/2.0/UDP h;branch=", "SIP/2.0/UDP h,,",
                          "SIP/2.0/UDP h junk", "SIP/2.0/UDP 192.0.2.15;;,;,,", "/2.0/UDP h"}) {
    EXPECT_FALSE(parse_via_list(bad).ok()) << bad;
  }
}

TEST(via, magic_cookie) {
  via v;
  v.params.set("branch", "z9hG4bK");
  EXPECT_FALSE(v.rfc3261_branch());  // RFC 4475 §3.2.1: cookie without an id
  v.params.set("branch", "z9hG4bKx");
  EXPECT_TRUE(v.rfc3261_branch());
  v.params.set("branch", "Z9HG4BKx");
  EXPECT_FALSE(v.rfc3261_branch());
}

}  // namespace
}  // namespace voxedge::sip
