// SRTP legs (SDES keys, RFC 4568) through the relay over real loopback sockets: the test
// peer protects and unprotects with its own srtp_session contexts; the other leg is plain
// RTP. Forgeries and replays are dropped and never latched to (DESIGN.md §8); SRTCP runs
// both ways; keys that stay keep their contexts, keys that change re-create them.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "media/relay/relay_engine.hpp"
#include "media/rtp/demultiplex.hpp"
#include "media/rtp/rtcp_packet.hpp"
#include "media/rtp/rtp_view.hpp"
#include "media/srtp/srtp_session.hpp"
#include "relay_test_support.hpp"

namespace voxedge::media::test {
namespace {

using relay_srtp_test = relay_fixture;

srtp_key test_key(std::uint8_t fill, srtp_suite s = srtp_suite::aes_cm_128_hmac_sha1_80) {
  std::vector<std::uint8_t> b(srtp_key_salt_length(s));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(fill * 31 + i);
  return *srtp_key::from_bytes(b);
}

/// A peer that speaks SRTP: it protects with `own` (the key its SDP gave) and unprotects
/// with `relays` (the key our SDP gave it).
class srtp_peer {
 public:
  srtp_peer(srtp_suite s, const srtp_key& own, const srtp_key& relays)
      : out_(srtp_session::create(srtp_session::direction::outbound, s, own).value()),
        in_(srtp_session::create(srtp_session::direction::inbound, s, relays).value()) {}

  udp_peer& socket() { return peer_; }
  udp::endpoint endpoint() const { return peer_.endpoint(); }

  /// Protects `plain` and sends it; returns the wire bytes (for replaying).
  bytes send_rtp(const bytes& plain, std::uint16_t port) {
    auto wire = protect(plain, false);
    peer_.send(wire, port);
    return wire;
  }
  bytes send_rtcp(const bytes& plain, std::uint16_t port) {
    auto wire = protect(plain, true);
    peer_.send(wire, port);
    return wire;
  }
  /// The next SRTP packet, unprotected; nullopt on timeout or when it does not verify.
  std::optional<bytes> receive_rtp(std::chrono::milliseconds timeout = 2s) {
    auto b = peer_.receive_rtp(timeout);
    if (!b) return std::nullopt;
    std::size_t size = 0;
    last_status = in_.unprotect_rtp(*b, size);
    if (last_status != srtp_status::ok) return std::nullopt;
    b->resize(size);
    return b;
  }
  /// The next SRTCP compound, unprotected (RTP in between skipped).
  std::optional<bytes> receive_rtcp(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto b = peer_.receive(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!b) return std::nullopt;
      if (classify_packet(*b) != packet_kind::rtcp) continue;
      std::size_t size = 0;
      last_status = in_.unprotect_rtcp(*b, size);
      if (last_status != srtp_status::ok) return std::nullopt;
      b->resize(size);
      return b;
    }
    return std::nullopt;
  }
  srtp_status last_status = srtp_status::ok;

 private:
  bytes protect(const bytes& plain, bool rtcp) {
    alignas(16) std::array<std::uint8_t, 2400> buffer{};
    std::copy(plain.begin(), plain.end(), buffer.begin());
    std::size_t size = plain.size();
    const auto s = rtcp ? out_.protect_rtcp(buffer, size) : out_.protect_rtp(buffer, size);
    EXPECT_EQ(s, srtp_status::ok);
    return bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size));
  }

  udp_peer peer_;
  srtp_session out_;
  srtp_session in_;
};

leg_params secure_to(const udp::endpoint& peer, srtp_suite s, const srtp_key& peers, const srtp_key& ours) {
  leg_params p;
  p.remote_rtp = peer;
  p.srtp = leg_srtp{s, peers, ours};
  return p;
}

bytes payload_of(const bytes& rtp) { return bytes(rtp.begin() + 12, rtp.end()); }

class relay_srtp_suites : public relay_fixture, public ::testing::WithParamInterface<srtp_suite> {};

