#include "daemon/dns/cares_resolver.hpp"

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/dns/server_locator.hpp"
#include "test_dns_server.hpp"

namespace voxedge::daemon::dns {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using testing::test_dns_server;

// Runs the loop until `done` or the deadline; never longer.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds deadline = 5s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    io.run_one_for(10ms);
  }
  return true;
}

// Runs the loop for a while, for tests that check that nothing happens.
void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) io.run_one_for(5ms);
}

struct cares_test : ::testing::Test {
  boost::asio::io_context io;
  test_dns_server server{io};
  std::unique_ptr<cares_resolver> resolver;

  void SetUp() override {
    config::dns_settings s;
    s.servers = {server.address()};
    s.timeout_ms = 200;
    s.tries = 1;
    auto r = cares_resolver::create(io, s);
    ASSERT_TRUE(r.ok()) << r.error();
    resolver = std::move(r).value();
  }

  template <class T>
  result<T, dns_error> wait(std::optional<result<T, dns_error>>& slot) {
    EXPECT_TRUE(run_until(io, [&] { return slot.has_value(); }));
    if (!slot) return fail(dns_error::other);
    return std::move(*slot);
  }

  result<address_answer, dns_error> addresses(const std::string& name) {
    std::optional<result<address_answer, dns_error>> slot;
    resolver->resolve_addresses(name, [&](result<address_answer, dns_error> r) { slot.emplace(std::move(r)); });
    EXPECT_FALSE(slot.has_value()) << "never from inside the call";
    return wait(slot);
  }
  result<srv_answer, dns_error> srv(const std::string& name) {
    std::optional<result<srv_answer, dns_error>> slot;
    resolver->resolve_srv(name, [&](result<srv_answer, dns_error> r) { slot.emplace(std::move(r)); });
    return wait(slot);
  }
  result<naptr_answer, dns_error> naptr(const std::string& name) {
    std::optional<result<naptr_answer, dns_error>> slot;
    resolver->resolve_naptr(name, [&](result<naptr_answer, dns_error> r) { slot.emplace(std::move(r)); });
    return wait(slot);
  }
};

TEST_F(cares_test, a_and_aaaa_with_the_smallest_ttl) {
  server.add_a("sip.example.com", "192.0.2.1", 300);
  server.add_a("sip.example.com", "192.0.2.2", 120);
  server.add_aaaa("sip.example.com", "2001:db8::1", 600);
  const auto r = addresses("sip.example.com");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->addresses.size(), 3u);
  EXPECT_EQ(r->addresses[0], make_address("192.0.2.1"));
  EXPECT_EQ(r->addresses[1], make_address("192.0.2.2"));
  EXPECT_EQ(r->addresses[2], make_address("2001:db8::1"));
  EXPECT_EQ(r->ttl, 120u);
  EXPECT_FALSE(r->ipv4_failure);
  EXPECT_FALSE(r->ipv6_failure);
  EXPECT_EQ(server.queries("sip.example.com", test_dns_server::a), 1);
  EXPECT_EQ(server.queries("sip.example.com", test_dns_server::aaaa), 1);
  EXPECT_EQ(resolver->outstanding(), 0u);
}

TEST_F(cares_test, ipv4_only_is_a_full_answer) {
  server.add_a("v4.example.com", "192.0.2.1", 60);
  const auto r = addresses("v4.example.com.");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->ttl, 60u);
  EXPECT_FALSE(r->ipv6_failure) << "NODATA is an answer";
}

TEST_F(cares_test, srv_records_and_their_ttl) {
  server.add_srv("_sips._tcp.example.com", 10, 60, 5061, "a.example.com", 900);
  server.add_srv("_sips._tcp.example.com", 20, 0, 5062, "b.example.com", 450);
  const auto r = srv("_sips._tcp.example.com");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0], (srv_record{10, 60, 5061, "a.example.com"}));
  EXPECT_EQ(r->records[1], (srv_record{20, 0, 5062, "b.example.com"}));
  EXPECT_EQ(r->ttl, 450u);
}

TEST_F(cares_test, srv_root_target) {
  server.add_srv("_sip._udp.example.com", 0, 0, 0, "", 900);
  const auto r = srv("_sip._udp.example.com");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].target, ".");
}

TEST_F(cares_test, naptr_records_and_their_ttl) {
  server.add_naptr("example.com", 10, 20, "S", "SIPS+D2T", "", "_sips._tcp.example.com", 3000);
  server.add_naptr("example.com", 20, 10, "s", "SIP+D2U", "", "_sip._udp.example.com", 1800);
  const auto r = naptr("example.com");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0], (naptr_record{10, 20, "S", "SIPS+D2T", "", "_sips._tcp.example.com"}));
  EXPECT_EQ(r->records[1].service, "SIP+D2U");
  EXPECT_EQ(r->ttl, 1800u);
}

