// A trunk that challenges the requests we send inside a call's dialog (RFC 3261 §22.2):
// our session refreshes (UPDATE, re-INVITE), the re-INVITEs and INFOs we relay onto it,
// on the B leg of an outbound call and the A leg of an inbound one. Each challenge is
// answered once (twice for stale=true) with the trunk's credentials, in a new request
// with the dialog's next CSeq; the ACK for a 2xx carries the acknowledged INVITE's
// credentials (§13.2.2.4).
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>

#include "daemon/trunk/trunk_runtime.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "sip/auth/digest_verifier.hpp"
#include "sip/message/auth_header.hpp"
#include "tests/unit/daemon/call/call_test_fixture.hpp"

namespace voxedge::daemon::testing {
namespace {

using namespace std::chrono_literals;

std::filesystem::path password_file() {
  return std::filesystem::temp_directory_path() /
         ("voxedge-dialog-auth-test-" + std::to_string(::getpid()) + ".password");
}

config::config auth_config() {
  auto c = test_config();
  auto& t = c.trunks.front();  // sip:198.51.100.20:5060: located without DNS
  t.credentials = config::trunk_credentials{"trunk-1234", password_file().string()};
  t.options_interval_s = 0;
  std::ofstream(password_file()) << "s3cret\n";
  return c;
}

std::string pbx_offer_with(std::string_view direction, int version) {
  std::string o = pbx_offer;
  o.replace(o.find("a=sendrecv"), 10, "a=" + std::string(direction));
  o.replace(o.find("1000 1 IN"), 9, "1000 " + std::to_string(version) + " IN");
  return o;
}

std::string direction_of(const sip::message& m) {
  auto sd = media::parse_sdp(m.body);
  EXPECT_TRUE(sd.ok()) << m.body;
  return sd ? std::string(media::to_string(sd->direction_of(0))) : std::string();
}

class trunk_dialog_auth : public call_test {
 protected:
  trunk_dialog_auth()
      : call_test(auth_config()), trunks_(trunk_environment{timers_, layer_, addressing_, nullptr, "voxedge-test"}) {
    EXPECT_TRUE(trunks_.apply(cfg_).ok());
    calls_.set_trunks(&trunks_);
    settle();
  }
  ~trunk_dialog_auth() override {
    trunks_.stop();
    std::error_code ignored;
    std::filesystem::remove(password_file(), ignored);
  }

  trunk_runtime& trunk() { return *trunks_.find("carrier"); }

  /// `status` (401/407) to `request`, with a digest challenge of realm "carrier".
  static sip::message challenge(const sip::message& request, int status, const std::string& nonce, bool stale = false) {
    auto r = sip::make_response(request, status);
    r.add_header(status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate",
                 "Digest realm=\"carrier\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=MD5" +
                     (stale ? ", stale=true" : ""));
    return r;
  }

  /// The credentials `m` carries in `header`, checked against the trunk's password for
  /// its method, Request-URI and `nonce`; their value ("" when absent or wrong).
  static std::string verified(const sip::message& m, std::string_view header, const std::string& nonce) {
    const auto value = m.header_value(header);
    if (!value) {
      ADD_FAILURE() << m.method_name << " carries no " << header;
      return {};
    }
    auto parsed = sip::parse_auth_header(*value);
    if (!parsed) {
      ADD_FAILURE() << "unparsable " << header << ": " << *value;
      return {};
    }
    EXPECT_TRUE(sip::digest_verifier("carrier").verify(*parsed, m.method_name, "s3cret").ok()) << *value;
    EXPECT_EQ(parsed->params.get("username"), "trunk-1234");
    EXPECT_EQ(parsed->params.get("nonce"), nonce);
    EXPECT_EQ(parsed->params.get("uri"), m.request_uri.to_string());
    return std::string(*value);
  }

