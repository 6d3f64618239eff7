#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace voxedge::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::load_errors;
using testing::load_ok;

// ---- defaults ---------------------------------------------------------------------------

TEST(loader_defaults, empty_document_is_the_default_config) {
  EXPECT_EQ(load_ok(""), default_config());
  EXPECT_EQ(load_ok("# nothing but a comment\n"), default_config());
  EXPECT_EQ(load_ok("~\n"), default_config());
  EXPECT_EQ(load_ok("---\n"), default_config());
}

TEST(loader_defaults, default_values) {
  const config c = default_config();
  EXPECT_EQ(c.node.name, "voxedge");
  EXPECT_EQ(c.node.advertised_address, "");
  EXPECT_EQ(c.node.state_dir, "");
  EXPECT_EQ(c.node.user_agent, "voxedge");
  EXPECT_EQ(c.sip.t1_ms, 500u);
  EXPECT_EQ(c.sip.t2_ms, 4000u);
  EXPECT_EQ(c.sip.t4_ms, 5000u);
  EXPECT_EQ(c.sip.max_message_bytes, 65535u);
  EXPECT_EQ(c.sip.max_headers, 128u);
  EXPECT_EQ(c.sip.tcp.idle_timeout_s, 600u);
  EXPECT_EQ(c.sip.tcp.max_connections, 8192u);
  EXPECT_EQ(c.sip.tcp.max_connections_per_ip, 256u);
  EXPECT_EQ(c.sip.tcp.connect_timeout_ms, 5000u);
  EXPECT_EQ(c.sip.udp_receive_buffer_bytes, 0u);
  EXPECT_EQ(c.media.port_min, 20000);
  EXPECT_EQ(c.media.port_max, 39999);
  EXPECT_EQ(c.media.workers, 0u);
  EXPECT_TRUE(c.trunks.empty());
  EXPECT_TRUE(c.endpoints.empty());
  EXPECT_TRUE(c.users.empty());
  EXPECT_TRUE(c.routes.empty());
  EXPECT_EQ(c.numbering.country_code, "");
  EXPECT_EQ(c.numbering.national_prefix, "0");
  EXPECT_EQ(c.numbering.international_prefix, "00");
  EXPECT_EQ(c.calls.max_calls, 10000u);
  EXPECT_EQ(c.calls.media_timeout_s, 30u);
  EXPECT_TRUE(c.calls.cdr_file.empty());
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.address, "127.0.0.1");
  EXPECT_EQ(c.metrics.port, 9095);
  EXPECT_EQ(c.logging.level, log_level::info);
  EXPECT_EQ(c.logging.format, log_format::text);
}

TEST(loader_defaults, default_listeners_are_loopback_udp_tcp_and_self_signed_tls) {
  const auto& l = default_config().listeners;
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].name, "udp");
  EXPECT_EQ(l[0].transport, sip_transport::udp);
  EXPECT_EQ(l[0].address, "127.0.0.1");
  EXPECT_EQ(l[0].port, 5060);
  EXPECT_EQ(l[0].side, listener_side::inside);
  EXPECT_FALSE(l[0].tls);
  EXPECT_EQ(l[1].name, "tcp");
  EXPECT_EQ(l[1].transport, sip_transport::tcp);
  EXPECT_EQ(l[1].port, 5060);
  EXPECT_FALSE(l[1].tls);
  EXPECT_EQ(l[2].name, "tls");
  EXPECT_EQ(l[2].transport, sip_transport::tls);
  EXPECT_EQ(l[2].address, "127.0.0.1");
  EXPECT_EQ(l[2].port, 5061);
  ASSERT_TRUE(l[2].tls);
  EXPECT_TRUE(l[2].tls->self_signed());
  EXPECT_EQ(l[2].tls->private_key, "");
  EXPECT_FALSE(l[2].tls->verify_peer);
  EXPECT_EQ(l[2].tls->min_version, tls_version::v1_2);
}

TEST(loader_defaults, null_values_mean_default) {
  const config c = load_ok("node:\n  name:\nsip:\nlisteners:\nlogging: ~\n");
  EXPECT_EQ(c, default_config());
}

TEST(loader_defaults, an_empty_listener_list_replaces_the_defaults) {
  EXPECT_TRUE(load_ok("listeners: []\n").listeners.empty());
}

