// An established call: hold and resume, glare, refreshes, INFO, timers, media events.
#include "call_test_fixture.hpp"
#include "media/sdp/sdp_parser.hpp"

namespace voxedge::daemon::testing {
namespace {

using namespace std::chrono_literals;

media::session_description sdp_of(const sip::message& m) {
  auto r = media::parse_sdp(m.body);
  EXPECT_TRUE(r.ok()) << m.body;
  return r ? std::move(r).value() : media::session_description{};
}

std::string pbx_offer_with(std::string_view direction, int version) {
  std::string o = pbx_offer;
  o.replace(o.find("a=sendrecv"), 10, "a=" + std::string(direction));
  o.replace(o.find("1000 1 IN"), 9, "1000 " + std::to_string(version) + " IN");
  return o;
}

class call_midcall : public call_test {
 protected:
  /// 200 to every UPDATE we sent the carrier that has no answer yet.
  void answer_carrier_updates() {
    for (const auto& m : sent_to(carrier_ip)) {
      if (!m.is_request || m.method_name != "UPDATE" ||
          !answered_.insert(std::string(m.vias.front().branch())).second) {
        continue;
      }
      deliver(sip::make_response(m, 200), carrier());
    }
  }
  std::set<std::string> answered_;

  /// The carrier answers the re-INVITE we relayed to it.
  void carrier_answers_reinvite(int status, const std::string& body = {}) {
    const auto reinvite = last_request(carrier_ip, "INVITE");
    auto r = sip::make_response(reinvite, status);
    if (status < 300) {
      sip::name_addr contact;
      contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
      r.contacts.push_back(contact);
    }
    if (!body.empty()) {
      r.body = body;
      r.set_header("Content-Type", "application/sdp");
    }
    deliver(r, carrier());
  }
};

TEST_F(call_midcall, hold_and_resume_pass_through) {
  establish();
  const auto updates_before = media_.updates.size();
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u);
  const auto reinvite = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(reinvite.cseq.number, 2u) << "the B dialog's own CSeq";
  EXPECT_EQ(reinvite.request_uri.to_string(), "sip:gw@198.51.100.20:5060") << "the carrier's Contact";
  const auto offer = sdp_of(reinvite);
  EXPECT_EQ(offer.direction_of(0), media::media_direction::sendonly) << "the far side sees sendonly";
  EXPECT_EQ(offer.connection->address, media_ip);
  EXPECT_EQ(offer.media[0].port, 30006) << "our B-side port stays";

  carrier_answers_reinvite(200, carrier_answer("recvonly", 2));
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 2u);
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.cseq.number, 11u);
  EXPECT_EQ(sdp_of(ok).direction_of(0), media::media_direction::recvonly) << "the PBX gets recvonly";
  ASSERT_GT(media_.updates.size(), updates_before);
  const auto* a = media_.last(media_leg::a);
  const auto* b = media_.last(media_leg::b);
  EXPECT_FALSE(a->send) << "nothing to the holding PBX";
  EXPECT_TRUE(a->receive) << "its music on hold flows";
  EXPECT_TRUE(b->send);
  EXPECT_FALSE(b->receive);
  deliver(pbx_in_dialog("ACK", 11), pbx());

  // On hold, silence is expected: no disruption.
  media_.events()->on_media_timeout(1, media_leg::b);
  EXPECT_EQ(state(), call_state::established);
  media_.events()->on_media_resumed(1, media_leg::b);
  EXPECT_EQ(state(), call_state::established);

  // Resume.
  deliver(pbx_in_dialog("INVITE", 12, pbx_offer_with("sendrecv", 3)), pbx());
  EXPECT_EQ(sdp_of(last_request(carrier_ip, "INVITE")).direction_of(0), media::media_direction::sendrecv);
  carrier_answers_reinvite(200, carrier_answer("sendrecv", 3));
  EXPECT_EQ(sdp_of(last_response(pbx_ip, 200)).direction_of(0), media::media_direction::sendrecv);
  EXPECT_TRUE(media_.last(media_leg::a)->send);
  EXPECT_TRUE(media_.last(media_leg::b)->receive);
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(call_midcall, update_with_offer_goes_on_as_reinvite) {
  establish();
  deliver(pbx_in_dialog("UPDATE", 11, pbx_offer_with("inactive", 2)), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u) << "every peer takes a re-INVITE";
  EXPECT_EQ(sdp_of(last_request(carrier_ip, "INVITE")).direction_of(0), media::media_direction::inactive);
  carrier_answers_reinvite(200, carrier_answer("inactive", 2));
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.cseq.method_name, "UPDATE");
  EXPECT_EQ(sdp_of(ok).direction_of(0), media::media_direction::inactive);
  EXPECT_FALSE(media_.last(media_leg::a)->send);
  EXPECT_FALSE(media_.last(media_leg::a)->receive);
}

