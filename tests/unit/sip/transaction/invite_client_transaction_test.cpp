#include "sip/transaction/invite_client_transaction.hpp"

#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;
using ev = owner_event::type;
using state = invite_client_transaction::state;

class InviteClientTransaction : public ::testing::Test {
 protected:
  void start(const peer& to = udp_peer()) {
    invite_ = make_request("INVITE", "z9hG4bKict1");
    t0_ = env_.timers.now();
    txn_ = std::make_unique<invite_client_transaction>(env_.ctx, 1, invite_, to);
    txn_->start();
  }
  void receive(int status, std::string_view tag = "totag1", const peer& from = udp_peer()) {
    txn_->receive_response(respond_to(invite_, status, tag), from);
  }

  machine_env env_;
  message invite_;
  time_point t0_;
  std::unique_ptr<invite_client_transaction> txn_;
};

TEST_F(InviteClientTransaction, TimerADoublesUntilTimerBTimesOutAt32s) {
  start();
  EXPECT_EQ(txn_->current_state(), state::calling);
  env_.timers.advance(31999ms);
  // §17.1.1.2: the INVITE at 0, then Timer A at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
  // (intervals 0.5, 1, 2, 4, 8, 16 s: not capped at T2).
  EXPECT_EQ(env_.send_times_ms(t0_), (std::vector<long long>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(env_.stats.retransmissions_sent, 6u);
  EXPECT_TRUE(env_.owner.events.empty());
  env_.timers.advance(1ms);  // Timer B = 64*T1 = 32 s
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::timeout);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.timers.pending(), 0u);
  for (const auto& s : env_.sender.sent) EXPECT_EQ(s.bytes, env_.sender.sent[0].bytes);  // cached bytes
}

TEST_F(InviteClientTransaction, ReliableTransportNeverRetransmitsButTimerBStillRuns) {
  start(tcp_peer(7));
  env_.timers.advance(31999ms);
  EXPECT_EQ(env_.sender.count(), 1u);
  env_.timers.advance(1ms);
  EXPECT_EQ(env_.owner.count(ev::timeout), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteClientTransaction, ProvisionalStopsTimersAAndB) {
  start();
  env_.timers.advance(200ms);
  receive(100, "");
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  receive(180);
  env_.timers.advance(120s);
  EXPECT_EQ(env_.sender.count(), 1u);
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  ASSERT_EQ(env_.owner.responses.size(), 2u);
  EXPECT_EQ(env_.owner.responses[0].status, 100);
  EXPECT_EQ(env_.owner.responses[1].status, 180);
}

TEST_F(InviteClientTransaction, NonSuccessFinalIsAckedOnTheSameBranch) {
  start();
  receive(180, "bobtag");
  receive(486, "bobtag");
  EXPECT_EQ(txn_->current_state(), state::completed);
  ASSERT_EQ(env_.sender.count(), 2u);
  const message ack = env_.sender.last();
  // §17.1.1.3
  EXPECT_EQ(ack.method_id, method::ack);
  EXPECT_EQ(ack.request_uri.to_string(), invite_.request_uri.to_string());
  ASSERT_EQ(ack.vias.size(), 1u);
  EXPECT_EQ(ack.vias[0].branch(), "z9hG4bKict1");
  EXPECT_EQ(ack.vias[0].host, invite_.vias[0].host);
  EXPECT_EQ(ack.call_id, invite_.call_id);
  EXPECT_EQ(ack.from.tag(), invite_.from.tag());
  EXPECT_EQ(ack.to.tag(), "bobtag");
  EXPECT_EQ(ack.cseq.number, invite_.cseq.number);
  EXPECT_EQ(ack.cseq.method_id, method::ack);
  ASSERT_EQ(ack.routes.size(), 1u);
  EXPECT_EQ(ack.routes[0].address.host, "proxy.example.net");
  EXPECT_TRUE(ack.body.empty());
  EXPECT_EQ(env_.sender.sent[1].to.address, udp_peer().address);
  ASSERT_EQ(env_.owner.responses.size(), 2u);
  EXPECT_EQ(env_.owner.responses[1].status, 486);
}

TEST_F(InviteClientTransaction, FinalInCallingIsAckedAndStopsRetransmission) {
  start();
  env_.timers.advance(600ms);  // one retransmission
  receive(503);
  env_.timers.advance(10s);
  EXPECT_EQ(env_.sender.count(), 3u);  // INVITE, retransmission, ACK
  EXPECT_EQ(env_.sender.last().method_id, method::ack);
}

TEST_F(InviteClientTransaction, RetransmittedFinalIsAckedAgainAndAbsorbed) {
  start();
  receive(486);
  receive(486);
  receive(486);
  EXPECT_EQ(env_.sender.count(), 4u);
  EXPECT_EQ(env_.sender.sent[3].bytes, env_.sender.sent[1].bytes);
  EXPECT_EQ(env_.owner.responses.size(), 1u);
  EXPECT_EQ(env_.stats.retransmissions_absorbed, 2u);
  EXPECT_EQ(env_.stats.retransmissions_sent, 2u);
}

TEST_F(InviteClientTransaction, TimerDIs32sOnUnreliableTransport) {
  start();
  receive(404);
  env_.timers.advance(31999ms);
  EXPECT_EQ(txn_->current_state(), state::completed);
  env_.timers.advance(1ms);
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_EQ(env_.owner.count(ev::timeout), 0u);
}

TEST_F(InviteClientTransaction, TimerDIsZeroOnReliableTransport) {
  start(tcp_peer(7));
  receive(486, "t", tcp_peer(7));
  EXPECT_EQ(txn_->current_state(), state::terminated);
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::response);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  EXPECT_EQ(env_.sender.last().method_id, method::ack);
}