TEST_F(cares_test, nxdomain_and_no_data) {
  server.add_a("only-a.example.com", "192.0.2.1", 60);
  EXPECT_EQ(addresses("missing.example.com").error(), dns_error::nxdomain);
  EXPECT_EQ(srv("_sip._udp.missing.example.com").error(), dns_error::nxdomain);
  EXPECT_EQ(srv("only-a.example.com").error(), dns_error::no_data);
  EXPECT_EQ(naptr("only-a.example.com").error(), dns_error::no_data);
  server.add_srv("srv-only.example.com", 1, 1, 1, "x.example.com", 60);
  EXPECT_EQ(addresses("srv-only.example.com").error(), dns_error::no_data);
}

TEST_F(cares_test, servfail) {
  server.servfail("broken.example.com");
  EXPECT_EQ(addresses("broken.example.com").error(), dns_error::server_failure);
  EXPECT_EQ(srv("broken.example.com").error(), dns_error::server_failure);
}

TEST(cares_resolver, unreachable_server_is_a_server_failure) {
  boost::asio::io_context io;
  // A port nobody listens on: the kernel answers ICMP port unreachable.
  std::uint16_t closed_port = 0;
  {
    boost::asio::ip::udp::socket probe(io, boost::asio::ip::udp::endpoint(make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  config::dns_settings s;
  s.servers = {"127.0.0.1:" + std::to_string(closed_port)};
  s.timeout_ms = 300;
  s.tries = 1;
  auto r = cares_resolver::create(io, s);
  ASSERT_TRUE(r.ok()) << r.error();
  // One query: with two on the socket the second send may take the ICMP error and
  // leave the first to time out (c-ares 1.18), which is also a failure but not this one.
  std::optional<result<srv_answer, dns_error>> out;
  r.value()->resolve_srv("_sip._udp.example.com", [&](result<srv_answer, dns_error> a) { out.emplace(std::move(a)); });
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_EQ(out->error(), dns_error::server_failure);
}

TEST_F(cares_test, timeout) {
  server.drop("silent.example.com");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(srv("silent.example.com").error(), dns_error::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(cares_test, ip_literals_need_no_server) {
  const auto v4 = addresses("192.0.2.33");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->addresses, std::vector{make_address("192.0.2.33")});
  EXPECT_EQ(v4->ttl, literal_ttl);
  const auto v6 = addresses("[2001:db8::33]");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->addresses, std::vector{make_address("2001:db8::33")});
  EXPECT_EQ(server.queries("192.0.2.33", test_dns_server::a), 0);
}

// Debian's /etc/hosts names the loopback addresses "localhost" (and the container
// runtimes write the same line).
bool hosts_file_has_localhost() {
  std::ifstream in("/etc/hosts");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("127.0.0.1", 0) == 0 && line.find("localhost") != std::string::npos) return true;
  }
  return false;
}

TEST_F(cares_test, names_in_the_hosts_file_need_no_server) {
  if (!hosts_file_has_localhost()) GTEST_SKIP() << "/etc/hosts has no 127.0.0.1 localhost line";
  const auto r = addresses("LocalHost.");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_FALSE(r->addresses.empty());
  EXPECT_EQ(r->addresses.front(), make_address("127.0.0.1")) << "IPv4 first";
  EXPECT_EQ(r->ttl, hosts_file_ttl) << "read again after a minute";
  EXPECT_EQ(server.queries("localhost", test_dns_server::a), 0);
  EXPECT_EQ(server.queries("localhost", test_dns_server::aaaa), 0);
  EXPECT_FALSE(resolver->from_hosts_file("not-in-hosts.example.com"));
}

TEST_F(cares_test, server_locator_takes_a_hosts_file_name_as_an_address) {
  if (!hosts_file_has_localhost()) GTEST_SKIP() << "/etc/hosts has no 127.0.0.1 localhost line";
  server_locator locator(*resolver);
  std::optional<result<location, std::string>> out;
  ASSERT_TRUE(locator
                  .locate(sip::parse_uri("sips:localhost").value(), sip::transport_kind::tls,
                          [&](result<location, std::string> r) { out.emplace(std::move(r)); })
                  .ok());
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok()) << out->error();
  EXPECT_EQ(out->value().targets.front(),
            (target{sip::transport_kind::tls, make_address("127.0.0.1"), 5061, "localhost"}));
  EXPECT_EQ(server.queries("localhost", test_dns_server::naptr), 0) << "no NAPTR/SRV for a pinned name";
  EXPECT_EQ(server.queries("_sips._tcp.localhost", test_dns_server::srv), 0);
}

