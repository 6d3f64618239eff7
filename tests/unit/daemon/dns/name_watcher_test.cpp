#include "daemon/dns/name_watcher.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/timer_queue.hpp"
#include "fake_resolver.hpp"

namespace voxedge::daemon::dns {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::address;
using testing::fake_resolver;

address ip(const std::string& s) { return boost::asio::ip::make_address(s); }
std::vector<address> ips(std::initializer_list<const char*> list) {
  std::vector<address> out;
  for (const char* s : list) out.push_back(ip(s));
  return out;
}

struct recorder : name_watcher::listener {
  struct change {
    std::string name;
    std::vector<address> addresses;
  };
  struct failure {
    std::string name;
    dns_error error;
    duration retry_in;
  };
  std::vector<change> changes;
  std::vector<failure> failures;
  std::function<void()> on_change;

  void on_addresses_changed(const std::string& name, const std::vector<address>& addresses) override {
    changes.push_back({name, addresses});
    if (on_change) on_change();
  }
  void on_resolution_failed(const std::string& name, dns_error error, duration retry_in) override {
    failures.push_back({name, error, retry_in});
  }
};

config::dns_settings settings(std::uint32_t floor_s = 30, std::uint32_t ceiling_s = 3600) {
  config::dns_settings s;
  s.ttl_floor_s = floor_s;
  s.ttl_ceiling_s = ceiling_s;
  return s;
}

struct watcher_test : ::testing::Test {
  fake_resolver dns;
  manual_timer_service timers;
  recorder events;
  name_watcher watcher{dns, timers, settings(), events};
};

TEST_F(watcher_test, resolves_every_name_and_reports_the_first_answers) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1", "2001:db8::1"}, 300));
  dns.set_addresses("b.example.com", fake_resolver::addrs({"192.0.2.2"}, 300));
  watcher.watch({"a.example.com", "B.Example.COM.", "a.example.com"});
  EXPECT_EQ(watcher.names(), (std::vector<std::string>{"a.example.com", "b.example.com"}));
  EXPECT_EQ(dns.pending(), 2u);
  EXPECT_EQ(watcher.addresses("a.example.com"), nullptr) << "nothing known before the first answer";
  dns.run();
  ASSERT_EQ(events.changes.size(), 2u);
  EXPECT_EQ(events.changes[0].name, "a.example.com");
  EXPECT_EQ(events.changes[0].addresses, ips({"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(events.changes[1].name, "b.example.com");
  ASSERT_NE(watcher.addresses("B.EXAMPLE.com"), nullptr);
  EXPECT_EQ(*watcher.addresses("b.example.com"), ips({"192.0.2.2"}));
  EXPECT_EQ(watcher.counters().ok, 2u);
}

TEST_F(watcher_test, re_resolves_at_the_ttl_and_reports_only_changes) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1", "192.0.2.2"}, 60));
  watcher.watch({"a.example.com"});
  dns.run();
  ASSERT_EQ(events.changes.size(), 1u);

  timers.advance(59s);
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
  // The same set in another order is no change.
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.2", "192.0.2.1"}, 60));
  dns.run();
  EXPECT_EQ(events.changes.size(), 1u);

  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.3"}, 60));
  timers.advance(60s);
  dns.run();
  ASSERT_EQ(events.changes.size(), 2u);
  EXPECT_EQ(events.changes[1].addresses, ips({"192.0.2.3"}));
  EXPECT_EQ(dns.asked("a.example.com", 'A'), 3);
  EXPECT_EQ(watcher.counters().ok, 3u);
}

TEST_F(watcher_test, short_ttl_is_raised_to_the_floor) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 5));
  watcher.watch({"a.example.com"});
  dns.run();
  timers.advance(29s);
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
}

TEST_F(watcher_test, long_ttl_is_cut_to_the_ceiling) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 86'400));
  watcher.watch({"a.example.com"});
  dns.run();
  timers.advance(3599s);
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
}

TEST_F(watcher_test, new_bounds_apply_from_the_next_lookup) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 5));
  watcher.watch({"a.example.com"});
  dns.run();
  watcher.set_settings(settings(10, 20));
  timers.advance(30s);  // scheduled with the old floor
  dns.run();
  timers.advance(9s);
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
}

TEST_F(watcher_test, failures_keep_the_last_good_answer_and_back_off) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  watcher.watch({"a.example.com"});
  dns.run();
  dns.set_addresses("a.example.com", fail(dns_error::server_failure));
  timers.advance(60s);
  dns.run();
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].error, dns_error::server_failure);
  EXPECT_EQ(events.failures[0].retry_in, 1s);
  EXPECT_EQ(*watcher.addresses("a.example.com"), ips({"192.0.2.1"}));
  EXPECT_EQ(events.changes.size(), 1u);

  dns.set_addresses("a.example.com", fail(dns_error::timeout));
  const std::vector<duration> expected{2s, 4s, 8s, 16s, 30s, 30s};
  for (const auto d : expected) {
    timers.advance(events.failures.back().retry_in);
    dns.run();
    EXPECT_EQ(events.failures.back().retry_in, d);
  }
  EXPECT_EQ(watcher.counters().failed, 7u);
  EXPECT_EQ(*watcher.addresses("a.example.com"), ips({"192.0.2.1"}));

  // Recovery: back to the TTL schedule, no change reported for the same set.
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  timers.advance(30s);
  dns.run();
  EXPECT_EQ(events.changes.size(), 1u);
  timers.advance(59s);
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
}