TEST(loader_defaults, listener_port_follows_the_transport) {
  const config c = load_ok(R"(listeners:
  - {name: a, transport: udp}
  - {name: b, transport: ws}
  - {name: c, transport: wss, tls: {certificate: auto}}
  - {name: d, transport: tls, tls: {certificate: auto}, address: "::1"}
)");
  ASSERT_EQ(c.listeners.size(), 4u);
  EXPECT_EQ(c.listeners[0].port, 5060);
  EXPECT_EQ(c.listeners[1].port, 5060);
  EXPECT_EQ(c.listeners[2].port, 5061);
  EXPECT_EQ(c.listeners[3].port, 5061);
  EXPECT_EQ(c.listeners[3].address, "::1");
}

TEST(loader_defaults, a_partial_section_keeps_the_other_defaults) {
  const config c = load_ok("sip:\n  t1_ms: 250\n  tcp:\n    max_connections: 1000\n");
  EXPECT_EQ(c.sip.t1_ms, 250u);
  EXPECT_EQ(c.sip.t2_ms, 4000u);
  EXPECT_EQ(c.sip.tcp.max_connections, 1000u);
  EXPECT_EQ(c.sip.tcp.max_connections_per_ip, 256u);
}

// ---- one test per kind of problem, with the exact text an operator sees ------------------

TEST(loader_errors, unknown_key_lists_the_valid_ones) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: a
    transport: udp
    prot: 5060
)"),
              ElementsAre("test.yaml:4:5: listeners[0].prot: unknown key \"prot\"; expected one of: "
                          "name, transport, address, port, side, tls"));
}

TEST(loader_errors, unknown_top_level_key) {
  EXPECT_THAT(load_errors("listener: []\n"),
              ElementsAre("test.yaml:1:1: listener: unknown key \"listener\"; expected one of: node, listeners, "
                          "sip, media, trunks, endpoints, users, routes, numbering, calls, dns, metrics, logging"));
}

TEST(loader_errors, duplicate_key) {
  EXPECT_THAT(load_errors("metrics:\n  port: 9100\n  port: 9101\n"),
              ElementsAre("test.yaml:3:3: metrics.port: duplicate key \"port\""));
}

TEST(loader_errors, wrong_types) {
  EXPECT_THAT(load_errors(R"(metrics:
  enabled: yes
listeners:
  name: udp
sip: 5
node:
  name: [a, b]
)"),
              ElementsAre("test.yaml:2:12: metrics.enabled: expected a boolean (true or false), got \"yes\"",
                          "test.yaml:4:3: listeners: expected a list, got a mapping",
                          "test.yaml:5:6: sip: expected a mapping, got \"5\"",
                          "test.yaml:7:9: node.name: expected a string, got a list"));
}

TEST(loader_errors, long_values_are_shortened_in_messages) {
  const std::string value(100, 'x');
  EXPECT_THAT(load_errors("metrics:\n  port: " + value + "\n"),
              ElementsAre("test.yaml:2:9: metrics.port: expected an integer in 1..65535, got \"" + value.substr(0, 60) +
                          "...\""));
}

TEST(loader_errors, top_level_must_be_a_mapping) {
  EXPECT_THAT(load_errors("- a\n- b\n"), ElementsAre("test.yaml:1:1: expected a mapping, got a list"));
}

TEST(loader_errors, bad_enum_lists_the_allowed_values) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: a
    transport: sctp
logging:
  level: loud
)"),
              ElementsAre("test.yaml:3:16: listeners[0].transport: unknown value \"sctp\"; expected one of: "
                          "udp, tcp, tls, ws, wss",
                          "test.yaml:5:10: logging.level: unknown value \"loud\"; expected one of: "
                          "trace, debug, info, warn, error, critical, off"));
}

TEST(loader_errors, trunk_transport_excludes_websockets) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:x.example", transport: wss}
)"),
              ElementsAre("test.yaml:3:49: trunks[0].outbound.transport: unknown value \"wss\"; expected one of: "
                          "udp, tcp, tls"));
}

TEST(loader_errors, out_of_range_port) {
  EXPECT_THAT(load_errors(R"(listeners:
  - name: a
    transport: udp
    port: 70000
  - name: b
    transport: tcp
    port: abc
  - name: c
    transport: tcp
    port: 0
)"),
              ElementsAre("test.yaml:4:11: listeners[0].port: expected an integer in 1..65535, got \"70000\"",
                          "test.yaml:7:11: listeners[1].port: expected an integer in 1..65535, got \"abc\"",
                          "test.yaml:10:11: listeners[2].port: expected an integer in 1..65535, got \"0\""));
}

