#include "config/validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace voxedge::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::load_errors;
using testing::load_ok;

TEST(validation, tls_block_missing_for_tls_listener) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: secure
    transport: tls
  - name: web
    transport: wss
    port: 443
)"),
              ElementsAre("test.yaml:2:5: listeners[0]: missing required key \"tls\" (transport tls needs a certificate)",
                          "test.yaml:4:5: listeners[1]: missing required key \"tls\" (transport wss needs a certificate)"));
}

TEST(validation, tls_block_forbidden_for_plain_transports) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: plain
    transport: tcp
    tls:
      certificate: auto
)"),
              ElementsAre("test.yaml:5:7: listeners[0].tls: only tls and wss listeners take a tls block, this one is tcp"));
}

TEST(validation, private_key_goes_with_a_certificate_file_only) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: a
    transport: tls
    tls:
      certificate: /etc/voxedge/cert.pem
  - name: b
    transport: tls
    port: 5062
    tls:
      certificate: auto
      private_key: /etc/voxedge/key.pem
  - name: c
    transport: tls
    port: 5063
    tls: {private_key: /etc/voxedge/key.pem}
)"),
              ElementsAre("test.yaml:5:7: listeners[0].tls: missing required key \"private_key\" (certificate is not "
                          "\"auto\")",
                          "test.yaml:11:20: listeners[1].tls.private_key: must be absent when certificate is \"auto\" (the key is "
                          "generated with it)",
                          "test.yaml:15:10: listeners[2].tls: missing required key \"certificate\""));
}

TEST(validation, duplicate_names) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:a.example"}
  - name: carrier
    outbound: {uri: "sip:b.example"}
endpoints:
  - {name: pbx, uri: "sip:pbx.example"}
  - {name: pbx, uri: "sip:pbx2.example"}
users:
  - username: alice
  - username: alice
routes:
  - {name: r, target: "trunk:carrier"}
  - {name: r, target: "endpoint:pbx"}
)"),
              ElementsAre("test.yaml:4:11: trunks[1].name: duplicate trunk name \"carrier\" (first defined at line 2)",
                          "test.yaml:8:12: endpoints[1].name: duplicate endpoint name \"pbx\" (first defined at line 7)",
                          "test.yaml:11:15: users[1].username: duplicate username \"alice\" (first defined at line 10)",
                          "test.yaml:14:12: routes[1].name: duplicate route name \"r\" (first defined at line 13)"));
}

TEST(validation, duplicate_listener_socket) {
  EXPECT_THAT(load_errors(R"(listeners:
  - {name: a, transport: udp}
  - {name: b, transport: udp, address: 127.0.0.1, port: 5060}
  - {name: c, transport: udp, address: "::1"}
  - {name: d, transport: udp, address: "0:0::1"}
)"),
              ElementsAre("test.yaml:3:5: listeners[1]: duplicate listener: udp on 127.0.0.1:5060 conflicts with "
                          "listener \"a\" (udp, line 2)",
                          "test.yaml:5:5: listeners[3]: duplicate listener: udp on [::1]:5060 conflicts with "
                          "listener \"c\" (udp, line 4)"));
}

TEST(validation, stream_transports_share_one_port_space) {
  // tcp, tls, ws and wss all listen on TCP sockets; udp does not conflict with them.
  EXPECT_THAT(load_errors(R"(listeners:
  - {name: a, transport: udp, port: 5060}
  - {name: b, transport: tcp, port: 5060}
  - {name: c, transport: ws, port: 5060}
)"),
              ElementsAre("test.yaml:4:5: listeners[2]: duplicate listener: ws on 127.0.0.1:5060 conflicts with "
                          "listener \"b\" (tcp, line 3)"));
}

TEST(validation, a_bad_value_is_not_reported_twice) {
  // The bad port leaves the default 5060 behind; that must not also read as a duplicate.
  EXPECT_THAT(load_errors(R"(listeners:
  - {name: a, transport: udp}
  - {name: b, transport: udp, port: x}
)"),
              ElementsAre("test.yaml:3:37: listeners[1].port: expected an integer in 1..65535, got \"x\""));
}

