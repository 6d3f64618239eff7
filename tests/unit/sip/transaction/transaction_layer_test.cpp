#include "sip/transaction/transaction_layer.hpp"

#include <gtest/gtest.h>

#include "sip/transaction/invite_client_transaction.hpp"
#include "sip/transaction/invite_server_transaction.hpp"
#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;

struct recording_tu final : transaction_layer::listener {
  struct request_event {
    server_transaction_handle h;
    message req;
    peer from;
  };
  void on_request(server_transaction_handle h, message&& req, const peer& from) override {
    requests.push_back({h, std::move(req), from});
    if (on_request_hook) on_request_hook(requests.back());
  }
  void on_cancel(server_transaction_handle invite, const message& /*cancel*/, const peer& /*from*/) override {
    cancels.push_back(invite);
    if (on_cancel_hook) on_cancel_hook(invite);
  }
  void on_server_failure(server_transaction_handle h, server_failure why) override { failures.push_back({h, why}); }

  std::vector<request_event> requests;
  std::vector<server_transaction_handle> cancels;
  std::vector<std::pair<server_transaction_handle, server_failure>> failures;
  std::function<void(request_event&)> on_request_hook;
  std::function<void(server_transaction_handle)> on_cancel_hook;
};

struct recording_client final : transaction_layer::client_listener {
  enum class type { provisional, final, timeout, transport_error };
  struct event {
    type what;
    client_transaction_handle h;
    int status = 0;
    std::string to_tag;
  };
  void on_provisional(client_transaction_handle h, message&& r) override {
    add({type::provisional, h, r.status, tag(r)});
  }
  void on_final(client_transaction_handle h, message&& r) override { add({type::final, h, r.status, tag(r)}); }
  void on_timeout(client_transaction_handle h) override { add({type::timeout, h, 0, {}}); }
  void on_transport_error(client_transaction_handle h) override { add({type::transport_error, h, 0, {}}); }

  std::vector<event> events;
  std::function<void(const event&)> hook;

 private:
  static std::string tag(const message& r) { return std::string(r.to.tag()); }
  void add(event e) {
    events.push_back(std::move(e));
    if (hook) hook(events.back());
  }
};

class TransactionLayer : public ::testing::Test {
 protected:
  /// Feeds a request from the far end.
  void deliver(const message& m, const peer& from = udp_peer()) { layer_.on_message(message(m), from); }
  /// Sends a request through the layer and returns it as it went on the wire.
  client_transaction_handle send(std::string_view method, const peer& to = udp_peer(), message* wire = nullptr) {
    request_spec s;
    s.method = std::string(method);
    s.branch = "";
    s.sent_by = "198.51.100.1:5060";
    auto h = layer_.send_request(make_request(s), to, client_);
    if (wire != nullptr) *wire = sender_.last();
    return h;
  }

  manual_timer_service timers_;
  fake_sender sender_{timers_};
  recording_tu tu_;
  recording_client client_;
  transaction_layer layer_{timers_, sender_, tu_};
};

// --- server side ---------------------------------------------------------------------------

TEST_F(TransactionLayer, NewRequestCreatesAServerTransaction) {
  deliver(make_request("INVITE"));
  ASSERT_EQ(tu_.requests.size(), 1u);
  EXPECT_TRUE(tu_.requests[0].h);
  EXPECT_EQ(tu_.requests[0].req.method_id, method::invite);
  EXPECT_EQ(layer_.stats().active_count(transaction_kind::invite_server), 1u);
  EXPECT_TRUE(layer_.alive(tu_.requests[0].h));
  EXPECT_EQ(layer_.find(tu_.requests[0].h)->state_name(), "Proceeding");
}

TEST_F(TransactionLayer, RetransmittedRequestIsAbsorbedAndAnsweredAgain) {
  const message inv = make_request("INVITE");
  deliver(inv);
  deliver(inv);
  ASSERT_EQ(tu_.requests.size(), 1u);
  EXPECT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 180)));
  deliver(inv);
  ASSERT_EQ(sender_.count(), 2u);
  EXPECT_EQ(sender_.sent[1].bytes, sender_.sent[0].bytes);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 2u);
}

