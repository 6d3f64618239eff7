#include "base/timer_queue.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace voxedge {
namespace {

using namespace std::chrono_literals;

TEST(manual_timer_service, fires_in_deadline_order_and_steps_now) {
  manual_timer_service ts;
  const auto t0 = ts.now();
  std::vector<std::pair<int, duration>> fired;
  ts.schedule(300ms, [&] { fired.emplace_back(3, ts.now() - t0); });
  ts.schedule(100ms, [&] { fired.emplace_back(1, ts.now() - t0); });
  ts.schedule(200ms, [&] { fired.emplace_back(2, ts.now() - t0); });
  ts.advance(250ms);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], std::make_pair(1, duration(100ms)));
  EXPECT_EQ(fired[1], std::make_pair(2, duration(200ms)));
  EXPECT_EQ(ts.now() - t0, 250ms);
  ts.advance(1s);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[2].second, 300ms);
}

TEST(manual_timer_service, equal_deadlines_fire_in_schedule_order) {
  manual_timer_service ts;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) ts.schedule(10ms, [&order, i] { order.push_back(i); });
  ts.advance(10ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(manual_timer_service, cancel_and_reschedule_from_callback) {
  manual_timer_service ts;
  int a = 0;
  int b = 0;
  timer_service::handle hb = ts.schedule(20ms, [&] { ++b; });
  ts.schedule(10ms, [&] {
    ++a;
    ts.cancel(hb);
    ts.schedule(5ms, [&] { ++a; });  // lands at 15 ms, inside the same advance()
  });
  ts.advance(30ms);
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(ts.pending(), 0u);
}

TEST(scoped_timer, cancels_on_destruction_and_restart) {
  manual_timer_service ts;
  int fired = 0;
  {
    scoped_timer t(ts);
    t.start(10ms, [&] { ++fired; });
    EXPECT_TRUE(t.pending());
  }
  ts.advance(20ms);
  EXPECT_EQ(fired, 0);
  scoped_timer t(ts);
  t.start(10ms, [&] { fired += 1; });
  t.start(30ms, [&] { fired += 10; });
  ts.advance(20ms);
  EXPECT_EQ(fired, 0);
  ts.advance(20ms);
  EXPECT_EQ(fired, 10);
  EXPECT_FALSE(t.pending());
}

}  // namespace
}  // namespace voxedge
