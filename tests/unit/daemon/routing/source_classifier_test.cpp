#include "daemon/routing/source_classifier.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

using config::listener_side;

boost::asio::ip::address ip(const std::string& s) { return boost::asio::ip::make_address(s); }

config::trunk trunk(std::string name, std::vector<std::string> allow) {
  config::trunk t;
  t.name = std::move(name);
  t.inbound.allow = std::move(allow);
  return t;
}

config::endpoint endpoint(std::string name, std::vector<std::string> allow) {
  config::endpoint e;
  e.name = std::move(name);
  e.inbound.allow = std::move(allow);
  return e;
}

const call_source unknown{};
call_source t(const std::string& name) { return {call_source::kind::trunk, name}; }
call_source e(const std::string& name) { return {call_source::kind::endpoint, name}; }

TEST(source_classifier, ipv4_cidrs_and_bare_addresses) {
  config::config c;
  c.trunks = {trunk("carrier", {"203.0.113.0/24", "198.51.100.7"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("203.0.113.0"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("203.0.113.255"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("203.0.114.1"), listener_side::trunk), unknown);
  EXPECT_EQ(s.classify(ip("198.51.100.7"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("198.51.100.8"), listener_side::trunk), unknown);
}

TEST(source_classifier, odd_prefix_lengths) {
  config::config c;
  c.trunks = {trunk("narrow", {"192.0.2.64/27"}), trunk("wide", {"10.0.0.0/9"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("192.0.2.64"), listener_side::trunk), t("narrow"));
  EXPECT_EQ(s.classify(ip("192.0.2.95"), listener_side::trunk), t("narrow"));
  EXPECT_EQ(s.classify(ip("192.0.2.96"), listener_side::trunk), unknown);
  EXPECT_EQ(s.classify(ip("192.0.2.63"), listener_side::trunk), unknown);
  EXPECT_EQ(s.classify(ip("10.127.255.255"), listener_side::trunk), t("wide"));
  EXPECT_EQ(s.classify(ip("10.128.0.0"), listener_side::trunk), unknown);
}

TEST(source_classifier, ipv6) {
  config::config c;
  c.trunks = {trunk("carrier", {"2001:db8::/32", "2001:db9::1"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("2001:db8:ffff::1"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("2001:db9::1"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("2001:db9::2"), listener_side::trunk), unknown);
  EXPECT_EQ(s.classify(ip("2001:db7::1"), listener_side::trunk), unknown);
  // Families never match each other.
  EXPECT_EQ(s.classify(ip("32.1.13.184"), listener_side::trunk), unknown);
}

TEST(source_classifier, ipv4_mapped_ipv6_peers_match_ipv4_entries) {
  config::config c;
  c.trunks = {trunk("carrier", {"203.0.113.0/24"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("::ffff:203.0.113.9"), listener_side::trunk), t("carrier"));
}

TEST(source_classifier, longest_prefix_wins) {
  config::config c;
  c.trunks = {trunk("provider", {"203.0.113.0/24"}), trunk("provider-sbc2", {"203.0.113.128/25"}),
              trunk("lab", {"203.0.113.200"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("203.0.113.1"), listener_side::trunk), t("provider"));
  EXPECT_EQ(s.classify(ip("203.0.113.129"), listener_side::trunk), t("provider-sbc2"));
  EXPECT_EQ(s.classify(ip("203.0.113.200"), listener_side::trunk), t("lab"));
}

TEST(source_classifier, ties_go_to_the_first_in_config_order) {
  config::config c;
  c.trunks = {trunk("first", {"198.51.100.0/24"}), trunk("second", {"198.51.100.0/24", "198.51.100.9"}),
              trunk("third", {"198.51.100.9/32"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("198.51.100.1"), listener_side::trunk), t("first"));
  EXPECT_EQ(s.classify(ip("198.51.100.9"), listener_side::trunk), t("second"));
}

TEST(source_classifier, listener_side_selects_trunks_or_endpoints) {
  config::config c;
  c.trunks = {trunk("carrier", {"203.0.113.0/24"})};
  c.endpoints = {endpoint("pbx", {"10.0.0.0/8"})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("203.0.113.5"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("203.0.113.5"), listener_side::inside), unknown);
  EXPECT_EQ(s.classify(ip("10.1.2.3"), listener_side::inside), e("pbx"));
  EXPECT_EQ(s.classify(ip("10.1.2.3"), listener_side::trunk), unknown);
  EXPECT_EQ(s.classify(ip("10.1.2.3"), listener_side::clients), unknown);
}

TEST(source_classifier, empty_allow_list_is_nobody) {
  config::config c;
  c.trunks = {trunk("carrier", {})};
  const source_classifier s(c);
  EXPECT_EQ(s.classify(ip("203.0.113.5"), listener_side::trunk), unknown);
  EXPECT_TRUE(s.names().empty());
}

TEST(source_classifier, host_names_match_once_resolved) {
  config::config c;
  c.trunks = {trunk("carrier", {"sip.carrier.example.com", "203.0.113.0/24"}),
              trunk("other", {"SIP.Carrier.Example.com."})};
  c.endpoints = {endpoint("pbx", {"pbx.internal.example"})};
  source_classifier s(c);
  EXPECT_EQ(s.names(), (std::vector<std::string>{"sip.carrier.example.com", "pbx.internal.example"}));

  EXPECT_EQ(s.classify(ip("198.51.100.20"), listener_side::trunk), unknown);
  EXPECT_TRUE(s.set_resolved("sip.carrier.example.com.", {ip("198.51.100.20"), ip("2001:db8::20")}));
  EXPECT_EQ(s.classify(ip("198.51.100.20"), listener_side::trunk), t("carrier"));  // first in config order
  EXPECT_EQ(s.classify(ip("2001:db8::20"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("198.51.100.21"), listener_side::trunk), unknown);

  // A resolved host (/32) beats a CIDR that also holds the address.
  EXPECT_TRUE(s.set_resolved("SIP.CARRIER.EXAMPLE.COM", {ip("203.0.113.7")}));
  EXPECT_EQ(s.classify(ip("203.0.113.7"), listener_side::trunk), t("carrier"));
  // The new answer replaces the old one.
  EXPECT_EQ(s.classify(ip("198.51.100.20"), listener_side::trunk), unknown);

  EXPECT_TRUE(s.set_resolved("pbx.internal.example", {ip("10.9.9.9")}));
  EXPECT_EQ(s.classify(ip("10.9.9.9"), listener_side::inside), e("pbx"));

  EXPECT_FALSE(s.set_resolved("unknown.example.com", {ip("10.0.0.1")}));

  EXPECT_TRUE(s.set_resolved("pbx.internal.example", {}));
  EXPECT_EQ(s.classify(ip("10.9.9.9"), listener_side::inside), unknown);
}

TEST(source_classifier, resolved_host_beats_overlapping_cidr_of_another_trunk) {
  config::config c;
  c.trunks = {trunk("provider", {"203.0.113.0/24"}), trunk("carrier", {"sbc.carrier.example"})};
  source_classifier s(c);
  ASSERT_TRUE(s.set_resolved("sbc.carrier.example", {ip("203.0.113.50")}));
  EXPECT_EQ(s.classify(ip("203.0.113.50"), listener_side::trunk), t("carrier"));
  EXPECT_EQ(s.classify(ip("203.0.113.51"), listener_side::trunk), t("provider"));
}

TEST(source_classifier, reload_adopts_resolved_addresses) {
  config::config c;
  c.trunks = {trunk("carrier", {"sip.carrier.example.com"})};
  source_classifier old_one(c);
  ASSERT_TRUE(old_one.set_resolved("sip.carrier.example.com", {ip("198.51.100.20")}));

  c.trunks.push_back(trunk("new", {"new.example.com"}));
  source_classifier new_one(c);
  EXPECT_EQ(new_one.classify(ip("198.51.100.20"), listener_side::trunk), unknown);
  new_one.adopt_resolved(old_one);
  EXPECT_EQ(new_one.classify(ip("198.51.100.20"), listener_side::trunk), t("carrier"));
}

}  // namespace
}  // namespace voxedge::daemon
