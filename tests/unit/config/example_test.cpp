// The shipped example and its filled-in twin: the example must document the defaults
// exactly, and every key it shows commented out must load when switched on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "test_support.hpp"

namespace voxedge::config {
namespace {

using ::testing::ElementsAre;

config load_or_fail(const std::string& path) {
  auto r = load_file(path);
  if (!r) {
    for (const auto& d : r.error()) ADD_FAILURE() << d.to_string();
    return default_config();
  }
  return std::move(r).value();
}

TEST(example, shipped_example_loads_cleanly_and_equals_the_defaults) {
  const auto r = load_file(std::string(VOXEDGE_SOURCE_DIR) + "/config/voxedge.example.yaml");
  ASSERT_TRUE(r) << r.error().front().to_string();
  EXPECT_EQ(*r, default_config());
}

TEST(example, full_file_loads_with_every_value) {
  const config c = load_or_fail(testing::data_file("full.yaml"));

  EXPECT_EQ(c.node.name, "edge-1");
  EXPECT_EQ(c.node.advertised_address, "198.51.100.10");
  EXPECT_EQ(c.node.state_dir, "/var/lib/voxedge");
  EXPECT_EQ(c.node.user_agent, "voxedge-test");

  ASSERT_EQ(c.listeners.size(), 3u);
  const listener& udp = c.listeners[0];
  EXPECT_EQ(udp.name, "inside-udp");
  EXPECT_EQ(udp.transport, sip_transport::udp);
  EXPECT_EQ(udp.address, "10.0.0.5");
  EXPECT_EQ(udp.port, 5060);
  EXPECT_EQ(udp.side, listener_side::inside);
  EXPECT_FALSE(udp.tls);
  const listener& tls = c.listeners[1];
  EXPECT_EQ(tls.transport, sip_transport::tls);
  EXPECT_EQ(tls.port, 5061);
  EXPECT_EQ(tls.side, listener_side::trunk);
  ASSERT_TRUE(tls.tls);
  EXPECT_EQ(*tls.tls, (tls_settings{"/etc/voxedge/tls/cert.pem", "/etc/voxedge/tls/key.pem", "/etc/voxedge/tls/ca.pem",
                                    true, tls_version::v1_3, "ECDHE+AESGCM"}));
  const listener& wss = c.listeners[2];
  EXPECT_EQ(wss.transport, sip_transport::wss);
  EXPECT_EQ(wss.address, "::");
  EXPECT_EQ(wss.port, 443);
  EXPECT_EQ(wss.side, listener_side::clients);
  ASSERT_TRUE(wss.tls);
  EXPECT_TRUE(wss.tls->self_signed());

  EXPECT_EQ(c.sip.t1_ms, 250u);
  EXPECT_EQ(c.sip.t2_ms, 2000u);
  EXPECT_EQ(c.sip.t4_ms, 2500u);
  EXPECT_EQ(c.sip.max_message_bytes, 32768u);
  EXPECT_EQ(c.sip.max_headers, 64u);
  EXPECT_EQ(c.sip.tcp, (tcp_settings{300, 1000, 16, 2000}));
  EXPECT_EQ(c.sip.udp_receive_buffer_bytes, 4194304u);

  EXPECT_EQ(c.media, (media_settings{10000, 20000, 4, ""}));

  ASSERT_EQ(c.trunks.size(), 1u);
  const trunk& t = c.trunks[0];
  EXPECT_EQ(t.name, "carrier");
  EXPECT_EQ(t.outbound.uri, "sips:sip.carrier.example.com:5061");
  EXPECT_EQ(t.outbound.transport, sip_transport::tls);
  ASSERT_TRUE(t.credentials);
  EXPECT_EQ(t.credentials->username, "trunk-1234");
  EXPECT_EQ(t.credentials->password_file, "/etc/voxedge/secrets/carrier.password");
  ASSERT_TRUE(t.caller_id);
  EXPECT_EQ(t.caller_id->number, "+442071234567");
  EXPECT_TRUE(t.caller_id->pai);
  EXPECT_EQ(t.bind_address, "198.51.100.10");
  EXPECT_THAT(t.inbound.allow, ElementsAre("203.0.113.0/24", "2001:db8::/32", "sip.carrier.example.com"));
  EXPECT_EQ(t.inbound.reject, reject_mode::drop);
  EXPECT_EQ(t.srtp, srtp_mode::required);
  EXPECT_EQ(t.options_interval_s, 0u);
  EXPECT_EQ(t.options_timeout_ms, 1500u);
  EXPECT_EQ(t.down_after, 3u);
  EXPECT_EQ(t.outbound.attempt_timeout_ms, 2500u);
  EXPECT_EQ(t.media_address, "198.51.100.11");
  EXPECT_EQ(t.tls, (trunk_tls{"sip.carrier.example.com", "/etc/voxedge/carrier-ca.pem", true, "/etc/voxedge/client.pem",
                              "/etc/voxedge/client.key", tls_version::v1_3, "ECDHE+AESGCM"}));
  EXPECT_THAT(c.dns.servers, ElementsAre("127.0.0.1:5353", "[::1]:53", "192.0.2.53"));
  EXPECT_EQ(c.dns.ttl_floor_s, 5u);
  EXPECT_EQ(c.dns.ttl_ceiling_s, 600u);
  EXPECT_EQ(c.dns.timeout_ms, 500u);
  EXPECT_EQ(c.dns.tries, 3u);

  ASSERT_EQ(c.endpoints.size(), 1u);
  EXPECT_EQ(c.endpoints[0].name, "pbx");
  EXPECT_EQ(c.endpoints[0].uri, "sip:pbx.internal.example:5060");
  EXPECT_EQ(c.endpoints[0].transport, sip_transport::tcp);
  EXPECT_THAT(c.endpoints[0].inbound.allow, ElementsAre("10.0.0.0/8"));

  ASSERT_EQ(c.users.size(), 2u);
  EXPECT_EQ(c.users[0], (user{"alice", "/etc/voxedge/secrets/alice.password", "example.com"}));
  EXPECT_EQ(c.users[1], (user{"bob", "", ""}));

  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[0].name, "outbound-pstn");
  EXPECT_EQ(c.routes[0].match.source, (route_source{route_source::kind::endpoint, "pbx"}));
  EXPECT_EQ(c.routes[0].match.called_prefix, "+44");
  EXPECT_EQ(c.routes[0].target, (route_target{route_target::kind::trunk, "carrier"}));
  EXPECT_EQ(c.routes[1].match.source, (route_source{route_source::kind::trunk, "carrier"}));
  EXPECT_EQ(c.routes[1].match.called_regex, "^\\+44[0-9]{10}$");
  EXPECT_EQ(c.routes[1].target, (route_target{route_target::kind::endpoint, "pbx"}));
  EXPECT_EQ(c.routes[2].match.source.type, route_source::kind::user);

  EXPECT_EQ(c.numbering.country_code, "44");
  EXPECT_EQ(c.numbering.national_prefix, "0");
  EXPECT_EQ(c.numbering.international_prefix, "00");
  EXPECT_EQ(c.calls.max_calls, 500u);
  EXPECT_EQ(c.calls.max_duration_s, 7200u);
  EXPECT_EQ(c.calls.media_timeout_s, 20u);
  EXPECT_EQ(c.calls.media_hangup_s, 40u);
  EXPECT_EQ(c.calls.cdr_file, "/var/log/voxedge/cdr.jsonl");
  EXPECT_EQ(c.metrics, (metrics_settings{false, "::1", 9100}));
  EXPECT_EQ(c.logging, (logging_settings{log_level::debug, log_format::json}));
}

}  // namespace
}  // namespace voxedge::config
