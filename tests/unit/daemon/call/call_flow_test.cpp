// Call setup and teardown through the B2BUA: the PBX calls out through the carrier.
#include <algorithm>

#include "call_test_fixture.hpp"
#include "daemon/call/call_metrics.hpp"
#include "daemon/call/call_record.hpp"
#include "media/sdp/sdp_parser.hpp"

namespace voxedge::daemon::testing {
namespace {

using namespace std::chrono_literals;

media::session_description sdp_of(const sip::message& m) {
  auto r = media::parse_sdp(m.body);
  EXPECT_TRUE(r.ok()) << m.body;
  return r ? std::move(r).value() : media::session_description{};
}

class call_flow : public call_test {};

TEST_F(call_flow, basic_call_caller_hangs_up) {
  deliver(pbx_invite(), pbx());
  EXPECT_EQ(statuses_to(pbx_ip), std::vector<int>{100}) << "100 Trying at once";
  EXPECT_EQ(state(), call_state::outgoing_initiated);
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 1u);
  const auto invite = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(invite.request_uri.to_string(), "sip:+442079460958@198.51.100.20:5060");
  EXPECT_EQ(invite.from.address.user, "+442071234567") << "the trunk's caller ID";
  EXPECT_EQ(invite.header_value("P-Asserted-Identity"), "<sip:+442071234567@203.0.113.10>");

  carrier_says(100);
  carrier_says(180);
  EXPECT_EQ(statuses_to(pbx_ip), (std::vector<int>{100, 180}));
  EXPECT_EQ(state(), call_state::ringing);
  const auto ringing = last_response(pbx_ip, 180);
  EXPECT_FALSE(ringing.to.tag().empty());
  ASSERT_EQ(ringing.contacts.size(), 1u);
  EXPECT_EQ(ringing.contacts.front().address.host, our_inside_ip);

  carrier_says(200, carrier_answer());
  // §13.2.2.4: the far side's 2xx is ACKed at once.
  ASSERT_EQ(count_requests(carrier_ip, "ACK"), 1u);
  EXPECT_EQ(last_request(carrier_ip, "ACK").request_uri.to_string(), "sip:gw@198.51.100.20:5060");
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(state(), call_state::connecting);
  const auto answer = sdp_of(ok);
  ASSERT_EQ(answer.media.size(), 1u);
  EXPECT_EQ(answer.connection->address, media_ip);
  EXPECT_EQ(answer.media[0].port, 30004) << "our A-side port";
  EXPECT_EQ(answer.media[0].formats, (std::vector<std::string>{"8", "101"})) << "B's codec, A's numbers";
  EXPECT_EQ(ok.record_routes.size(), 1u) << "A's own Record-Route is echoed to A (§12.1.1)";

  // The relay: A's peer at 10.0.0.5:40000, B's at 198.51.100.30:50000, PCMA both ways.
  const auto* a = media_.last(media_leg::a);
  const auto* b = media_.last(media_leg::b);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->remote_rtp->address().to_string(), pbx_ip);
  EXPECT_EQ(a->remote_rtp->port(), 40000);
  EXPECT_EQ(b->remote_rtp->port(), 50000);
  EXPECT_TRUE(b->strict_source) << "trunk legs accept only the signalled source";
  EXPECT_FALSE(a->strict_source);
  EXPECT_EQ(a->rewrite[8], 8);
  EXPECT_EQ(b->rewrite[8], 8);
  EXPECT_EQ(a->codec, "PCMA/8000");

  deliver(pbx_in_dialog("ACK", 10), pbx());
  EXPECT_EQ(state(), call_state::established);

