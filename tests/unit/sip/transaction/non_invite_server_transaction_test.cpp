#include "sip/transaction/non_invite_server_transaction.hpp"

#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;
using ev = owner_event::type;
using state = non_invite_server_transaction::state;

class NonInviteServerTransaction : public ::testing::Test {
 protected:
  void create(const peer& respond_to_peer = udp_peer(), std::optional<peer> fallback = std::nullopt) {
    request_ = make_request("BYE", "z9hG4bKnist1");
    txn_ = std::make_unique<non_invite_server_transaction>(env_.ctx, 1, request_, respond_to_peer, std::move(fallback));
  }
  bool respond(int status) { return txn_->respond(respond_to(request_, status)); }

  machine_env env_;
  message request_;
  std::unique_ptr<non_invite_server_transaction> txn_;
};

TEST_F(NonInviteServerTransaction, TryingAbsorbsRetransmissionsSilently) {
  create();
  env_.timers.advance(1s);
  txn_->receive_request();
  txn_->receive_request();
  EXPECT_EQ(env_.sender.count(), 0u);  // §17.2.2: no 100 for non-INVITE, nothing to resend
  EXPECT_EQ(env_.stats.retransmissions_absorbed, 2u);
  EXPECT_EQ(txn_->current_state(), state::trying);
}

TEST_F(NonInviteServerTransaction, ProceedingResendsTheLastProvisional) {
  create();
  EXPECT_TRUE(respond(100));
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  txn_->receive_request();
  ASSERT_EQ(env_.sender.count(), 2u);
  EXPECT_EQ(env_.sender.sent[1].bytes, env_.sender.sent[0].bytes);
}

TEST_F(NonInviteServerTransaction, CompletedResendsTheFinalUntilTimerJ) {
  create();
  EXPECT_TRUE(respond(200));
  EXPECT_EQ(txn_->current_state(), state::completed);
  txn_->receive_request();
  ASSERT_EQ(env_.sender.count(), 2u);
  EXPECT_EQ(env_.sender.last().status, 200);
  EXPECT_FALSE(respond(500));  // only one final
  EXPECT_FALSE(respond(180));
  env_.timers.advance(31999ms);
  EXPECT_EQ(env_.sender.count(), 2u);  // no timer-driven retransmission on the server side
  EXPECT_EQ(txn_->current_state(), state::completed);
  env_.timers.advance(1ms);  // Timer J = 64*T1
  EXPECT_EQ(txn_->current_state(), state::terminated);
  ASSERT_EQ(env_.owner.events.size(), 1u);
  EXPECT_EQ(env_.owner.events[0].what, ev::terminated);
}

TEST_F(NonInviteServerTransaction, ReliableTimerJIsZero) {
  create(tcp_peer(4));
  EXPECT_TRUE(respond(200));
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.sender.sent[0].to.connection_id, 4u);
}

TEST_F(NonInviteServerTransaction, TransportErrorInformsTheTu) {
  create();
  EXPECT_TRUE(respond(200));
  txn_->on_transport_error();
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::transport_error);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
}

TEST_F(NonInviteServerTransaction, BrokenConnectionFallsBackBeforeTheTuIsTold) {
  create(tcp_peer(4), tcp_peer(0, "192.0.2.10", 5060));
  txn_->on_transport_error();  // nothing sent yet: just switch
  EXPECT_TRUE(env_.owner.events.empty());
  EXPECT_EQ(env_.sender.count(), 0u);
  EXPECT_TRUE(respond(200));
  EXPECT_EQ(env_.sender.sent[0].to.connection_id, 0u);
  EXPECT_EQ(env_.sender.sent[0].to.port, 5060);
}

TEST_F(NonInviteServerTransaction, OwnerMayTerminateFromInsideTheTransportErrorCallback) {
  create();
  env_.owner.hook = [](transaction& t, const owner_event& e) {
    if (e.what == ev::transport_error) t.terminate();
  };
  txn_->on_transport_error();
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
  txn_->on_transport_error();
  EXPECT_EQ(env_.owner.count(ev::transport_error), 1u);
}

}  // namespace
}  // namespace voxedge::sip
