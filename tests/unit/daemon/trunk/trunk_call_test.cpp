// Calls placed on a trunk through trunk_runtime: RFC 3263 failover between located
// targets (transport error, no answer, 503 with Retry-After), fail-fast 503 when every
// target is down, digest challenges answered once, OPTIONS health pings.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>

#include "daemon/trunk/trunk_runtime.hpp"
#include "sip/auth/digest_verifier.hpp"
#include "sip/message/auth_header.hpp"
#include "tests/unit/daemon/call/call_test_fixture.hpp"

namespace voxedge::daemon::testing {
namespace {

using namespace std::chrono_literals;

const std::string second_ip = "198.51.100.21";

/// Answers every locate() with a fixed list, at once (posted through the clock).
class fixed_locator final : public target_locator {
 public:
  explicit fixed_locator(timer_service& timers) : timers_(timers) {}
  void locate(const sip::uri&, sip::transport_kind, callback done) override {
    ++calls;
    auto r = result_;
    timers_.schedule(duration::zero(), [done = std::move(done), r = std::move(r), this]() mutable { done(r, ttl); });
  }
  void set(std::vector<std::string> ips) {
    std::vector<trunk_target> ts;
    for (const auto& ip : ips) {
      trunk_target t;
      t.key = {sip::transport_kind::udp, boost::asio::ip::make_address(ip), 5060};
      t.host = "sip.carrier.example";
      ts.push_back(t);
    }
    result_ = std::move(ts);
  }
  void set_failure(std::string why) { result_ = fail(std::move(why)); }

  int calls = 0;
  duration ttl = 300s;

 private:
  timer_service& timers_;
  located result_ = std::vector<trunk_target>{};
};

// One file per process: ctest runs each test in its own process, two at a time, and a
// shared file could be read while another test truncates it.
std::filesystem::path password_file() {
  return std::filesystem::temp_directory_path() / ("voxedge-trunk-call-test-" + std::to_string(::getpid()) + ".password");
}

std::string password_path() {
  const auto p = password_file();
  std::ofstream(p) << "s3cret\n";
  return p.string();
}

config::config trunk_config(std::uint32_t options_interval_s = 0) {
  auto c = test_config();
  auto& t = c.trunks.front();
  t.outbound.uri = "sip:sip.carrier.example";
  t.outbound.transport = config::sip_transport::udp;
  t.outbound.attempt_timeout_ms = 2000;
  t.credentials = config::trunk_credentials{"trunk-1234", password_path()};
  t.options_interval_s = options_interval_s;
  t.options_timeout_ms = 1000;
  t.down_after = 1;
  t.inbound.allow = {carrier_ip, second_ip};
  return c;
}

class trunk_call : public call_test {
 protected:
  explicit trunk_call(std::uint32_t options_interval_s = 0)
      : call_test(trunk_config(options_interval_s)),
        locator_(timers_),
        trunks_(trunk_environment{timers_, layer_, addressing_, &locator_, "voxedge-test"}) {
    locator_.set({carrier_ip, second_ip});
    EXPECT_TRUE(trunks_.apply(cfg_).ok());
    calls_.set_trunks(&trunks_);
    settle();  // the locator answers
  }
  ~trunk_call() override {
    trunks_.stop();
    std::error_code ignored;
    std::filesystem::remove(password_file(), ignored);
  }

  trunk_runtime& trunk() { return *trunks_.find("carrier"); }
  sip::peer second() { return peer_at(second_ip, 5060, 1); }

  sip::message response_from(const std::string& ip, int status, const std::string& tag = "t2") {
    const auto invite = last_request(ip, "INVITE");
    auto r = sip::make_response(invite, status, {}, status == 100 ? std::string_view{} : std::string_view{tag});
    if (status > 100 && status < 300) {
      sip::name_addr contact;
      contact.address = sip::parse_uri("sip:gw@" + ip + ":5060").value();
      r.contacts.push_back(contact);
    }
    if (status >= 200 && status < 300) {
      r.body = carrier_answer();
      r.set_header("Content-Type", "application/sdp");
    }
    return r;
  }