  deliver(pbx_in_dialog("BYE", 11), pbx());
  EXPECT_EQ(statuses_to(pbx_ip, "BYE"), std::vector<int>{200});
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(state(), call_state::ending);
  deliver(sip::serialize(sip::make_response(last_request(carrier_ip, "BYE"), 200)), carrier());
  media_.final_report.a.packets_received = 500;
  media_.final_report.a.bytes_received = 86000;
  media_.final_report.a.loss_percent = 1.5;
  media_.final_report.a.jitter_ms = 4.0;
  media_.final_report.a.rtt_ms = 20.0;
  media_.final_report.a.mos = 4.2;
  settle();
  EXPECT_EQ(calls_.size(), 0u);
  ASSERT_EQ(records_.size(), 1u);
  const auto& r = records_.front();
  EXPECT_EQ(r.end_reason, "BYE");
  EXPECT_EQ(r.hangup_by, hangup_party::caller);
  EXPECT_EQ(r.sip_code, 200);
  EXPECT_EQ(r.final_state, "ESTABLISHED");
  EXPECT_EQ(r.source, "endpoint:pbx");
  EXPECT_EQ(r.target, "trunk:carrier");
  EXPECT_EQ(r.route, "pbx-to-carrier");
  EXPECT_EQ(r.to, "+442079460958");
  EXPECT_EQ(r.direction, call_direction::outbound);
  EXPECT_TRUE(r.answer.has_value());
  ASSERT_EQ(r.legs.size(), 2u);
  EXPECT_EQ(r.legs[0].role, "caller");
  EXPECT_EQ(r.legs[0].sip_call_id, "pbx-call-1@10.0.0.5");
  EXPECT_EQ(r.legs[0].codec, "PCMA");
  EXPECT_EQ(r.legs[0].packets, 500u);
  EXPECT_EQ(r.legs[0].bytes, 86000u);
  EXPECT_DOUBLE_EQ(r.legs[0].loss_percent, 1.5);
  EXPECT_EQ(r.legs[0].rtt_ms, 20.0);
  EXPECT_EQ(r.legs[0].mos, 4.2);
  EXPECT_EQ(r.legs[1].role, "callee");
  EXPECT_EQ(r.legs[1].sip_call_id, invite.call_id);
  EXPECT_FALSE(r.legs[1].mos.has_value()) << "no RTP, no MOS";
  EXPECT_FALSE(to_json_line(r).empty());
  EXPECT_EQ(calls_.stats().finished_by_peer.at("trunk:carrier").at("answered"), 1u);
  EXPECT_EQ(calls_.stats().setup_time.count, 1u);
  EXPECT_EQ(media_.destroyed, std::vector<std::uint64_t>{1});
}

TEST_F(call_flow, callee_hangs_up_with_reason) {
  establish();
  deliver(carrier_in_dialog("BYE", 1), carrier());
  EXPECT_EQ(statuses_to(carrier_ip, "BYE"), std::vector<int>{200});
  const auto bye = last_request(pbx_proxy_ip, "BYE");
  EXPECT_EQ(bye.call_id, "pbx-call-1@10.0.0.5");
  EXPECT_EQ(bye.request_uri.to_string(), "sip:1001@10.0.0.5:5070");
  ASSERT_EQ(bye.routes.size(), 1u) << "A's route set";
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_.front().hangup_by, hangup_party::callee);
}

TEST_F(call_flow, topology_is_hidden) {
  deliver(pbx_invite(), pbx());
  const auto invite = last_request(carrier_ip, "INVITE");
  const auto text = raw_to(carrier_ip);
  EXPECT_EQ(text.find("10.0.0"), std::string::npos) << "no internal address crosses:\n" << text;
  EXPECT_EQ(text.find("pbx-call-1"), std::string::npos);
  EXPECT_EQ(text.find("z9hG4bKpbx"), std::string::npos);
  EXPECT_EQ(text.find("InternalPBX"), std::string::npos);
  EXPECT_EQ(text.find("X-Internal"), std::string::npos);
  EXPECT_EQ(text.find("Record-Route"), std::string::npos);
  EXPECT_NE(invite.call_id, "pbx-call-1@10.0.0.5");
  ASSERT_EQ(invite.vias.size(), 1u);
  EXPECT_EQ(invite.vias[0].host, our_trunk_ip);
  EXPECT_NE(invite.from.tag(), "pbxtag");
  ASSERT_EQ(invite.contacts.size(), 1u);
  EXPECT_EQ(invite.contacts[0].address.host, our_trunk_ip);
  EXPECT_EQ(invite.max_forwards, 69u);
  EXPECT_EQ(invite.header_value("Subject"), "hello") << "allow-listed";
  EXPECT_EQ(invite.cseq.number, 1u);
  const auto offer = sdp_of(invite);
  EXPECT_EQ(offer.connection->address, media_ip);
  EXPECT_EQ(offer.media[0].formats, (std::vector<std::string>{"0", "8", "101"})) << "exactly A's codecs";
  EXPECT_EQ(offer.media[0].port, 30006) << "our B-side port";

  carrier_says(200, carrier_answer());
  const auto to_pbx = raw_to(pbx_ip);
  EXPECT_EQ(to_pbx.find("198.51.100"), std::string::npos) << "nothing of the carrier reaches the PBX:\n" << to_pbx;
  EXPECT_EQ(to_pbx.find(invite.call_id), std::string::npos);
}