TEST_F(call_midcall, cancelled_reinvite_is_cancelled_onwards) {
  establish();
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  const auto reinvite = last_request(carrier_ip, "INVITE");
  deliver(sip::serialize(sip::make_response(reinvite, 100)), carrier());
  auto cancel = pbx_in_dialog("CANCEL", 11);
  // A CANCEL carries the branch of the request it cancels (§9.1).
  const auto own_branch = "z9hG4bKpbx" + std::to_string(branch_);
  cancel.replace(cancel.find(own_branch), own_branch.size(), "z9hG4bKpbx" + std::to_string(branch_ - 1));
  deliver(cancel, pbx());
  EXPECT_EQ(last_response(pbx_ip, 487).cseq.number, 11u);
  EXPECT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  carrier_answers_reinvite(487);
  EXPECT_TRUE(media_.last(media_leg::a)->send) << "the session stays as it was";
  // The next modification goes through.
  deliver(pbx_in_dialog("INVITE", 12, pbx_offer_with("sendonly", 3)), pbx());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
}

TEST_F(call_midcall, coming_off_hold_with_silence_is_a_disruption) {
  establish();
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  carrier_answers_reinvite(200, carrier_answer("recvonly", 2));
  deliver(pbx_in_dialog("ACK", 11), pbx());
  media_.events()->on_media_timeout(1, media_leg::a);  // the PBX stopped its music on hold
  EXPECT_EQ(state(), call_state::established);
  deliver(pbx_in_dialog("INVITE", 12, pbx_offer_with("sendrecv", 3)), pbx());
  carrier_answers_reinvite(200, carrier_answer("sendrecv", 3));
  EXPECT_EQ(state(), call_state::media_disrupted);
  media_.events()->on_media_resumed(1, media_leg::a);
  EXPECT_EQ(state(), call_state::renewing_media);
}

TEST_F(call_midcall, failed_reinvite_is_relayed_and_session_unchanged) {
  establish();
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("inactive", 2)), pbx());
  carrier_answers_reinvite(488);
  const auto r = last_response(pbx_ip);
  EXPECT_EQ(r.status, 488);
  EXPECT_EQ(r.cseq.number, 11u);
  EXPECT_TRUE(media_.last(media_leg::a)->send) << "the old session stays";
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(call_midcall, glare_gets_491) {
  establish();
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  // The carrier re-INVITEs while ours is pending on its dialog (§14.2).
  deliver(carrier_in_dialog("INVITE", 1, carrier_answer("sendonly", 2)), carrier());
  EXPECT_EQ(last_response(carrier_ip).status, 491);
  // And the PBX again while its first is still being relayed.
  deliver(pbx_in_dialog("INVITE", 12, pbx_offer_with("sendrecv", 3)), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 500) << "§14.2: 500 with Retry-After";
  EXPECT_TRUE(last_response(pbx_ip).has_header("Retry-After"));
  // The far side's 491 to ours goes back to the PBX as 491, so it retries later.
  carrier_answers_reinvite(491);
  EXPECT_EQ(last_response(pbx_ip).status, 491);
}