TEST_P(relay_srtp_suites, srtp_leg_and_plain_leg_hear_each_other) {
  const auto suite = GetParam();
  if (!srtp_suite_available(suite)) GTEST_SKIP() << to_string(suite);
  start(test_config());
  const auto peer_key = test_key(1, suite);
  const auto our_key = test_key(2, suite);
  srtp_peer a(suite, peer_key, our_key);
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(1, relay_leg::a, secure_to(a.endpoint(), suite, peer_key, our_key));
  engine().update_leg(1, relay_leg::b, to(b));

  for (std::uint16_t i = 0; i < 20; ++i) {
    // The trunk talks: SRTP in, plain RTP out on the inside leg, payload intact.
    const auto from_a = make_rtp(0xA1, static_cast<std::uint16_t>(500 + i), 160U * i);
    a.send_rtp(from_a, ports->a_rtp);
    const auto at_b = b.receive_rtp();
    ASSERT_TRUE(at_b) << "packet " << i << " a→b";
    EXPECT_EQ(payload_of(*at_b), payload_of(from_a));
    // The inside talks back: plain in, SRTP out that the trunk's key opens.
    auto from_b = make_rtp(0xB1, static_cast<std::uint16_t>(9000 + i), 160U * i);
    from_b[20] = static_cast<std::uint8_t>(i);
    b.send(from_b, ports->b_rtp);
    const auto at_a = a.receive_rtp();
    ASSERT_TRUE(at_a) << "packet " << i << " b→a: " << to_string(a.last_status);
    EXPECT_EQ(payload_of(*at_a), payload_of(from_b));
  }
  const auto stats = close(1);
  ASSERT_TRUE(stats);
  EXPECT_TRUE(stats->a.srtp);
  EXPECT_FALSE(stats->b.srtp);
  EXPECT_EQ(stats->a.packets_received, 20u);
  EXPECT_EQ(stats->b.packets_sent, 20u);
  EXPECT_EQ(stats->a.packets_sent, 20u);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_auth), 0u);
}

INSTANTIATE_TEST_SUITE_P(suites, relay_srtp_suites,
                         ::testing::Values(srtp_suite::aes_cm_128_hmac_sha1_80, srtp_suite::aes_cm_128_hmac_sha1_32,
                                           srtp_suite::aead_aes_128_gcm),
                         [](const ::testing::TestParamInfo<srtp_suite>& p) { return std::string(to_string(p.param)); });

TEST_F(relay_srtp_test, forgeries_are_dropped_and_never_latched) {
  start(test_config());
  const auto suite = srtp_suite::aes_cm_128_hmac_sha1_80;
  const auto peer_key = test_key(1);
  const auto our_key = test_key(2);
  srtp_peer real(suite, peer_key, our_key);
  srtp_peer forger(suite, test_key(9), our_key);  // guessed the wrong key
  udp_peer plain_forger;
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  // No address signalled: symmetric latching to whoever sends first, if it authenticates.
  leg_params pa;
  pa.srtp = leg_srtp{suite, peer_key, our_key};
  engine().update_leg(1, relay_leg::a, pa);
  engine().update_leg(1, relay_leg::b, to(b));

  forger.send_rtp(make_rtp(0xF0, 1, 160), ports->a_rtp);
  plain_forger.send(make_rtp(0xF1, 1, 160), ports->a_rtp);
  EXPECT_FALSE(b.receive_rtp(300ms)) << "nothing forged reaches the inside";
  // The inside talks: there is nobody to send to, the forgers must hear nothing.
  b.send(make_rtp(0xB1, 1, 160), ports->b_rtp);
  EXPECT_FALSE(forger.socket().receive(300ms));
  EXPECT_FALSE(plain_forger.receive(100ms));

  // The real peer's first packet authenticates: it is latched and heard.
  const auto wire = real.send_rtp(make_rtp(0xA1, 100, 16000), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp());
  b.send(make_rtp(0xB1, 2, 320), ports->b_rtp);
  ASSERT_TRUE(real.receive_rtp()) << to_string(real.last_status);
  // A replay of its packet, even from its own address, is not forwarded twice; nor is
  // it from another address (and it does not move the latch).
  real.socket().send(wire, ports->a_rtp);
  plain_forger.send(wire, ports->a_rtp);
  EXPECT_FALSE(b.receive_rtp(300ms));
  b.send(make_rtp(0xB1, 3, 480), ports->b_rtp);
  ASSERT_TRUE(real.receive_rtp());
  EXPECT_FALSE(plain_forger.receive(100ms));

  const auto stats = close(1);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_auth), 2u);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_replay), 2u);
  EXPECT_EQ(stats->a.packets_received, 1u);
  ASSERT_TRUE(stats->a.latched_rtp);
  EXPECT_EQ(*stats->a.latched_rtp, real.endpoint());
  EXPECT_EQ(stats->b.drop(drop_reason::no_destination), 1u);
}

