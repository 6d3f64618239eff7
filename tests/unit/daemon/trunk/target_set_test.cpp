// Target health bookkeeping: order, down after N failures, up after one success,
// Retry-After holds, state kept across re-resolution.
#include "daemon/trunk/target_set.hpp"

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

using namespace std::chrono_literals;

trunk_target target(const char* ip, std::uint16_t port = 5061) {
  trunk_target t;
  t.key = {sip::transport_kind::tls, boost::asio::ip::make_address(ip), port};
  t.host = "sip.carrier.example";
  return t;
}

std::vector<std::string> keys(const std::vector<trunk_target>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.key.to_string());
  return out;
}

const time_point t0 = time_point{} + 1h;

TEST(target_set, keeps_the_located_order_and_starts_up) {
  target_set s(2);
  EXPECT_TRUE(s.replace({target("192.0.2.1"), target("192.0.2.2"), target("2001:db8::1")}));
  EXPECT_EQ(keys(s.candidates(t0)),
            (std::vector<std::string>{"tls:192.0.2.1:5061", "tls:192.0.2.2:5061", "tls:[2001:db8::1]:5061"}));
  EXPECT_EQ(s.up_count(), 3u);
}

TEST(target_set, down_after_consecutive_failures_and_up_after_one_success) {
  target_set s(2);
  s.replace({target("192.0.2.1"), target("192.0.2.2")});
  const auto k = s.targets()[0].key;
  EXPECT_EQ(s.record_failure(k, "timeout"), target_set::change::none);
  EXPECT_EQ(s.record_success(k), target_set::change::none) << "a success resets the count";
  EXPECT_EQ(s.record_failure(k, "timeout"), target_set::change::none);
  EXPECT_EQ(s.record_failure(k, "refused"), target_set::change::went_down);
  EXPECT_EQ(s.record_failure(k, "refused"), target_set::change::none) << "down is reported once";
  EXPECT_EQ(s.find(k)->last_problem, "refused");
  EXPECT_EQ(keys(s.candidates(t0)), std::vector<std::string>{"tls:192.0.2.2:5061"});
  EXPECT_EQ(s.up_count(), 1u);
  EXPECT_EQ(s.record_success(k, 12ms), target_set::change::went_up);
  EXPECT_EQ(s.find(k)->last_rtt, std::optional<duration>(12ms));
  EXPECT_EQ(s.candidates(t0).size(), 2u);
}

TEST(target_set, retry_after_holds_a_target_without_marking_it_down) {
  target_set s(1);
  s.replace({target("192.0.2.1"), target("192.0.2.2")});
  const auto k = s.targets()[0].key;
  s.hold_until(k, t0 + 30s);
  EXPECT_EQ(keys(s.candidates(t0)), std::vector<std::string>{"tls:192.0.2.2:5061"});
  EXPECT_EQ(s.up_count(), 2u);
  EXPECT_EQ(s.candidates(t0 + 30s).size(), 2u) << "back in rotation when the time has come";
  s.hold_until(k, t0 + 10s);
  EXPECT_EQ(s.candidates(t0 + 20s).size(), 1u) << "a shorter hold does not cut a longer one short";
}

TEST(target_set, re_resolution_keeps_the_state_of_known_targets) {
  target_set s(1);
  s.replace({target("192.0.2.1"), target("192.0.2.2")});
  s.record_failure(s.targets()[0].key, "refused");
  EXPECT_FALSE(s.replace({target("192.0.2.1"), target("192.0.2.2")})) << "same list: no change";
  EXPECT_FALSE(s.targets()[0].up) << "a dead target is not revived by DNS";
  EXPECT_TRUE(s.replace({target("192.0.2.3"), target("192.0.2.1")}));
  EXPECT_TRUE(s.targets()[0].up) << "a new target starts up";
  EXPECT_FALSE(s.targets()[1].up);
  EXPECT_EQ(s.find(target("192.0.2.2").key), nullptr) << "gone from DNS, gone from the set";
}

TEST(target_set, a_down_target_is_retried_after_a_while_when_asked_to) {
  target_set s(1);
  s.replace({target("192.0.2.1"), target("192.0.2.2")});
  s.record_failure(s.targets()[0].key, "refused", t0);
  EXPECT_EQ(keys(s.candidates(t0 + 29s, 30s)), std::vector<std::string>{"tls:192.0.2.2:5061"});
  EXPECT_EQ(keys(s.candidates(t0 + 30s, 30s)),
            (std::vector<std::string>{"tls:192.0.2.2:5061", "tls:192.0.2.1:5061"}))
      << "after the up ones";
  EXPECT_EQ(s.candidates(t0 + 30s).size(), 1u) << "never without retry_down_after";
  s.record_failure(s.targets()[0].key, "refused again", t0 + 31s);
  EXPECT_EQ(s.candidates(t0 + 40s, 30s).size(), 1u) << "a failed retry starts the wait again";
}

TEST(target_set, unknown_targets_are_ignored) {
  target_set s(1);
  s.replace({target("192.0.2.1")});
  EXPECT_EQ(s.record_failure(target("192.0.2.9").key, "x"), target_set::change::none);
  EXPECT_EQ(s.up_count(), 1u);
}

}  // namespace
}  // namespace voxedge::daemon
