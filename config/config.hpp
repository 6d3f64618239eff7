#pragma once
// The configuration schema: plain data, one struct per YAML mapping, every default written
// in the struct so that `config{}` is exactly what an empty file means. Nothing here reads
// or checks anything; config/loader.hpp does that.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxedge::config {

// Each enumeration has a table of the words the YAML file uses for it, indexed by
// enumerator value, so the loader and to_string() can never disagree.

enum class sip_transport { udp, tcp, tls, ws, wss };
// Order matters: trunks and endpoints accept only the first three (no WebSocket towards
// a server we dial).
inline constexpr std::array<std::string_view, 5> sip_transport_names{"udp", "tcp", "tls", "ws", "wss"};

enum class listener_side { inside, trunk, clients };
inline constexpr std::array<std::string_view, 3> listener_side_names{"inside", "trunk", "clients"};

enum class tls_version { v1_2, v1_3 };
inline constexpr std::array<std::string_view, 2> tls_version_names{"1.2", "1.3"};

/// What a trunk does with a request from a source its allow list does not match.
enum class reject_mode { respond, drop };
inline constexpr std::array<std::string_view, 2> reject_mode_names{"respond", "drop"};

enum class srtp_mode { off, optional, required };
inline constexpr std::array<std::string_view, 3> srtp_mode_names{"off", "optional", "required"};

enum class log_level { trace, debug, info, warn, error, critical, off };
inline constexpr std::array<std::string_view, 7> log_level_names{"trace", "debug", "info",    "warn",
                                                                 "error", "critical", "off"};

enum class log_format { text, json };
inline constexpr std::array<std::string_view, 2> log_format_names{"text", "json"};