TEST_F(watcher_test, first_failure_reports_nothing_and_retries_soon) {
  dns.set_addresses("a.example.com", fail(dns_error::timeout));
  watcher.watch({"a.example.com"});
  dns.run();
  EXPECT_TRUE(events.changes.empty());
  EXPECT_EQ(watcher.addresses("a.example.com"), nullptr);
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  timers.advance(1s);
  dns.run();
  ASSERT_EQ(events.changes.size(), 1u);
  EXPECT_EQ(events.changes[0].addresses, ips({"192.0.2.1"}));
}

TEST_F(watcher_test, nxdomain_is_an_empty_answer) {
  watcher.watch({"gone.example.com"});
  dns.run();
  ASSERT_EQ(events.changes.size(), 1u);
  EXPECT_TRUE(events.changes[0].addresses.empty());
  ASSERT_NE(watcher.addresses("gone.example.com"), nullptr);
  EXPECT_TRUE(watcher.addresses("gone.example.com")->empty());
  EXPECT_EQ(watcher.counters().empty, 1u);
  // Looked up again after the floor; still nothing, so no second report.
  timers.advance(30s);
  dns.run();
  EXPECT_EQ(events.changes.size(), 1u);
  EXPECT_EQ(dns.asked("gone.example.com", 'A'), 2);
}

TEST_F(watcher_test, addresses_then_no_data_reports_the_empty_set) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  watcher.watch({"a.example.com"});
  dns.run();
  dns.set_addresses("a.example.com", fail(dns_error::no_data));
  timers.advance(60s);
  dns.run();
  ASSERT_EQ(events.changes.size(), 2u);
  EXPECT_TRUE(events.changes[1].addresses.empty());
}

TEST_F(watcher_test, half_answer_keeps_the_other_family) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1", "2001:db8::1"}, 60));
  watcher.watch({"a.example.com"});
  dns.run();
  address_answer half = fake_resolver::addrs({"192.0.2.9"}, 60);
  half.ipv6_failure = dns_error::timeout;
  dns.set_addresses("a.example.com", half);
  timers.advance(60s);
  dns.run();
  ASSERT_EQ(events.changes.size(), 2u);
  EXPECT_EQ(events.changes[1].addresses, ips({"192.0.2.9", "2001:db8::1"}));
  // Retried soon, as for a failure.
  EXPECT_EQ(dns.pending(), 0u);
  timers.advance(1s);
  EXPECT_EQ(dns.pending(), 1u);
}

TEST_F(watcher_test, unwatching_cancels_lookups_and_timers) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  dns.set_addresses("b.example.com", fake_resolver::addrs({"192.0.2.2"}, 60));
  watcher.watch({"a.example.com", "b.example.com"});
  dns.run();
  EXPECT_EQ(timers.pending(), 2u);
  watcher.watch({"b.example.com", "c.example.com"});
  EXPECT_EQ(timers.pending(), 1u) << "a's timer is gone";
  EXPECT_EQ(watcher.addresses("a.example.com"), nullptr);
  EXPECT_EQ(dns.pending(), 1u) << "only c is looked up; b keeps its state";
  EXPECT_EQ(dns.asked("b.example.com", 'A'), 1);
  // Dropping a name while its lookup is in flight cancels the lookup.
  watcher.watch({"b.example.com"});
  EXPECT_EQ(dns.pending(), 0u);
  dns.run();
  EXPECT_EQ(events.changes.size(), 2u);
  timers.advance(60s);
  EXPECT_EQ(dns.asked("a.example.com", 'A'), 1);
  EXPECT_EQ(dns.asked("b.example.com", 'A'), 2);
}

TEST_F(watcher_test, listener_may_change_the_watched_set) {
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  dns.set_addresses("b.example.com", fake_resolver::addrs({"192.0.2.2"}, 60));
  events.on_change = [&] {
    events.on_change = nullptr;
    watcher.watch({"b.example.com"});
  };
  watcher.watch({"a.example.com"});
  dns.run();
  ASSERT_EQ(events.changes.size(), 2u);
  EXPECT_EQ(events.changes[1].name, "b.example.com");
  EXPECT_EQ(watcher.names(), (std::vector<std::string>{"b.example.com"}));
  EXPECT_EQ(timers.pending(), 1u);
}

TEST(name_watcher, destruction_cancels_everything) {
  fake_resolver dns;
  manual_timer_service timers;
  recorder events;
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  {
    name_watcher watcher(dns, timers, settings(), events);
    watcher.watch({"a.example.com", "b.example.com"});
    dns.run_one();
    EXPECT_EQ(dns.pending(), 1u);
  }
  EXPECT_EQ(dns.pending(), 0u);
  EXPECT_EQ(timers.pending(), 0u);
  dns.run();
  timers.advance(1h);
  EXPECT_EQ(events.changes.size(), 1u);
}

TEST(name_watcher, listener_may_destroy_the_watcher) {
  fake_resolver dns;
  manual_timer_service timers;
  recorder events;
  dns.set_addresses("a.example.com", fake_resolver::addrs({"192.0.2.1"}, 60));
  auto watcher = std::make_unique<name_watcher>(dns, timers, settings(), events);
  events.on_change = [&] { watcher.reset(); };
  watcher->watch({"a.example.com", "b.example.com"});
  dns.run();
  EXPECT_EQ(watcher, nullptr);
  EXPECT_EQ(events.changes.size(), 1u);
  EXPECT_EQ(timers.pending(), 0u);
}

}  // namespace
}  // namespace voxedge::daemon::dns
