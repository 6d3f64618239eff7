#include "sip/transaction/invite_server_transaction.hpp"

#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;
using ev = owner_event::type;
using state = invite_server_transaction::state;

class InviteServerTransaction : public ::testing::Test {
 protected:
  void create(const peer& respond_to_peer = udp_peer(), std::optional<peer> fallback = std::nullopt) {
    request_spec s;
    s.branch = "z9hG4bKist1";
    s.extra_headers = "Timestamp: 54\r\n";
    s.body = "v=0\r\n";
    invite_ = make_request(s);
    t0_ = env_.timers.now();
    txn_ = std::make_unique<invite_server_transaction>(env_.ctx, 1, invite_, respond_to_peer, std::move(fallback));
    txn_->start();
  }
  bool respond(int status, std::string_view tag = "uastag") { return txn_->respond(respond_to(invite_, status, tag)); }

  machine_env env_;
  message invite_;
  time_point t0_;
  std::unique_ptr<invite_server_transaction> txn_;
};

TEST_F(InviteServerTransaction, Sends100TryingItselfAfter200ms) {
  create();
  env_.timers.advance(199ms);
  EXPECT_EQ(env_.sender.count(), 0u);
  env_.timers.advance(1ms);
  ASSERT_EQ(env_.sender.count(), 1u);
  const message trying = env_.sender.last();
  EXPECT_EQ(trying.status, 100);
  EXPECT_EQ(trying.to.tag(), "");  // §8.2.6.1: no tag on 100
  EXPECT_EQ(trying.vias[0].branch(), "z9hG4bKist1");
  EXPECT_EQ(trying.cseq.number, invite_.cseq.number);
  EXPECT_EQ(trying.header_value("Timestamp").value_or(""), "54");  // §8.2.6.1 echo
  EXPECT_EQ(env_.sender.sent[0].to.port, 5060);
  EXPECT_EQ(txn_->current_state(), state::proceeding);
  EXPECT_TRUE(txn_->request().body.empty());  // the transaction keeps no body
}

TEST_F(InviteServerTransaction, TuAnsweringWithin200msSuppressesThe100) {
  create();
  env_.timers.advance(100ms);
  EXPECT_TRUE(respond(180));
  env_.timers.advance(10s);
  ASSERT_EQ(env_.sender.count(), 1u);
  EXPECT_EQ(env_.sender.last().status, 180);
}

TEST_F(InviteServerTransaction, RetransmittedInviteGetsTheLastProvisionalAgain) {
  create();
  txn_->receive_invite();  // nothing sent yet: absorbed silently
  EXPECT_EQ(env_.sender.count(), 0u);
  env_.timers.advance(300ms);  // 100 Trying
  EXPECT_TRUE(respond(180));
  txn_->receive_invite();
  ASSERT_EQ(env_.sender.count(), 3u);
  EXPECT_EQ(env_.sender.sent[2].bytes, env_.sender.sent[1].bytes);
  EXPECT_EQ(env_.sender.last().status, 180);
  EXPECT_EQ(env_.stats.retransmissions_absorbed, 2u);
  EXPECT_EQ(env_.stats.retransmissions_sent, 1u);
  EXPECT_TRUE(env_.owner.events.empty());  // nothing reaches the TU
}