  /// The PBX calls out; the carrier answers with a session timer we refresh, and (with
  /// `update`) allows UPDATE.
  void establish_with_refresher(bool update) {
    deliver(pbx_invite(), pbx());
    auto ok = carrier_response(200, carrier_answer());
    if (!update) ok.set_header("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS");
    ok.add_header("Session-Expires", "600;refresher=uac");
    ok.add_header("Require", "timer");
    deliver(ok, carrier());
    deliver(pbx_in_dialog("ACK", 10), pbx());
  }

  /// The carrier's 200 to our re-INVITE `request`, answering with `direction`.
  static sip::message carrier_ok(const sip::message& request, const std::string& direction, int version) {
    auto ok = sip::make_response(request, 200);
    sip::name_addr contact;
    contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
    ok.contacts.push_back(contact);
    ok.body = carrier_answer(direction, version);
    ok.set_header("Content-Type", "application/sdp");
    return ok;
  }

  /// Final responses of `method` sent to the PBX for its request with CSeq `cseq`.
  std::vector<sip::message> finals_to_pbx(std::string_view method, std::uint32_t cseq) const {
    std::vector<sip::message> out;
    for (auto& m : sent_to(pbx_ip)) {
      if (!m.is_request && m.status >= 200 && m.cseq.method_name == method && m.cseq.number == cseq) {
        out.push_back(std::move(m));
      }
    }
    return out;
  }

  trunk_directory trunks_;
};

// --- our session refreshes ---------------------------------------------------------------------

TEST_F(trunk_dialog_auth, a_challenged_refresh_update_is_sent_again_with_credentials) {
  establish_with_refresher(true);
  timers_.advance(301s);
  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 1u);
  const auto update = last_request(carrier_ip, "UPDATE");
  EXPECT_FALSE(update.has_header("Proxy-Authorization"));
  deliver(challenge(update, 407, "u1"), carrier());

  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 2u) << "§22.2: answered at once";
  const auto retry = last_request(carrier_ip, "UPDATE");
  EXPECT_EQ(retry.cseq.number, update.cseq.number + 1) << "a new request in the dialog";
  EXPECT_NE(retry.vias.front().branch(), update.vias.front().branch());
  EXPECT_EQ(retry.call_id, update.call_id);
  EXPECT_EQ(retry.to.tag(), update.to.tag());
  EXPECT_EQ(retry.header_value("Session-Expires"), update.header_value("Session-Expires"));
  EXPECT_TRUE(retry.body.empty()) << "still a refresh without an offer";
  EXPECT_FALSE(retry.has_header("Authorization"));
  verified(retry, "Proxy-Authorization", "u1");
  EXPECT_THAT(raw_to(carrier_ip), ::testing::Not(::testing::HasSubstr("s3cret")));
  EXPECT_EQ(trunk().counters().auth_challenges, 1u);

  auto ok = sip::make_response(retry, 200);
  ok.add_header("Session-Expires", "600;refresher=uac");
  deliver(ok, carrier());
  // Past the first expiry: the answered retry restarted the timer.
  timers_.advance(280s);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 0u);
  EXPECT_EQ(state(), call_state::established);
  EXPECT_EQ(trunk().counters().auth_failures, 0u);

  // The next refresh numbers on from the retry.
  timers_.advance(30s);
  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 3u);
  EXPECT_EQ(last_request(carrier_ip, "UPDATE").cseq.number, retry.cseq.number + 1);
}

TEST_F(trunk_dialog_auth, a_second_challenge_to_a_refresh_is_not_answered) {
  establish_with_refresher(true);
  timers_.advance(301s);
  deliver(challenge(last_request(carrier_ip, "UPDATE"), 407, "u1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 2u);
  deliver(challenge(last_request(carrier_ip, "UPDATE"), 407, "u2"), carrier());
  EXPECT_EQ(count_requests(carrier_ip, "UPDATE"), 2u) << "refused credentials are not sent again";
  EXPECT_EQ(trunk().counters().auth_failures, 1u);
  EXPECT_EQ(state(), call_state::established);

  // As for any failed refresh: the session expires and the call ends (RFC 4028 §10).
  timers_.advance(300s);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(count_requests(carrier_ip, "UPDATE"), 2u);
  settle();
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].end_reason, "session timer expired");
}

