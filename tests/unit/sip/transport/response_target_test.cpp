#include "sip/transport/response_target.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

peer udp_from(const char* addr, std::uint16_t port) {
  peer p;
  p.transport = transport_kind::udp;
  p.address = boost::asio::ip::make_address(addr);
  p.port = port;
  p.listener = 2;
  return p;
}

TEST(response_target, udp_uses_received_and_sent_by_port) {
  via v;
  v.host = "client.example.com";
  v.port = 5080;
  v.params.set("received", "192.0.2.7");
  const auto to = response_target(v, udp_from("192.0.2.7", 40000));
  EXPECT_EQ(to.address.to_string(), "192.0.2.7");
  EXPECT_EQ(to.port, 5080);
  EXPECT_EQ(to.listener, 2) << "answer from the socket the request came in on";
}

TEST(response_target, rport_wins_over_sent_by_port) {
  via v;
  v.host = "192.0.2.7";
  v.port = 5080;
  v.params.set("rport", "40000");
  v.params.set("received", "198.51.100.1");
  const auto to = response_target(v, udp_from("198.51.100.1", 40000));
  EXPECT_EQ(to.address.to_string(), "198.51.100.1");
  EXPECT_EQ(to.port, 40000);
}

TEST(response_target, default_port_is_5060) {
  via v;
  v.host = "192.0.2.9";
  const auto to = response_target(v, udp_from("192.0.2.9", 1234));
  EXPECT_EQ(to.port, 5060);
}

TEST(response_target, streams_answer_on_the_same_connection) {
  via v;
  v.host = "192.0.2.9";
  peer from = udp_from("192.0.2.9", 1234);
  from.transport = transport_kind::tcp;
  from.connection_id = 42;
  const auto to = response_target(v, from);
  EXPECT_EQ(to.connection_id, 42u);
  EXPECT_EQ(to.port, 1234);
}

}  // namespace
}  // namespace voxedge::sip