TEST_F(cares_test, set_servers_moves_new_queries_to_the_new_servers) {
  test_dns_server second{io};
  second.add_a("moved.example.com", "192.0.2.77", 60);
  server.add_a("moved.example.com", "192.0.2.1", 60);
  EXPECT_EQ(addresses("moved.example.com")->addresses.front(), make_address("192.0.2.1"));
  ASSERT_TRUE(resolver->set_servers({second.address()}).ok());
  EXPECT_EQ(addresses("moved.example.com")->addresses.front(), make_address("192.0.2.77"));
  EXPECT_EQ(second.queries("moved.example.com", test_dns_server::a), 1);
  const auto bad = resolver->set_servers({"not a server"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("not a server"), std::string::npos);
  EXPECT_EQ(addresses("moved.example.com")->addresses.front(), make_address("192.0.2.77")) << "unchanged";
}

TEST_F(cares_test, set_servers_waits_for_the_lookups_under_way) {
  test_dns_server second{io};
  second.add_a("moved.example.com", "192.0.2.77", 60);
  server.drop("silent.example.com");
  std::optional<result<srv_answer, dns_error>> slow;
  resolver->resolve_srv("silent.example.com", [&](result<srv_answer, dns_error> r) { slow.emplace(std::move(r)); });
  // c-ares 1.18 cannot change servers with a query outstanding: the change waits.
  ASSERT_TRUE(resolver->set_servers({second.address()}).ok());
  EXPECT_TRUE(resolver->servers_pending());
  ASSERT_TRUE(run_until(io, [&] { return slow.has_value(); }));
  EXPECT_EQ(slow->error(), dns_error::timeout) << "it finished on the old server";
  ASSERT_TRUE(run_until(io, [&] { return !resolver->servers_pending(); }));
  EXPECT_EQ(addresses("moved.example.com")->addresses.front(), make_address("192.0.2.77"));
  EXPECT_EQ(server.queries("moved.example.com", test_dns_server::a), 0);
}

TEST_F(cares_test, cancelled_query_never_calls_back) {
  server.add_a("a.example.com", "192.0.2.1", 60);
  server.add_a("b.example.com", "192.0.2.2", 60);
  bool a_called = false;
  std::optional<result<address_answer, dns_error>> b;
  const auto a_id =
      resolver->resolve_addresses("a.example.com", [&](result<address_answer, dns_error>) { a_called = true; });
  resolver->resolve_addresses("b.example.com", [&](result<address_answer, dns_error> r) { b.emplace(std::move(r)); });
  resolver->cancel(a_id);
  resolver->cancel(a_id);
  resolver->cancel(dns_resolver::no_query);
  ASSERT_TRUE(wait(b).ok());
  run_for(io, 50ms);
  EXPECT_FALSE(a_called);
  EXPECT_EQ(resolver->outstanding(), 0u);
}

TEST_F(cares_test, cancel_after_the_answer_arrived_but_before_delivery) {
  server.add_a("a.example.com", "192.0.2.1", 60);
  bool called = false;
  const auto id =
      resolver->resolve_addresses("a.example.com", [&](result<address_answer, dns_error>) { called = true; });
  // Let the answers arrive: both queries reach the server and are answered.
  ASSERT_TRUE(run_until(io, [&] { return server.queries("a.example.com", test_dns_server::aaaa) == 1; }));
  resolver->cancel(id);
  run_for(io, 100ms);
  EXPECT_FALSE(called);
}

TEST_F(cares_test, destroying_the_resolver_drops_outstanding_queries) {
  server.drop("silent.example.com");
  server.add_a("a.example.com", "192.0.2.1", 60);
  bool called = false;
  resolver->resolve_srv("silent.example.com", [&](result<srv_answer, dns_error>) { called = true; });
  resolver->resolve_addresses("a.example.com", [&](result<address_answer, dns_error>) { called = true; });
  resolver->resolve_addresses("192.0.2.1", [&](result<address_answer, dns_error>) { called = true; });
  io.run_one_for(1ms);
  resolver.reset();
  run_for(io, 300ms);
  EXPECT_FALSE(called);
}

TEST_F(cares_test, callback_may_destroy_the_resolver) {
  server.add_a("a.example.com", "192.0.2.1", 60);
  server.add_a("b.example.com", "192.0.2.2", 60);
  int calls = 0;
  resolver->resolve_addresses("a.example.com", [&](result<address_answer, dns_error>) {
    ++calls;
    resolver.reset();
  });
  resolver->resolve_addresses("b.example.com", [&](result<address_answer, dns_error>) {
    ++calls;
    resolver.reset();
  });
  ASSERT_TRUE(run_until(io, [&] { return resolver == nullptr; }));
  run_for(io, 100ms);
  EXPECT_EQ(calls, 1);
}

TEST_F(cares_test, many_queries_at_once) {
  constexpr int n = 40;
  for (int i = 0; i < n; ++i)
    server.add_a("h" + std::to_string(i) + ".example.com", "192.0.2." + std::to_string(i + 1), 60);
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    resolver->resolve_addresses("h" + std::to_string(i) + ".example.com", [&, i](const result<address_answer, dns_error>& r) {
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->addresses.at(0), make_address("192.0.2." + std::to_string(i + 1)));
      ++ok;
    });
  }
  ASSERT_TRUE(run_until(io, [&] { return ok == n; }));
}

