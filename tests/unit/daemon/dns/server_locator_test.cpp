#include "daemon/dns/server_locator.hpp"

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_resolver.hpp"

namespace voxedge::daemon::dns {
namespace {

using sip::transport_kind;
using testing::fake_resolver;

sip::uri uri(const std::string& text) {
  auto u = sip::parse_uri(text);
  EXPECT_TRUE(u.ok()) << text;
  return u.value();
}

boost::asio::ip::address ip(const std::string& s) { return boost::asio::ip::make_address(s); }

naptr_record naptr(std::uint16_t order, std::uint16_t pref, std::string service, std::string replacement,
                   std::string flags = "s") {
  return naptr_record{order, pref, std::move(flags), std::move(service), "", std::move(replacement)};
}

// The smallest random source: always the same draw.
server_locator::random_source fixed(std::uint32_t draw) {
  return [draw](std::uint32_t max) { return std::min(draw, max); };
}

struct locator_test : ::testing::Test {
  fake_resolver dns;
  server_locator locator{dns, fixed(0)};
  std::optional<result<location, std::string>> outcome;

  server_locator::request_id start(const std::string& text, transport_kind t) {
    auto id = locator.locate(uri(text), t, [this](result<location, std::string> r) { outcome.emplace(std::move(r)); });
    EXPECT_TRUE(id.ok());
    return id.ok() ? id.value() : 0;
  }
  const location& located() {
    dns.run();
    EXPECT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->ok()) << (outcome->ok() ? "" : outcome->error());
    return outcome->value();
  }
  std::string failure() {
    dns.run();
    EXPECT_TRUE(outcome.has_value());
    if (!outcome || outcome->ok()) return "(no failure)";
    return outcome->error();
  }
};

TEST_F(locator_test, ipv4_literal_needs_no_dns) {
  start("sip:203.0.113.5", transport_kind::tls);
  EXPECT_FALSE(outcome.has_value()) << "never from inside locate()";
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::tls, ip("203.0.113.5"), 5061, "203.0.113.5"}));
  EXPECT_EQ(loc.ttl, literal_ttl);
  EXPECT_EQ(dns.total_asked(), 0);
}

TEST_F(locator_test, ipv6_literal_with_port) {
  start("sip:[2001:db8::1]:5080", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::udp, ip("2001:db8::1"), 5080, "2001:db8::1"}));
  EXPECT_EQ(dns.total_asked(), 0);
}

TEST_F(locator_test, explicit_port_asks_only_for_addresses) {
  auto a = fake_resolver::addrs({"192.0.2.1", "192.0.2.2", "2001:db8::5"}, 120);
  dns.set_addresses("sip.example.com", a);
  start("sip:trunk@sip.example.com:5070", transport_kind::tcp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 3u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::tcp, ip("192.0.2.1"), 5070, "sip.example.com"}));
  EXPECT_EQ(loc.targets[1].address, ip("192.0.2.2"));
  EXPECT_EQ(loc.targets[2].address, ip("2001:db8::5"));
  EXPECT_EQ(loc.ttl, 120u);
  EXPECT_EQ(dns.asked("sip.example.com", 'N'), 0);
  EXPECT_EQ(dns.total_asked(), 1);
}