  fixed_locator locator_;
  trunk_directory trunks_;
};

TEST_F(trunk_call, the_request_uri_keeps_the_host_name_and_goes_to_the_first_target) {
  deliver(pbx_invite(), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 1u);
  EXPECT_EQ(count_requests(second_ip, "INVITE"), 0u);
  EXPECT_EQ(last_request(carrier_ip, "INVITE").request_uri.to_string(), "sip:+442079460958@sip.carrier.example");
}

TEST_F(trunk_call, transport_error_fails_over_to_the_next_target) {
  deliver(pbx_invite(), pbx());
  const auto first = last_request(carrier_ip, "INVITE");
  layer_.on_transport_error(carrier());
  settle();
  ASSERT_EQ(count_requests(second_ip, "INVITE"), 1u) << "the same call, to the next target";
  const auto retry = last_request(second_ip, "INVITE");
  EXPECT_EQ(retry.call_id, first.call_id);
  EXPECT_EQ(retry.from.tag(), first.from.tag());
  EXPECT_EQ(retry.cseq.number, first.cseq.number + 1);
  EXPECT_NE(retry.vias.front().branch(), first.vias.front().branch());
  EXPECT_EQ(trunk().counters().failovers, 1u);
  EXPECT_FALSE(trunk().targets().targets()[0].up) << "down_after is 1 here";

  deliver(response_from(second_ip, 180), second());
  deliver(response_from(second_ip, 200), second());
  EXPECT_EQ(statuses_to(pbx_ip), (std::vector<int>{100, 180, 200}));
}

TEST_F(trunk_call, no_provisional_within_the_attempt_timeout_fails_over) {
  deliver(pbx_invite(), pbx());
  timers_.advance(1900ms);
  EXPECT_EQ(count_requests(second_ip, "INVITE"), 0u);
  timers_.advance(200ms);
  ASSERT_EQ(count_requests(second_ip, "INVITE"), 1u);
  deliver(response_from(second_ip, 100), second());
  timers_.advance(5s);
  EXPECT_EQ(state(), call_state::outgoing_initiated) << "a 100 Trying stops the attempt timer";
  EXPECT_THAT(trunk().targets().targets()[0].last_problem, ::testing::HasSubstr("no answer"));
}

TEST_F(trunk_call, a_2xx_from_a_target_given_up_on_is_acked_and_ended) {
  deliver(pbx_invite(), pbx());
  const auto abandoned = last_request(carrier_ip, "INVITE");
  timers_.advance(2100ms);
  ASSERT_EQ(count_requests(second_ip, "INVITE"), 1u);
  // The first target was only slow: its answer crosses our CANCEL (RFC 3261 §9.1).
  auto late = sip::make_response(abandoned, 200, {}, "late");
  sip::name_addr contact;
  contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
  late.contacts.push_back(contact);
  late.body = carrier_answer();
  late.set_header("Content-Type", "application/sdp");
  deliver(late, carrier());
  ASSERT_EQ(count_requests(carrier_ip, "ACK"), 1u) << "§13.2.2.4: every 2xx is ACKed";
  const auto ack = last_request(carrier_ip, "ACK");
  EXPECT_EQ(ack.cseq.number, abandoned.cseq.number);
  EXPECT_EQ(ack.to.tag(), "late");
  EXPECT_EQ(ack.vias.front().host, abandoned.vias.front().host) << "from where that INVITE left";
  EXPECT_NE(ack.vias.front().branch(), abandoned.vias.front().branch()) << "a transaction of its own";
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 1u) << "and the unwanted dialog is ended";
  EXPECT_EQ(last_request(carrier_ip, "BYE").to.tag(), "late");
  const auto acks_sent = [this] {
    const auto sent = sent_to(carrier_ip);
    return std::count_if(sent.begin(), sent.end(),
                         [](const sip::message& m) { return m.is_request && m.method_name == "ACK"; });
  };
  EXPECT_EQ(acks_sent(), 1);
  deliver(late, carrier());  // a retransmission: ACKed again (the same ACK), no second BYE
  EXPECT_EQ(acks_sent(), 2);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  EXPECT_EQ(state(), call_state::outgoing_initiated) << "the call still waits for the second target";
  deliver(response_from(second_ip, 200), second());
  EXPECT_EQ(statuses_to(pbx_ip).back(), 200);
}

TEST_F(trunk_call, a_call_that_ends_waits_for_its_abandoned_attempt) {
  deliver(pbx_invite(), pbx());
  timers_.advance(2100ms);
  deliver(response_from(second_ip, 200), second());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("BYE", 11), pbx());
  auto ok = sip::make_response(last_request(second_ip, "BYE"), 200);
  deliver(ok, second());
  timers_.advance(1s);
  ASSERT_EQ(records_.size(), 0u) << "the first attempt may still answer 2xx";
  EXPECT_EQ(calls_.size(), 1u);
  // Timer B of the first attempt ends it; then the call finishes (ASan checks that no
  // callback reaches a destroyed call).
  timers_.advance(40s);
  EXPECT_EQ(calls_.size(), 0u);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].sip_code, 200);
}