TEST(loader_errors, other_ranges) {
  EXPECT_THAT(load_errors(R"(sip:
  max_message_bytes: 512
  max_headers: -1
media:
  port_min: 80
)"),
              ElementsAre("test.yaml:2:22: sip.max_message_bytes: expected an integer in 1024..1048576, got \"512\"",
                          "test.yaml:3:16: sip.max_headers: expected an integer in 16..1024, got \"-1\"",
                          "test.yaml:5:13: media.port_min: expected an integer in 1024..65535, got \"80\""));
}

TEST(loader_errors, missing_required_keys) {
  EXPECT_THAT(load_errors(R"(listeners:
  - address: 10.0.0.1
trunks:
  - name: carrier
    credentials:
      username: trunk-1
routes:
  - name: r
)"),
              ElementsAre("test.yaml:2:5: listeners[0]: missing required key \"name\"",
                          "test.yaml:2:5: listeners[0]: missing required key \"transport\"",
                          "test.yaml:4:5: trunks[0]: missing required key \"outbound\"",
                          "test.yaml:6:7: trunks[0].credentials: missing required key \"password_file\"",
                          "test.yaml:8:5: routes[0]: missing required key \"target\""));
}

TEST(loader_errors, empty_list_item) {
  EXPECT_THAT(load_errors("users:\n  - username: a\n  - ~\n"),
              ElementsAre("test.yaml:3:5: users[1]: empty list item"));
}

TEST(loader_errors, bad_ip_addresses) {
  EXPECT_THAT(load_errors(R"(node:
  advertised_address: 10.0.0
metrics:
  address: localhost
)"),
              ElementsAre("test.yaml:2:23: node.advertised_address: expected an IPv4 or IPv6 address, got \"10.0.0\"",
                          "test.yaml:4:12: metrics.address: expected an IPv4 or IPv6 address, got \"localhost\""));
}

TEST(loader_errors, bad_cidr) {
  EXPECT_THAT(load_errors(R"(endpoints:
  - name: pbx
    uri: sip:pbx.example
    inbound:
      allow:
        - 10.0.0.0/8
        - 10.0.0.0/33
        - 10.1.2.3/16
        - "2001:db8::/129"
)"),
              ElementsAre("test.yaml:7:11: endpoints[0].inbound.allow[1]: expected a CIDR such as 203.0.113.0/24 "
                          "or 2001:db8::/32, got \"10.0.0.0/33\"",
                          "test.yaml:8:11: endpoints[0].inbound.allow[2]: CIDR \"10.1.2.3/16\" has bits set after the "
                          "prefix length",
                          "test.yaml:9:11: endpoints[0].inbound.allow[3]: expected a CIDR such as 203.0.113.0/24 "
                          "or 2001:db8::/32, got \"2001:db8::/129\""));
}

TEST(loader_errors, ipv6_cidrs_and_addresses_are_accepted) {
  const config c = load_ok(R"(trunks:
  - name: carrier
    outbound: {uri: "sips:sip.carrier.example"}
    bind_address: "2001:db8::10"
    inbound:
      allow: ["2001:db8::/32", "2001:db8:1::5", "::/0", 203.0.113.0/24, sip.carrier.example]
)");
  ASSERT_EQ(c.trunks.size(), 1u);
  EXPECT_EQ(c.trunks[0].bind_address, "2001:db8::10");
  EXPECT_THAT(c.trunks[0].inbound.allow,
              ElementsAre("2001:db8::/32", "2001:db8:1::5", "::/0", "203.0.113.0/24", "sip.carrier.example"));
}

TEST(loader_errors, bad_regex_carries_the_reason) {
  const auto errors = load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "sip:carrier.example"}
routes:
  - name: r
    match: {called_regex: "([0-9"}
    target: trunk:carrier
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:6:27: routes[0].match.called_regex: invalid regular expression \"([0-9\": "
            "Unexpected character within '[...]' in regular expression");
}

TEST(loader_errors, bad_uri_number_and_route_words) {
  EXPECT_THAT(load_errors(R"(trunks:
  - name: carrier
    outbound: {uri: "http://carrier.example"}
    caller_id: {number: "442071234567"}
routes:
  - name: r
    match: {source: everyone, called_prefix: "44x"}
    target: carrier
)"),
              ElementsAre("test.yaml:3:21: trunks[0].outbound.uri: expected a sip: or sips: URI, got "
                          "\"http://carrier.example\"",
                          "test.yaml:4:25: trunks[0].caller_id.number: expected an E.164 number ('+' then 8 to 15 "
                          "digits), got \"442071234567\"",
                          "test.yaml:7:21: routes[0].match.source: expected \"any\", \"user\", \"trunk:<name>\" or "
                          "\"endpoint:<name>\", got \"everyone\"",
                          "test.yaml:7:46: routes[0].match.called_prefix: expected digits with an optional leading "
                          "'+', got \"44x\"",
                          "test.yaml:8:13: routes[0].target: expected \"trunk:<name>\" or \"endpoint:<name>\", got "
                          "\"carrier\""));
}