TEST_F(relay_srtp_test, srtcp_both_ways_with_rtcp_mux) {
  auto c = test_config();
  c.rtcp_interval = 200ms;
  start(c);
  const auto suite = srtp_suite::aes_cm_128_hmac_sha1_32;  // SRTCP still carries the 80-bit tag
  const auto peer_key = test_key(3);
  const auto our_key = test_key(4);
  srtp_peer a(suite, peer_key, our_key);
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  auto pa = secure_to(a.endpoint(), suite, peer_key, our_key);
  pa.rtcp_mux = true;
  engine().update_leg(1, relay_leg::a, pa);
  engine().update_leg(1, relay_leg::b, to(b));

  // Media both ways until our SRTCP report arrives on the muxed port and opens with our key.
  std::optional<bytes> report;
  std::optional<std::uint32_t> our_ssrc;
  for (std::uint16_t i = 0; i < 100 && !report; ++i) {
    a.send_rtp(make_rtp(0xA, i, 160U * i), ports->a_rtp);
    b.send(make_rtp(0xB, i, 160U * i), ports->b_rtp);
    (void)b.receive_rtp(50ms);
    report = a.receive_rtcp(50ms);
    if (!report && a.last_status != srtp_status::ok) break;
  }
  ASSERT_TRUE(report) << to_string(a.last_status);
  const auto compound = parse_rtcp_compound(*report);
  ASSERT_TRUE(compound);
  const auto first = report_view::parse(*compound->begin());
  ASSERT_TRUE(first);
  our_ssrc = first->ssrc();
  EXPECT_EQ(first->block_count(), 1u) << "a report about the peer's stream";

  // The peer's own report, as SRTCP on the RTP port: read; the same report in plain is
  // not (an RR and an SDES CNAME, long enough to reach the authentication check).
  bytes rr(44);
  rr[0] = 0x81;  // one report block
  rr[1] = 201;
  rr[3] = 7;
  byte_io::store_be32(&rr[4], 0xA);
  byte_io::store_be32(&rr[8], *our_ssrc);
  rr[32] = 0x81;
  rr[33] = 202;
  rr[35] = 2;
  byte_io::store_be32(&rr[36], 0xA);
  rr[40] = 1;
  rr[41] = 1;
  rr[42] = 'x';
  a.send_rtcp(rr, ports->a_rtp);
  a.socket().send(rr, ports->a_rtp);
  EXPECT_FALSE(b.receive(200ms)) << "RTCP is terminated, never forwarded";
  const auto closed = close(1);
  ASSERT_TRUE(closed);
  EXPECT_GE(closed->a.rtcp_received, 1u);
  EXPECT_GE(closed->a.rtcp_sent, 1u);
  EXPECT_EQ(closed->a.drop(drop_reason::srtp_auth), 1u) << "the plain RTCP";
  EXPECT_EQ(closed->a.drop(drop_reason::bad_rtcp), 0u);
}