TEST_F(cares_test, server_locator_over_real_dns) {
  server.add_naptr("example.com", 10, 10, "s", "SIPS+D2T", "", "_sips._tcp.example.com", 3000);
  server.add_srv("_sips._tcp.example.com", 10, 0, 5061, "sip1.example.com", 600);
  server.add_srv("_sips._tcp.example.com", 20, 0, 5061, "sip2.example.com", 600);
  server.add_a("sip1.example.com", "198.51.100.1", 300);
  server.add_aaaa("sip1.example.com", "2001:db8::1", 300);
  server.add_a("sip2.example.com", "198.51.100.2", 200);
  server_locator locator(*resolver);
  std::optional<result<location, std::string>> out;
  ASSERT_TRUE(locator
                  .locate(sip::parse_uri("sips:example.com").value(), sip::transport_kind::tls,
                          [&](result<location, std::string> r) { out.emplace(std::move(r)); })
                  .ok());
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok()) << out->error();
  const auto& loc = out->value();
  ASSERT_EQ(loc.targets.size(), 3u);
  EXPECT_EQ(loc.targets[0], (target{sip::transport_kind::tls, make_address("198.51.100.1"), 5061, "sip1.example.com"}));
  EXPECT_EQ(loc.targets[1].address, make_address("2001:db8::1"));
  EXPECT_EQ(loc.targets[2], (target{sip::transport_kind::tls, make_address("198.51.100.2"), 5061, "sip2.example.com"}));
  EXPECT_EQ(loc.ttl, 200u);
}

TEST_F(cares_test, server_locator_failure_message_over_real_dns) {
  server_locator locator(*resolver);
  std::optional<result<location, std::string>> out;
  ASSERT_TRUE(locator
                  .locate(sip::parse_uri("sip:nowhere.example.com").value(), sip::transport_kind::udp,
                          [&](result<location, std::string> r) { out.emplace(std::move(r)); })
                  .ok());
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_EQ(out->error(),
            "no SRV for _sip._udp.nowhere.example.com (NXDOMAIN) and no A/AAAA for nowhere.example.com: NXDOMAIN");
}

TEST(cares_resolver, rejects_unparsable_servers) {
  boost::asio::io_context io;
  for (const char* bad : {"dns.example.com", "192.0.2.1:99999", "192.0.2.1:", "[192.0.2.1]:53", "2001:db8::1]:53"}) {
    config::dns_settings s;
    s.servers = {bad};
    auto r = cares_resolver::create(io, s);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find("dns.servers"), std::string::npos) << r.error();
  }
}

TEST(cares_resolver, accepts_every_server_form) {
  boost::asio::io_context io;
  config::dns_settings s;
  s.servers = {"192.0.2.1", "192.0.2.2:5353", "2001:db8::1", "[2001:db8::2]:5353"};
  auto r = cares_resolver::create(io, s);
  ASSERT_TRUE(r.ok()) << r.error();
}

TEST(cares_resolver, system_configuration_when_no_servers_are_set) {
  boost::asio::io_context io;
  auto r = cares_resolver::create(io, config::dns_settings{});
  ASSERT_TRUE(r.ok()) << r.error();
  // Literals work whatever /etc/resolv.conf says.
  std::optional<result<address_answer, dns_error>> out;
  r.value()->resolve_addresses("127.0.0.1", [&](result<address_answer, dns_error> a) { out.emplace(std::move(a)); });
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_TRUE(out->ok());
}

}  // namespace
}  // namespace voxedge::daemon::dns
