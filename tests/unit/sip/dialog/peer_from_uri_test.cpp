#include "sip/dialog/peer_from_uri.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

std::optional<peer> peer_of(std::string_view text) {
  auto u = parse_uri(text);
  EXPECT_TRUE(u.ok()) << text;
  return u.ok() ? peer_from_uri(*u) : std::nullopt;
}

std::string peer_string(std::string_view text) {
  const auto p = peer_of(text);
  return p ? p->to_string() : "none";
}

TEST(PeerFromUri, Ipv4WithDefaults) {
  // RFC 3263 §4.1/§4.2: numeric target, no transport: UDP for sip:, TLS for sips:.
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4"), "udp:192.0.2.4:5060");
  EXPECT_EQ(peer_string("sips:bob@192.0.2.4"), "tls:192.0.2.4:5061");
  EXPECT_EQ(peer_string("sip:192.0.2.4:5080"), "udp:192.0.2.4:5080");
}

TEST(PeerFromUri, TransportParameter) {
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4;transport=tcp"), "tcp:192.0.2.4:5060");
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4;transport=TLS"), "tls:192.0.2.4:5061");
  EXPECT_EQ(peer_string("sips:bob@192.0.2.4;transport=tcp"), "tls:192.0.2.4:5061");
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4;transport=ws"), "ws:192.0.2.4:80");
  EXPECT_EQ(peer_string("sips:bob@192.0.2.4;transport=ws"), "wss:192.0.2.4:443");
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4:8443;transport=wss"), "wss:192.0.2.4:8443");
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4;transport=sctp"), "none");
  EXPECT_EQ(peer_string("sips:bob@192.0.2.4;transport=udp"), "none");  // RFC 3261 §26.2.2
}

TEST(PeerFromUri, Ipv6AndMaddr) {
  EXPECT_EQ(peer_string("sip:bob@[2001:db8::10]:5062;transport=tcp"), "tcp:[2001:db8::10]:5062");
  // RFC 3263 §4.1: maddr is the target, and it may name a host with a literal address.
  EXPECT_EQ(peer_string("sip:bob@example.com;maddr=192.0.2.77"), "udp:192.0.2.77:5060");
  EXPECT_EQ(peer_string("sip:bob@192.0.2.4;maddr=proxy.example.com"), "none");
}

TEST(PeerFromUri, HostNamesAndOtherSchemesNeedTheCaller) {
  EXPECT_EQ(peer_string("sip:bob@biloxi.example.com"), "none");
  EXPECT_EQ(peer_string("sip:bob@df7jal23ls0d.invalid;transport=ws"), "none");
  EXPECT_EQ(peer_string("tel:+15551234"), "none");
  const auto p = peer_of("sip:bob@192.0.2.4");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->connection_id, 0u);
  EXPECT_EQ(p->listener, -1);
}

}  // namespace
}  // namespace voxedge::sip