TEST_F(relay_srtp_test, same_keys_keep_the_contexts_changed_keys_replace_them) {
  start(test_config());
  const auto suite = srtp_suite::aes_cm_128_hmac_sha1_80;
  const auto peer_key = test_key(5);
  const auto our_key = test_key(6);
  srtp_peer a(suite, peer_key, our_key);
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  auto pa = secure_to(a.endpoint(), suite, peer_key, our_key);
  engine().update_leg(1, relay_leg::a, pa);
  engine().update_leg(1, relay_leg::b, to(b));
  const auto wire = a.send_rtp(make_rtp(0xA, 1, 160), ports->a_rtp);
  ASSERT_TRUE(b.receive_rtp());

  // A re-INVITE that keeps the keys (hold, say): the inbound context is the same one, so
  // its replay window still knows packet 1.
  pa.send = true;
  engine().update_leg(1, relay_leg::a, pa);
  a.socket().send(wire, ports->a_rtp);
  EXPECT_FALSE(b.receive_rtp(300ms)) << "a fresh context would have taken the replay";
  b.send(make_rtp(0xB, 1, 160), ports->b_rtp);
  ASSERT_TRUE(a.receive_rtp()) << "our stream continues under the same key";

  // New keys from the peer (RFC 4568 §7.1.4 re-keying): the old key no longer opens
  // anything, the new one does; our own key is unchanged.
  const auto new_peer_key = test_key(7);
  srtp_peer a2(suite, new_peer_key, our_key);
  auto pa2 = secure_to(a.endpoint(), suite, new_peer_key, our_key);
  engine().update_leg(1, relay_leg::a, pa2);
  a.send_rtp(make_rtp(0xA, 2, 320), ports->a_rtp);  // old key
  EXPECT_FALSE(b.receive_rtp(300ms));
  // The new key's packets come from the same address (the latched one).
  auto fresh = make_rtp(0xA, 3, 480);
  alignas(16) std::array<std::uint8_t, 400> buffer{};
  std::copy(fresh.begin(), fresh.end(), buffer.begin());
  std::size_t size = fresh.size();
  auto protector = srtp_session::create(srtp_session::direction::outbound, suite, new_peer_key);
  ASSERT_TRUE(protector.ok());
  ASSERT_EQ(protector->protect_rtp(buffer, size), srtp_status::ok);
  a.socket().send(std::span<const std::uint8_t>(buffer.data(), size), ports->a_rtp);
  EXPECT_TRUE(b.receive_rtp());

  const auto stats = close(1);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_replay), 1u);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_auth), 1u);
  EXPECT_EQ(stats->a.packets_received, 2u);
}

TEST_F(relay_srtp_test, two_srtp_legs_and_a_full_size_datagram) {
  start(test_config());
  const auto suite = srtp_suite::aes_cm_128_hmac_sha1_80;
  srtp_peer a(suite, test_key(11), test_key(12));
  srtp_peer b(srtp_suite::aes_cm_128_hmac_sha1_32, test_key(13), test_key(14));
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  engine().update_leg(1, relay_leg::a, secure_to(a.endpoint(), suite, test_key(11), test_key(12)));
  engine().update_leg(1, relay_leg::b,
                      secure_to(b.endpoint(), srtp_suite::aes_cm_128_hmac_sha1_32, test_key(13), test_key(14)));
  // The largest datagram a leg takes, re-protected on the way out: the trailer fits
  // behind it in the worker's buffer.
  const auto big = make_rtp(0xA, 1, 160, 0, 2048 - 12 - 10);
  a.send_rtp(big, ports->a_rtp);
  const auto at_b = b.receive_rtp();
  ASSERT_TRUE(at_b) << to_string(b.last_status);
  EXPECT_EQ(at_b->size(), 2048u - 10);
  const auto small = make_rtp(0xB, 1, 160);
  b.send_rtp(small, ports->b_rtp);
  const auto at_a = a.receive_rtp();
  ASSERT_TRUE(at_a) << to_string(a.last_status);
  EXPECT_EQ(payload_of(*at_a), payload_of(small));
  const auto stats = close(1);
  ASSERT_TRUE(stats);
  EXPECT_TRUE(stats->a.srtp && stats->b.srtp);
}

TEST_F(relay_srtp_test, refused_keys_send_nothing_in_the_clear) {
  start(test_config());
  srtp_peer a(srtp_suite::aes_cm_128_hmac_sha1_80, test_key(1), test_key(2));
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  // A key of the wrong length for the suite: srtp_session refuses it; the leg stays SRTP.
  leg_params pa;
  pa.remote_rtp = a.endpoint();
  pa.srtp = leg_srtp{srtp_suite::aes_256_cm_hmac_sha1_80, test_key(1), test_key(2)};
  engine().update_leg(1, relay_leg::a, pa);
  engine().update_leg(1, relay_leg::b, to(b));
  b.send(make_rtp(0xB, 1, 160), ports->b_rtp);
  EXPECT_FALSE(a.socket().receive(300ms));
  a.send_rtp(make_rtp(0xA, 1, 160), ports->a_rtp);
  EXPECT_FALSE(b.receive_rtp(300ms));
  const auto stats = close(1);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->b.drop(drop_reason::srtp_failed), 1u);
  EXPECT_EQ(stats->a.drop(drop_reason::srtp_failed), 1u);
}

}  // namespace
}  // namespace voxedge::media::test
