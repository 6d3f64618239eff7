// The relay engine over real loopback sockets: forwarding, rewriting, latching, hold,
// timeouts, final statistics and port exhaustion. RTCP has its own file.
#include "media/relay/relay_engine.hpp"

#include <gtest/gtest.h>

#include "media/rtp/rtp_view.hpp"
#include "relay_test_support.hpp"

namespace voxedge::media::test {
namespace {

using relay_engine_test = relay_fixture;

const_rtp_view view(const bytes& b) { return *parse_rtp(std::span<const std::uint8_t>(b)); }

TEST_F(relay_engine_test, forwards_both_ways_with_rewritten_headers) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok()) << to_string(ports.error());
  EXPECT_EQ(ports->a_rtp % 2, 0);
  EXPECT_EQ(ports->a_rtcp, ports->a_rtp + 1);
  EXPECT_EQ(ports->b_rtcp, ports->b_rtp + 1);
  leg_params to_b = to(b);
  to_b.rewrite[0] = 96;  // PCMU is 96 on leg b; PT 8 was not negotiated there
  to_b.rewrite[8] = -1;
  engine().update_leg(1, relay_leg::a, to(a));
  engine().update_leg(1, relay_leg::b, to_b);

  std::optional<std::uint32_t> ssrc_b;
  std::uint16_t last_seq = 0;
  std::uint32_t last_ts = 0;
  for (std::uint16_t i = 0; i < 10; ++i) {
    a.send(make_rtp(0x1111, static_cast<std::uint16_t>(100 + i), 1000 + 160U * i), ports->a_rtp);
    const auto got = b.receive_rtp();
    ASSERT_TRUE(got) << "packet " << i;
    const auto p = view(*got);
    EXPECT_EQ(p.payload_type(), 96);
    EXPECT_NE(p.ssrc(), 0x1111u);
    if (ssrc_b) {
      EXPECT_EQ(p.ssrc(), *ssrc_b);
      EXPECT_EQ(p.sequence_number(), static_cast<std::uint16_t>(last_seq + 1));
      EXPECT_EQ(p.timestamp(), last_ts + 160);
    }
    ssrc_b = p.ssrc();
    last_seq = p.sequence_number();
    last_ts = p.timestamp();
  }

  // The source changes (re-INVITE to another media server): one stream continues.
  a.send(make_rtp(0x2222, 5000, 77777), ports->a_rtp);
  auto got = b.receive_rtp();
  ASSERT_TRUE(got);
  EXPECT_EQ(view(*got).ssrc(), *ssrc_b);
  EXPECT_EQ(view(*got).sequence_number(), static_cast<std::uint16_t>(last_seq + 1));
  EXPECT_GT(view(*got).timestamp() - last_ts, 0u);
  EXPECT_LT(view(*got).timestamp() - last_ts, 8000u * 5);  // wall time since, not the new source's value
  EXPECT_TRUE(view(*got).marker());

  // The other way, with the identity table; our SSRC towards a differs from b's.
  b.send(make_rtp(0x3333, 1, 1, 0), ports->b_rtp);
  got = a.receive_rtp();
  ASSERT_TRUE(got);
  EXPECT_EQ(view(*got).payload_type(), 0);
  EXPECT_NE(view(*got).ssrc(), 0x3333u);
  EXPECT_NE(view(*got).ssrc(), *ssrc_b);

  // PT 8 has no mapping on leg b: dropped, counted.
  a.send(make_rtp(0x2222, 5001, 77777 + 160, 8), ports->a_rtp);
  EXPECT_FALSE(b.receive_rtp(200ms));
  const auto final_stats = close(1);
  ASSERT_TRUE(final_stats);
  EXPECT_EQ(final_stats->a.packets_received, 12u);
  EXPECT_EQ(final_stats->a.packets_forwarded, 11u);
  EXPECT_EQ(final_stats->a.drop(drop_reason::pt_not_mapped), 1u);
  EXPECT_EQ(final_stats->b.packets_sent, 11u);
  EXPECT_EQ(final_stats->b.local_ssrc, *ssrc_b);
  EXPECT_EQ(final_stats->a.payload_type, 8);
  EXPECT_EQ(final_stats->a.remote_ssrc, 0x2222u);
  ASSERT_TRUE(final_stats->a.latched_rtp);
  EXPECT_EQ(*final_stats->a.latched_rtp, a.endpoint());
}