TEST_F(InviteClientTransaction, AckFollowsTheConnectionOfTheResponse) {
  start(tcp_peer(0));
  receive(486, "t", tcp_peer(42));
  EXPECT_EQ(env_.sender.sent[1].to.connection_id, 42u);
}

TEST_F(InviteClientTransaction, AcceptedPassesEvery2xxUpUntilTimerM) {
  start();
  receive(200, "fork1");
  EXPECT_EQ(txn_->current_state(), state::accepted);
  EXPECT_EQ(env_.sender.count(), 1u);  // §17.1.1.2: the TU ACKs a 2xx, not the transaction
  env_.timers.advance(500ms);
  EXPECT_EQ(env_.sender.count(), 1u);  // no Timer A in Accepted
  receive(200, "fork1");               // retransmission
  receive(200, "fork2");               // another fork (RFC 6026 §8.4)
  receive(486, "fork3");               // anything else is dropped
  receive(180, "fork4");
  ASSERT_EQ(env_.owner.responses.size(), 3u);
  EXPECT_EQ(env_.owner.responses[1].to.tag(), "fork1");
  EXPECT_EQ(env_.owner.responses[2].to.tag(), "fork2");
  env_.timers.advance(32s - 500ms - 1ms);
  EXPECT_EQ(txn_->current_state(), state::accepted);
  env_.timers.advance(1ms);  // Timer M = 64*T1
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::timeout), 0u);
}

TEST_F(InviteClientTransaction, TransportErrorInCallingInformsTheTu) {
  start();
  txn_->on_transport_error();
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::transport_error);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  env_.timers.advance(60s);
  EXPECT_EQ(env_.sender.count(), 1u);
}

TEST_F(InviteClientTransaction, TransportErrorInProceedingInformsTheTu) {
  start();
  receive(180);
  txn_->on_transport_error();
  EXPECT_EQ(env_.owner.count(ev::transport_error), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteClientTransaction, TransportErrorAfterTheFinalTerminatesQuietly) {
  start();
  receive(486);
  txn_->on_transport_error();
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::transport_error), 0u);
}

TEST_F(InviteClientTransaction, TransportErrorInAcceptedIsIgnored) {
  start();
  receive(200);
  txn_->on_transport_error();
  EXPECT_EQ(txn_->current_state(), state::accepted);
}

TEST_F(InviteClientTransaction, CancelBuildsTheRfc3261Section91Request) {
  start();
  const message c = txn_->make_cancel();
  EXPECT_EQ(c.method_id, method::cancel);
  EXPECT_EQ(c.method_name, "CANCEL");
  ASSERT_EQ(c.vias.size(), 1u);
  EXPECT_EQ(c.vias[0].branch(), "z9hG4bKict1");
  EXPECT_EQ(c.cseq.number, invite_.cseq.number);
  EXPECT_EQ(c.cseq.method_id, method::cancel);
  EXPECT_EQ(c.to.tag(), "");
  EXPECT_EQ(c.from.tag(), invite_.from.tag());
  EXPECT_EQ(c.call_id, invite_.call_id);
  EXPECT_EQ(c.routes.size(), 1u);
}

TEST_F(InviteClientTransaction, NoFinalWithin64T1AfterCancelTimesOut) {
  start();
  receive(180);
  env_.timers.advance(10s);
  txn_->cancel_sent();
  env_.timers.advance(32s - 1ms);
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  env_.timers.advance(1ms);
  EXPECT_EQ(env_.owner.count(ev::timeout), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteClientTransaction, FinalAfterCancelDisarmsTheCancelTimer) {
  start();
  receive(180);
  txn_->cancel_sent();
  receive(487);
  env_.timers.advance(40s);
  EXPECT_EQ(env_.owner.count(ev::timeout), 0u);
  EXPECT_FALSE(txn_->cancellable());
}

TEST_F(InviteClientTransaction, OwnerMayTerminateFromInsideTheResponseCallback) {
  start();
  env_.owner.hook = [](transaction& t, const owner_event& e) {
    if (e.what == ev::response) t.terminate();
  };
  receive(486);
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_EQ(env_.timers.pending(), 0u);  // Timer D was never armed
  receive(486);
  EXPECT_EQ(env_.sender.count(), 2u);  // INVITE and the first ACK only
}

TEST_F(InviteClientTransaction, OwnerMayTerminateFromInsideTheTimeoutCallback) {
  start();
  env_.owner.hook = [](transaction& t, const owner_event& e) {
    if (e.what == ev::timeout) t.terminate();
  };
  env_.timers.advance(40s);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
}

TEST_F(InviteClientTransaction, MalformedStatusIsIgnored) {
  start();
  message r = respond_to(invite_, 180);
  r.status = 99;
  txn_->receive_response(std::move(r), udp_peer());
  EXPECT_EQ(txn_->current_state(), state::calling);
  EXPECT_TRUE(env_.owner.events.empty());
}

}  // namespace
}  // namespace voxedge::sip