TEST_F(trunk_call, a_late_2xx_after_the_call_failed_is_still_acked_and_ended) {
  deliver(pbx_invite(), pbx());
  const auto first = last_request(carrier_ip, "INVITE");
  timers_.advance(2100ms);  // the first target: no answer in time
  timers_.advance(2100ms);  // the second neither: nothing left to try
  EXPECT_EQ(statuses_to(pbx_ip).back(), 408);
  auto late = sip::make_response(first, 200, {}, "late");
  sip::name_addr contact;
  contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
  late.contacts.push_back(contact);
  deliver(late, carrier());
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 1u);
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 1u) << "no call left billing at the provider";
  EXPECT_EQ(last_request(carrier_ip, "BYE").to.tag(), "late");
  timers_.advance(40s);
  EXPECT_EQ(calls_.size(), 0u);
  ASSERT_EQ(records_.size(), 1u);
}

TEST_F(trunk_call, a_503_with_retry_after_holds_the_target_and_fails_over) {
  deliver(pbx_invite(), pbx());
  auto r = response_from(carrier_ip, 503);
  r.add_header("Retry-After", "120 (maintenance)");
  deliver(r, carrier());
  ASSERT_EQ(count_requests(second_ip, "INVITE"), 1u);
  deliver(response_from(second_ip, 486), second());
  EXPECT_EQ(statuses_to(pbx_ip).back(), 486) << "the second target's verdict reaches the caller";
  settle();

  // The next call skips the held target and goes straight to the second.
  EXPECT_EQ(trunk().candidates().size(), 1u);
  timers_.advance(121s);
  EXPECT_EQ(trunk().candidates().size(), 2u);
}

TEST_F(trunk_call, a_503_counts_against_the_target_and_held_targets_are_skipped) {
  deliver(pbx_invite(), pbx());
  deliver(response_from(carrier_ip, 503), carrier());
  EXPECT_FALSE(trunk().targets().targets()[0].up) << "503 is a refusal of work (down_after is 1 here)";
  ASSERT_EQ(count_requests(second_ip, "INVITE"), 1u);
}

TEST_F(trunk_call, without_pings_a_down_target_is_tried_again_later) {
  trunk().report_unreachable(trunk().targets().targets()[0].key, "refused");
  trunk().report_unreachable(trunk().targets().targets()[1].key, "refused");
  EXPECT_TRUE(trunk().candidates().empty());
  timers_.advance(trunk_runtime::retry_down_without_pings);
  EXPECT_EQ(trunk().candidates().size(), 2u);
  deliver(pbx_invite(), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 1u);
  deliver(response_from(carrier_ip, 180), carrier());
  EXPECT_TRUE(trunk().targets().targets()[0].up) << "an answer brings it back";
}

TEST_F(trunk_call, every_target_down_fails_fast_with_503) {
  trunk().report_unreachable(trunk().targets().targets()[0].key, "refused");
  trunk().report_unreachable(trunk().targets().targets()[1].key, "refused");
  deliver(pbx_invite(), pbx());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE") + count_requests(second_ip, "INVITE"), 0u);
  EXPECT_EQ(statuses_to(pbx_ip).back(), 503);
  EXPECT_EQ(trunk().counters().fail_fast, 1u);
}

TEST_F(trunk_call, busy_is_not_a_reason_to_fail_over) {
  deliver(pbx_invite(), pbx());
  deliver(response_from(carrier_ip, 486), carrier());
  EXPECT_EQ(count_requests(second_ip, "INVITE"), 0u);
  EXPECT_EQ(statuses_to(pbx_ip).back(), 486);
}

