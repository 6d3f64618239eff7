#include "sip/dialog/reinvite_guard.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

using std::chrono::milliseconds;

TEST(GlareRetryDelay, CallIdOwnerWaitsBetween2100And4000MsIn10MsSteps) {
  // RFC 3261 §14.1 item 1.
  EXPECT_EQ(glare_retry_delay(true, 0), milliseconds(2100));
  EXPECT_EQ(glare_retry_delay(true, 190), milliseconds(4000));
  EXPECT_EQ(glare_retry_delay(true, 191), milliseconds(2100));
  for (std::uint64_t r = 0; r < 5000; r += 7) {
    const auto d = glare_retry_delay(true, r * 0x9e3779b97f4a7c15ULL);
    EXPECT_GE(d, milliseconds(2100));
    EXPECT_LE(d, milliseconds(4000));
    EXPECT_EQ(std::chrono::duration_cast<milliseconds>(d).count() % 10, 0);
  }
}

TEST(GlareRetryDelay, OtherSideWaitsBetween0And2000Ms) {
  // RFC 3261 §14.1 item 2.
  EXPECT_EQ(glare_retry_delay(false, 0), milliseconds(0));
  EXPECT_EQ(glare_retry_delay(false, 200), milliseconds(2000));
  EXPECT_EQ(glare_retry_delay(false, UINT64_MAX), milliseconds((UINT64_MAX % 201) * 10));
  for (std::uint64_t r = 0; r < 5000; r += 7) {
    const auto d = glare_retry_delay(false, r * 0x9e3779b97f4a7c15ULL);
    EXPECT_LE(d, milliseconds(2000));
    EXPECT_EQ(std::chrono::duration_cast<milliseconds>(d).count() % 10, 0);
  }
}

TEST(GlareRetryDelay, RetryAfterIsZeroToTenSeconds) {
  EXPECT_EQ(retry_after_seconds(0), 0u);
  EXPECT_EQ(retry_after_seconds(10), 10u);
  EXPECT_EQ(retry_after_seconds(11), 0u);
}

TEST(ReinviteGuard, IncomingReInviteWhileOursIsPendingIs491) {
  reinvite_guard g;
  EXPECT_TRUE(g.can_send_reinvite());
  g.on_reinvite_sent();
  EXPECT_TRUE(g.pending_reinvite());
  EXPECT_FALSE(g.can_send_reinvite());
  EXPECT_EQ(g.on_reinvite_received(), glare_verdict::request_pending);
  EXPECT_FALSE(g.incoming_reinvite());  // answered at once, nothing recorded
  // Ours gets a 491 as well: retry after the §14.1 timer.
  EXPECT_TRUE(g.on_reinvite_completed(491));
  EXPECT_FALSE(g.pending_reinvite());
  EXPECT_TRUE(g.can_send_reinvite());
}

TEST(ReinviteGuard, SecondIncomingReInviteBeforeWeAnsweredIs500) {
  reinvite_guard g;
  EXPECT_EQ(g.on_reinvite_received(), glare_verdict::proceed);
  EXPECT_TRUE(g.incoming_reinvite());
  EXPECT_FALSE(g.can_send_reinvite());  // §14.1: not while theirs is in progress
  EXPECT_EQ(g.on_reinvite_received(), glare_verdict::retry_later);
  g.on_reinvite_answered();
  EXPECT_TRUE(g.can_send_reinvite());
  EXPECT_EQ(g.on_reinvite_received(), glare_verdict::proceed);
}

TEST(ReinviteGuard, CompletionOtherThan491NeedsNoRetry) {
  reinvite_guard g;
  g.on_reinvite_sent();
  EXPECT_FALSE(g.on_reinvite_completed(200));
  g.on_update_sent();
  EXPECT_FALSE(g.can_send_update());
  EXPECT_TRUE(g.on_update_completed(491));
  EXPECT_TRUE(g.can_send_update());
}

TEST(ReinviteGuard, UpdateRulesOfRfc3311) {
  reinvite_guard g;
  // An UPDATE without offer (a session refresh) never collides on offers.
  EXPECT_EQ(g.on_update_received(false, true, true), glare_verdict::proceed);
  // ... but a second UPDATE before we answered the first is 500.
  EXPECT_EQ(g.on_update_received(false, false, false), glare_verdict::retry_later);
  g.on_update_answered();
  EXPECT_EQ(g.on_update_received(true, true, false), glare_verdict::request_pending);
  EXPECT_EQ(g.on_update_received(true, false, true), glare_verdict::retry_later);
  EXPECT_EQ(g.on_update_received(true, false, false), glare_verdict::proceed);
  EXPECT_EQ(to_string(glare_verdict::request_pending), "request_pending");
}

}  // namespace
}  // namespace voxedge::sip