TEST_F(locator_test, naptr_srv_a_chain_for_tls) {
  dns.set_naptr("example.com", naptr_answer{{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com"),
                                             naptr(20, 10, "SIPS+D2T", "_sips._tcp.tls.example.com"),
                                             naptr(10, 20, "SIP+D2T", "_sip._tcp.example.com"),
                                             naptr(5, 10, "SIP+D2S", "_sip._sctp.example.com")},
                                            3000});
  dns.set_srv("_sips._tcp.tls.example.com",
              srv_answer{{{20, 0, 5071, "b.example.com"}, {10, 0, 5061, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1", "2001:db8::a"}, 300));
  dns.set_addresses("b.example.com", fake_resolver::addrs({"198.51.100.2"}, 900));
  start("sip:example.com", transport_kind::tls);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 3u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::tls, ip("198.51.100.1"), 5061, "a.example.com"}));
  EXPECT_EQ(loc.targets[1], (target{transport_kind::tls, ip("2001:db8::a"), 5061, "a.example.com"}));
  EXPECT_EQ(loc.targets[2], (target{transport_kind::tls, ip("198.51.100.2"), 5071, "b.example.com"}));
  EXPECT_EQ(loc.ttl, 300u);
  EXPECT_EQ(dns.asked("_sip._udp.example.com", 'S'), 0);
  EXPECT_EQ(dns.asked("_sips._tcp.example.com", 'S'), 0) << "the NAPTR's SRV answered";
  EXPECT_TRUE(loc.notes.empty());
}

TEST_F(locator_test, naptr_ttl_counts_when_smallest) {
  dns.set_naptr("example.com", naptr_answer{{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com")}, 45});
  dns.set_srv("_sip._udp.example.com", srv_answer{{{10, 0, 5060, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0].transport, transport_kind::udp);
  EXPECT_EQ(loc.ttl, 45u);
}

TEST_F(locator_test, naptr_order_then_preference_and_fallback_to_next) {
  dns.set_naptr("example.com", naptr_answer{{naptr(10, 20, "SIP+D2T", "_sip._tcp.second.example.com"),
                                             naptr(10, 10, "SIP+D2T", "_sip._tcp.first.example.com")},
                                            3000});
  // The first NAPTR's SRV does not exist; the second's does.
  dns.set_srv("_sip._tcp.second.example.com", srv_answer{{{10, 0, 5060, "b.example.com"}}, 600});
  dns.set_addresses("b.example.com", fake_resolver::addrs({"198.51.100.2"}, 900));
  start("sip:example.com", transport_kind::tcp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0].host, "b.example.com");
  EXPECT_EQ(dns.asked("_sip._tcp.first.example.com", 'S'), 1);
}

TEST_F(locator_test, naptr_without_our_transport_falls_back_to_srv) {
  dns.set_naptr("example.com", naptr_answer{{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com")}, 3000});
  dns.set_srv("_sips._tcp.example.com", srv_answer{{{10, 0, 5061, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com", transport_kind::tls);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.ttl, 300u) << "an unused NAPTR does not shorten the TTL";
  ASSERT_EQ(loc.notes.size(), 1u);
  EXPECT_EQ(loc.notes[0], "NAPTR for example.com has no SIPS+D2T record");
}

TEST_F(locator_test, no_naptr_uses_srv_for_the_transport) {
  dns.set_srv("_sip._tcp.example.com", srv_answer{{{10, 0, 5060, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com", transport_kind::tcp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::tcp, ip("198.51.100.1"), 5060, "a.example.com"}));
  EXPECT_EQ(dns.asked("example.com", 'N'), 1);
  EXPECT_EQ(dns.asked("example.com", 'A'), 0);
}

TEST_F(locator_test, sips_uri_means_tls_and_sips_srv) {
  dns.set_srv("_sips._tcp.example.com", srv_answer{{{10, 0, 5061, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sips:example.com", transport_kind::tcp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0].transport, transport_kind::tls);
  EXPECT_EQ(dns.asked("_sip._tcp.example.com", 'S'), 0);
}

TEST_F(locator_test, transport_parameter_skips_naptr) {
  dns.set_srv("_sip._udp.example.com", srv_answer{{{10, 0, 5060, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com;transport=udp", transport_kind::udp);
  (void)located();
  EXPECT_EQ(dns.asked("example.com", 'N'), 0);
}

TEST_F(locator_test, maddr_replaces_the_host) {
  dns.set_addresses("proxy.example.net", fake_resolver::addrs({"198.51.100.9"}, 300));
  start("sip:user@example.com:5060;maddr=proxy.example.net", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0].host, "proxy.example.net");
}

TEST_F(locator_test, no_srv_falls_back_to_addresses_on_the_default_port) {
  dns.set_addresses("sip.example.com", fake_resolver::addrs({"192.0.2.7"}, 200));
  start("sip:sip.example.com", transport_kind::tls);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::tls, ip("192.0.2.7"), 5061, "sip.example.com"}));
  EXPECT_EQ(loc.ttl, 200u);
}

TEST_F(locator_test, udp_default_port_is_5060) {
  dns.set_addresses("sip.example.com", fake_resolver::addrs({"192.0.2.7"}, 200));
  start("sip:sip.example.com", transport_kind::udp);
  EXPECT_EQ(located().targets.at(0).port, 5060);
}

TEST_F(locator_test, nothing_at_all_says_what_failed) {
  start("sip:sip.example.com", transport_kind::tls);
  EXPECT_EQ(failure(), "no SRV for _sips._tcp.sip.example.com (NXDOMAIN) and no A/AAAA for sip.example.com: NXDOMAIN");
}

TEST_F(locator_test, explicit_port_failure_message) {
  dns.set_addresses("sip.example.com", fail(dns_error::timeout));
  start("sip:sip.example.com:5060", transport_kind::udp);
  EXPECT_EQ(failure(), "no A/AAAA for sip.example.com: timeout");
}

TEST_F(locator_test, naptr_failure_is_noted_and_location_goes_on) {
  dns.set_naptr("example.com", fail(dns_error::server_failure));
  dns.set_srv("_sip._udp.example.com", srv_answer{{{10, 0, 5060, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.notes.size(), 1u);
  EXPECT_EQ(loc.notes[0], "NAPTR for example.com: server failure (SERVFAIL, REFUSED or unreachable)");
}

TEST_F(locator_test, srv_without_resolvable_targets_fails_without_a_fallback) {
  dns.set_srv("_sip._udp.example.com",
              srv_answer{{{10, 0, 5060, "a.example.com"}, {20, 0, 5060, "b.example.com"}}, 600});
  dns.set_addresses("b.example.com", fail(dns_error::timeout));
  dns.set_addresses("example.com", fake_resolver::addrs({"192.0.2.1"}, 300));
  start("sip:example.com", transport_kind::udp);
  EXPECT_EQ(
      failure(),
      "SRV _sip._udp.example.com: none of its 2 targets resolved (a.example.com: NXDOMAIN; b.example.com: timeout)");
  EXPECT_EQ(dns.asked("example.com", 'A'), 0);
}

TEST_F(locator_test, unresolvable_srv_target_is_skipped_and_noted) {
  dns.set_srv("_sip._udp.example.com",
              srv_answer{{{10, 0, 5060, "a.example.com"}, {20, 0, 5062, "b.example.com"}}, 600});
  dns.set_addresses("b.example.com", fake_resolver::addrs({"198.51.100.2"}, 300));
  start("sip:example.com", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  EXPECT_EQ(loc.targets[0], (target{transport_kind::udp, ip("198.51.100.2"), 5062, "b.example.com"}));
  ASSERT_EQ(loc.notes.size(), 1u);
  EXPECT_EQ(loc.notes[0], "SRV target a.example.com: NXDOMAIN (skipped)");
}

TEST_F(locator_test, srv_target_dot_means_no_service) {
  dns.set_srv("_sip._udp.example.com", srv_answer{{{0, 0, 0, "."}}, 600});
  dns.set_addresses("example.com", fake_resolver::addrs({"192.0.2.1"}, 300));
  start("sip:example.com", transport_kind::udp);
  EXPECT_EQ(failure(), "SRV _sip._udp.example.com says there is no such service here (target \".\")");
  EXPECT_EQ(dns.asked("example.com", 'A'), 0);
}

TEST_F(locator_test, shared_srv_target_is_resolved_once) {
  dns.set_srv("_sip._udp.example.com",
              srv_answer{{{10, 0, 5060, "a.example.com"}, {20, 0, 5070, "a.example.com"}}, 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  start("sip:example.com", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 2u);
  EXPECT_EQ(loc.targets[0].port, 5060);
  EXPECT_EQ(loc.targets[1].port, 5070);
  EXPECT_EQ(dns.asked("a.example.com", 'A'), 1);
}

TEST_F(locator_test, half_answer_is_used_and_noted) {
  address_answer a = fake_resolver::addrs({"192.0.2.7"}, 200);
  a.ipv6_failure = dns_error::timeout;
  dns.set_addresses("sip.example.com", a);
  start("sip:sip.example.com:5060", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 1u);
  ASSERT_EQ(loc.notes.size(), 1u);
  EXPECT_EQ(loc.notes[0], "AAAA for sip.example.com: timeout");
}

TEST_F(locator_test, cancel_means_no_callback_and_no_queries_left) {
  const auto id = start("sip:example.com", transport_kind::udp);
  EXPECT_EQ(dns.pending(), 1u);
  locator.cancel(id);
  EXPECT_EQ(dns.pending(), 0u);
  dns.run();
  EXPECT_FALSE(outcome.has_value());
  EXPECT_EQ(locator.outstanding(), 0u);
}

TEST_F(locator_test, cancel_during_srv_target_expansion) {
  dns.set_srv("_sip._udp.example.com",
              srv_answer{{{10, 0, 5060, "a.example.com"}, {20, 0, 5060, "b.example.com"}}, 600});
  const auto id = start("sip:example.com", transport_kind::udp);
  dns.run_one();  // NAPTR
  dns.run_one();  // SRV: two address lookups start
  EXPECT_EQ(dns.pending(), 2u);
  locator.cancel(id);
  EXPECT_EQ(dns.pending(), 0u);
  EXPECT_FALSE(outcome.has_value());
}

TEST(server_locator, destruction_cancels_everything) {
  fake_resolver dns;
  bool called = false;
  {
    server_locator locator(dns);
    ASSERT_TRUE(locator
                    .locate(sip::parse_uri("sip:example.com").value(), transport_kind::udp,
                            [&](result<location, std::string>) { called = true; })
                    .ok());
    ASSERT_TRUE(locator
                    .locate(sip::parse_uri("sip:192.0.2.1").value(), transport_kind::udp,
                            [&](result<location, std::string>) { called = true; })
                    .ok());
    EXPECT_EQ(dns.pending(), 2u);
  }
  EXPECT_EQ(dns.pending(), 0u);
  dns.run();
  EXPECT_FALSE(called);
}

TEST(server_locator, callback_may_destroy_the_locator) {
  fake_resolver dns;
  auto locator = std::make_unique<server_locator>(dns);
  int calls = 0;
  ASSERT_TRUE(locator
                  ->locate(sip::parse_uri("sip:192.0.2.1").value(), transport_kind::udp,
                           [&](result<location, std::string> r) {
                             EXPECT_TRUE(r.ok());
                             ++calls;
                             locator.reset();
                           })
                  .ok());
  ASSERT_TRUE(locator
                  ->locate(sip::parse_uri("sip:192.0.2.2").value(), transport_kind::udp,
                           [&](result<location, std::string>) { ++calls; })
                  .ok());
  dns.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(locator, nullptr);
}

TEST(server_locator, refuses_what_dns_cannot_locate) {
  fake_resolver dns;
  server_locator locator(dns);
  auto noop = [](result<location, std::string>) {};
  auto tel = locator.locate(sip::parse_uri("tel:+4930123456").value(), transport_kind::udp, noop);
  ASSERT_FALSE(tel.ok());
  EXPECT_NE(tel.error().find("not a sip: or sips: URI"), std::string::npos);
  auto ws = locator.locate(sip::parse_uri("sip:example.com").value(), transport_kind::wss, noop);
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.error(), "cannot locate a server over WebSocket (wss)");
  EXPECT_EQ(dns.pending(), 0u);
  EXPECT_EQ(locator.outstanding(), 0u);
}

// --- RFC 2782 ordering ---------------------------------------------------------------------

std::vector<std::string> targets_of(const std::vector<srv_record>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.target);
  return out;
}

TEST(srv_order, ascending_priority) {
  const std::vector<srv_record> in{{30, 0, 1, "c"}, {10, 0, 1, "a"}, {20, 0, 1, "b"}};
  EXPECT_EQ(targets_of(server_locator::order_srv(in, fixed(0))), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(srv_order, draws_walk_the_running_sum_with_zero_weights_first) {
  const std::vector<srv_record> in{{10, 60, 1, "w60"}, {10, 0, 1, "w0"}, {10, 40, 1, "w40"}};
  // Draw 0: the weight-0 record (first in the running sum), then w60, then w40.
  EXPECT_EQ(targets_of(server_locator::order_srv(in, fixed(0))), (std::vector<std::string>{"w0", "w60", "w40"}));
  // Draw 61 of 100: the running sum passes 61 at w40; of w0 and w60 (sum 60) the capped
  // draw 60 then picks w60; w0 is left.
  EXPECT_EQ(targets_of(server_locator::order_srv(in, fixed(61))), (std::vector<std::string>{"w40", "w60", "w0"}));
  // Draw 1..60 lands on w60 first.
  EXPECT_EQ(server_locator::order_srv(in, fixed(30)).front().target, "w60");
}

TEST(srv_order, weights_are_proportional_with_a_seeded_source) {
  std::mt19937 engine(12345);
  const server_locator::random_source random = [&](std::uint32_t max) {
    return std::uniform_int_distribution<std::uint32_t>(0, max)(engine);
  };
  const std::vector<srv_record> in{{10, 80, 1, "heavy"}, {10, 20, 1, "light"}, {5, 1, 1, "first"}};
  std::map<std::string, int> second;
  constexpr int runs = 10000;
  for (int i = 0; i < runs; ++i) {
    const auto out = server_locator::order_srv(in, random);
    ASSERT_EQ(out.size(), 3u);
    ASSERT_EQ(out[0].target, "first");
    ++second[out[1].target];
  }
  EXPECT_NEAR(second["heavy"] / double(runs), 0.8, 0.03);
  EXPECT_NEAR(second["light"] / double(runs), 0.2, 0.03);
}

TEST_F(locator_test, srv_order_applies_to_targets) {
  // Draw 0 always: within priority 10 the weight-0 record comes first.
  dns.set_srv(
      "_sip._udp.example.com",
      srv_answer{{{20, 5, 5060, "c.example.com"}, {10, 50, 5060, "a.example.com"}, {10, 0, 5060, "b.example.com"}},
                 600});
  dns.set_addresses("a.example.com", fake_resolver::addrs({"198.51.100.1"}, 300));
  dns.set_addresses("b.example.com", fake_resolver::addrs({"198.51.100.2"}, 300));
  dns.set_addresses("c.example.com", fake_resolver::addrs({"198.51.100.3"}, 300));
  start("sip:example.com", transport_kind::udp);
  const auto& loc = located();
  ASSERT_EQ(loc.targets.size(), 3u);
  EXPECT_EQ(loc.targets[0].host, "b.example.com");
  EXPECT_EQ(loc.targets[1].host, "a.example.com");
  EXPECT_EQ(loc.targets[2].host, "c.example.com");
}

}  // namespace
}  // namespace voxedge::daemon::dns