TEST_F(call_midcall, reinvite_from_callee_reaches_caller) {
  establish();
  deliver(carrier_in_dialog("INVITE", 1, carrier_answer("sendonly", 2)), carrier());
  const auto reinvite = last_request(pbx_proxy_ip, "INVITE");
  EXPECT_EQ(reinvite.call_id, "pbx-call-1@10.0.0.5");
  EXPECT_EQ(reinvite.request_uri.to_string(), "sip:1001@10.0.0.5:5070");
  ASSERT_EQ(reinvite.routes.size(), 1u);
  const auto offer = sdp_of(reinvite);
  EXPECT_EQ(offer.direction_of(0), media::media_direction::sendonly);
  EXPECT_EQ(offer.media[0].formats, (std::vector<std::string>{"8", "101"})) << "A's numbers kept (RFC 3264 §8.3.2)";
  auto ok = sip::make_response(reinvite, 200);
  ok.contacts = reinvite.contacts;
  ok.contacts.front().address = sip::parse_uri("sip:1001@10.0.0.5:5070").value();
  ok.body = pbx_offer_with("recvonly", 2);
  ok.body.replace(ok.body.find("0 8 101"), 7, "8 101");
  ok.set_header("Content-Type", "application/sdp");
  deliver(ok, pbx());
  EXPECT_EQ(count_requests(pbx_proxy_ip, "ACK"), 1u);
  const auto answered = last_response(carrier_ip, 200);
  EXPECT_EQ(sdp_of(answered).direction_of(0), media::media_direction::recvonly);
}

TEST_F(call_midcall, unchanged_offer_is_answered_locally) {
  establish();
  const auto first = last_response(pbx_ip, 200);
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer), pbx());  // same o= version: a refresh
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 1u) << "the carrier is not bothered";
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.cseq.number, 11u);
  EXPECT_EQ(sdp_of(ok).origin.session_version, sdp_of(first).origin.session_version) << "unchanged answer";
  deliver(pbx_in_dialog("UPDATE", 12), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 200);
  EXPECT_EQ(last_response(pbx_ip).cseq.method_name, "UPDATE");
}

TEST_F(call_midcall, reinvite_without_offer_gets_our_offer) {
  establish();
  deliver(pbx_in_dialog("INVITE", 11), pbx());
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.cseq.number, 11u);
  EXPECT_FALSE(ok.body.empty());
  std::string answer = pbx_offer_with("sendrecv", 2);
  answer.replace(answer.find("0 8 101"), 7, "8 101");
  answer.replace(answer.find("40000"), 5, "40002");
  deliver(pbx_in_dialog("ACK", 11, answer), pbx());
  EXPECT_EQ(media_.last(media_leg::a)->remote_rtp->port(), 40002) << "the answer in the ACK moved the media";
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(call_midcall, info_is_relayed) {
  establish();
  const std::string dtmf = "Signal=5\r\nDuration=160\r\n";
  auto info = pbx_in_dialog("INFO", 11);
  info.replace(info.find("Content-Length: 0"), 17,
               "Content-Type: application/dtmf-relay\r\nContent-Length: " + std::to_string(dtmf.size()));
  info += dtmf;
  deliver(info, pbx());
  const auto out = last_request(carrier_ip, "INFO");
  EXPECT_EQ(out.body, dtmf);
  EXPECT_EQ(out.header_value("Content-Type"), "application/dtmf-relay");
  deliver(sip::serialize(sip::make_response(out, 200)), carrier());
  EXPECT_EQ(last_response(pbx_ip).status, 200);
  EXPECT_EQ(last_response(pbx_ip).cseq.method_name, "INFO");
}

TEST_F(call_midcall, options_in_dialog_answered_locally) {
  establish();
  deliver(pbx_in_dialog("OPTIONS", 11), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 200);
  EXPECT_EQ(count_requests(carrier_ip, "OPTIONS"), 0u);
}

TEST_F(call_midcall, unknown_dialog_is_481) {
  establish();
  auto bye = pbx_in_dialog("BYE", 11);
  bye.replace(bye.find("pbx-call-1"), 10, "other-call");
  deliver(bye, pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 481);
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(call_midcall, media_timeout_states_and_hang_up) {
  establish();
  media_.events()->on_media_timeout(1, media_leg::a);
  EXPECT_EQ(state(), call_state::media_disrupted);
  media_.events()->on_media_resumed(1, media_leg::a);
  EXPECT_EQ(state(), call_state::renewing_media);
  timers_.advance(2s);
  EXPECT_EQ(state(), call_state::established);

  media_.events()->on_media_timeout(1, media_leg::b);
  EXPECT_EQ(state(), call_state::media_disrupted);
  timers_.advance(59s);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 0u);
  timers_.advance(1s);  // calls.media_hangup_s
  const auto bye_b = last_request(carrier_ip, "BYE");
  const auto bye_a = last_request(pbx_proxy_ip, "BYE");
  EXPECT_EQ(bye_b.header_value("Reason"), "Q.850;cause=102;text=\"Media timeout\"");
  EXPECT_EQ(bye_a.header_value("Reason"), "Q.850;cause=102;text=\"Media timeout\"");
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "media timeout");
  EXPECT_EQ(records_[0].hangup_by, hangup_party::system);
  EXPECT_EQ(records_[0].final_state, "MEDIA_DISRUPTED");
}

