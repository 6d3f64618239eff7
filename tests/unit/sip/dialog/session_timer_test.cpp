#include "sip/dialog/session_timer.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "base/timer_queue.hpp"

namespace voxedge::sip {
namespace {

using namespace std::chrono_literals;

struct recorder final : session_timer::listener {
  void on_refresh_due() override {
    refreshes.push_back(timers->now() - start);
    if (hook) hook();
  }
  void on_expired() override {
    expiries.push_back(timers->now() - start);
    if (hook) hook();
  }
  manual_timer_service* timers = nullptr;
  time_point start;
  std::vector<duration> refreshes;
  std::vector<duration> expiries;
  std::function<void()> hook;
};

class SessionTimer : public ::testing::Test {
 protected:
  SessionTimer() {
    rec_.timers = &timers_;
    rec_.start = timers_.now();
  }
  manual_timer_service timers_;
  recorder rec_;
  session_timer timer_{timers_, rec_};
};

TEST_F(SessionTimer, RefresherIsToldAtHalfTheInterval) {
  timer_.start({1800s, true});
  timers_.advance(900s - 1ms);
  EXPECT_TRUE(rec_.refreshes.empty());
  timers_.advance(1ms);
  EXPECT_EQ(rec_.refreshes, (std::vector<duration>{900s}));
  // The refresh never got its 2xx: the session ends before the peer's timer does,
  // 1800 - min(32, 600) = 1768 s after the start (RFC 4028 §10).
  timers_.advance(868s - 1ms);
  EXPECT_TRUE(rec_.expiries.empty());
  timers_.advance(1ms);
  EXPECT_EQ(rec_.expiries, (std::vector<duration>{1768s}));
  EXPECT_FALSE(timer_.running());
  EXPECT_EQ(timers_.pending(), 0u);
}

TEST_F(SessionTimer, RefreshRestartsFromNow) {
  timer_.start({1800s, true});
  rec_.hook = [this] { timer_.refresh(); };  // the refresh succeeds at once
  timers_.advance(3600s);
  EXPECT_EQ(rec_.refreshes, (std::vector<duration>{900s, 1800s, 2700s, 3600s}));
  EXPECT_TRUE(rec_.expiries.empty());
}

TEST_F(SessionTimer, NonRefresherExpiresBeforeTheEndWithoutARefresh) {
  timer_.start({90s, false});
  // 90 - min(32, 30) = 60 s.
  timers_.advance(60s - 1ms);
  EXPECT_TRUE(rec_.expiries.empty());
  timers_.advance(1ms);
  EXPECT_EQ(rec_.expiries, (std::vector<duration>{60s}));
  EXPECT_TRUE(rec_.refreshes.empty());
}

TEST_F(SessionTimer, IncomingRefreshPostponesExpiry) {
  timer_.start({1800s, false});
  timers_.advance(1000s);
  timer_.refresh();  // the peer's re-INVITE got our 2xx
  timers_.advance(1767s);
  EXPECT_TRUE(rec_.expiries.empty());
  timers_.advance(1s);
  EXPECT_EQ(rec_.expiries, (std::vector<duration>{2768s}));
}

TEST_F(SessionTimer, RenegotiationCanSwapTheRefresher) {
  timer_.start({1800s, false});
  timers_.advance(100s);
  timer_.start({600s, true});
  timers_.advance(300s);
  EXPECT_EQ(rec_.refreshes, (std::vector<duration>{400s}));
  EXPECT_EQ(timer_.session(), (negotiated_session{600s, true}));
}

TEST_F(SessionTimer, StopCancelsEverything) {
  timer_.start({1800s, true});
  timer_.stop();
  timer_.refresh();  // no-op while stopped
  EXPECT_EQ(timers_.pending(), 0u);
  timers_.advance(3600s);
  EXPECT_TRUE(rec_.refreshes.empty());
  EXPECT_TRUE(rec_.expiries.empty());
}

TEST(SessionTimerFormulas, RefreshAndExpiryPoints) {
  EXPECT_EQ(session_timer::refresh_after({1801s, true}), 900500ms);
  EXPECT_EQ(session_timer::expire_after({1800s, false}), 1768s);
  EXPECT_EQ(session_timer::expire_after({90s, false}), 60s);
  EXPECT_EQ(session_timer::expire_after({96s, false}), 64s);  // 96 - min(32, 32)
}

TEST(SessionTimerLifetime, ListenerMayDestroyTheTimerFromItsCallback) {
  manual_timer_service timers;
  recorder rec;
  rec.timers = &timers;
  rec.start = timers.now();
  auto timer = std::make_unique<session_timer>(timers, rec);
  rec.hook = [&] { timer.reset(); };
  timer->start({120s, true});
  timers.advance(60s);
  EXPECT_EQ(timer, nullptr);
  EXPECT_EQ(timers.pending(), 0u);
  timers.advance(600s);
  EXPECT_EQ(rec.refreshes.size(), 1u);
  EXPECT_TRUE(rec.expiries.empty());
}

}  // namespace
}  // namespace voxedge::sip
