#include "config/validation.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "config/value_syntax.hpp"

namespace voxedge::config {
namespace {

std::string item_path(std::string_view list, std::size_t i) {
  return std::string(list) + '[' + std::to_string(i) + ']';
}

/// Reports `path: message` at the position recorded for `path`.
void report(read_context& ctx, const std::string& path, std::string message) {
  ctx.report(ctx.where(path), path, std::move(message));
}

bool all_clean(const read_context& ctx, const std::string& base, std::initializer_list<std::string_view> keys) {
  return std::all_of(keys.begin(), keys.end(), [&](std::string_view k) { return ctx.clean(base + '.' + std::string(k)); });
}

/// Reports every item whose `key` repeats an earlier item's, naming the first one's line.
template <class T, class Name>
void check_unique(read_context& ctx, const std::vector<T>& items, std::string_view list, std::string_view key,
                  std::string_view what, Name name_of) {
  std::unordered_map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& name = name_of(items[i]);
    const std::string path = item_path(list, i) + '.' + std::string(key);
    if (name.empty() || !ctx.clean(path)) continue;  // a missing name is reported already
    const auto [it, inserted] = first.try_emplace(name, i);
    if (inserted) continue;
    const std::string first_path = item_path(list, it->second) + '.' + std::string(key);
    report(ctx, path,
           "duplicate " + std::string(what) + " \"" + name + "\" (first defined at line " +
               std::to_string(ctx.where(first_path).line) + ')');
  }
}

void check_tls(read_context& ctx, const listener& l, const std::string& path) {
  if (!ctx.clean(path + ".transport")) return;
  if (is_secure(l.transport) && !l.tls) {
    report(ctx, path, "missing required key \"tls\" (transport " + std::string(to_string(l.transport)) +
                          " needs a certificate)");
    return;
  }
  if (!is_secure(l.transport) && l.tls) {
    report(ctx, path + ".tls", "only tls and wss listeners take a tls block, this one is " +
                                   std::string(to_string(l.transport)));
    return;
  }
  if (!l.tls || !all_clean(ctx, path + ".tls", {"certificate", "private_key"})) return;
  if (l.tls->self_signed() && !l.tls->private_key.empty()) {
    report(ctx, path + ".tls.private_key", "must be absent when certificate is \"auto\" (the key is generated with it)");
  } else if (!l.tls->self_signed() && !l.tls->certificate.empty() && l.tls->private_key.empty()) {
    report(ctx, path + ".tls", "missing required key \"private_key\" (certificate is not \"auto\")");
  }
}

void check_listeners(read_context& ctx, const std::vector<listener>& listeners) {
  check_unique(ctx, listeners, "listeners", "name", "listener name", [](const listener& l) -> const std::string& {
    return l.name;
  });
  // Two listeners conflict when they would bind the same socket: UDP is one kind of socket,
  // and tcp, tls, ws and wss all listen on TCP, so tcp and tls cannot share a port either.
  std::unordered_map<std::string, std::size_t> bound;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const listener& l = listeners[i];
    const std::string path = item_path("listeners", i);
    check_tls(ctx, l, path);
    if (!all_clean(ctx, path, {"transport", "address", "port"})) continue;
    const std::string address = canonical_ip(l.address).value_or(l.address);
    const std::string socket = std::string(l.transport == sip_transport::udp ? "udp " : "tcp ") +
                               (address.find(':') != std::string::npos ? '[' + address + ']' : address) + ':' +
                               std::to_string(l.port);
    const auto [it, inserted] = bound.try_emplace(socket, i);
    if (inserted) continue;
    const listener& other = listeners[it->second];
    report(ctx, path,
           "duplicate listener: " + std::string(to_string(l.transport)) + " on " + socket.substr(4) +
               " conflicts with listener \"" + other.name + "\" (" + std::string(to_string(other.transport)) +
               ", line " + std::to_string(ctx.where(item_path("listeners", it->second)).line) + ')');
  }
}

void check_sip(read_context& ctx, const sip_settings& s) {
  // RFC 3261 §17.1.2.2: T2 caps the retransmit interval that starts at T1.
  if (ctx.clean("sip.t1_ms") && ctx.clean("sip.t2_ms") && s.t2_ms < s.t1_ms) {
    report(ctx, "sip.t2_ms", "must be at least t1_ms (" + std::to_string(s.t1_ms) + "), got " + std::to_string(s.t2_ms));
  }
  if (all_clean(ctx, "sip.tcp", {"max_connections", "max_connections_per_ip"}) && s.tcp.max_connections_per_ip > s.tcp.max_connections) {
    report(ctx, "sip.tcp.max_connections_per_ip",
           "must not exceed max_connections (" + std::to_string(s.tcp.max_connections) + "), got " +
               std::to_string(s.tcp.max_connections_per_ip));
  }
}