class call_limits : public call_test {
 protected:
  static config::config limited() {
    auto c = test_config();
    c.calls.max_duration_s = 60;
    c.calls.max_calls = 1;
    return c;
  }
  call_limits() : call_test(limited()) {}
};

TEST_F(call_limits, max_duration_hangs_up_both) {
  establish();
  timers_.advance(59s);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 0u);
  timers_.advance(1s);
  EXPECT_EQ(last_request(carrier_ip, "BYE").header_value("Reason"),
            "Q.850;cause=102;text=\"Maximum call duration reached\"");
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 1u);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "max duration");
  EXPECT_EQ(records_[0].hangup_by, hangup_party::system);
}

TEST_F(call_limits, over_max_calls_is_503) {
  deliver(pbx_invite(), pbx());
  auto second = pbx_invite();
  second.replace(second.find("pbx-call-1"), 10, "pbx-call-2");
  deliver(second, pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 503);
  EXPECT_EQ(calls_.stats().rejected_capacity, 1u);
  EXPECT_EQ(calls_.size(), 1u);
}

TEST_F(call_midcall, session_timer_from_the_caller) {
  deliver(pbx_invite("+442079460958", pbx_offer, "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n"), pbx());
  const auto invite = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(invite.header_value("Session-Expires"), "1800") << "our own, per leg";
  carrier_says(200, carrier_answer());
  const auto ok = last_response(pbx_ip, 200);
  EXPECT_EQ(ok.header_value("Session-Expires"), "1800;refresher=uac");
  EXPECT_NE(ok.header_value("Require").value_or("").find("timer"), std::string::npos);
  deliver(pbx_in_dialog("ACK", 10), pbx());
  // The PBX refreshes with UPDATE halfway: answered here, the timer restarts. We refresh
  // the carrier ourselves (it did not take part in RFC 4028, §7.2), and it answers.
  timers_.advance(900s);
  deliver(pbx_in_dialog("UPDATE", 11, {}, "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n"), pbx());
  EXPECT_EQ(last_response(pbx_ip).status, 200);
  answer_carrier_updates();
  timers_.advance(900s);
  answer_carrier_updates();
  EXPECT_EQ(count_requests(carrier_ip, "UPDATE"), 2u);
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 0u);
  // Then the PBX stops refreshing: §10, BYE before its session expires (900 + 1768 s).
  timers_.advance(900s);
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 1u);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "session timer expired");
}

TEST_F(call_midcall, we_refresh_the_callee_when_it_asks) {
  deliver(pbx_invite(), pbx());
  auto ok = carrier_response(200, carrier_answer());
  ok.add_header("Session-Expires", "600;refresher=uac");
  ok.add_header("Require", "timer");
  deliver(ok, carrier());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  timers_.advance(301s);  // half the interval (§10)
  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 1u) << "the carrier allows UPDATE";
  const auto update = last_request(carrier_ip, "UPDATE");
  EXPECT_EQ(update.header_value("Session-Expires"), "600;refresher=uac");
  EXPECT_TRUE(update.body.empty());
  auto refreshed = sip::make_response(update, 200);
  refreshed.add_header("Session-Expires", "600;refresher=uac");
  deliver(refreshed, carrier());
  // Past the first expiry (600 - 32 s, §10) but before the next refresh: restarted.
  timers_.advance(280s);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 0u);
  EXPECT_EQ(count_requests(carrier_ip, "UPDATE"), 1u);
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(call_midcall, shutdown_hangs_up_everything) {
  establish();
  calls_.hang_up_all("shutting down");
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(count_requests(pbx_proxy_ip, "BYE"), 1u);
  settle();
  EXPECT_EQ(calls_.size(), 0u);
}

}  // namespace
}  // namespace voxedge::daemon::testing