TEST_F(trunk_dialog_auth, a_stale_second_challenge_to_a_refresh_is_answered_once_more) {
  establish_with_refresher(true);
  timers_.advance(301s);
  deliver(challenge(last_request(carrier_ip, "UPDATE"), 401, "u1"), carrier());
  deliver(challenge(last_request(carrier_ip, "UPDATE"), 401, "u2", true), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "UPDATE"), 3u) << "RFC 7616 §3.3: only the nonce was stale";
  const auto third = last_request(carrier_ip, "UPDATE");
  verified(third, "Authorization", "u2");
  deliver(challenge(third, 401, "u3", true), carrier());
  EXPECT_EQ(count_requests(carrier_ip, "UPDATE"), 3u) << "but not forever";
  EXPECT_EQ(trunk().counters().auth_failures, 1u);
}

TEST_F(trunk_dialog_auth, a_challenged_refresh_reinvite_is_sent_again_and_its_ack_carries_the_credentials) {
  establish_with_refresher(false);
  timers_.advance(301s);
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u) << "no UPDATE: a re-INVITE with our SDP";
  const auto refresh = last_request(carrier_ip, "INVITE");
  ASSERT_EQ(refresh.cseq.number, 2u);
  deliver(challenge(refresh, 407, "r1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
  const auto retry = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(retry.cseq.number, 3u);
  EXPECT_EQ(retry.body, refresh.body) << "the same unchanged offer";
  const auto creds = verified(retry, "Proxy-Authorization", "r1");

  // The retry is a re-INVITE in progress: one crossing it gets 491 (§14.2).
  deliver(carrier_in_dialog("INVITE", 1, carrier_answer("sendonly", 2)), carrier());
  EXPECT_EQ(last_response(carrier_ip).status, 491);

  auto ok = sip::make_response(retry, 200);
  sip::name_addr contact;
  contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
  ok.contacts.push_back(contact);
  ok.add_header("Session-Expires", "600;refresher=uac");
  ok.body = carrier_answer();
  ok.set_header("Content-Type", "application/sdp");
  deliver(ok, carrier());
  const auto ack = last_request(carrier_ip, "ACK");
  EXPECT_EQ(ack.cseq.number, 3u);
  EXPECT_EQ(ack.header_value("Proxy-Authorization"), creds) << "§13.2.2.4: the acknowledged INVITE's";

  // Done: the guard lets the PBX's hold through to the carrier again.
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 4u);
  EXPECT_EQ(last_request(carrier_ip, "INVITE").cseq.number, 4u);
  EXPECT_FALSE(last_request(carrier_ip, "INVITE").has_header("Proxy-Authorization"));
}

// --- what we relay -------------------------------------------------------------------------------

TEST_F(trunk_dialog_auth, a_relayed_hold_challenged_by_the_trunk_is_sent_again_and_reaches_the_pbx) {
  // The initial INVITE is challenged too: its credentials must not stand in for the
  // re-INVITE's on the ACK.
  deliver(pbx_invite(), pbx());
  deliver(challenge(last_request(carrier_ip, "INVITE"), 401, "i1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u);
  const auto initial_creds = verified(last_request(carrier_ip, "INVITE"), "Authorization", "i1");
  carrier_says(200, carrier_answer());
  EXPECT_EQ(last_request(carrier_ip, "ACK").header_value("Authorization"), initial_creds);
  deliver(pbx_in_dialog("ACK", 10), pbx());

  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
  const auto hold = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(hold.cseq.number, 3u);
  EXPECT_FALSE(hold.has_header("Authorization"));
  deliver(challenge(hold, 401, "h1"), carrier());

  EXPECT_TRUE(finals_to_pbx("INVITE", 11).empty()) << "the PBX does not see the challenge";
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 4u);
  const auto retry = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(retry.cseq.number, 4u);
  EXPECT_EQ(retry.body, hold.body) << "the same offer";
  EXPECT_EQ(direction_of(retry), "sendonly");
  const auto creds = verified(retry, "Authorization", "h1");
  EXPECT_NE(creds, initial_creds);
  EXPECT_EQ(trunk().counters().auth_challenges, 2u);

  deliver(carrier_ok(retry, "recvonly", 2), carrier());
  const auto ack = last_request(carrier_ip, "ACK");
  EXPECT_EQ(ack.cseq.number, 4u);
  EXPECT_EQ(ack.header_value("Authorization"), creds) << "§13.2.2.4: the re-INVITE's credentials";

  const auto finals = finals_to_pbx("INVITE", 11);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, 200);
  EXPECT_EQ(direction_of(finals[0]), "recvonly");
  deliver(pbx_in_dialog("ACK", 11), pbx());
  EXPECT_EQ(state(), call_state::established);
}

