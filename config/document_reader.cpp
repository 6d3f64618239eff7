#include "config/document_reader.hpp"

#include "config/value_syntax.hpp"

namespace voxedge::config {
namespace {

constexpr std::uint64_t max_port = 65535;
// The two-way transports a trunk or endpoint is dialled over (config.hpp orders them first).
constexpr auto dial_transport_names = std::span(sip_transport_names).first<3>();

/// A list whose presence replaces the default (even when empty); absent keeps it.
template <class T, class ReadItem>
void read_list(const field_reader& f, std::vector<T>& out, ReadItem read_item) {
  if (!f.present()) return;
  std::vector<T> items;
  f.for_each_item([&](const field_reader& item) { read_item(item, items.emplace_back()); });
  out = std::move(items);
}

void read_node(const field_reader& f, node_settings& out) {
  if (!f.expect_mapping({"name", "advertised_address", "state_dir", "user_agent"})) return;
  f["name"].read_string(out.name, check_non_empty);
  f["advertised_address"].read_string(out.advertised_address, check_optional_ip);
  f["state_dir"].read_string(out.state_dir);
  f["user_agent"].read_string(out.user_agent, check_non_empty);
}

void read_tls(const field_reader& f, tls_settings& out) {
  if (!f.expect_mapping({"certificate", "private_key", "ca_file", "verify_peer", "min_version", "ciphers"})) return;
  f.require("certificate");
  f["certificate"].read_string(out.certificate, check_non_empty);
  f["private_key"].read_string(out.private_key);
  f["ca_file"].read_string(out.ca_file);
  f["verify_peer"].read_bool(out.verify_peer);
  f["min_version"].read_enum(out.min_version, tls_version_names);
  f["ciphers"].read_string(out.ciphers);
}

void read_listener(const field_reader& f, listener& out) {
  if (!f.expect_mapping({"name", "transport", "address", "port", "side", "tls"})) return;
  f.require("name");
  f.require("transport");
  f["name"].read_string(out.name, check_non_empty);
  f["transport"].read_enum(out.transport, sip_transport_names);
  out.port = default_port(out.transport);
  f["address"].read_string(out.address, check_ip);
  f["port"].read_uint(out.port, 1, max_port);
  f["side"].read_enum(out.side, listener_side_names);
  if (const auto tls = f["tls"]; tls.present()) read_tls(tls, out.tls.emplace());
}

void read_sip(const field_reader& f, sip_settings& out) {
  if (!f.expect_mapping({"t1_ms", "t2_ms", "t4_ms", "max_message_bytes", "max_headers", "tcp",
                         "udp_receive_buffer_bytes"})) {
    return;
  }
  f["t1_ms"].read_uint(out.t1_ms, 1, 60'000);
  f["t2_ms"].read_uint(out.t2_ms, 1, 600'000);
  f["t4_ms"].read_uint(out.t4_ms, 1, 600'000);
  f["max_message_bytes"].read_uint(out.max_message_bytes, 1024, 1'048'576);
  f["max_headers"].read_uint(out.max_headers, 16, 1024);
  // Passed to setsockopt(SO_RCVBUF) as an int.
  f["udp_receive_buffer_bytes"].read_uint(out.udp_receive_buffer_bytes, 0, INT32_MAX);
  const auto tcp = f["tcp"];
  if (!tcp.expect_mapping({"idle_timeout_s", "max_connections", "max_connections_per_ip", "connect_timeout_ms"})) return;
  tcp["idle_timeout_s"].read_uint(out.tcp.idle_timeout_s, 1, 86'400);
  tcp["max_connections"].read_uint(out.tcp.max_connections, 1, 1'000'000);
  tcp["max_connections_per_ip"].read_uint(out.tcp.max_connections_per_ip, 1, 1'000'000);
  tcp["connect_timeout_ms"].read_uint(out.tcp.connect_timeout_ms, 1, 600'000);
}

void read_media(const field_reader& f, media_settings& out) {
  if (!f.expect_mapping({"address", "port_min", "port_max", "workers"})) return;
  f["address"].read_string(out.address, check_optional_ip);
  // Below 1024 are privileged ports, and the daemon runs unprivileged.
  f["port_min"].read_uint(out.port_min, 1024, max_port);
  f["port_max"].read_uint(out.port_max, 1024, max_port);
  f["workers"].read_uint(out.workers, 0, 1024);
}

void read_trunk_tls(const field_reader& f, trunk_tls& out) {
  if (!f.expect_mapping({"server_name", "ca_file", "verify", "certificate", "private_key", "min_version", "ciphers"})) {
    return;
  }
  f["server_name"].read_string(out.server_name);
  f["ca_file"].read_string(out.ca_file);
  f["verify"].read_bool(out.verify);
  f["certificate"].read_string(out.certificate);
  f["private_key"].read_string(out.private_key);
  f["min_version"].read_enum(out.min_version, tls_version_names);
  f["ciphers"].read_string(out.ciphers);
}

void read_trunk(const field_reader& f, trunk& out) {
  if (!f.expect_mapping({"name", "outbound", "tls", "credentials", "caller_id", "bind_address", "media_address",
                         "inbound", "srtp", "options_interval_s", "options_timeout_ms", "down_after"})) {
    return;
  }
  f.require("name");
  f.require("outbound");
  f["name"].read_string(out.name, check_non_empty);

  if (const auto o = f["outbound"]; o.expect_mapping({"uri", "transport", "attempt_timeout_ms"}) && o.present()) {
    o.require("uri");
    o["uri"].read_string(out.outbound.uri, check_sip_uri);
    o["transport"].read_enum(out.outbound.transport, dial_transport_names);
    o["attempt_timeout_ms"].read_uint(out.outbound.attempt_timeout_ms, 100, 120'000);
  }
  if (const auto t = f["tls"]; t.present()) read_trunk_tls(t, out.tls);
  if (const auto c = f["credentials"]; c.present() && c.expect_mapping({"username", "password_file"})) {
    auto& creds = out.credentials.emplace();
    c.require("username");
    c.require("password_file");
    c["username"].read_string(creds.username, check_non_empty);
    c["password_file"].read_string(creds.password_file, check_non_empty);
  }
  if (const auto c = f["caller_id"]; c.present() && c.expect_mapping({"number", "pai"})) {
    auto& id = out.caller_id.emplace();
    c.require("number");
    c["number"].read_string(id.number, check_e164);
    c["pai"].read_bool(id.pai);
  }
  f["bind_address"].read_string(out.bind_address, check_optional_ip);
  f["media_address"].read_string(out.media_address, check_optional_ip);
  if (const auto in = f["inbound"]; in.expect_mapping({"allow", "reject"})) {
    in["allow"].read_string_list(out.inbound.allow, check_source_pattern);
    in["reject"].read_enum(out.inbound.reject, reject_mode_names);
  }
  f["srtp"].read_enum(out.srtp, srtp_mode_names);
  f["options_interval_s"].read_uint(out.options_interval_s, 0, 86'400);
  f["options_timeout_ms"].read_uint(out.options_timeout_ms, 100, 120'000);
  f["down_after"].read_uint(out.down_after, 1, 100);
}

void read_dns(const field_reader& f, dns_settings& out) {
  if (!f.expect_mapping({"servers", "ttl_floor_s", "ttl_ceiling_s", "timeout_ms", "tries"})) return;
  f["servers"].read_string_list(out.servers, check_dns_server);
  f["ttl_floor_s"].read_uint(out.ttl_floor_s, 1, 86'400);
  f["ttl_ceiling_s"].read_uint(out.ttl_ceiling_s, 1, 7 * 86'400);
  f["timeout_ms"].read_uint(out.timeout_ms, 50, 60'000);
  f["tries"].read_uint(out.tries, 1, 10);
}

void read_endpoint(const field_reader& f, endpoint& out) {
  if (!f.expect_mapping({"name", "uri", "transport", "inbound"})) return;
  f.require("name");
  f.require("uri");
  f["name"].read_string(out.name, check_non_empty);
  f["uri"].read_string(out.uri, check_sip_uri);
  f["transport"].read_enum(out.transport, dial_transport_names);
  if (const auto in = f["inbound"]; in.expect_mapping({"allow"})) {
    in["allow"].read_string_list(out.inbound.allow, check_source_pattern);
  }
}

void read_user(const field_reader& f, user& out) {
  if (!f.expect_mapping({"username", "password_file", "domain"})) return;
  f.require("username");
  f["username"].read_string(out.username, check_non_empty);
  f["password_file"].read_string(out.password_file);
  f["domain"].read_string(out.domain);
}

void read_route(const field_reader& f, route& out) {
  if (!f.expect_mapping({"name", "match", "target"})) return;
  f.require("name");
  f.require("target");
  f["name"].read_string(out.name, check_non_empty);
  if (const auto m = f["match"]; m.expect_mapping({"source", "called_prefix", "called_regex"})) {
    std::string source;
    if (const auto s = m["source"]; s.read_string(source)) {
      if (auto parsed = parse_route_source(source)) {
        out.match.source = std::move(*parsed);
      } else {
        s.error("expected \"any\", \"user\", \"trunk:<name>\" or \"endpoint:<name>\", got \"" + source + '"');
      }
    }
    m["called_prefix"].read_string(out.match.called_prefix, check_number_prefix);
    m["called_regex"].read_string(out.match.called_regex, check_regex);
  }
  std::string target;
  if (const auto t = f["target"]; t.read_string(target)) {
    if (auto parsed = parse_route_target(target)) {
      out.target = std::move(*parsed);
    } else {
      t.error("expected \"trunk:<name>\" or \"endpoint:<name>\", got \"" + target + '"');
    }
  }
}

void read_numbering(const field_reader& f, numbering_settings& out) {
  if (!f.expect_mapping({"country_code", "national_prefix", "international_prefix"})) return;
  f["country_code"].read_string(out.country_code, check_digits);
  f["national_prefix"].read_string(out.national_prefix, check_digits);
  f["international_prefix"].read_string(out.international_prefix, check_digits);
}

void read_calls(const field_reader& f, call_settings& out) {
  if (!f.expect_mapping({"max_calls", "max_duration_s", "media_timeout_s", "media_hangup_s", "cdr_file"})) return;
  f["max_calls"].read_uint(out.max_calls, 1, 1000000);
  f["max_duration_s"].read_uint(out.max_duration_s, 0, 604800);
  f["media_timeout_s"].read_uint(out.media_timeout_s, 1, 3600);
  f["media_hangup_s"].read_uint(out.media_hangup_s, 0, 86400);
  f["cdr_file"].read_string(out.cdr_file);
}

void read_metrics(const field_reader& f, metrics_settings& out) {
  if (!f.expect_mapping({"enabled", "address", "port"})) return;
  f["enabled"].read_bool(out.enabled);
  f["address"].read_string(out.address, check_ip);
  f["port"].read_uint(out.port, 1, max_port);
}

void read_logging(const field_reader& f, logging_settings& out) {
  if (!f.expect_mapping({"level", "format"})) return;
  f["level"].read_enum(out.level, log_level_names);
  f["format"].read_enum(out.format, log_format_names);
}

}  // namespace

void read_document(const field_reader& root, config& out) {
  if (!root.expect_mapping({"node", "listeners", "sip", "media", "trunks", "endpoints", "users", "routes", "numbering",
                            "calls", "dns", "metrics", "logging"})) {
    return;
  }
  read_node(root["node"], out.node);
  read_list(root["listeners"], out.listeners, read_listener);
  read_sip(root["sip"], out.sip);
  read_media(root["media"], out.media);
  read_list(root["trunks"], out.trunks, read_trunk);
  read_list(root["endpoints"], out.endpoints, read_endpoint);
  read_list(root["users"], out.users, read_user);
  read_list(root["routes"], out.routes, read_route);
  read_numbering(root["numbering"], out.numbering);
  read_calls(root["calls"], out.calls);
  read_dns(root["dns"], out.dns);
  read_metrics(root["metrics"], out.metrics);
  read_logging(root["logging"], out.logging);
}

}  // namespace voxedge::config