TEST_F(TransactionLayer, SameBranchFromAnotherSentByIsANewTransaction) {
  request_spec s;
  deliver(make_request(s));
  s.sent_by = "192.0.2.11:5060";
  deliver(make_request(s));
  EXPECT_EQ(tu_.requests.size(), 2u);
}

TEST_F(TransactionLayer, UdpResponsesGoToReceivedAndRport) {
  request_spec s;
  s.method = "OPTIONS";
  s.sent_by = "10.0.0.5:5060;received=203.0.113.7;rport=40001";
  deliver(make_request(s), udp_peer("203.0.113.7", 40001));
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(tu_.requests[0].req, 200)));
  ASSERT_EQ(sender_.count(), 1u);
  EXPECT_EQ(sender_.sent[0].to.address.to_string(), "203.0.113.7");
  EXPECT_EQ(sender_.sent[0].to.port, 40001);
  EXPECT_EQ(sender_.sent[0].to.listener, 0);
}

TEST_F(TransactionLayer, UdpResponsesWithoutRportGoToTheSentByPort) {
  request_spec s;
  s.method = "OPTIONS";
  s.sent_by = "192.0.2.10:5070";
  deliver(make_request(s), udp_peer("192.0.2.10", 33333));
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(tu_.requests[0].req, 200)));
  EXPECT_EQ(sender_.sent[0].to.port, 5070);
}

TEST_F(TransactionLayer, StreamResponsesReuseTheConnection) {
  request_spec s;
  s.method = "OPTIONS";
  s.transport = "TCP";
  deliver(make_request(s), tcp_peer(77));
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(tu_.requests[0].req, 200)));
  EXPECT_EQ(sender_.sent[0].to.connection_id, 77u);
  // Timer J is zero on a reliable transport: the handle dies at once, and a late answer
  // is refused rather than crashing.
  EXPECT_FALSE(layer_.alive(tu_.requests[0].h));
  EXPECT_FALSE(layer_.respond(tu_.requests[0].h, respond_to(tu_.requests[0].req, 500)));
  EXPECT_EQ(layer_.original_request(tu_.requests[0].h), nullptr);
}

TEST_F(TransactionLayer, BrokenConnectionFallsBackToTheSentByPort) {
  request_spec s;
  s.transport = "TCP";
  s.sent_by = "192.0.2.10:5062";
  deliver(make_request(s), tcp_peer(77));
  layer_.on_transport_error(tcp_peer(77));
  EXPECT_TRUE(tu_.failures.empty());
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(tu_.requests[0].req, 486)));
  EXPECT_EQ(sender_.last().status, 486);
  EXPECT_EQ(sender_.sent.back().to.connection_id, 0u);
  EXPECT_EQ(sender_.sent.back().to.port, 5062);
  layer_.on_transport_error(sender_.sent.back().to);
  ASSERT_EQ(tu_.failures.size(), 1u);
  EXPECT_EQ(tu_.failures[0].second, server_failure::transport_error);
}

TEST_F(TransactionLayer, AckForNon2xxIsAbsorbed) {
  const message inv = make_request("INVITE");
  deliver(inv);
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 486, "uas")));
  request_spec s;
  s.method = "ACK";
  s.to_tag = "uas";
  deliver(make_request(s));  // same branch as the INVITE: §17.1.1.3
  EXPECT_EQ(tu_.requests.size(), 1u);
  EXPECT_EQ(layer_.find(tu_.requests[0].h)->state_name(), "Confirmed");
}