TEST_F(trunk_dialog_auth, the_ack_of_an_unchallenged_reinvite_carries_no_credentials) {
  deliver(pbx_invite(), pbx());
  deliver(challenge(last_request(carrier_ip, "INVITE"), 401, "i1"), carrier());
  carrier_says(200, carrier_answer());
  ASSERT_TRUE(last_request(carrier_ip, "ACK").has_header("Authorization")) << "the initial INVITE's ACK does";
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  deliver(carrier_ok(last_request(carrier_ip, "INVITE"), "recvonly", 2), carrier());
  const auto ack = last_request(carrier_ip, "ACK");
  EXPECT_EQ(ack.cseq.number, 3u);
  EXPECT_FALSE(ack.has_header("Authorization")) << "§13.2.2.4: the acknowledged INVITE carried none";
}

TEST_F(trunk_dialog_auth, a_relayed_reinvite_refused_twice_fails_back_to_the_pbx_as_before) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  deliver(challenge(last_request(carrier_ip, "INVITE"), 407, "h1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
  deliver(challenge(last_request(carrier_ip, "INVITE"), 407, "h2"), carrier());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
  const auto finals = finals_to_pbx("INVITE", 11);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, 403) << "failure_mapping: the PBX holds no credentials for the trunk";
  EXPECT_FALSE(finals[0].has_header("Proxy-Authenticate"));
  EXPECT_EQ(trunk().counters().auth_failures, 1u);
  EXPECT_EQ(state(), call_state::established) << "the call goes on, unchanged";

  // The guard is free again: the PBX may try once more.
  deliver(pbx_in_dialog("INVITE", 12, pbx_offer_with("sendonly", 3)), pbx());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 4u);
}

TEST_F(trunk_dialog_auth, a_relayed_reinvite_cancelled_after_the_challenge_cancels_the_retry) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("INVITE", 11, pbx_offer_with("sendonly", 2)), pbx());
  deliver(challenge(last_request(carrier_ip, "INVITE"), 407, "h1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
  const auto retry = last_request(carrier_ip, "INVITE");
  deliver(sip::make_response(retry, 100), carrier());  // a CANCEL waits for a provisional (§9.1)

  // The PBX gives up on its re-INVITE: a CANCEL with the re-INVITE's branch (§9.1).
  auto cancel = pbx_in_dialog("CANCEL", 11);
  const auto own_branch = "z9hG4bKpbx" + std::to_string(branch_);
  cancel.replace(cancel.find(own_branch), own_branch.size(), "z9hG4bKpbx" + std::to_string(branch_ - 1));
  deliver(cancel, pbx());
  ASSERT_EQ(count_requests(carrier_ip, "CANCEL"), 1u);
  EXPECT_EQ(last_request(carrier_ip, "CANCEL").vias.front().branch(), retry.vias.front().branch())
      << "the CANCEL goes to the request in progress";
  const auto finals = finals_to_pbx("INVITE", 11);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, 487);
}