TEST_F(relay_engine_test, symmetric_leg_latches_to_the_first_sender) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(2);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(2, relay_leg::a, to(a));
  // Leg b's address is not known (or is behind NAT): it must speak first.
  a.send(make_rtp(1, 1, 160), ports->a_rtp);
  b.send(make_rtp(2, 1, 160), ports->b_rtp);
  ASSERT_TRUE(a.receive_rtp());
  a.send(make_rtp(1, 2, 320), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp());
  const auto s = close(2);
  ASSERT_TRUE(s);
  EXPECT_GE(s->a.drop(drop_reason::no_destination) + s->a.packets_forwarded, 2u);
  ASSERT_TRUE(s->b.latched_rtp);
  EXPECT_EQ(*s->b.latched_rtp, b.endpoint());
}

TEST_F(relay_engine_test, strict_mode_drops_a_wrong_source) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  udp_peer intruder;
  auto ports = engine().create_session(3);
  ASSERT_TRUE(ports.ok());
  leg_params strict_a = to(a);
  strict_a.latching = latching_mode::strict;
  engine().update_leg(3, relay_leg::a, strict_a);
  engine().update_leg(3, relay_leg::b, to(b));
  intruder.send(make_rtp(9, 1, 160), ports->a_rtp);
  intruder.send(make_rtp(9, 2, 320), ports->a_rtp);
  a.send(make_rtp(1, 1, 160), ports->a_rtp);
  const auto got = b.receive_rtp();
  ASSERT_TRUE(got);
  EXPECT_FALSE(b.receive_rtp(100ms));  // nothing of the intruder's
  const auto s = close(3);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->a.drop(drop_reason::wrong_source), 2u);
  EXPECT_EQ(s->a.packets_received, 1u);
  EXPECT_EQ(s->b.packets_sent, 1u);
}

TEST_F(relay_engine_test, hold_stops_forwarding) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(4);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(4, relay_leg::a, to(a));
  engine().update_leg(4, relay_leg::b, to(b));
  a.send(make_rtp(1, 1, 160), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp());
  // a=inactive on both legs (RFC 3264 §8.4).
  leg_params held_a = to(a);
  held_a.send = held_a.receive = false;
  leg_params held_b = to(b);
  held_b.send = held_b.receive = false;
  engine().update_leg(4, relay_leg::a, held_a);
  engine().update_leg(4, relay_leg::b, held_b);
  // Updates are posted: wait until one shows in the figures, via a probe packet.
  for (std::uint16_t i = 2; i < 6; ++i) a.send(make_rtp(1, i, 160U * i), ports->a_rtp);
  b.send(make_rtp(2, 1, 160), ports->b_rtp);
  EXPECT_FALSE(b.receive_rtp(200ms));
  EXPECT_FALSE(a.receive_rtp(0ms));
  // Resumed: forwarding again.
  engine().update_leg(4, relay_leg::a, to(a));
  engine().update_leg(4, relay_leg::b, to(b));
  a.send(make_rtp(1, 6, 960), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp());
  const auto s = close(4);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->a.drop(drop_reason::not_receiving), 4u);
  EXPECT_EQ(s->b.drop(drop_reason::not_receiving), 1u);
  EXPECT_EQ(s->a.packets_forwarded, 2u);
  EXPECT_EQ(s->a.packets_received, 6u);
}

TEST_F(relay_engine_test, timeout_fires_and_media_resumes) {
  auto c = test_config();
  c.rtp_timeout = 300ms;
  start(c);
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(5);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(5, relay_leg::a, to(a));
  leg_params held_b = to(b);
  held_b.receive = false;  // b is on hold: rtp_hold_timeout (0 = never) applies
  engine().update_leg(5, relay_leg::b, held_b);
  const auto start_time = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return !events_.timeouts.empty(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - start_time, 250ms);
  ASSERT_EQ(events_.timeouts.size(), 1u);
  EXPECT_EQ(events_.timeouts[0], std::make_pair(relay_session_id{5}, relay_leg::a));

  a.send(make_rtp(1, 1, 160), ports->a_rtp);
  ASSERT_TRUE(run_until([&] { return !events_.resumed.empty(); }));
  EXPECT_EQ(events_.resumed[0], std::make_pair(relay_session_id{5}, relay_leg::a));
  // Silent again: a second timeout, and still none for the held leg.
  ASSERT_TRUE(run_until([&] { return events_.timeouts.size() == 2; }));
  EXPECT_EQ(events_.timeouts[1].second, relay_leg::a);
  const auto s = close(5);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->a.timed_out);
  EXPECT_FALSE(s->b.timed_out);
}