constexpr std::string_view to_string(sip_transport v) noexcept { return sip_transport_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(listener_side v) noexcept { return listener_side_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(tls_version v) noexcept { return tls_version_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(reject_mode v) noexcept { return reject_mode_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(srtp_mode v) noexcept { return srtp_mode_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(log_level v) noexcept { return log_level_names[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(log_format v) noexcept { return log_format_names[static_cast<std::size_t>(v)]; }

/// Whether the transport runs over TLS (and so needs certificates).
constexpr bool is_secure(sip_transport t) noexcept { return t == sip_transport::tls || t == sip_transport::wss; }

/// 5061 for TLS-based transports, 5060 otherwise (RFC 3261 §19.1.2; RFC 7118 reuses them).
constexpr std::uint16_t default_port(sip_transport t) noexcept { return is_secure(t) ? 5061 : 5060; }

struct node_settings {
  std::string name = "voxedge";
  /// IP put in Via/Contact/SDP; empty = the address of the listener in use.
  std::string advertised_address;
  /// Where runtime state (generated certificates, ...) lives; empty = chosen at runtime.
  std::string state_dir;
  std::string user_agent = "voxedge";

  bool operator==(const node_settings&) const = default;
};

struct tls_settings {
  /// The word that asks for a self-signed certificate generated into node.state_dir.
  static constexpr std::string_view auto_certificate = "auto";

  std::string certificate;  ///< a PEM file, or "auto"
  std::string private_key;  ///< a PEM file; empty when the certificate is "auto"
  std::string ca_file;      ///< empty = none
  bool verify_peer = false;  ///< listeners are servers: client certificates are optional
  tls_version min_version = tls_version::v1_2;
  std::string ciphers;  ///< OpenSSL cipher list; empty = the library's default

  bool self_signed() const noexcept { return certificate == auto_certificate; }
  bool operator==(const tls_settings&) const = default;
};

struct listener {
  std::string name;
  sip_transport transport = sip_transport::udp;
  std::string address = "127.0.0.1";
  std::uint16_t port = 5060;  ///< the loader uses default_port(transport) when absent
  listener_side side = listener_side::inside;
  std::optional<tls_settings> tls;  ///< present exactly for tls and wss

  bool operator==(const listener&) const = default;
};

/// udp and tcp on 127.0.0.1:5060 and tls on 127.0.0.1:5061 with a self-signed
/// certificate: loopback only, so an unconfigured daemon exposes nothing.
std::vector<listener> default_listeners();

struct tcp_settings {
  std::uint32_t idle_timeout_s = 600;
  std::uint32_t max_connections = 8192;
  std::uint32_t max_connections_per_ip = 256;
  std::uint32_t connect_timeout_ms = 5000;

  bool operator==(const tcp_settings&) const = default;
};

struct sip_settings {
  // RFC 3261 §17.1.1.1 timer values.
  std::uint32_t t1_ms = 500;
  std::uint32_t t2_ms = 4000;
  std::uint32_t t4_ms = 5000;
  std::uint32_t max_message_bytes = 65535;
  std::uint32_t max_headers = 128;
  tcp_settings tcp;
  std::uint32_t udp_receive_buffer_bytes = 0;  ///< 0 = the OS default

  bool operator==(const sip_settings&) const = default;
};

struct media_settings {
  std::uint16_t port_min = 20000;  ///< even: RTP on even ports, RTCP on the next odd one
  std::uint16_t port_max = 39999;
  std::uint32_t workers = 0;  ///< 0 = one per core
  std::string address;  ///< IP the relay binds RTP sockets to; empty = the first listener's address

  bool operator==(const media_settings&) const = default;
};

struct trunk_outbound {
  std::string uri;  ///< sip: or sips: URI; a host name is located per RFC 3263
  sip_transport transport = sip_transport::tls;
  /// No provisional response from a target this long after an INVITE: try the next one.
  std::uint32_t attempt_timeout_ms = 4000;

  bool operator==(const trunk_outbound&) const = default;
};

struct trunk_credentials {
  std::string username;
  std::string password_file;  ///< secrets never sit in the YAML itself

  bool operator==(const trunk_credentials&) const = default;
};

struct caller_id_settings {
  std::string number;  ///< E.164 with the leading '+'
  bool pai = false;    ///< also send P-Asserted-Identity (RFC 3325)

  bool operator==(const caller_id_settings&) const = default;
};

struct trunk_inbound {
  /// CIDRs, bare IPs or FQDNs (resolved at runtime); empty = nobody.
  std::vector<std::string> allow;
  reject_mode reject = reject_mode::respond;

  bool operator==(const trunk_inbound&) const = default;
};

/// How we act as a TLS client towards the trunk (RFC 5922 identity checks).
struct trunk_tls {
  /// SNI and the name the certificate must carry; empty = the host of outbound.uri.
  std::string server_name;
  std::string ca_file;        ///< PEM bundle; empty = the system CA store
  bool verify = true;         ///< chain and host name; off only for lab setups
  std::string certificate;    ///< client certificate (mTLS); empty = none
  std::string private_key;    ///< its key; required with certificate
  tls_version min_version = tls_version::v1_2;
  std::string ciphers;        ///< OpenSSL cipher list (TLS 1.2); empty = the library's default

  bool operator==(const trunk_tls&) const = default;
};

struct trunk {
  std::string name;
  trunk_outbound outbound;
  trunk_tls tls;
  std::optional<trunk_credentials> credentials;
  std::optional<caller_id_settings> caller_id;
  std::string bind_address;  ///< source IP for outbound requests; empty = any
  /// IP the relay binds this trunk's media legs to (the whitelisted static IP); empty =
  /// bind_address, else media.address.
  std::string media_address;
  trunk_inbound inbound;
  srtp_mode srtp = srtp_mode::off;
  std::uint32_t options_interval_s = 30;  ///< OPTIONS keepalive period; 0 = off
  /// An OPTIONS ping unanswered this long counts as a failure.
  std::uint32_t options_timeout_ms = 5000;
  /// Consecutive failed pings (or calls failing at transport level) before a target is
  /// marked down; one success marks it up again.
  std::uint32_t down_after = 2;

  bool operator==(const trunk&) const = default;
};

struct endpoint_inbound {
  std::vector<std::string> allow;  ///< same forms as trunk_inbound::allow

  bool operator==(const endpoint_inbound&) const = default;
};

struct endpoint {
  std::string name;
  std::string uri;  ///< sip: or sips: URI
  sip_transport transport = sip_transport::udp;
  endpoint_inbound inbound;

  bool operator==(const endpoint&) const = default;
};

struct user {
  std::string username;
  std::string password_file;  ///< empty = none
  std::string domain;         ///< empty = any

  bool operator==(const user&) const = default;
};

/// Where a call comes from, as a route matches it ("any", "user", "trunk:x", "endpoint:x").
struct route_source {
  enum class kind { any, user, trunk, endpoint };
  kind type = kind::any;
  std::string name;  ///< the trunk or endpoint; empty for any/user

  bool operator==(const route_source&) const = default;
};

/// Where a route sends a call ("trunk:x" or "endpoint:x").
struct route_target {
  enum class kind { trunk, endpoint };
  kind type = kind::trunk;
  std::string name;

  bool operator==(const route_target&) const = default;
};

struct route_match {
  route_source source;
  std::string called_prefix;  ///< digits with an optional leading '+'; empty = any
  std::string called_regex;   ///< ECMAScript; empty = any; exclusive with called_prefix

  bool operator==(const route_match&) const = default;
};

struct route {
  std::string name;
  route_match match;
  route_target target;

  bool operator==(const route&) const = default;
};

struct numbering_settings {
  std::string country_code;  ///< digits, e.g. "44"; empty = unknown
  std::string national_prefix = "0";
  std::string international_prefix = "00";

  bool operator==(const numbering_settings&) const = default;
};

struct call_settings {
  std::uint32_t max_calls = 10000;        ///< concurrent calls; more are refused with 503
  std::uint32_t max_duration_s = 14400;   ///< hang up after this long; 0 = no limit
  std::uint32_t media_timeout_s = 30;     ///< no RTP this long: MEDIA_DISRUPTED
  std::uint32_t media_hangup_s = 60;      ///< still none this long after that: hang up
  std::string cdr_file;                   ///< JSON lines, reopened on SIGHUP; empty = none

  bool operator==(const call_settings&) const = default;
};

/// DNS for RFC 3263 server location and FQDN allow lists (c-ares).
struct dns_settings {
  /// "ip" or "ip:port" ("[v6]:port"); empty = the system's /etc/resolv.conf.
  std::vector<std::string> servers;
  std::uint32_t ttl_floor_s = 30;     ///< re-resolve no sooner than this, whatever the TTL
  std::uint32_t ttl_ceiling_s = 3600; ///< and no later than this
  std::uint32_t timeout_ms = 2000;    ///< per try
  std::uint32_t tries = 2;

  bool operator==(const dns_settings&) const = default;
};

struct metrics_settings {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 9095;

  bool operator==(const metrics_settings&) const = default;
};

struct logging_settings {
  log_level level = log_level::info;
  log_format format = log_format::text;

  bool operator==(const logging_settings&) const = default;
};

struct config {
  node_settings node;
  std::vector<listener> listeners = default_listeners();
  sip_settings sip;
  media_settings media;
  std::vector<trunk> trunks;
  std::vector<endpoint> endpoints;
  std::vector<user> users;
  std::vector<route> routes;  ///< in file order
  numbering_settings numbering;
  call_settings calls;
  dns_settings dns;
  metrics_settings metrics;
  logging_settings logging;

  bool operator==(const config&) const = default;
};

}  // namespace voxedge::config