TEST_F(TransactionLayer, AckFor2xxGoesToTheTuWithANullHandle) {
  const message inv = make_request("INVITE");
  deliver(inv);
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 200, "uas")));
  request_spec s;
  s.method = "ACK";
  s.branch = "z9hG4bKnewack";  // §13.2.2.4: its own branch
  s.to_tag = "uas";
  deliver(make_request(s));
  ASSERT_EQ(tu_.requests.size(), 2u);
  EXPECT_FALSE(tu_.requests[1].h);
  EXPECT_EQ(tu_.requests[1].req.method_id, method::ack);
  // An ACK reusing the INVITE's branch matches the Accepted transaction and still goes up.
  s.branch = "z9hG4bKtest1";
  deliver(make_request(s));
  ASSERT_EQ(tu_.requests.size(), 3u);
  EXPECT_FALSE(tu_.requests[2].h);
}

TEST_F(TransactionLayer, CancelIsAnswered200AndReportedOnce) {
  const message inv = make_request("INVITE");
  deliver(inv);
  const auto invite_h = tu_.requests[0].h;
  ASSERT_TRUE(layer_.respond(invite_h, respond_to(inv, 180, "uas")));
  const message cancel = make_request("CANCEL");  // same branch and sent-by (§9.1)
  deliver(cancel);
  ASSERT_EQ(tu_.cancels.size(), 1u);
  EXPECT_EQ(tu_.cancels[0], invite_h);
  EXPECT_EQ(tu_.requests.size(), 1u);  // the TU never sees the CANCEL as a request
  const message ok = sender_.last();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.cseq.method_id, method::cancel);
  EXPECT_EQ(ok.to.tag(), "uas");  // §9.2: same To tag as the INVITE's responses
  deliver(cancel);                // retransmission: the 200 again, no second report
  EXPECT_EQ(tu_.cancels.size(), 1u);
  EXPECT_EQ(sender_.last().status, 200);
  EXPECT_EQ(sender_.last().cseq.method_id, method::cancel);
  ASSERT_TRUE(layer_.respond(invite_h, respond_to(inv, 487, "uas")));
  EXPECT_EQ(sender_.last().status, 487);
}

TEST_F(TransactionLayer, UnmatchedCancelIsAnswered481) {
  request_spec s;
  s.method = "CANCEL";
  s.branch = "z9hG4bKnothing";
  deliver(make_request(s));
  ASSERT_EQ(sender_.count(), 1u);
  EXPECT_EQ(sender_.last().status, 481);
  EXPECT_FALSE(sender_.last().to.tag().empty());
  EXPECT_TRUE(tu_.cancels.empty());
  EXPECT_TRUE(tu_.requests.empty());
  EXPECT_EQ(layer_.stats().cancels_unmatched, 1u);
}

TEST_F(TransactionLayer, CancelAfterTheFinalIsAnswered200WithoutEffect) {
  const message inv = make_request("INVITE");
  deliver(inv);
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 486, "uas")));
  deliver(make_request("CANCEL"));
  EXPECT_EQ(sender_.last().status, 200);
  EXPECT_TRUE(tu_.cancels.empty());
}

TEST_F(TransactionLayer, TuMayAnswer487FromInsideOnCancel) {
  const message inv = make_request("INVITE");
  deliver(inv);
  tu_.on_cancel_hook = [&](server_transaction_handle h) {
    EXPECT_TRUE(layer_.respond(h, respond_to(*layer_.original_request(h), 487, "uas")));
    layer_.terminate(h);
  };
  deliver(make_request("CANCEL"));
  EXPECT_EQ(sender_.last().status, 487);
  EXPECT_FALSE(layer_.alive(tu_.requests[0].h));
  timers_.advance(0ms);  // the reaper runs
}

TEST_F(TransactionLayer, Rfc2543RequestsMatchByFields) {
  request_spec s;
  s.branch = "";  // no magic cookie: §17.2.3 fallback
  const message inv = make_request(s);
  deliver(inv);
  deliver(inv);
  ASSERT_EQ(tu_.requests.size(), 1u);
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 486, "uas")));
  deliver(inv);
  EXPECT_EQ(sender_.last().status, 486);  // the final again
  request_spec a = s;
  a.method = "ACK";
  a.to_tag = "other";  // not the tag of our response: no match, goes up
  deliver(make_request(a));
  EXPECT_EQ(tu_.requests.size(), 2u);
  a.to_tag = "uas";
  deliver(make_request(a));
  EXPECT_EQ(tu_.requests.size(), 2u);
  EXPECT_EQ(layer_.find(tu_.requests[0].h)->state_name(), "Confirmed");
  request_spec next = s;
  next.cseq = 2;
  deliver(make_request(next));
  EXPECT_EQ(tu_.requests.size(), 3u);
}