TEST_F(call_flow, early_media_183) {
  deliver(pbx_invite(), pbx());
  carrier_says(183, carrier_answer());
  EXPECT_EQ(state(), call_state::early);
  const auto progress = last_response(pbx_ip, 183);
  const auto early = sdp_of(progress);
  EXPECT_EQ(early.media[0].formats, (std::vector<std::string>{"8", "101"}));
  ASSERT_NE(media_.last(media_leg::a), nullptr) << "relay set up for early media";
  ASSERT_NE(media_.last(media_leg::b), nullptr);
  // The 200 without SDP: the early answer stands (§13.2.1).
  carrier_says(200);
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.body, progress.body);
  EXPECT_EQ(state(), call_state::connecting);
}

TEST_F(call_flow, busy_is_relayed_with_reason) {
  deliver(pbx_invite(), pbx());
  carrier_says(180);
  auto busy = carrier_response(486);
  busy.add_header("Retry-After", "30");
  busy.add_header("Warning", "399 198.51.100.20 \"secret\"");
  deliver(busy, carrier());
  const auto r = last_response(pbx_ip, 486);
  EXPECT_EQ(r.header_value("Reason"), "SIP;cause=486;text=\"Busy Here\"");
  EXPECT_EQ(r.header_value("Retry-After"), "30");
  EXPECT_FALSE(r.has_header("Warning"));
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 1u) << "the layer ACKs a non-2xx (§17.1.1.3)";
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].sip_code, 486);
  EXPECT_EQ(records_[0].hangup_by, hangup_party::callee);
  EXPECT_EQ(records_[0].final_state, "RINGING");
  EXPECT_FALSE(records_[0].answer.has_value());
  EXPECT_EQ(call_result(records_[0]), "busy");
  EXPECT_EQ(calls_.size(), 0u);
}

TEST_F(call_flow, far_side_problems_are_mapped) {
  const std::pair<int, int> cases[] = {{503, 480}, {401, 403}, {407, 403}, {302, 480}, {420, 500}, {404, 404}};
  for (const auto& [far, mapped] : cases) {
    sender_.sent.clear();
    deliver(pbx_invite(), pbx());
    carrier_says(far, {}, "t" + std::to_string(far));
    const auto r = last_response(pbx_ip);
    EXPECT_EQ(r.status, mapped) << far;
    EXPECT_NE(r.header_value("Reason").value_or("").find("cause=" + std::to_string(far)), std::string::npos) << far;
    settle();
  }
  EXPECT_EQ(records_.size(), std::size(cases));
}

TEST_F(call_flow, cancel_before_answer) {
  deliver(pbx_invite(), pbx());
  carrier_says(180);
  deliver(pbx_cancel(), pbx());
  EXPECT_EQ(statuses_to(pbx_ip, "CANCEL"), std::vector<int>{200});
  EXPECT_EQ(last_response(pbx_ip, 487).cseq.method_name, "INVITE");
  ASSERT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  EXPECT_EQ(state(), call_state::ending);
  // The carrier's 200 to the CANCEL and 487 to the INVITE.
  deliver(sip::serialize(sip::make_response(last_request(carrier_ip, "CANCEL"), 200)), carrier());
  EXPECT_EQ(calls_.size(), 1u) << "waits for the INVITE's final response";
  carrier_says(487);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "CANCEL");
  EXPECT_EQ(records_[0].hangup_by, hangup_party::caller);
  EXPECT_EQ(records_[0].sip_code, 487);
  EXPECT_EQ(call_result(records_[0]), "cancelled");
}