TEST_F(trunk_dialog_auth, a_challenged_relayed_info_is_sent_again_with_credentials) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("INFO", 11), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INFO"), 1u);
  const auto info = last_request(carrier_ip, "INFO");
  deliver(challenge(info, 401, "d1"), carrier());
  EXPECT_TRUE(finals_to_pbx("INFO", 11).empty());
  ASSERT_EQ(count_requests(carrier_ip, "INFO"), 2u);
  const auto retry = last_request(carrier_ip, "INFO");
  EXPECT_EQ(retry.cseq.number, info.cseq.number + 1);
  verified(retry, "Authorization", "d1");

  deliver(sip::make_response(retry, 200), carrier());
  const auto finals = finals_to_pbx("INFO", 11);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].status, 200);

  // A second INFO refused twice fails as before (mapped: 403).
  deliver(pbx_in_dialog("INFO", 12), pbx());
  deliver(challenge(last_request(carrier_ip, "INFO"), 401, "d2"), carrier());
  deliver(challenge(last_request(carrier_ip, "INFO"), 401, "d3"), carrier());
  EXPECT_EQ(count_requests(carrier_ip, "INFO"), 4u);
  const auto refused = finals_to_pbx("INFO", 12);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].status, 403);
}

// --- an inbound call: the trunk's leg is A -------------------------------------------------------

TEST_F(trunk_dialog_auth, the_trunk_leg_of_an_inbound_call_answers_challenges_to_our_refresh) {
  const std::string body =
      "v=0\r\no=carrier 3000 1 IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\nt=0 0\r\n"
      "m=audio 50000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\na=sendrecv\r\n";
  deliver("INVITE sip:02079460958@" + our_trunk_ip + " SIP/2.0\r\n" +
              "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKcarin1;rport\r\n"
              "Max-Forwards: 70\r\n"
              "From: <sip:+441632960001@198.51.100.20>;tag=carin\r\n"
              "To: <sip:02079460958@" +
              our_trunk_ip +
              ">\r\n"
              "Call-ID: carrier-in-1@198.51.100.20\r\n"
              "CSeq: 1 INVITE\r\n"
              "Contact: <sip:gw@198.51.100.20:5060>\r\n"
              "Supported: timer\r\n"
              "Session-Expires: 1800;refresher=uas\r\n"
              "Content-Type: application/sdp\r\n"
              "Content-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body,
          carrier());
  const auto to_pbx = last_request(pbx_ip, "INVITE");
  auto answered = sip::make_response(to_pbx, 200, {}, "pbxtag2");
  sip::name_addr contact;
  contact.address = sip::parse_uri("sip:1001@" + pbx_ip + ":5070").value();
  answered.contacts.push_back(contact);
  answered.body =
      "v=0\r\no=pbx 1000 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\na=sendrecv\r\n";
  answered.set_header("Content-Type", "application/sdp");
  deliver(answered, pbx());
  const auto ok = last_response(carrier_ip, 200);
  ASSERT_EQ(ok.header_value("Session-Expires"), "1800;refresher=uas") << "we refresh the carrier";
  deliver("ACK " + ok.contacts.front().address.to_string() + " SIP/2.0\r\n" +
              "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKcarack1;rport\r\n"
              "Max-Forwards: 70\r\n"
              "From: <sip:+441632960001@198.51.100.20>;tag=carin\r\n"
              "To: " +
              ok.to.to_string() +
              "\r\n"
              "Call-ID: carrier-in-1@198.51.100.20\r\n"
              "CSeq: 1 ACK\r\n"
              "Content-Length: 0\r\n\r\n",
          carrier());
  ASSERT_EQ(state(), call_state::established);

  timers_.advance(901s);
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 1u) << "our refresh of the A leg";
  const auto refresh = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(refresh.call_id, "carrier-in-1@198.51.100.20");
  deliver(challenge(refresh, 407, "a1"), carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u);
  const auto retry = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(retry.cseq.number, refresh.cseq.number + 1);
  verified(retry, "Proxy-Authorization", "a1");
}

}  // namespace
}  // namespace voxedge::daemon::testing
