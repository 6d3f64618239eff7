#include "daemon/call/media_supervisor.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "base/timer_queue.hpp"

namespace voxedge::daemon {
namespace {

using namespace std::chrono_literals;

struct recorder final : media_supervisor::listener {
  void on_media_state(call_state s) override { states.push_back(s); }
  void on_media_lost() override { ++lost; }
  std::vector<call_state> states;
  int lost = 0;
};

class media_supervisor_test : public ::testing::Test {
 protected:
  manual_timer_service timers_;
  recorder events_;
  media_supervisor sup_{timers_, events_, /*hangup_after=*/10s, /*renewal=*/2s, /*silence_limit=*/30s};
};

TEST_F(media_supervisor_test, silence_while_established_disrupts_then_hangs_up) {
  sup_.on_timeout(media_leg::a, call_state::established, false);
  ASSERT_EQ(events_.states, std::vector<call_state>{call_state::media_disrupted});
  timers_.advance(9s);
  EXPECT_EQ(events_.lost, 0);
  timers_.advance(1s);
  EXPECT_EQ(events_.lost, 1);
}

TEST_F(media_supervisor_test, media_back_renews_then_establishes) {
  sup_.on_timeout(media_leg::b, call_state::established, false);
  sup_.on_resumed(media_leg::b, call_state::media_disrupted);
  EXPECT_EQ(events_.states.back(), call_state::renewing_media);
  timers_.advance(2s);
  EXPECT_EQ(events_.states.back(), call_state::established);
  timers_.advance(20s);
  EXPECT_EQ(events_.lost, 0) << "the hang-up was cancelled";
}

TEST_F(media_supervisor_test, silence_on_hold_is_expected) {
  sup_.on_timeout(media_leg::a, call_state::established, true);
  timers_.advance(60s);
  EXPECT_TRUE(events_.states.empty());
  EXPECT_EQ(events_.lost, 0);
}

TEST_F(media_supervisor_test, leg_silent_since_ringing_is_disrupted_one_limit_after_answer) {
  sup_.on_timeout(media_leg::a, call_state::ringing, false);  // reported once, before the answer
  EXPECT_TRUE(events_.states.empty());
  sup_.on_established(false);
  timers_.advance(29s);
  EXPECT_TRUE(events_.states.empty());
  timers_.advance(1s);
  ASSERT_EQ(events_.states, std::vector<call_state>{call_state::media_disrupted});
  timers_.advance(10s);
  EXPECT_EQ(events_.lost, 1);
}

TEST_F(media_supervisor_test, media_after_answer_clears_a_pre_answer_silence) {
  sup_.on_timeout(media_leg::b, call_state::ringing, false);
  sup_.on_established(false);
  sup_.on_resumed(media_leg::b, call_state::established);
  timers_.advance(60s);
  EXPECT_TRUE(events_.states.empty());
  EXPECT_EQ(events_.lost, 0);
}

TEST_F(media_supervisor_test, hold_after_answer_cancels_the_pending_check) {
  sup_.on_timeout(media_leg::a, call_state::ringing, false);
  sup_.on_established(false);
  sup_.on_session_changed(call_state::established, true);
  timers_.advance(60s);
  EXPECT_TRUE(events_.states.empty());
}

}  // namespace
}  // namespace voxedge::daemon