TEST_F(call_flow, the_callers_reason_goes_on_with_our_cancel) {
  deliver(pbx_invite(), pbx());
  carrier_says(180);
  deliver(pbx_cancel("Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n"), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  EXPECT_EQ(last_request(carrier_ip, "CANCEL").header_value("Reason").value_or(""),
            "SIP;cause=200;text=\"Call completed elsewhere\"");
}

TEST_F(call_flow, a_cancel_without_reason_carries_none) {
  deliver(pbx_invite(), pbx());
  carrier_says(180);
  deliver(pbx_cancel(), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  EXPECT_FALSE(last_request(carrier_ip, "CANCEL").header_value("Reason"));
}

TEST_F(call_flow, answer_crossing_cancel_is_acked_and_ended) {
  deliver(pbx_invite(), pbx());
  carrier_says(180);
  deliver(pbx_cancel(), pbx());
  carrier_says(200, carrier_answer());
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 1u);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u) << "§15: the answered far side is hung up";
  settle();
  EXPECT_EQ(records_.size(), 1u);
  EXPECT_EQ(calls_.size(), 0u);
}

TEST_F(call_flow, no_route_is_404) {
  deliver(pbx_invite("1234"), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 404);
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 0u);
  EXPECT_TRUE(media_.created.empty()) << "no media for a call that goes nowhere";
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "no route");
  EXPECT_EQ(call_result(records_[0]), "no_route");
}

TEST_F(call_flow, unknown_source_is_403) {
  deliver(pbx_invite(), peer_at("10.9.9.9", 5070, 0));
  EXPECT_EQ(last_response(pbx_ip).status, 403) << "answered to the Via (no received= in these tests)";
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 0u);
}

TEST_F(call_flow, no_common_codec_in_answer_is_488_and_bye) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer("sendrecv", 1, "18"));
  EXPECT_EQ(last_response(pbx_ip).status, 488);
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 1u);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].sip_code, 488);
}

TEST_F(call_flow, unusable_early_answer_is_488_and_cancel) {
  deliver(pbx_invite(), pbx());
  carrier_says(183, carrier_answer("sendrecv", 1, "18"));
  EXPECT_EQ(last_response(pbx_ip).status, 488);
  EXPECT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  carrier_says(487);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "no common codec");
}

TEST_F(call_flow, offers_we_cannot_relay) {
  auto srtp = pbx_offer;
  srtp.replace(srtp.find("RTP/AVP"), 7, "RTP/SAVP");
  deliver(pbx_invite("+442079460958", srtp), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 488);
  sender_.sent.clear();
  settle();
  deliver(pbx_invite("+442079460958", "v=0\r\nthis is not sdp\r\n"), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 400);
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 0u);
}

TEST_F(call_flow, far_side_timeout_is_408) {
  deliver(pbx_invite(), pbx());
  timers_.advance(33s);  // Timer B = 64*T1
  EXPECT_EQ(last_response(pbx_ip).status, 408);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "timeout");
}

TEST_F(call_flow, media_ports_exhausted_is_503) {
  media_.refuse = true;
  deliver(pbx_invite(), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 503);
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 0u);
}

TEST_F(call_flow, second_fork_2xx_is_acked_then_ended) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer(), "fork1");
  carrier_says(200, carrier_answer(), "fork2");
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 2u);
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(last_request(carrier_ip, "BYE").to.tag(), "fork2");
  EXPECT_EQ(state(), call_state::connecting);
}

TEST_F(call_flow, late_offer) {
  deliver(pbx_invite("+442079460958", ""), pbx());
  const auto offer = sdp_of(last_request(carrier_ip, "INVITE"));
  EXPECT_EQ(offer.media[0].formats, (std::vector<std::string>{"0", "8", "101"})) << "our own list";
  carrier_says(200, carrier_answer());
  EXPECT_EQ(state(), call_state::answering);
  const auto ours = sdp_of(last_response(pbx_ip, 200));
  EXPECT_EQ(ours.media[0].formats, (std::vector<std::string>{"8", "101"})) << "an offer of B's codec";
  // The ACK answers.
  std::string answer = pbx_offer;
  answer.replace(answer.find("0 8 101"), 7, "8 101");
  deliver(pbx_in_dialog("ACK", 10, answer), pbx());
  EXPECT_EQ(state(), call_state::established);
  ASSERT_NE(media_.last(media_leg::a), nullptr);
  EXPECT_EQ(media_.last(media_leg::a)->remote_rtp->port(), 40000);
}