TEST(loader_errors, yaml_syntax_error_has_a_position) {
  EXPECT_THAT(load_errors("node:\n  name: a\n bad: 1\n"), ElementsAre("test.yaml:3:2: end of map not found"));
  EXPECT_THAT(load_errors("listeners: [udp\n"), ElementsAre("test.yaml:2:1: end of sequence flow not found"));
  EXPECT_THAT(load_errors("node:\n\tname: a\n"), ElementsAre("test.yaml:2:6: illegal map value"));
}

TEST(loader_errors, more_than_one_document) {
  EXPECT_THAT(load_errors("node: {name: a}\n---\nnode: {name: b}\n"),
              ElementsAre("test.yaml:3:1: expected one YAML document, found 2"));
}

TEST(loader_errors, all_problems_are_reported_together_in_file_order) {
  EXPECT_THAT(load_errors(R"(logging:
  level: loud
listeners:
  - name: a
    transport: udp
    port: abc
  - name: a
    transport: tcp
    prot: 1
trunks:
  - name: carrier
    outbound: {uri: "sip:carrier.example"}
    inbound: {allow: [203.0.113.0/33]}
routes:
  - name: r
    target: trunk:carier
)"),
              ElementsAre("test.yaml:2:10: logging.level: unknown value \"loud\"; expected one of: "
                          "trace, debug, info, warn, error, critical, off",
                          "test.yaml:6:11: listeners[0].port: expected an integer in 1..65535, got \"abc\"",
                          "test.yaml:7:11: listeners[1].name: duplicate listener name \"a\" (first defined at line 4)",
                          "test.yaml:9:5: listeners[1].prot: unknown key \"prot\"; expected one of: "
                          "name, transport, address, port, side, tls",
                          "test.yaml:13:23: trunks[0].inbound.allow[0]: expected a CIDR such as 203.0.113.0/24 or "
                          "2001:db8::/32, got \"203.0.113.0/33\"",
                          "test.yaml:16:13: routes[0].target: unknown trunk \"carier\""));
}

TEST(loader_errors, hostile_input_does_not_throw) {
  EXPECT_FALSE(load_string(std::string(10000, '['), "deep.yaml").ok());
  EXPECT_FALSE(load_string("\x01\x02\xff\xfe", "binary.yaml").ok());
  EXPECT_FALSE(load_string("a: *undefined\n", "alias.yaml").ok());
  EXPECT_FALSE(load_string("? [a, b]\n: c\n", "complex_key.yaml").ok());
}

// ---- files ------------------------------------------------------------------------------

TEST(loader_file, missing_file_is_a_whole_file_problem) {
  const auto r = load_file("/nonexistent/voxedge.yaml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].to_string(), "/nonexistent/voxedge.yaml: cannot read: No such file or directory");
}

TEST(loader_file, directory_is_not_a_file) {
  const auto r = load_file(VOXEDGE_SOURCE_DIR);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error()[0].message, HasSubstr("cannot read"));
}

// The integration test runs `voxedge --check-config` on this file and looks for these lines.
TEST(loader_file, broken_fixture_reports_each_problem_with_its_line) {
  const std::string path = testing::data_file("broken.yaml");
  const auto r = load_file(path);
  ASSERT_FALSE(r);
  std::vector<std::string> errors;
  for (const auto& d : r.error()) errors.push_back(d.to_string());
  EXPECT_THAT(errors,
              ElementsAre(path + ":9:11: listeners[0].port: expected an integer in 1..65535, got \"abc\"",
                          path + ":10:5: listeners[1]: missing required key \"tls\" (transport tls needs a certificate)",
                          path + ":19:15: trunks[0].inbound.allow[0]: expected a CIDR such as 203.0.113.0/24 or "
                                 "2001:db8::/32, got \"203.0.113.0/33\"",
                          path + ":23:13: routes[0].target: unknown trunk \"carier\"",
                          path + ":26:3: logging.levle: unknown key \"levle\"; expected one of: level, format"));
}

}  // namespace
}  // namespace voxedge::config
