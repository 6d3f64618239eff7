#include "sip/transaction/non_invite_client_transaction.hpp"

#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;
using ev = owner_event::type;
using state = non_invite_client_transaction::state;

class NonInviteClientTransaction : public ::testing::Test {
 protected:
  void create(const peer& to = udp_peer()) {
    request_ = make_request("OPTIONS", "z9hG4bKnict1");
    t0_ = env_.timers.now();
    txn_ = std::make_unique<non_invite_client_transaction>(env_.ctx, 1, request_, to);
  }
  void start(const peer& to = udp_peer()) {
    create(to);
    txn_->start();
  }
  void receive(int status, const peer& from = udp_peer()) {
    txn_->receive_response(respond_to(request_, status), from);
  }

  machine_env env_;
  message request_;
  time_point t0_;
  std::unique_ptr<non_invite_client_transaction> txn_;
};

TEST_F(NonInviteClientTransaction, TimerEIsCappedAtT2AndTimerFTimesOutAt32s) {
  start();
  EXPECT_EQ(txn_->current_state(), state::trying);
  env_.timers.advance(31999ms);
  // §17.1.2.2: intervals 500 ms, 1 s, 2 s, 4 s, 4 s, ... (MIN(2*E, T2)).
  EXPECT_EQ(env_.send_times_ms(t0_),
            (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  EXPECT_TRUE(env_.owner.events.empty());
  env_.timers.advance(1ms);  // Timer F = 64*T1
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::timeout);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  EXPECT_EQ(env_.timers.pending(), 0u);
  EXPECT_EQ(env_.stats.retransmissions_sent, 10u);
}

TEST_F(NonInviteClientTransaction, ProceedingRetransmitsEveryT2) {
  start();
  env_.timers.advance(100ms);
  receive(100);
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  env_.timers.advance(10s - 100ms);
  // The pending Timer E still fires at 500 ms; from then on every T2 (§17.1.2.2).
  EXPECT_EQ(env_.send_times_ms(t0_), (std::vector<long long>{0, 500, 4500, 8500}));
  ASSERT_EQ(env_.owner.responses.size(), 1u);
  EXPECT_EQ(env_.owner.responses[0].status, 100);
  env_.timers.advance(22s);
  EXPECT_EQ(env_.owner.count(ev::timeout), 1u);  // Timer F also bounds Proceeding
}

TEST_F(NonInviteClientTransaction, ReliableTransportHasNoTimerEAndTimerKIsZero) {
  start(tcp_peer(3));
  env_.timers.advance(10s);
  EXPECT_EQ(env_.sender.count(), 1u);
  receive(200, tcp_peer(3));
  EXPECT_EQ(txn_->current_state(), state::terminated);
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::response);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
}

TEST_F(NonInviteClientTransaction, ReliableTimerFStillFires) {
  start(tcp_peer(3));
  env_.timers.advance(32s);
  EXPECT_EQ(env_.owner.count(ev::timeout), 1u);
  EXPECT_EQ(env_.sender.count(), 1u);
}

TEST_F(NonInviteClientTransaction, CompletedAbsorbsRetransmittedFinalsForTimerK) {
  start();
  env_.timers.advance(600ms);
  receive(200);
  EXPECT_EQ(txn_->current_state(), state::completed);
  const auto sent = env_.sender.count();
  receive(200);
  receive(200);
  EXPECT_EQ(env_.owner.responses.size(), 1u);
  EXPECT_EQ(env_.stats.retransmissions_absorbed, 2u);
  env_.timers.advance(4999ms);
  EXPECT_EQ(txn_->current_state(), state::completed);
  EXPECT_EQ(env_.sender.count(), sent);  // Timer E stopped
  env_.timers.advance(1ms);              // Timer K = T4
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::timeout), 0u);
}

TEST_F(NonInviteClientTransaction, FinalStraightFromTrying) {
  start();
  receive(404);
  EXPECT_EQ(txn_->current_state(), state::completed);
  ASSERT_EQ(env_.owner.responses.size(), 1u);
  EXPECT_EQ(env_.owner.responses[0].status, 404);
}

TEST_F(NonInviteClientTransaction, TransportErrorInformsTheTuAndStops) {
  start();
  txn_->on_transport_error();
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::transport_error);
  env_.timers.advance(60s);
  EXPECT_EQ(env_.sender.count(), 1u);
}

TEST_F(NonInviteClientTransaction, TransportErrorInCompletedIsIgnored) {
  start();
  receive(200);
  txn_->on_transport_error();
  EXPECT_EQ(txn_->current_state(), state::completed);
  EXPECT_EQ(env_.owner.count(ev::transport_error), 0u);
}

TEST_F(NonInviteClientTransaction, UnstartedTransactionSendsNothingAndIgnoresResponses) {
  create();
  receive(200);
  txn_->on_transport_error();
  EXPECT_TRUE(env_.owner.events.empty());
  EXPECT_EQ(txn_->state_name(), "Idle");
  txn_->terminate();
  EXPECT_EQ(env_.sender.count(), 0u);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  txn_->start();  // too late: terminated
  EXPECT_EQ(env_.sender.count(), 0u);
}

TEST_F(NonInviteClientTransaction, OwnerMayTerminateFromInsideTheResponseCallback) {
  start();
  env_.owner.hook = [](transaction& t, const owner_event& e) {
    if (e.what == ev::response) t.terminate();
  };
  receive(200);
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_EQ(env_.timers.pending(), 0u);
}

}  // namespace
}  // namespace voxedge::sip