TEST_F(call_flow, late_offer_ack_without_answer_ends_call) {
  deliver(pbx_invite("+442079460958", ""), pbx());
  carrier_says(200, carrier_answer());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 1u);
}

TEST_F(call_flow, looped_invite_is_482) {
  deliver(pbx_invite(), pbx());
  deliver(pbx_invite(), pbx());  // same Call-ID and From tag, new branch
  EXPECT_EQ(last_response(pbx_ip).status, 482);
  EXPECT_EQ(calls_.size(), 1u);
}

TEST_F(call_flow, unanswered_2xx_ends_the_call) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  timers_.advance(40s);  // 64*T1 of retransmissions, no ACK (§13.3.1.4)
  EXPECT_GE(statuses_to(pbx_ip).size(), 5u) << "2xx retransmitted";
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 1u);
}

TEST_F(call_flow, session_interval_too_small_is_retried) {
  deliver(pbx_invite(), pbx());
  auto too_small = carrier_response(422);
  too_small.add_header("Min-SE", "3600");
  deliver(too_small, carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u) << "RFC 4028 §7.3: tried again";
  const auto retry = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(retry.cseq.number, 2u);
  EXPECT_EQ(retry.header_value("Session-Expires"), "3600");
  EXPECT_EQ(retry.header_value("Min-SE"), "3600");
  EXPECT_FALSE(retry.body.empty());
  EXPECT_EQ(statuses_to(pbx_ip), std::vector<int>{100}) << "the caller saw nothing of it";
  carrier_says(200, carrier_answer());
  EXPECT_EQ(state(), call_state::connecting);
}

TEST_F(call_flow, metrics_families) {
  establish();
  metric_families out;
  collect_call_metrics(calls_, out);
  const auto family = [&](const std::string& name) -> const prometheus::MetricFamily* {
    for (const auto& f : out) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };
  const auto* active = family("voxedge_calls_active");
  ASSERT_NE(active, nullptr);
  double outbound = 0;
  for (const auto& m : active->metric) {
    if (m.label.front().value == "outbound") outbound = m.gauge.value;
  }
  EXPECT_EQ(outbound, 1);
  ASSERT_NE(family("voxedge_call_setup_seconds"), nullptr);
  EXPECT_EQ(family("voxedge_call_setup_seconds")->metric.front().histogram.sample_count, 1u);
  ASSERT_NE(family("voxedge_calls_by_state"), nullptr);
  const auto text = [&] {
    metrics_exporter e;
    e.add_collector([&](metric_families& f) { collect_call_metrics(calls_, f); });
    return e.render();
  }();
  EXPECT_NE(text.find("voxedge_calls_by_state{state=\"ESTABLISHED\"} 1"), std::string::npos) << text;
}

TEST_F(call_flow, inbound_call_from_trunk_to_pbx) {
  // The PBX's INVITE re-addressed as the carrier's (headers only: the SDP stays).
  const auto text = pbx_invite("02079460958");
  const auto split = text.find("\r\n\r\n");
  auto invite = text.substr(0, split);
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"10.0.0.5:5070", "198.51.100.20:5060"}, {"10.0.0.5", "198.51.100.20"}}) {
    for (auto at = invite.find(from); at != std::string::npos; at = invite.find(from, at + to.size())) {
      invite.replace(at, from.size(), to);
    }
  }
  invite += text.substr(split);
  deliver(invite, carrier());
  const auto out = last_request(pbx_ip, "INVITE");
  EXPECT_EQ(out.request_uri.to_string(), "sip:+442079460958@10.0.0.5:5070");
  EXPECT_EQ(out.vias.front().host, our_inside_ip);
  EXPECT_EQ(out.from.address.user, "1001");
  EXPECT_FALSE(out.has_header("P-Asserted-Identity"));
  const auto* c = only_call();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind(), call_kind::inbound);
  EXPECT_EQ(c->peer_label(), "trunk:carrier");
}

}  // namespace
}  // namespace voxedge::daemon::testing