TEST(validation, media_port_range) {
  EXPECT_THAT(load_errors("media:\n  port_min: 20001\n"),
              ElementsAre("test.yaml:2:13: media.port_min: must be even (RTP takes even ports, RTCP the odd one "
                          "above), got 20001"));
  EXPECT_THAT(load_errors("media:\n  port_min: 30000\n  port_max: 30000\n"),
              ElementsAre("test.yaml:3:13: media.port_max: must be greater than port_min (30000), got 30000"));
  EXPECT_THAT(load_errors("media:\n  port_min: 30000\n  port_max: 30005\n  workers: 4\n"),
              ElementsAre("test.yaml:4:12: media.workers: 4 workers need at least 8 media ports, port_min..port_max "
                          "has 6"));
  EXPECT_THAT(load_errors("media:\n  port_min: 30000\n  port_max: 30007\n  workers: 4\n"), IsEmpty());
}

TEST(validation, sip_timers_and_limits) {
  EXPECT_THAT(load_errors("sip:\n  t1_ms: 1000\n  t2_ms: 500\n  tcp:\n    max_connections: 10\n"),
              ElementsAre("test.yaml:3:10: sip.t2_ms: must be at least t1_ms (1000), got 500",
                          "test.yaml:5:5: sip.tcp.max_connections_per_ip: must not exceed max_connections (10), got "
                          "256"));
}

TEST(validation, route_to_unknown_trunk_or_endpoint) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:carrier.example"}
routes:
  - name: out
    match: {source: "endpoint:pbx"}
    target: trunk:carier
  - name: in
    match: {source: "trunk:carrier"}
    target: endpoint:pbx
)"),
              ElementsAre("test.yaml:6:21: routes[0].match.source: unknown endpoint \"pbx\"",
                          "test.yaml:7:13: routes[0].target: unknown trunk \"carier\"",
                          "test.yaml:10:13: routes[1].target: unknown endpoint \"pbx\""));
}

TEST(validation, called_prefix_and_regex_are_exclusive) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:carrier.example"}
routes:
  - name: r
    match:
      called_prefix: "+44"
      called_regex: "^\\+44"
    target: trunk:carrier
)"),
              ElementsAre("test.yaml:8:21: routes[0].match.called_regex: called_prefix and called_regex cannot both "
                          "be set"));
}

TEST(validation, routes_resolve_to_parsed_sources_and_targets) {
  const config c = load_ok(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:carrier.example"}
endpoints:
  - name: pbx
    uri: sip:pbx.example
routes:
  - {name: a, target: "endpoint:pbx", match: {source: "trunk:carrier", called_prefix: "+44"}}
  - {name: b, target: "trunk:carrier", match: {source: user}}
  - {name: c, target: "trunk:carrier"}
)");
  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[0].match.source, (route_source{route_source::kind::trunk, "carrier"}));
  EXPECT_EQ(c.routes[0].target, (route_target{route_target::kind::endpoint, "pbx"}));
  EXPECT_EQ(c.routes[0].match.called_prefix, "+44");
  EXPECT_EQ(c.routes[1].match.source.type, route_source::kind::user);
  EXPECT_EQ(c.routes[2].match.source.type, route_source::kind::any);
  EXPECT_EQ(c.routes[2].target, (route_target{route_target::kind::trunk, "carrier"}));
}

TEST(validation, trunk_client_certificate_needs_its_key) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: a
    outbound: {uri: "sips:a.example"}
    tls:
      certificate: /etc/client.pem
  - name: b
    outbound: {uri: "sips:b.example"}
    tls:
      private_key: /etc/client.key
)"),
              ElementsAre("test.yaml:5:7: trunks[0].tls: missing required key \"private_key\" (a client certificate "
                          "needs its key)",
                          "test.yaml:9:7: trunks[1].tls: missing required key \"certificate\" (private_key is set)"));
}

TEST(validation, dns_ttl_ceiling_not_below_floor) {
  EXPECT_THAT(load_errors(R"(dns:
  ttl_floor_s: 60
  ttl_ceiling_s: 10
)"),
              ElementsAre("test.yaml:3:18: dns.ttl_ceiling_s: must be at least ttl_floor_s (60), got 10"));
}

TEST(validation, dns_servers_are_addresses_with_optional_ports) {
  EXPECT_THAT(load_errors(R"(dns:
  servers: ["127.0.0.1:53", "[::1]:5353", "::1", ns.example, "1.2.3.4:70000", "::1:53"]
)"),
              ElementsAre("test.yaml:2:50: dns.servers[3]: expected a DNS server as ip, ip:port or [ipv6]:port, got "
                          "\"ns.example\"",
                          "test.yaml:2:62: dns.servers[4]: expected a DNS server as ip, ip:port or [ipv6]:port, got "
                          "\"1.2.3.4:70000\""));
}

}  // namespace
}  // namespace voxedge::config