void check_media(read_context& ctx, const media_settings& m) {
  // RFC 3550 §11: RTP on an even port, RTCP on the odd one above it.
  if (ctx.clean("media.port_min") && m.port_min % 2 != 0) {
    report(ctx, "media.port_min", "must be even (RTP takes even ports, RTCP the odd one above), got " +
                                      std::to_string(m.port_min));
    return;
  }
  if (!all_clean(ctx, "media", {"port_min", "port_max"})) return;
  if (m.port_max <= m.port_min) {
    report(ctx, "media.port_max", "must be greater than port_min (" + std::to_string(m.port_min) + "), got " +
                                      std::to_string(m.port_max));
    return;
  }
  // Each worker owns a slice of the range and needs at least one RTP/RTCP pair. With
  // workers = 0 the count is only known at startup, so the daemon has to check it there.
  const auto ports = static_cast<std::uint32_t>(m.port_max - m.port_min + 1);
  if (ctx.clean("media.workers") && m.workers > 0 && ports < 2 * m.workers) {
    report(ctx, "media.workers", std::to_string(m.workers) + " workers need at least " + std::to_string(2 * m.workers) +
                                     " media ports, port_min..port_max has " + std::to_string(ports));
  }
}

void check_routes(read_context& ctx, const config& c) {
  check_unique(ctx, c.routes, "routes", "name", "route name", [](const route& r) -> const std::string& {
    return r.name;
  });
  const auto has_trunk = [&](const std::string& n) {
    return std::any_of(c.trunks.begin(), c.trunks.end(), [&](const trunk& t) { return t.name == n; });
  };
  const auto has_endpoint = [&](const std::string& n) {
    return std::any_of(c.endpoints.begin(), c.endpoints.end(), [&](const endpoint& e) { return e.name == n; });
  };
  for (std::size_t i = 0; i < c.routes.size(); ++i) {
    const route& r = c.routes[i];
    const std::string path = item_path("routes", i);
    if (!r.match.called_prefix.empty() && !r.match.called_regex.empty()) {
      report(ctx, path + ".match.called_regex", "called_prefix and called_regex cannot both be set");
    }
    const auto& src = r.match.source;
    if (ctx.clean(path + ".match.source")) {
      if (src.type == route_source::kind::trunk && !has_trunk(src.name)) {
        report(ctx, path + ".match.source", "unknown trunk \"" + src.name + "\"");
      } else if (src.type == route_source::kind::endpoint && !has_endpoint(src.name)) {
        report(ctx, path + ".match.source", "unknown endpoint \"" + src.name + "\"");
      }
    }
    if (ctx.clean(path + ".target") && !r.target.name.empty()) {
      if (r.target.type == route_target::kind::trunk && !has_trunk(r.target.name)) {
        report(ctx, path + ".target", "unknown trunk \"" + r.target.name + "\"");
      } else if (r.target.type == route_target::kind::endpoint && !has_endpoint(r.target.name)) {
        report(ctx, path + ".target", "unknown endpoint \"" + r.target.name + "\"");
      }
    }
  }
}

void check_trunks(read_context& ctx, const std::vector<trunk>& trunks) {
  for (std::size_t i = 0; i < trunks.size(); ++i) {
    const trunk& t = trunks[i];
    const std::string path = item_path("trunks", i) + ".tls";
    if (!all_clean(ctx, path, {"certificate", "private_key"})) continue;
    if (!t.tls.certificate.empty() && t.tls.private_key.empty()) {
      report(ctx, path, "missing required key \"private_key\" (a client certificate needs its key)");
    } else if (t.tls.certificate.empty() && !t.tls.private_key.empty()) {
      report(ctx, path, "missing required key \"certificate\" (private_key is set)");
    }
  }
}

void check_dns(read_context& ctx, const dns_settings& d) {
  if (all_clean(ctx, "dns", {"ttl_floor_s", "ttl_ceiling_s"}) && d.ttl_ceiling_s < d.ttl_floor_s) {
    report(ctx, "dns.ttl_ceiling_s",
           "must be at least ttl_floor_s (" + std::to_string(d.ttl_floor_s) + "), got " + std::to_string(d.ttl_ceiling_s));
  }
}

}  // namespace

void validate(const config& c, read_context& ctx) {
  check_listeners(ctx, c.listeners);
  check_sip(ctx, c.sip);
  check_media(ctx, c.media);
  check_unique(ctx, c.trunks, "trunks", "name", "trunk name", [](const trunk& t) -> const std::string& {
    return t.name;
  });
  check_unique(ctx, c.endpoints, "endpoints", "name", "endpoint name", [](const endpoint& e) -> const std::string& {
    return e.name;
  });
  check_unique(ctx, c.users, "users", "username", "username", [](const user& u) -> const std::string& {
    return u.username;
  });
  check_trunks(ctx, c.trunks);
  check_dns(ctx, c.dns);
  check_routes(ctx, c);
}

}  // namespace voxedge::config