TEST_F(trunk_call, no_failover_after_ringing) {
  deliver(pbx_invite(), pbx());
  deliver(response_from(carrier_ip, 180), carrier());
  deliver(response_from(carrier_ip, 503), carrier());
  EXPECT_EQ(count_requests(second_ip, "INVITE"), 0u) << "the caller heard ringing: the verdict stands";
}

TEST_F(trunk_call, digest_challenge_is_answered_with_the_trunk_credentials) {
  deliver(pbx_invite(), pbx());
  auto challenge = response_from(carrier_ip, 401);
  challenge.add_header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n0nce\", qop=\"auth\", algorithm=MD5");
  deliver(challenge, carrier());
  ASSERT_EQ(count_requests(carrier_ip, "INVITE"), 2u);
  const auto retry = last_request(carrier_ip, "INVITE");
  EXPECT_EQ(retry.cseq.number, 2u);
  const auto auth = retry.header_value("Authorization");
  ASSERT_TRUE(auth);
  auto parsed = sip::parse_auth_header(*auth);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(sip::digest_verifier("carrier").verify(*parsed, "INVITE", "s3cret").ok()) << *auth;
  EXPECT_THAT(std::string(*auth), ::testing::HasSubstr("username=\"trunk-1234\""));
  EXPECT_THAT(std::string(*auth), ::testing::Not(::testing::HasSubstr("s3cret")));

  deliver(response_from(carrier_ip, 200), carrier());
  EXPECT_EQ(statuses_to(pbx_ip).back(), 200);
  EXPECT_EQ(trunk().counters().auth_challenges, 1u);
  // §13.2.2.4: the ACK for the 2xx carries the INVITE's credentials.
  EXPECT_EQ(last_request(carrier_ip, "ACK").header_value("Authorization"), auth);
}

TEST_F(trunk_call, proxy_challenge_gets_proxy_authorization) {
  deliver(pbx_invite(), pbx());
  auto challenge = response_from(carrier_ip, 407);
  challenge.add_header("Proxy-Authenticate",
                       "Digest realm=\"carrier\", nonce=\"abc\", qop=\"auth\", algorithm=SHA-256");
  deliver(challenge, carrier());
  const auto retry = last_request(carrier_ip, "INVITE");
  ASSERT_TRUE(retry.header_value("Proxy-Authorization"));
  EXPECT_THAT(std::string(*retry.header_value("Proxy-Authorization")), ::testing::HasSubstr("algorithm=SHA-256"));
}

TEST_F(trunk_call, a_second_challenge_means_wrong_credentials) {
  deliver(pbx_invite(), pbx());
  auto challenge = response_from(carrier_ip, 401);
  challenge.add_header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n1\", qop=\"auth\"");
  deliver(challenge, carrier());
  auto again = response_from(carrier_ip, 401);
  again.add_header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n2\", qop=\"auth\"");
  deliver(again, carrier());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 2u) << "re-challenged once, then fail";
  EXPECT_EQ(statuses_to(pbx_ip).back(), 403);
  EXPECT_EQ(trunk().counters().auth_failures, 1u);
}

TEST_F(trunk_call, a_stale_nonce_is_answered_once_more) {
  deliver(pbx_invite(), pbx());
  auto challenge = response_from(carrier_ip, 401);
  challenge.add_header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n1\", qop=\"auth\"");
  deliver(challenge, carrier());
  auto stale = response_from(carrier_ip, 401);
  stale.add_header("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n2\", qop=\"auth\", stale=true");
  deliver(stale, carrier());
  EXPECT_EQ(count_requests(carrier_ip, "INVITE"), 3u);
}

TEST_F(trunk_call, a_challenged_bye_is_answered_once) {
  deliver(pbx_invite(), pbx());
  deliver(response_from(carrier_ip, 200), carrier());
  deliver(pbx_in_dialog("ACK", 10), pbx());
  deliver(pbx_in_dialog("BYE", 11), pbx());
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 1u);
  auto challenge = sip::make_response(last_request(carrier_ip, "BYE"), 407);
  challenge.add_header("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"b1\", qop=\"auth\"");
  deliver(challenge, carrier());
  ASSERT_EQ(count_requests(carrier_ip, "BYE"), 2u);
  const auto retry = last_request(carrier_ip, "BYE");
  EXPECT_TRUE(retry.header_value("Proxy-Authorization"));
  EXPECT_GT(retry.cseq.number, 1u);
  auto again = sip::make_response(retry, 407);
  again.add_header("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"b2\", qop=\"auth\"");
  deliver(again, carrier());
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 2u) << "answered once only";
}

