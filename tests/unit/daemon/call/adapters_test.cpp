// The two adapters the daemon wires in: relay_media_control over the real relay engine
// (loopback sockets, bounded waits, nothing sleeps for a fixed time), and
// transport_leg_addressing over a real transport layer bound to port 0.
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/timer_queue.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/call/relay_media_control.hpp"
#include "sip/transport/transport_layer.hpp"
#include "tests/unit/media/relay/relay_test_support.hpp"

namespace voxedge::daemon {
namespace {

using namespace std::chrono_literals;

class recording_events final : public media_control::listener {
 public:
  void on_media_timeout(std::uint64_t, media_leg) override {}
  void on_media_resumed(std::uint64_t, media_leg) override {}
  void on_media_stats(std::uint64_t, const media_report&) override {}
  void on_media_closed(std::uint64_t session, const media_report& r) override { closed.emplace_back(session, r); }
  std::vector<std::pair<std::uint64_t, media_report>> closed;
};

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

// One worker, four port pairs away from the relay engine's own tests' slice (40000+),
// no periodic stats or RTCP.
media::relay_config small_relay_config() {
  media::relay_config cfg;
  cfg.port_min = static_cast<std::uint16_t>(20000 + (::getpid() % 1000) * 8);
  cfg.port_max = static_cast<std::uint16_t>(cfg.port_min + 7);
  cfg.workers = 1;
  cfg.stats_interval = 0s;
  cfg.rtcp_interval = 0s;
  return cfg;
}

TEST(relay_media_control, relays_with_the_calls_rewrite_table_and_reports_on_close) {
  boost::asio::io_context control;
  const auto cfg = small_relay_config();
  relay_media_control relay(control, cfg, "192.0.2.99");
  recording_events events;
  relay.set_listener(&events);
  ASSERT_TRUE(relay.start().ok());

  auto s = relay.create_session(7, media_binding{});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->a_address, "192.0.2.99") << "the advertised address, not the bind address";
  EXPECT_EQ(s->b_address, "192.0.2.99");
  EXPECT_EQ(s->a_rtcp, s->a_rtp + 1);

  media::test::udp_peer a;
  media::test::udp_peer b;
  media_leg_update ua;
  ua.remote_rtp = a.endpoint();
  ua.rewrite.fill(-1);
  ua.rewrite[8] = 8;
  media_leg_update ub;
  ub.remote_rtp = b.endpoint();
  ub.rewrite.fill(-1);
  ub.rewrite[96] = 101;  // A's events (96) go to B as 101
  ub.rewrite[8] = 8;
  relay.update_leg(7, media_leg::a, ua);
  relay.update_leg(7, media_leg::b, ub);

  bool got = false;
  for (std::uint16_t i = 0; i < 20 && !got; ++i) {
    a.send(media::test::make_rtp(0x1234, static_cast<std::uint16_t>(100 + i), 160u * i, 96), s->a_rtp);
    if (auto p = b.receive_rtp(200ms)) {
      EXPECT_EQ((*p)[1] & 0x7f, 101);
      got = true;
    }
  }
  EXPECT_TRUE(got) << "A's packet reached B";

  relay.destroy_session(7);
  ASSERT_TRUE(run_until(control, [&] { return !events.closed.empty(); }));
  EXPECT_EQ(events.closed.front().first, 7u);
  EXPECT_GE(events.closed.front().second.a.packets_received, 1u);
  relay.stop();
}

TEST(relay_media_control, each_leg_advertises_the_address_it_is_bound_to) {
  boost::asio::io_context control;
  const auto cfg = small_relay_config();
  relay_media_control relay(control, cfg, "");
  recording_events events;
  relay.set_listener(&events);
  ASSERT_TRUE(relay.start().ok());

  // Leg b on a trunk's media IP, leg a on the default; a wildcard means the default too.
  auto s = relay.create_session(8, media_binding{"0.0.0.0", "127.0.0.2"});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->a_address, "127.0.0.1");
  EXPECT_EQ(s->b_address, "127.0.0.2");

  const auto bad = relay.create_session(9, media_binding{"", "192.0.2.1"});
  ASSERT_FALSE(bad.ok()) << "an address this host does not have";
  EXPECT_NE(bad.error().find("bad_address"), std::string::npos) << bad.error();
  EXPECT_FALSE(relay.create_session(9, media_binding{"", "not-an-ip"}).ok());

  relay.set_advertised_address("192.0.2.99");  // NAT: always wins, as in Via/Contact
  relay.destroy_session(8);
  ASSERT_TRUE(run_until(control, [&] { return !events.closed.empty(); }));
  auto nat = relay.create_session(10, media_binding{"", "127.0.0.2"});
  ASSERT_TRUE(nat.ok()) << nat.error();
  EXPECT_EQ(nat->a_address, "192.0.2.99");
  EXPECT_EQ(nat->b_address, "192.0.2.99");
  relay.stop();
}

struct null_up final : sip::transport_layer::listener {
  void on_message(sip::message&&, const sip::peer&) override {}
  void on_transport_error(const sip::peer&) override {}
};

TEST(transport_leg_addressing, advertises_the_listener_or_the_configured_address) {
  boost::asio::io_context io;
  manual_timer_service timers;
  null_up up;
  sip::transport_layer transport(io, timers, up);
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  const auto inside = transport.add_listener({"inside", sip::transport_kind::udp, loopback, 0, nullptr});
  const auto trunk = transport.add_listener({"trunk", sip::transport_kind::udp, loopback, 0, nullptr});
  ASSERT_TRUE(inside.ok() && trunk.ok());

  config::listener in_spec;
  in_spec.name = "inside";
  in_spec.side = config::listener_side::inside;
  config::listener trunk_spec = in_spec;
  trunk_spec.name = "trunk";
  trunk_spec.side = config::listener_side::trunk;
  transport_leg_addressing addressing(transport);
  addressing.update({{*inside, in_spec}, {*trunk, trunk_spec}}, "");

  const auto own = addressing.of_listener(*trunk);
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->host, "127.0.0.1");
  EXPECT_EQ(own->port, transport.local_address(*trunk)->port);
  EXPECT_EQ(addressing.side_of(*trunk), config::listener_side::trunk);
  EXPECT_EQ(addressing.side_of(*inside), config::listener_side::inside);

  sip::peer to;
  to.address = boost::asio::ip::make_address("198.51.100.20");
  to.port = 5060;
  EXPECT_EQ(addressing.for_target(to, config::listener_side::trunk, {})->listener, *trunk);
  EXPECT_EQ(addressing.for_target(to, config::listener_side::inside, {})->listener, *inside);
  to.transport = sip::transport_kind::tls;
  EXPECT_FALSE(addressing.for_target(to, config::listener_side::trunk, {}).has_value()) << "no TLS listener";

  addressing.update({{*inside, in_spec}, {*trunk, trunk_spec}}, "203.0.113.7");
  EXPECT_EQ(addressing.of_listener(*inside)->host, "203.0.113.7");
  transport.shutdown();
}

}  // namespace
}  // namespace voxedge::daemon
