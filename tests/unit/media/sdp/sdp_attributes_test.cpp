#include "media/sdp/sdp_attributes.hpp"

#include <gtest/gtest.h>

#include "media/sdp/connection_data.hpp"
#include "media/sdp/rtp_payload_types.hpp"

namespace voxedge::media {
namespace {

TEST(rtpmap, parses_and_writes) {
  const auto m = parse_rtpmap("111 opus/48000/2");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->payload_type, 111);
  EXPECT_EQ(m->encoding, "opus");
  EXPECT_EQ(m->clock_rate, 48000u);
  EXPECT_EQ(m->channels(), 2u);
  EXPECT_EQ(m->to_value(), "111 opus/48000/2");
  const auto pcmu = parse_rtpmap("0 PCMU/8000");
  EXPECT_EQ(pcmu->channels(), 1u);
  EXPECT_FALSE(pcmu->encoding_parameters);
  EXPECT_EQ(parse_rtpmap("101 telephone-event/8000/1")->to_value(), "101 telephone-event/8000/1");
  for (const char* bad : {"", "96", "96 opus", "96 opus/", "96 opus/x", "128 opus/48000", "96 opus/48000/0",
                          "96 opus/48000/2 extra", "x opus/48000", "96 op:us/48000"}) {
    EXPECT_FALSE(parse_rtpmap(bad)) << bad;
  }
}

TEST(fmtp, parameters) {
  const auto f = parse_fmtp("111 minptime=10; useinbandfec=1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->format, "111");
  EXPECT_EQ(fmtp_parameter(f->parameters, "minptime"), "10");
  EXPECT_EQ(fmtp_parameter(f->parameters, "UseInbandFec"), "1");
  EXPECT_FALSE(fmtp_parameter(f->parameters, "stereo"));
  EXPECT_EQ(fmtp_parameter("annexb=no", "annexb"), "no");
  EXPECT_EQ(fmtp_parameter("0-15", "0-15"), "");
  EXPECT_EQ(parse_fmtp("101")->parameters, "");
  EXPECT_FALSE(parse_fmtp(""));
}

TEST(packet_time, integer_or_real) {
  EXPECT_EQ(parse_packet_time("20"), 20u);
  EXPECT_EQ(parse_packet_time("30.0"), 30u);
  EXPECT_TRUE(valid_packet_time("0.5"));
  EXPECT_FALSE(parse_packet_time("0.5"));  // valid, but below a millisecond
  for (const char* bad : {"", "0", "0.0", "-20", "20ms", "2.", ".5", "1234567890"}) {
    EXPECT_FALSE(valid_packet_time(bad)) << bad;
  }
}

TEST(rtcp_attribute, port_and_address) {
  const auto a = parse_rtcp("53020 IN IP6 2001:db8::1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 53020);
  ASSERT_TRUE(a->connection);
  EXPECT_TRUE(a->connection->is_ip6());
  EXPECT_EQ(a->to_value(), "53020 IN IP6 2001:db8::1");
  EXPECT_EQ(parse_rtcp("9")->to_value(), "9");
  EXPECT_FALSE(parse_rtcp("65536"));
  EXPECT_FALSE(parse_rtcp("9 IN IP4"));
  EXPECT_FALSE(parse_rtcp("9 IN IP4 233.252.0.1/127"));
}

TEST(ssrc_attribute, forms) {
  const auto a = parse_ssrc("3735928559 msid:stream track");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ssrc, 3735928559u);
  EXPECT_EQ(a->attribute, "msid");
  EXPECT_EQ(a->value, "stream track");
  EXPECT_TRUE(parse_ssrc("1")->attribute.empty());
  EXPECT_FALSE(parse_ssrc("4294967296 cname:x"));
}

TEST(media_direction, answer_table) {
  EXPECT_EQ(reverse(media_direction::sendonly), media_direction::recvonly);
  EXPECT_EQ(reverse(media_direction::recvonly), media_direction::sendonly);
  EXPECT_EQ(reverse(media_direction::sendrecv), media_direction::sendrecv);
  EXPECT_EQ(reverse(media_direction::inactive), media_direction::inactive);
  EXPECT_EQ(direction_from_name("SendOnly"), media_direction::sendonly);
  EXPECT_FALSE(direction_from_name("rtcp-mux"));
  EXPECT_EQ(to_string(media_direction::inactive), "inactive");
}

TEST(connection_data, addresses) {
  EXPECT_EQ(classify_address("192.0.2.1"), address_kind::ipv4);
  EXPECT_EQ(classify_address("2001:db8::1"), address_kind::ipv6);
  EXPECT_EQ(classify_address("::ffff:192.0.2.1"), address_kind::ipv6);
  EXPECT_EQ(classify_address("host.example.com"), address_kind::fqdn);
  for (const char* bad : {"", "1.2.3", "256.1.1.1", "01.2.3.4", "[::1]", "fe80::1%eth0", "host name", ".x", "a/b"}) {
    EXPECT_EQ(classify_address(bad), address_kind::invalid) << bad;
  }
  const auto c = parse_connection("IN IP4 233.252.0.1/127/3", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ttl, 127u);
  EXPECT_EQ(c->address_count, 3u);
  EXPECT_EQ(c->to_string(), "IN IP4 233.252.0.1/127/3");
  EXPECT_FALSE(parse_connection("IN IP4 233.252.0.1/127", false));
  // Another network type is kept opaque.
  const auto atm = parse_connection("ATM NSAP 47.0091.8100.0000.0060.3e64.fd01.0060.3e64.fd01.00", true);
  ASSERT_TRUE(atm);
  EXPECT_FALSE(atm->is_ip4());
  EXPECT_TRUE(make_connection("0.0.0.0").is_unspecified());
  EXPECT_TRUE(make_connection("::").is_unspecified());
  EXPECT_FALSE(make_connection("192.0.2.1").is_unspecified());
  EXPECT_EQ(make_connection("2001:db8::1").addr_type, "IP6");
}

TEST(rtp_payload_types, rfc3551_table) {
  EXPECT_EQ(find_static_payload_type(0)->encoding, "PCMU");
  EXPECT_EQ(find_static_payload_type(9)->clock_rate, 8000u);  // G.722's famous 8000 (RFC 3551 §4.5.2)
  EXPECT_EQ(find_static_payload_type(10)->channels, 2u);
  EXPECT_FALSE(find_static_payload_type(1));
  EXPECT_FALSE(find_static_payload_type(19));
  EXPECT_FALSE(find_static_payload_type(96));
  EXPECT_EQ(static_payload_type_of("pcma", 8000, 1), 8);
  EXPECT_FALSE(static_payload_type_of("opus", 48000, 2));
  EXPECT_TRUE(is_dynamic_payload_type(96));
  EXPECT_FALSE(is_dynamic_payload_type(95));
}

}  // namespace
}  // namespace voxedge::media