TEST_F(relay_engine_test, final_stats_count_packets_and_loss) {
  auto c = test_config();
  c.stats_interval = 100ms;
  start(c);
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(6);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(6, relay_leg::a, to(a));
  engine().update_leg(6, relay_leg::b, to(b));
  constexpr std::uint16_t total = 400;
  std::size_t sent = 0;
  std::size_t received = 0;
  for (std::uint16_t i = 0; i < total; ++i) {
    if (i % 20 == 10) continue;  // withheld: 5 % loss inside the sequence range
    a.send(make_rtp(0xAAAA, i, 160U * i), ports->a_rtp);
    ++sent;
    if (b.receive_rtp()) ++received;
  }
  EXPECT_EQ(received, sent);
  ASSERT_TRUE(run_until([&] { return !events_.stats.empty(); }));
  EXPECT_EQ(events_.stats.back().first, 6u);
  const auto s = close(6);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->a.packets_received, sent);
  EXPECT_EQ(s->a.bytes_received, sent * 172);
  EXPECT_EQ(s->a.packets_forwarded, sent);
  EXPECT_EQ(s->b.packets_sent, sent);
  EXPECT_EQ(s->a.packets_lost, 20);
  EXPECT_NEAR(s->a.loss_percent, 5.0, 0.1);
  EXPECT_EQ(s->a.payload_type, 0);
  EXPECT_GT(s->a.mos, 1.0);
  EXPECT_LT(s->a.mos, 4.4);  // 5 % loss costs something
  EXPECT_EQ(s->b.packets_received, 0u);
  EXPECT_EQ(s->b.mos, 0.0);
  EXPECT_EQ(engine().session_count(), 0u);

  // The worker's published counters catch up within a tick.
  ASSERT_TRUE(run_until([&] { return engine().metrics()[0].packets_relayed == sent; }));
  const auto m = engine().metrics()[0];
  EXPECT_EQ(m.sessions, 0u);
  EXPECT_EQ(m.ports_in_use, 0u);
  EXPECT_EQ(m.ports_total, 24u);
}

TEST_F(relay_engine_test, our_ssrc_moves_when_the_peer_uses_it) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(7);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(7, relay_leg::a, to(a));
  engine().update_leg(7, relay_leg::b, to(b));
  a.send(make_rtp(1, 1, 160), ports->a_rtp);
  const auto first = b.receive_rtp();
  ASSERT_TRUE(first);
  const std::uint32_t ours = view(*first).ssrc();
  // RFC 3550 §8.2: b picked the same SSRC as the one we send it; ours must change.
  b.send(make_rtp(ours, 1, 160), ports->b_rtp);
  ASSERT_TRUE(a.receive_rtp());
  a.send(make_rtp(1, 2, 320), ports->a_rtp);
  const auto second = b.receive_rtp();
  ASSERT_TRUE(second);
  EXPECT_NE(view(*second).ssrc(), ours);
  EXPECT_EQ(view(*second).sequence_number(), static_cast<std::uint16_t>(view(*first).sequence_number() + 1));
}

TEST_F(relay_engine_test, a_burst_is_forwarded_in_batches) {
  start(test_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(8);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(8, relay_leg::a, to(a));
  engine().update_leg(8, relay_leg::b, to(b));
  // More than one turn's budget (128) back to back: the worker reads them in batches
  // and continues a backlogged socket by post. The kernel may drop some if the worker
  // falls behind (slow sanitizer builds), so count what the relay saw.
  constexpr std::uint16_t burst = 150;
  for (std::uint16_t i = 0; i < burst; ++i) a.send(make_rtp(1, i, 160U * i), ports->a_rtp);
  std::size_t received = 0;
  while (b.receive_rtp(300ms)) ++received;
  const auto s = close(8);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->a.packets_forwarded, s->a.packets_received);
  EXPECT_EQ(received, s->a.packets_forwarded);
  EXPECT_GE(received, 100u);
  ASSERT_TRUE(run_until([&] { return engine().metrics()[0].packets_relayed == received; }));
  EXPECT_LT(engine().metrics()[0].receive_calls, received);
}

TEST_F(relay_engine_test, port_exhaustion_and_reuse) {
  start(test_config(4));  // four pairs: two sessions
  auto first = engine().create_session(10);
  auto second = engine().create_session(11);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(engine().metrics()[0].ports_in_use, 8u);
  const auto third = engine().create_session(12);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error(), relay_error::ports_exhausted);
  const auto duplicate = engine().create_session(10);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error(), relay_error::duplicate_session);
  ASSERT_TRUE(close(10));
  const auto again = engine().create_session(12);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->a_rtp, first->a_rtp);
}