TEST_F(trunk_call, dns_failure_before_any_answer_fails_fast) {
  locator_.set_failure("NXDOMAIN");
  auto c = trunk_config();
  c.trunks.front().outbound.uri = "sip:other.carrier.example";
  ASSERT_TRUE(trunks_.apply(c).ok());
  settle();
  deliver(pbx_invite(), pbx());
  EXPECT_EQ(statuses_to(pbx_ip).back(), 503);
  EXPECT_THAT(trunk().why_unavailable(), ::testing::HasSubstr("NXDOMAIN"));
  EXPECT_EQ(trunk().counters().locate_failed, 1u);
}

TEST_F(trunk_call, targets_are_re_located_at_the_ttl_and_kept_when_dns_fails) {
  EXPECT_EQ(locator_.calls, 1);
  locator_.set_failure("SERVFAIL");
  timers_.advance(301s);
  EXPECT_EQ(locator_.calls, 2);
  EXPECT_EQ(trunk().candidates().size(), 2u) << "the last good answer stays";
  locator_.set({second_ip});
  timers_.advance(31s);  // retried after the TTL floor
  EXPECT_EQ(locator_.calls, 3);
  ASSERT_EQ(trunk().candidates().size(), 1u);
  EXPECT_EQ(trunk().candidates()[0].key.address.to_string(), second_ip);
}

TEST_F(trunk_call, reload_with_the_same_outbound_keeps_target_health) {
  trunk().report_unreachable(trunk().targets().targets()[0].key, "refused");
  ASSERT_TRUE(trunks_.apply(cfg_).ok());
  EXPECT_EQ(trunk().candidates().size(), 1u);
  EXPECT_EQ(locator_.calls, 1) << "no new lookup either";
}

TEST_F(trunk_call, missing_password_file_is_an_error) {
  auto c = trunk_config();
  c.trunks.front().credentials->password_file = "/nonexistent/voxedge.password";
  const auto r = trunks_.apply(c);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error(), ::testing::HasSubstr("/nonexistent/voxedge.password"));
  EXPECT_NE(trunks_.find("carrier"), nullptr) << "the running trunks stay";
}

class trunk_pings : public trunk_call {
 protected:
  trunk_pings() : trunk_call(10) {}
};

TEST_F(trunk_pings, options_pings_mark_targets_down_and_up) {
  timers_.advance(99ms);  // the constructor's settle() took 1 ms: the first ping is due at 100 ms
  ASSERT_EQ(count_requests(carrier_ip, "OPTIONS"), 1u);
  const auto ping = last_request(carrier_ip, "OPTIONS");
  EXPECT_EQ(ping.request_uri.to_string(), "sip:sip.carrier.example");
  EXPECT_EQ(ping.max_forwards, 70u);
  // The first target answers, the second does not.
  auto ok = sip::make_response(ping, 200, {}, "x");
  timers_.advance(40ms);
  deliver(ok, carrier());
  timers_.advance(160ms);
  ASSERT_EQ(count_requests(second_ip, "OPTIONS"), 1u);
  timers_.advance(1s);
  EXPECT_TRUE(trunk().targets().targets()[0].up);
  EXPECT_EQ(trunk().targets().targets()[0].last_rtt, std::optional<duration>(40ms));
  EXPECT_FALSE(trunk().targets().targets()[1].up);
  EXPECT_EQ(trunk().counters().options_failed, 1u);

  // Next round: the second answers and comes back.
  timers_.advance(9s);
  ASSERT_EQ(count_requests(second_ip, "OPTIONS"), 2u);
  deliver(sip::make_response(last_request(second_ip, "OPTIONS"), 404, {}, "y"), second());
  EXPECT_TRUE(trunk().targets().targets()[1].up) << "any answer but 503 proves it alive";
}

TEST_F(trunk_pings, a_503_to_options_counts_as_a_failure) {
  timers_.advance(300ms);
  deliver(sip::make_response(last_request(carrier_ip, "OPTIONS"), 503, {}, "x"), carrier());
  EXPECT_FALSE(trunk().targets().targets()[0].up);
}

}  // namespace
}  // namespace voxedge::daemon::testing
