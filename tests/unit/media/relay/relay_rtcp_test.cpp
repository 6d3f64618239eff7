// RTCP terminated per leg (DESIGN.md §4): our SR/RR on each leg, the peer's reports read
// for round-trip time, nothing forwarded.
#include <gtest/gtest.h>

#include "media/relay/relay_engine.hpp"
#include "media/rtp/demultiplex.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp_packet.hpp"
#include "media/rtp/rtcp_writer.hpp"
#include "media/rtp/rtp_view.hpp"
#include "relay_test_support.hpp"

namespace voxedge::media::test {
namespace {

using relay_rtcp_test = relay_fixture;

relay_config rtcp_config() {
  auto c = test_config();
  c.rtcp_interval = 200ms;
  c.rtcp_cname = "relay@test";
  return c;
}

/// The next RTCP compound `peer` receives (RTP in between is skipped), or nullopt.
std::optional<bytes> receive_rtcp(udp_peer& peer, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto b = peer.receive(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!b) return std::nullopt;
    if (classify_packet(*b) == packet_kind::rtcp) return b;
  }
  return std::nullopt;
}

TEST_F(relay_rtcp_test, sender_report_to_each_leg_and_rtt_from_the_answer) {
  start(rtcp_config());
  udp_peer a;
  udp_peer a_rtcp;
  udp_peer b;
  auto ports = engine().create_session(1);
  ASSERT_TRUE(ports.ok());
  leg_params pa;
  pa.remote_rtp = a.endpoint();
  pa.remote_rtcp = a_rtcp.endpoint();
  engine().update_leg(1, relay_leg::a, pa);
  engine().update_leg(1, relay_leg::b, to(b));

  // Media both ways, until our first report on leg a arrives (first one after half an
  // interval, ×[0.5, 1.5]: well within the bound).
  std::optional<bytes> report;
  std::optional<std::uint32_t> our_ssrc_to_a;
  for (std::uint16_t i = 0; i < 200 && !report; ++i) {
    a.send(make_rtp(0xA, i, 160U * i), ports->a_rtp);
    b.send(make_rtp(0xB, i, 160U * i), ports->b_rtp);
    if (auto rtp = a.receive_rtp(100ms)) our_ssrc_to_a = parse_rtp(std::span<const std::uint8_t>(*rtp))->ssrc();
    report = receive_rtcp(a_rtcp, 20ms);
  }
  ASSERT_TRUE(report);
  ASSERT_TRUE(our_ssrc_to_a);
  auto compound = parse_rtcp_compound(*report);
  ASSERT_TRUE(compound.ok());
  auto it = compound->begin();
  auto sr = report_view::parse(*it++);
  ASSERT_TRUE(sr.ok());
  ASSERT_TRUE(sr->is_sender_report());  // we have been sending RTP to a
  EXPECT_EQ(sr->ssrc(), *our_ssrc_to_a);
  ASSERT_EQ(sr->block_count(), 1u);
  EXPECT_EQ(sr->block(0).ssrc, 0xAu);  // about what a sends us
  EXPECT_GT(sr->sender_info()->packet_count, 0u);
  ASSERT_NE(it, compound->end());
  auto sdes = sdes_view::parse(*it);
  ASSERT_TRUE(sdes.ok());
  EXPECT_EQ(sdes->cname(*our_ssrc_to_a), "relay@test");

  // a answers with an RR about our stream. It claims our SR left 100 ms before it did
  // (LSR moved back by 6554/65536 s) and no hold time, so RTT ≈ 100 ms + loopback.
  const std::uint32_t lsr = sr->sender_info()->ntp.compact() - 6554;
  report_block block;
  block.ssrc = *our_ssrc_to_a;
  block.fraction_lost = 64;  // 25 %
  block.last_sr = lsr;
  block.delay_since_last_sr = 0;
  std::array<std::uint8_t, 256> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_receiver_report(0xA, std::span<const report_block>(&block, 1)).ok());
  ASSERT_TRUE(w.add_sdes_cname(0xA, "a@test").ok());
  a_rtcp.send(w.bytes(), ports->a_rtcp);

  // The RR is read before the destroy that follows it (one socket, one worker, FIFO
  // enough): wait for our next report so the worker has surely been through it.
  (void)receive_rtcp(a_rtcp, 1s);
  const auto s = close(1);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->a.rtt_ms);
  EXPECT_GE(*s->a.rtt_ms, 99.0);
  EXPECT_LT(*s->a.rtt_ms, 200.0);
  ASSERT_TRUE(s->a.remote_loss_percent);
  EXPECT_DOUBLE_EQ(*s->a.remote_loss_percent, 25.0);
  EXPECT_EQ(s->a.rtcp_received, 1u);
  EXPECT_GE(s->a.rtcp_sent, 1u);
  EXPECT_GE(s->b.rtcp_sent, 1u);
  EXPECT_FALSE(s->b.rtt_ms);
  ASSERT_TRUE(s->a.latched_rtcp);
  EXPECT_EQ(*s->a.latched_rtcp, a_rtcp.endpoint());
  EXPECT_GT(s->a.mos, 3.0);
}

TEST_F(relay_rtcp_test, muxed_leg_gets_receiver_reports_on_the_rtp_port_and_nothing_is_forwarded) {
  start(rtcp_config());
  udp_peer a;
  udp_peer b;
  auto ports = engine().create_session(2);
  ASSERT_TRUE(ports.ok());
  leg_params pb = to(b);
  pb.rtcp_mux = true;
  engine().update_leg(2, relay_leg::a, to(a));
  engine().update_leg(2, relay_leg::b, pb);

  // Nothing was sent to b, nothing received from it: an empty RR plus SDES (§6.4.2).
  const auto report = receive_rtcp(b, 2s);
  ASSERT_TRUE(report);
  auto compound = parse_rtcp_compound(*report);
  ASSERT_TRUE(compound.ok());
  auto rr = report_view::parse(*compound->begin());
  ASSERT_TRUE(rr.ok());
  EXPECT_FALSE(rr->is_sender_report());
  EXPECT_EQ(rr->block_count(), 0u);

  // b's own RTCP, muxed on the RTP port, is read and not forwarded to a; garbage that
  // looks like RTCP is dropped as bad_rtcp.
  std::array<std::uint8_t, 64> buf{};
  rtcp_writer w(buf);
  ASSERT_TRUE(w.add_receiver_report(0xB, {}).ok());
  b.send(w.bytes(), ports->b_rtp);
  const bytes junk{0x80, 0xC9, 0x00, 0x09, 1, 2, 3, 4};
  b.send(junk, ports->b_rtp);
  b.send(make_rtp(0xB, 1, 160), ports->b_rtp);
  const auto got = a.receive(1s);
  ASSERT_TRUE(got);
  EXPECT_EQ(classify_packet(*got), packet_kind::rtp);  // the RTP, and only that
  const auto s = close(2);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->b.rtcp_received, 1u);
  EXPECT_EQ(s->b.drop(drop_reason::bad_rtcp), 1u);
  EXPECT_EQ(s->b.packets_forwarded, 1u);
}

}  // namespace
}  // namespace voxedge::media::test