TEST_F(relay_engine_test, a_leg_bound_to_its_own_address_receives_and_sends_there) {
  start(test_config());  // relay_config::bind_address: 127.0.0.1
  const auto trunk_ip = boost::asio::ip::make_address("127.0.0.2");
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(20, session_binding{std::nullopt, trunk_ip});
  ASSERT_TRUE(ports.ok()) << to_string(ports.error());
  EXPECT_EQ(ports->a_address, boost::asio::ip::make_address("127.0.0.1"));
  EXPECT_EQ(ports->b_address, trunk_ip);
  engine().update_leg(20, relay_leg::a, to(a));
  engine().update_leg(20, relay_leg::b, to(b));

  // Leg b listens on 127.0.0.2 only.
  b.send_to(make_rtp(0x4444, 1, 160), udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), ports->b_rtp));
  EXPECT_FALSE(a.receive_rtp(200ms)) << "nothing of leg b is bound on the default address";
  b.send_to(make_rtp(0x4444, 2, 320), udp::endpoint(trunk_ip, ports->b_rtp));
  udp::endpoint from;
  ASSERT_TRUE(a.receive_rtp(2s, &from));
  EXPECT_EQ(from, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), ports->a_rtp));

  // What goes out to b's peer leaves from 127.0.0.2, the port b's peer sends to.
  a.send(make_rtp(0x5555, 1, 160), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp(2s, &from));
  EXPECT_EQ(from, udp::endpoint(trunk_ip, ports->b_rtp));
  const auto s = close(20);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->b.packets_received, 1u);
  EXPECT_EQ(s->b.packets_sent, 1u);
}

TEST_F(relay_engine_test, a_port_taken_on_a_legs_address_is_skipped) {
  start(test_config(4));
  const auto trunk_ip = boost::asio::ip::make_address("127.0.0.2");
  // Someone else holds the second pair's RTP port, but only on 127.0.0.2.
  boost::asio::io_context io;
  udp::socket squatter(io, udp::endpoint(trunk_ip, static_cast<std::uint16_t>(port_base() + 2)));
  auto ports = engine().create_session(21, session_binding{std::nullopt, trunk_ip});
  ASSERT_TRUE(ports.ok()) << to_string(ports.error());
  EXPECT_EQ(ports->a_rtp, port_base());
  EXPECT_EQ(ports->b_rtp, port_base() + 4) << "the taken pair was skipped for the next";
  EXPECT_EQ(ports->b_address, trunk_ip);
  // The skipped pair went back to the pool: on the default address it binds.
  auto other = engine().create_session(22);
  ASSERT_TRUE(other.ok()) << to_string(other.error());
  EXPECT_EQ(other->a_rtp, port_base() + 6);
  EXPECT_EQ(other->b_rtp, port_base() + 2);
  EXPECT_EQ(other->b_address, boost::asio::ip::make_address("127.0.0.1"));
}

TEST_F(relay_engine_test, an_address_not_on_this_host_fails_at_once_and_keeps_no_ports) {
  start(test_config(4));
  // TEST-NET-1 (RFC 5737): no interface has it.
  const auto r = engine().create_session(23, session_binding{std::nullopt, boost::asio::ip::make_address("192.0.2.1")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), relay_error::bad_address);
  EXPECT_EQ(engine().metrics()[0].ports_in_use, 0u);
  EXPECT_EQ(engine().session_count(), 0u);
  EXPECT_TRUE(engine().create_session(23).ok()) << "the id was never taken";
}

TEST_F(relay_engine_test, sessions_spread_over_workers) {
  auto c = test_config(8);
  c.workers = 2;
  start(c);
  auto s1 = engine().create_session(1);
  auto s2 = engine().create_session(2);
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s2.ok());
  EXPECT_NE(s1->worker, s2->worker);
  // Each worker's ports lie in its own slice.
  EXPECT_LT(std::max(s1->a_rtp, s1->b_rtp), std::min(s2->a_rtp, s2->b_rtp));
}

TEST_F(relay_engine_test, refuses_before_start_and_bad_ranges) {
  relay_engine idle(control_, test_config(), events_);
  const auto r = idle.create_session(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), relay_error::not_started);
  auto c = test_config(1);
  relay_engine tiny(control_, c, events_);
  const auto started = tiny.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), relay_error::invalid_config);
}

}  // namespace
}  // namespace voxedge::media::test
