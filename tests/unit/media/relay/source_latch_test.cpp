#include "media/relay/source_latch.hpp"

#include <gtest/gtest.h>

namespace voxedge::media {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::udp;
using namespace std::chrono_literals;

const udp::endpoint peer{make_address("192.0.2.1"), 4000};
const udp::endpoint other{make_address("192.0.2.2"), 4000};
const udp::endpoint other_port{make_address("192.0.2.1"), 4002};
const time_point t0{};

TEST(same_endpoint, compares_address_and_port) {
  EXPECT_TRUE(same_endpoint(peer, udp::endpoint(make_address("192.0.2.1"), 4000)));
  EXPECT_FALSE(same_endpoint(peer, other));
  EXPECT_FALSE(same_endpoint(peer, other_port));
  EXPECT_TRUE(
      same_endpoint(udp::endpoint(make_address("2001:db8::1"), 5), udp::endpoint(make_address("2001:db8::1"), 5)));
  EXPECT_FALSE(
      same_endpoint(udp::endpoint(make_address("2001:db8::1"), 5), udp::endpoint(make_address("2001:db8::2"), 5)));
  EXPECT_FALSE(same_endpoint(udp::endpoint(make_address("::ffff:192.0.2.1"), 4000), peer));
}

TEST(source_latch, symmetric_sends_to_the_signalled_address_until_it_latches) {
  source_latch l;
  l.configure(latching_mode::symmetric, peer, 2s);
  ASSERT_TRUE(l.destination());
  EXPECT_TRUE(same_endpoint(*l.destination(), peer));
  EXPECT_TRUE(l.accept(other, t0));  // NAT: the peer's packets come from elsewhere
  EXPECT_TRUE(same_endpoint(*l.destination(), other));
  EXPECT_TRUE(same_endpoint(*l.latched(), other));
}

TEST(source_latch, symmetric_relatches_only_after_silence) {
  source_latch l;
  l.configure(latching_mode::symmetric, std::nullopt, 2s);
  EXPECT_FALSE(l.destination());
  EXPECT_TRUE(l.accept(peer, t0));
  EXPECT_FALSE(l.accept(other, t0 + 1s));  // the latched source is alive
  EXPECT_TRUE(l.accept(peer, t0 + 1500ms));
  EXPECT_FALSE(l.accept(other, t0 + 3s));  // silent for 1.5 s only
  EXPECT_TRUE(l.accept(other, t0 + 3500ms));
  EXPECT_TRUE(same_endpoint(*l.latched(), other));
  EXPECT_EQ(l.relatches(), 1u);
  EXPECT_FALSE(l.accept(peer, t0 + 4s));
}

TEST(source_latch, strict_accepts_only_the_signalled_address) {
  source_latch l;
  l.configure(latching_mode::strict, std::nullopt, 0s);
  EXPECT_FALSE(l.accept(peer, t0));  // nothing signalled yet: nothing accepted
  l.configure(latching_mode::strict, peer, 0s);
  EXPECT_FALSE(l.accept(other, t0));
  EXPECT_FALSE(l.accept(other_port, t0 + 10s));
  EXPECT_TRUE(l.accept(peer, t0 + 11s));
  EXPECT_TRUE(same_endpoint(*l.destination(), peer));
}

TEST(source_latch, configure_forgets_the_latch) {
  source_latch l;
  l.configure(latching_mode::symmetric, std::nullopt, 2s);
  ASSERT_TRUE(l.accept(peer, t0));
  l.configure(latching_mode::symmetric, other, 2s);
  EXPECT_FALSE(l.latched());
  EXPECT_TRUE(l.accept(other_port, t0 + 1ms));
}

}  // namespace
}  // namespace voxedge::media