TEST_F(InviteServerTransaction, TimerGRetransmitsTheFinalUntilTimerH) {
  create();
  EXPECT_TRUE(respond(486));
  EXPECT_EQ(txn_->current_state(), state::completed);
  env_.timers.advance(31999ms);
  // §17.2.1: G = T1, doubling, capped at T2.
  EXPECT_EQ(env_.send_times_ms(t0_),
            (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  EXPECT_TRUE(env_.owner.events.empty());
  env_.timers.advance(1ms);  // Timer H = 64*T1: the ACK never came
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::timeout);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  EXPECT_EQ(env_.timers.pending(), 0u);
}

TEST_F(InviteServerTransaction, RetransmittedInviteInCompletedGetsTheFinalAgain) {
  create();
  EXPECT_TRUE(respond(486));
  txn_->receive_invite();
  ASSERT_EQ(env_.sender.count(), 2u);
  EXPECT_EQ(env_.sender.last().status, 486);
  EXPECT_FALSE(respond(500));  // a second final is refused
  EXPECT_EQ(env_.sender.count(), 2u);
}

TEST_F(InviteServerTransaction, AckConfirmsAndTimerIAbsorbsAckRetransmissions) {
  create();
  EXPECT_TRUE(respond(486));
  env_.timers.advance(600ms);  // one Timer G retransmission
  EXPECT_TRUE(txn_->receive_ack());
  EXPECT_EQ(txn_->current_state(), state::confirmed);
  EXPECT_TRUE(txn_->receive_ack());
  txn_->receive_invite();
  env_.timers.advance(4999ms);
  EXPECT_EQ(env_.sender.count(), 2u);  // G stopped, nothing resent in Confirmed
  EXPECT_EQ(txn_->current_state(), state::confirmed);
  env_.timers.advance(1ms);  // Timer I = T4 after the ACK at 600 ms
  EXPECT_EQ(txn_->current_state(), state::terminated);
  EXPECT_EQ(env_.owner.count(ev::timeout), 0u);
}

TEST_F(InviteServerTransaction, ReliableTransportHasNoTimerGAndTimerIIsZero) {
  create(tcp_peer(5));
  EXPECT_TRUE(respond(603));
  env_.timers.advance(10s);
  EXPECT_EQ(env_.sender.count(), 1u);
  EXPECT_TRUE(txn_->receive_ack());
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteServerTransaction, ReliableTimerHStillFires) {
  create(tcp_peer(5));
  EXPECT_TRUE(respond(603));
  env_.timers.advance(32s);
  EXPECT_EQ(env_.owner.count(ev::timeout), 1u);
}

TEST_F(InviteServerTransaction, AcceptedAbsorbsInviteRetransmissionsAndPassesTuRetransmissions) {
  create();
  EXPECT_TRUE(respond(200));
  EXPECT_EQ(txn_->current_state(), state::accepted);
  env_.timers.advance(500ms);
  EXPECT_EQ(env_.sender.count(), 1u);  // the transaction never retransmits a 2xx itself
  txn_->receive_invite();
  EXPECT_EQ(env_.sender.count(), 1u);  // RFC 6026 §8.7: absorbed
  EXPECT_EQ(env_.stats.retransmissions_absorbed, 1u);
  EXPECT_TRUE(respond(200));  // the TU's §13.3.1.4 retransmission
  EXPECT_EQ(env_.sender.count(), 2u);
  EXPECT_FALSE(respond(486));
  EXPECT_FALSE(respond(180));
  EXPECT_FALSE(txn_->receive_ack());  // the ACK for a 2xx goes to the TU
  EXPECT_EQ(txn_->current_state(), state::accepted);
  env_.timers.advance(32s - 500ms - 1ms);
  EXPECT_EQ(txn_->current_state(), state::accepted);
  env_.timers.advance(1ms);  // Timer L = 64*T1
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteServerTransaction, ResponseToTagIsRemembered) {
  create();
  EXPECT_EQ(txn_->response_to_tag(), "");
  EXPECT_TRUE(respond(180, "abc"));
  EXPECT_EQ(txn_->response_to_tag(), "abc");
  EXPECT_EQ(txn_->last_status(), 180);
}

TEST_F(InviteServerTransaction, RejectsNonResponses) {
  create();
  EXPECT_FALSE(txn_->respond(make_request("INVITE")));
  message r = respond_to(invite_, 180);
  r.status = 700;
  EXPECT_FALSE(txn_->respond(std::move(r)));
}

TEST_F(InviteServerTransaction, TransportErrorInProceedingInformsTheTu) {
  create();
  EXPECT_TRUE(respond(180));
  txn_->on_transport_error();
  ASSERT_EQ(env_.owner.events.size(), 2u);
  EXPECT_EQ(env_.owner.events[0].what, ev::transport_error);
  EXPECT_EQ(env_.owner.events[1].what, ev::terminated);
  EXPECT_FALSE(respond(200));
}

TEST_F(InviteServerTransaction, TransportErrorInCompletedInformsTheTu) {
  create();
  EXPECT_TRUE(respond(486));
  txn_->on_transport_error();
  EXPECT_EQ(env_.owner.count(ev::transport_error), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteServerTransaction, TransportErrorInAcceptedInformsTheTuButStays) {
  create();
  EXPECT_TRUE(respond(200));
  txn_->on_transport_error();
  EXPECT_EQ(env_.owner.count(ev::transport_error), 1u);
  EXPECT_EQ(txn_->current_state(), state::accepted);  // RFC 6026 §8.7
}

TEST_F(InviteServerTransaction, BrokenConnectionFallsBackOnceToSentBy) {
  peer fallback = tcp_peer(0, "192.0.2.10", 5060);
  fallback.listener = -1;
  create(tcp_peer(9), fallback);
  EXPECT_TRUE(respond(180));
  txn_->on_transport_error();  // §18.2.2: retry on a new connection
  EXPECT_TRUE(env_.owner.events.empty());
  ASSERT_EQ(env_.sender.count(), 2u);
  EXPECT_EQ(env_.sender.sent[1].to.connection_id, 0u);
  EXPECT_EQ(env_.sender.sent[1].to.port, 5060);
  EXPECT_EQ(env_.sender.sent[1].bytes, env_.sender.sent[0].bytes);
  EXPECT_EQ(txn_->remote().port, 5060);
  txn_->on_transport_error();  // the fallback failed too
  EXPECT_EQ(env_.owner.count(ev::transport_error), 1u);
  EXPECT_EQ(txn_->current_state(), state::terminated);
}

TEST_F(InviteServerTransaction, OwnerMayTerminateFromInsideTheTimeoutCallback) {
  create();
  env_.owner.hook = [](transaction& t, const owner_event& e) {
    if (e.what == ev::timeout) t.terminate();
  };
  EXPECT_TRUE(respond(486));
  env_.timers.advance(40s);
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_EQ(env_.timers.pending(), 0u);
}

TEST_F(InviteServerTransaction, TerminateStopsEverything) {
  create();
  txn_->terminate();
  txn_->terminate();
  env_.timers.advance(1s);
  EXPECT_EQ(env_.sender.count(), 0u);  // no 100 Trying after terminate
  EXPECT_EQ(env_.owner.count(ev::terminated), 1u);
  EXPECT_FALSE(respond(200));
}

}  // namespace
}  // namespace voxedge::sip