TEST_F(TransactionLayer, Rfc2543CancelFindsItsInvite) {
  request_spec s;
  s.branch = "old-branch-1";  // a branch without the cookie
  deliver(make_request(s));
  s.method = "CANCEL";
  deliver(make_request(s));
  ASSERT_EQ(tu_.cancels.size(), 1u);
  EXPECT_EQ(tu_.cancels[0], tu_.requests[0].h);
  EXPECT_EQ(sender_.last().status, 200);
  deliver(make_request(s));  // retransmitted CANCEL: absorbed by its own transaction
  EXPECT_EQ(tu_.cancels.size(), 1u);
}

TEST_F(TransactionLayer, TimerHIsReportedAsAServerFailure) {
  const message inv = make_request("INVITE");
  deliver(inv);
  ASSERT_TRUE(layer_.respond(tu_.requests[0].h, respond_to(inv, 486)));
  timers_.advance(32s);
  ASSERT_EQ(tu_.failures.size(), 1u);
  EXPECT_EQ(tu_.failures[0].second, server_failure::no_ack);
  EXPECT_EQ(layer_.stats().timeouts, 1u);
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(TransactionLayer, TuMayTerminateFromInsideOnRequest) {
  tu_.on_request_hook = [&](recording_tu::request_event& e) {
    EXPECT_TRUE(layer_.respond(e.h, respond_to(e.req, 503)));
    layer_.terminate(e.h);
  };
  deliver(make_request("INVITE"));
  EXPECT_EQ(layer_.size(), 0u);
  EXPECT_EQ(layer_.stats().active_count(transaction_kind::invite_server), 0u);
  timers_.advance(1s);
  EXPECT_EQ(sender_.count(), 1u);  // the 503 only: no 100, no Timer G
}

// --- client side ---------------------------------------------------------------------------

TEST_F(TransactionLayer, SendRequestGeneratesABranchAndMatchesResponses) {
  message wire;
  const auto h = send("OPTIONS", udp_peer(), &wire);
  ASSERT_TRUE(h);
  EXPECT_TRUE(wire.vias[0].rfc3261_branch());
  EXPECT_GT(wire.vias[0].branch().size(), 7u + 15u);
  layer_.on_message(respond_to(wire, 100), udp_peer());
  layer_.on_message(respond_to(wire, 200), udp_peer());
  ASSERT_EQ(client_.events.size(), 2u);
  EXPECT_EQ(client_.events[0].what, recording_client::type::provisional);
  EXPECT_EQ(client_.events[1].what, recording_client::type::final);
  EXPECT_EQ(client_.events[1].h, h);
  EXPECT_EQ(layer_.stats().created_count(transaction_kind::non_invite_client), 1u);
}

TEST_F(TransactionLayer, ResponsesWithoutATransactionAreCountedAndDropped) {
  message wire;
  send("OPTIONS", udp_peer(), &wire);
  message stray = respond_to(wire, 200);
  stray.vias[0].params.set("branch", "z9hG4bKunknown");
  layer_.on_message(std::move(stray), udp_peer());
  message other_method = respond_to(wire, 200);
  other_method.cseq.method_name = "INFO";
  other_method.cseq.method_id = method::info;
  layer_.on_message(std::move(other_method), udp_peer());
  EXPECT_TRUE(client_.events.empty());
  EXPECT_EQ(layer_.stats().stray_responses, 2u);
}

TEST_F(TransactionLayer, InviteFlowWithAcceptedState) {
  message wire;
  const auto h = send("INVITE", udp_peer(), &wire);
  layer_.on_message(respond_to(wire, 200, "a"), udp_peer());
  layer_.on_message(respond_to(wire, 200, "a"), udp_peer());  // retransmission
  layer_.on_message(respond_to(wire, 200, "b"), udp_peer());  // another fork
  ASSERT_EQ(client_.events.size(), 3u);
  for (const auto& e : client_.events) EXPECT_EQ(e.what, recording_client::type::final);
  EXPECT_EQ(client_.events[2].to_tag, "b");
  // The TU ACKs the 2xx statelessly, with its own branch kept for re-ACKs.
  message ack = make_request("ACK", "");
  layer_.send_ack(ack, udp_peer());
  EXPECT_TRUE(ack.vias[0].rfc3261_branch());
  EXPECT_NE(ack.vias[0].branch(), wire.vias[0].branch());
  EXPECT_EQ(sender_.last().vias[0].branch(), ack.vias[0].branch());
  timers_.advance(32s);  // Timer M
  EXPECT_FALSE(layer_.alive(h));
  layer_.on_message(respond_to(wire, 200, "a"), udp_peer());
  EXPECT_EQ(layer_.stats().stray_responses, 1u);
}

TEST_F(TransactionLayer, Non2xxIsAckedByTheLayer) {
  message wire;
  send("INVITE", udp_peer(), &wire);
  layer_.on_message(respond_to(wire, 486, "busy"), udp_peer());
  const message ack = sender_.last();
  EXPECT_EQ(ack.method_id, method::ack);
  EXPECT_EQ(ack.vias[0].branch(), wire.vias[0].branch());
  EXPECT_EQ(ack.to.tag(), "busy");
}

TEST_F(TransactionLayer, TimerBIsReportedAsATimeout) {
  const auto h = send("INVITE");
  timers_.advance(32s);
  ASSERT_EQ(client_.events.size(), 1u);
  EXPECT_EQ(client_.events[0].what, recording_client::type::timeout);
  EXPECT_EQ(client_.events[0].h, h);
  EXPECT_EQ(layer_.stats().timeouts, 1u);
  EXPECT_EQ(layer_.stats().retransmissions_sent, 6u);
}

TEST_F(TransactionLayer, TransportErrorsReachEveryTransactionOnThatPeer) {
  const auto a = send("INVITE", udp_peer("192.0.2.20"));
  const auto b = send("OPTIONS", udp_peer("192.0.2.20"));
  const auto c = send("OPTIONS", udp_peer("192.0.2.21"));
  layer_.on_transport_error(udp_peer("192.0.2.20"));
  ASSERT_EQ(client_.events.size(), 2u);
  EXPECT_EQ(client_.events[0].what, recording_client::type::transport_error);
  EXPECT_EQ(client_.events[1].what, recording_client::type::transport_error);
  EXPECT_FALSE(layer_.alive(a));
  EXPECT_FALSE(layer_.alive(b));
  EXPECT_TRUE(layer_.alive(c));
  EXPECT_EQ(layer_.stats().transport_errors, 2u);
}

TEST_F(TransactionLayer, ConnectionErrorsMatchByConnection) {
  message wire;
  const auto h = send("OPTIONS", tcp_peer(0), &wire);
  layer_.on_message(respond_to(wire, 100), tcp_peer(12));  // the connection the transport chose
  layer_.on_transport_error(tcp_peer(13));
  EXPECT_TRUE(layer_.alive(h));
  layer_.on_transport_error(tcp_peer(12));
  EXPECT_FALSE(layer_.alive(h));
}

TEST_F(TransactionLayer, ConnectionErrorsFromAnotherListenerLeaveTransactionsAlone) {
  // Two trunks reach one provider over TCP from different local addresses: a connection
  // per listener, so a failure on one says nothing about the other.
  auto from_a = tcp_peer(0);
  from_a.listener = 0;
  auto from_b = tcp_peer(0);
  from_b.listener = 1;
  const auto a = send("OPTIONS", from_a);
  const auto b = send("OPTIONS", from_b);
  layer_.on_transport_error(from_b);
  EXPECT_TRUE(layer_.alive(a));
  EXPECT_FALSE(layer_.alive(b));
  auto any = tcp_peer(0);  // a failure that names no listener still reaches both sides
  layer_.on_transport_error(any);
  EXPECT_FALSE(layer_.alive(a));
}

TEST_F(TransactionLayer, CancelWaitsForAProvisional) {
  message wire;
  const auto inv = send("INVITE", udp_peer(), &wire);
  recording_client cancel_listener;
  const auto c = layer_.send_cancel(inv, cancel_listener);
  ASSERT_TRUE(c);
  EXPECT_EQ(layer_.send_cancel(inv, cancel_listener), c);  // one CANCEL per INVITE
  EXPECT_EQ(sender_.count(), 1u);                          // §9.1: not before a provisional
  layer_.on_message(respond_to(wire, 180, "r"), udp_peer());
  ASSERT_EQ(sender_.count(), 2u);
  const message cancel = sender_.last();
  EXPECT_EQ(cancel.method_id, method::cancel);
  EXPECT_EQ(cancel.vias[0].branch(), wire.vias[0].branch());
  layer_.on_message(respond_to(cancel, 200, "r"), udp_peer());
  ASSERT_EQ(cancel_listener.events.size(), 1u);
  EXPECT_EQ(cancel_listener.events[0].status, 200);
  layer_.on_message(respond_to(wire, 487, "r"), udp_peer());
  EXPECT_EQ(client_.events.back().status, 487);
  EXPECT_EQ(sender_.last().method_id, method::ack);
}

TEST_F(TransactionLayer, HeldCancelIsDroppedWhenTheInviteEndsFirst) {
  message wire;
  const auto inv = send("INVITE", udp_peer(), &wire);
  recording_client cancel_listener;
  const auto c = layer_.send_cancel(inv, cancel_listener);
  layer_.on_message(respond_to(wire, 200, "r"), udp_peer());  // crossed the CANCEL
  EXPECT_FALSE(layer_.alive(c));
  EXPECT_EQ(sender_.count(), 1u);  // no CANCEL ever sent
  EXPECT_TRUE(cancel_listener.events.empty());
  EXPECT_FALSE(layer_.send_cancel(inv, cancel_listener));  // nothing left to cancel
}

TEST_F(TransactionLayer, HeldCancelDiesWithATimedOutInvite) {
  const auto inv = send("INVITE");
  recording_client cancel_listener;
  const auto c = layer_.send_cancel(inv, cancel_listener);
  timers_.advance(32s);
  EXPECT_FALSE(layer_.alive(c));
  EXPECT_TRUE(cancel_listener.events.empty());
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(TransactionLayer, CancelledInviteWithoutFinalTimesOutAfter64T1) {
  message wire;
  const auto inv = send("INVITE", udp_peer(), &wire);
  layer_.on_message(respond_to(wire, 180, "r"), udp_peer());
  recording_client cancel_listener;
  layer_.send_cancel(inv, cancel_listener);
  timers_.advance(32s);
  EXPECT_FALSE(layer_.alive(inv));
  EXPECT_EQ(client_.events.back().what, recording_client::type::timeout);
}

TEST_F(TransactionLayer, ClientMayTerminateFromInsideItsCallbacks) {
  message wire;
  send("INVITE", udp_peer(), &wire);
  client_.hook = [&](const recording_client::event& e) { layer_.terminate(e.h); };
  layer_.on_message(respond_to(wire, 180), udp_peer());
  EXPECT_EQ(layer_.size(), 0u);
  layer_.on_message(respond_to(wire, 486), udp_peer());  // now stray
  EXPECT_EQ(layer_.stats().stray_responses, 1u);
  timers_.advance(0ms);
  EXPECT_EQ(client_.events.size(), 1u);
}

TEST_F(TransactionLayer, ClientMayStartNewTransactionsFromInsideItsCallbacks) {
  message wire;
  send("OPTIONS", udp_peer(), &wire);
  int started = 0;
  client_.hook = [&](const recording_client::event& e) {
    if (e.what == recording_client::type::final && started++ < 50) send("OPTIONS");
  };
  layer_.on_message(respond_to(wire, 200), udp_peer());
  EXPECT_EQ(layer_.size(), 2u);  // the completed OPTIONS (Timer K) and the new one
}

TEST_F(TransactionLayer, DetachedClientGetsNoCallbacksButNon2xxIsStillAcked) {
  message wire;
  const auto h = send("INVITE", udp_peer(), &wire);
  layer_.detach(h);
  layer_.on_message(respond_to(wire, 486), udp_peer());
  EXPECT_TRUE(client_.events.empty());
  EXPECT_EQ(sender_.last().method_id, method::ack);
}

TEST_F(TransactionLayer, SynchronousTransportErrorFromInsideSendIsSafe) {
  sender_.on_send = [&](const sent_message& m) { layer_.on_transport_error(m.to); };
  const auto h = send("INVITE");
  EXPECT_FALSE(layer_.alive(h));
  ASSERT_EQ(client_.events.size(), 1u);
  EXPECT_EQ(client_.events[0].what, recording_client::type::transport_error);
  timers_.advance(1min);
}

TEST_F(TransactionLayer, RejectsRequestsItCannotTrack) {
  message no_via = make_request("OPTIONS");
  no_via.vias.clear();
  EXPECT_FALSE(layer_.send_request(no_via, udp_peer(), client_));
  EXPECT_FALSE(layer_.send_request(make_request("ACK"), udp_peer(), client_));
  EXPECT_TRUE(layer_.send_request(make_request("OPTIONS", "z9hG4bKfixed"), udp_peer(), client_));
  EXPECT_FALSE(layer_.send_request(make_request("OPTIONS", "z9hG4bKfixed"), udp_peer(), client_));
  EXPECT_EQ(sender_.count(), 1u);
}

TEST_F(TransactionLayer, MalformedInputIsDroppedAndCounted) {
  message m = make_request("OPTIONS");
  m.vias.clear();
  layer_.on_message(std::move(m), udp_peer());
  message r = respond_to(make_request("OPTIONS"), 200);
  r.status = 42;
  layer_.on_message(std::move(r), udp_peer());
  EXPECT_EQ(layer_.stats().dropped_malformed, 2u);
  EXPECT_TRUE(tu_.requests.empty());
}

TEST_F(TransactionLayer, ActiveCountsFollowTheTransactions) {
  send("INVITE");
  send("OPTIONS");
  deliver(make_request("INVITE", "z9hG4bKa"));
  deliver(make_request("BYE", "z9hG4bKb"));
  const auto& st = layer_.stats();
  EXPECT_EQ(st.active_count(transaction_kind::invite_client), 1u);
  EXPECT_EQ(st.active_count(transaction_kind::non_invite_client), 1u);
  EXPECT_EQ(st.active_count(transaction_kind::invite_server), 1u);
  EXPECT_EQ(st.active_count(transaction_kind::non_invite_server), 1u);
  EXPECT_EQ(layer_.size(), 4u);
  timers_.advance(5min);
  EXPECT_EQ(layer_.size(), 2u);  // the server transactions wait for the TU forever
  EXPECT_EQ(st.active_count(transaction_kind::invite_client), 0u);
  EXPECT_EQ(st.active_count(transaction_kind::non_invite_client), 0u);
}

TEST_F(TransactionLayer, DestroyingTheLayerWithLiveTransactionsIsClean) {
  auto layer = std::make_unique<transaction_layer>(timers_, sender_, tu_);
  request_spec s;
  s.branch = "";
  layer->send_request(make_request(s), udp_peer(), client_);
  layer->on_message(make_request("INVITE", "z9hG4bKx"), udp_peer());
  layer.reset();
  EXPECT_EQ(timers_.pending(), 0u);
  timers_.advance(1min);
}

}  // namespace
}  // namespace voxedge::sip
