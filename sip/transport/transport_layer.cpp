#include "sip/transport/transport_layer.hpp"

#include <limits>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "base/random.hpp"
#include "base/text.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/transport/response_target.hpp"

namespace voxedge::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

struct transport_layer::stream_listener {
  explicit stream_listener(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
};

transport_layer::transport_layer(asio::io_context& io, timer_service& timers, listener& up, transport_settings settings)
    : io_(io), timers_(timers), up_(up), settings_(std::move(settings)) {}

transport_layer::~transport_layer() { shutdown(); }

result<int, std::string> transport_layer::add_listener(const listener_spec& spec) {
  const int index = static_cast<int>(slots_.size());
  slot s{spec, nullptr, nullptr};
  const auto where = spec.address.to_string() + ":" + std::to_string(spec.port);
  switch (spec.transport) {
    case transport_kind::udp: {
      s.udp = std::make_unique<udp_listener>(io_, index, [this](std::string_view b, const peer& f) { on_datagram(b, f); });
      auto r = s.udp->open(udp::endpoint(spec.address, spec.port), settings_.udp_receive_buffer_bytes);
      if (!r) return fail(r.error());
      break;
    }
    case transport_kind::tls:
      if (!spec.tls_context) return fail("tls " + where + ": no certificate loaded");
      [[fallthrough]];
    case transport_kind::tcp: {
      s.stream = std::make_unique<stream_listener>(io_);
      auto& acc = s.stream->acceptor;
      const tcp::endpoint ep(spec.address, spec.port);
      boost::system::error_code ec;
      acc.open(ep.protocol(), ec);
      if (!ec && spec.address.is_v6()) acc.set_option(asio::ip::v6_only(true), ec);
      if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acc.bind(ep, ec);
      if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return fail(std::string(to_string(spec.transport)) + " " + where + ": " + ec.message());
      break;
    }
    case transport_kind::ws:
    case transport_kind::wss:
      return fail(std::string(to_string(spec.transport)) + " " + where +
                  ": WebSocket transports are not available in this version");
  }
  const bool is_stream = s.stream != nullptr;
  slots_.push_back(std::move(s));
  if (is_stream) do_accept(index);
  return index;
}

void transport_layer::remove_listener(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= slots_.size()) return;
  auto& s = slots_[static_cast<std::size_t>(index)];
  if (s.udp) s.udp->close();
  if (s.stream) {
    boost::system::error_code ignored;
    s.stream->acceptor.close(ignored);
  }
}

void transport_layer::replace_tls_context(int index, std::shared_ptr<asio::ssl::context> ctx) {
  if (index < 0 || static_cast<std::size_t>(index) >= slots_.size() || !ctx) return;
  slots_[static_cast<std::size_t>(index)].spec.tls_context = std::move(ctx);
}

std::optional<peer> transport_layer::local_address(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= slots_.size()) return std::nullopt;
  const auto& s = slots_[static_cast<std::size_t>(index)];
  peer p;
  p.transport = s.spec.transport;
  p.listener = index;
  boost::system::error_code ec;
  if (s.udp && s.udp->is_open()) {
    auto ep = s.udp->local_endpoint();
    p.address = ep.address();
    p.port = ep.port();
    return p;
  }
  if (s.stream && s.stream->acceptor.is_open()) {
    auto ep = s.stream->acceptor.local_endpoint(ec);
    if (ec) return std::nullopt;
    p.address = ep.address();
    p.port = ep.port();
    return p;
  }
  return std::nullopt;
}

std::optional<int> transport_layer::find_listener(transport_kind k, std::optional<bool> v6) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& s = slots_[i];
    if (s.spec.transport != k) continue;
    if (v6 && s.spec.address.is_v6() != *v6) continue;
    const bool open = (s.udp && s.udp->is_open()) || (s.stream && s.stream->acceptor.is_open());
    if (open) return static_cast<int>(i);
  }
  return std::nullopt;
}

void transport_layer::do_accept(int index) {
  auto& acc = slots_[static_cast<std::size_t>(index)].stream->acceptor;
  acc.async_accept([this, index](const boost::system::error_code& ec, tcp::socket sock) {
    if (ec == asio::error::operation_aborted || shut_down_) return;
    auto& s = slots_[static_cast<std::size_t>(index)];
    if (!s.stream || !s.stream->acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors and similar: back off instead of spinning on accept.
      spdlog::warn("sip: accept on {} failed: {}", s.spec.name, ec.message());
      timers_.schedule(std::chrono::milliseconds(100), [this, index] {
        if (!shut_down_) do_accept(index);
      });
      return;
    }
    boost::system::error_code rec;
    const auto remote = sock.remote_endpoint(rec);
    if (rec) {
      do_accept(index);
      return;
    }
    const auto addr = remote.address();
    if (connections_.size() >= settings_.max_connections || per_ip_[addr] >= settings_.max_connections_per_ip) {
      ++stats_.connections_refused;
      spdlog::warn("sip: refusing {} connection from {}: connection limit reached", to_string(s.spec.transport),
                   addr.to_string());
      boost::system::error_code ignored;
      sock.close(ignored);
    } else {
      boost::system::error_code ignored;
      sock.set_option(tcp::no_delay(true), ignored);
      peer p;
      p.transport = s.spec.transport;
      p.address = addr;
      p.port = remote.port();
      p.connection_id = next_connection_id_++;
      p.listener = index;
      const auto cs = stream_settings();
      auto c = s.spec.transport == transport_kind::tls
                   ? make_tls_connection(std::move(sock), s.spec.tls_context, p, false, *this, timers_, cs)
                   : make_tcp_connection(std::move(sock), p, false, *this, timers_, cs);
      ++stats_.connections_accepted;
      adopt(c);
      c->start_accepted();
    }
    do_accept(index);
  });
}

void transport_layer::adopt(std::shared_ptr<stream_connection> c, std::uint64_t generation) {
  ++per_ip_[c->remote().address];
  const auto id = c->id();
  connections_.emplace(id, connection_entry{std::move(c), generation});
  stats_.connections_current = connections_.size();
}

connection_settings transport_layer::stream_settings() const {
  connection_settings cs;
  cs.max_message_bytes = settings_.limits.max_message_bytes;
  cs.idle_timeout = settings_.tcp_idle_timeout;
  cs.connect_timeout = settings_.connect_timeout;
  cs.keepalive_interval = settings_.keepalive_interval;
  cs.keepalive_timeout = settings_.keepalive_timeout;
  cs.tcp_keepalive = settings_.tcp_keepalive;
  cs.tcp_user_timeout = settings_.tcp_user_timeout;
  return cs;
}

namespace {
std::string describe_identity(const peer& p) {
  return p.tls_identity.empty() ? std::string("default identity") : "identity " + p.tls_identity;
}
}  // namespace

void transport_layer::set_tls_identity(const std::string& name, tls_identity identity) {
  auto it = identities_.find(name);
  if (it == identities_.end()) {
    identities_.emplace(name, identity_entry{std::move(identity), next_generation_++});
    return;
  }
  auto& e = it->second;
  // What the connection was checked against changed: it must not serve the new identity.
  if (e.identity.server_name != identity.server_name || e.identity.verify != identity.verify) {
    e.generation = next_generation_++;
  }
  e.identity = std::move(identity);
}

void transport_layer::remove_tls_identity(const std::string& name) {
  auto it = identities_.find(name);
  if (it != identities_.end()) identities_.erase(it);
}

void transport_layer::on_tls_handshake(const stream_connection& c, const tls_failure_info* failure) {
  const auto side = c.outbound() ? tls_side::client : tls_side::server;
  stats_.tls_handshakes[static_cast<std::size_t>(side)].count(failure ? &failure->reason : nullptr);
  const auto& r = c.remote();
  if (c.outbound()) {
    stats_.tls_client_handshakes_by_identity[r.tls_identity].count(failure ? &failure->reason : nullptr);
  }
  if (failure == nullptr) {
    spdlog::debug("tls: {} with {} ({}{}{}): {}", c.outbound() ? "connected to" : "accepted", r.to_string(),
                  c.outbound() ? describe_identity(r) : std::string("server"), c.server_name().empty() ? "" : ", ",
                  c.server_name(), c.session_description());
    return;
  }
  if (c.outbound()) {
    // A trunk we cannot reach securely: the operator must see why, at once.
    spdlog::warn("tls: handshake with {} ({}{}{}) failed: {}", r.to_string(), describe_identity(r),
                 c.server_name().empty() ? "" : ", server name ", c.server_name(), failure->detail);
  } else {
    // Anyone can open port 5061 and fail a handshake: keep it out of the default log.
    spdlog::debug("tls: handshake from {} failed ({}): {}", r.to_string(), to_string(failure->reason), failure->detail);
  }
}

void transport_layer::on_connection_closed(std::uint64_t id, const peer& remote, bool failed, std::string_view why) {
  auto node = connections_.extract(id);
  if (node.empty()) return;
  const bool outbound = node.mapped().conn->outbound();
  stats_.connections_current = connections_.size();
  auto it = per_ip_.find(remote.address);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
  if (failed && !shut_down_) {
    // Handshake failures were logged with their reason already.
    if (outbound && !why.starts_with("TLS handshake")) {
      spdlog::warn("sip: connection to {}{}{} failed: {}", remote.to_string(),
                   remote.transport == transport_kind::tls ? " with " : "",
                   remote.transport == transport_kind::tls ? describe_identity(remote) : std::string(), why);
    } else {
      spdlog::debug("sip: connection {} failed: {}", remote.to_string(), why);
    }
    report_error(remote);
  }
}

std::shared_ptr<stream_connection> transport_layer::find_connection(const peer& to) {
  if (to.connection_id != 0) {
    auto it = connections_.find(to.connection_id);
    if (it != connections_.end()) return it->second.conn;
  }
  // Outbound TLS connections serve only the current generation of their identity (an
  // unknown identity has none: it matches accepted connections only).
  std::uint64_t generation = 0;
  if (to.transport == transport_kind::tls) {
    auto id = identities_.find(to.tls_identity);
    generation = id == identities_.end() ? std::numeric_limits<std::uint64_t>::max() : id->second.generation;
  }
  // Reuse any open connection to the same transport address (RFC 3261 §18.1.1 says a
  // client SHOULD reuse one it already has), for TLS only one opened with the same
  // identity: trunk A's client certificate and name checks never serve trunk B.
  // Accepted connections carry no identity, so only identity-less sends reuse them.
  // A send naming a listener takes only a connection of that listener: one we opened
  // from its address or one a peer opened to it. Two trunks with their own bind_address
  // (the source IP a provider whitelists) and one provider address each keep their own
  // connection, else the provider sees one trunk's requests from the other's IP (403).
  // The index rather than the address: a slot's address never changes (a reload that
  // moves a listener opens a new slot, so its sends connect afresh while established
  // connections carry on), and what arrives on the connection is attributed to its
  // listener's side, which another listener on the same address may not share.
  // Connection counts are modest and this runs only for requests without a known
  // connection, so a scan is fine.
  for (auto& [id, e] : connections_) {
    const auto& r = e.conn->remote();
    if (r.transport != to.transport || r.address != to.address || r.port != to.port) continue;
    if (to.listener >= 0 && r.listener != to.listener) continue;
    if (to.transport == transport_kind::tls &&
        (r.tls_identity != to.tls_identity || (e.conn->outbound() && e.generation != generation))) {
      continue;
    }
    return e.conn;
  }
  return nullptr;
}

void transport_layer::send(const std::string& bytes, const peer& to) {
  if (shut_down_) return;
  count_sent(bytes);
  switch (to.transport) {
    case transport_kind::udp: {
      std::optional<int> idx;
      if (to.listener >= 0 && static_cast<std::size_t>(to.listener) < slots_.size()) {
        const auto& s = slots_[static_cast<std::size_t>(to.listener)];
        if (s.udp && s.udp->is_open() && s.spec.address.is_v6() == to.address.is_v6()) idx = to.listener;
      }
      if (!idx) idx = find_listener(transport_kind::udp, to.address.is_v6());
      if (!idx || !slots_[static_cast<std::size_t>(*idx)].udp->send_to(bytes, udp::endpoint(to.address, to.port))) {
        stats_.count_drop(drop_reason::send_failed);
        report_error(to);
      }
      return;
    }
    case transport_kind::tcp:
    case transport_kind::tls: {
      auto c = find_connection(to);
      if (c) {
        c->send(bytes);
        return;
      }
      const identity_entry* identity = nullptr;
      if (to.transport == transport_kind::tls) {
        auto it = identities_.find(to.tls_identity);
        if (it == identities_.end() || !it->second.identity.context) {
          spdlog::warn("sip: cannot send to {}: no TLS {}", to.to_string(), describe_identity(to));
          stats_.count_drop(drop_reason::send_failed);
          report_error(to);
          return;
        }
        identity = &it->second;
      }
      if (connections_.size() >= settings_.max_connections) {
        stats_.count_drop(drop_reason::send_failed);
        report_error(to);
        return;
      }
      // Leave from the address of the listener `to` names (the one a trunk's bind_address
      // picked: its whitelisted IP), as UDP does by sending from the listener's socket. A
      // wildcard listener, or none, leaves the choice to the kernel's routing.
      std::optional<asio::ip::address> from;
      if (to.listener >= 0 && static_cast<std::size_t>(to.listener) < slots_.size()) {
        const auto& a = slots_[static_cast<std::size_t>(to.listener)].spec.address;
        if (!a.is_unspecified() && a.is_v6() == to.address.is_v6()) from = a;
      }
      peer p = to;
      p.connection_id = next_connection_id_++;
      // What arrives on it is attributed to the listener it left from (its side: a
      // provider's INVITE back over our TLS connection is screened as a trunk's).
      p.listener = to.listener;
      if (!identity) p.tls_identity.clear();
      c = make_outbound_connection(io_, identity ? identity->identity.context : nullptr, p, *this, timers_,
                                   stream_settings());
      ++stats_.connections_opened;
      adopt(c, identity ? identity->generation : 0);
      c->send(bytes);
      c->start_connect(tcp::endpoint(to.address, to.port), from,
                       identity ? identity->identity.server_name : std::string(),
                       identity != nullptr && identity->identity.verify);
      return;
    }
    case transport_kind::ws:
    case transport_kind::wss:
      stats_.count_drop(drop_reason::send_failed);
      report_error(to);
      return;
  }
}

void transport_layer::count_sent(std::string_view bytes) {
  stats_.sent.bytes += bytes.size();
  if (bytes.starts_with("SIP/2.0 ") && bytes.size() >= 11) {
    if (auto code = text::parse_uint(bytes.substr(8, 3), 999)) stats_.sent.count_response(static_cast<int>(*code));
    return;
  }
  const auto sp = bytes.find(' ');
  if (sp != std::string_view::npos) stats_.sent.count_request(method_from_string(bytes.substr(0, sp)));
}

void transport_layer::report_error(const peer& to) {
  asio::post(io_, [this, to] {
    if (!shut_down_) up_.on_transport_error(to);
  });
}

void transport_layer::on_datagram(std::string_view bytes, const peer& from) {
  // RFC 5626 §3.5.1 keepalives over UDP are STUN, and a bare CRLF is also common: ignore
  // anything that cannot begin a SIP message rather than counting it as malformed.
  if (text::trim(bytes).empty()) return;
  handle_inbound(bytes, from);
}

void transport_layer::on_frame(std::string_view frame, const peer& from) { handle_inbound(frame, from); }

namespace {
// RFC 3261 §18.2.1: add `received` when the sent-by host differs from the source;
// RFC 3581 §4: with an empty rport, fill it and always add received.
void stamp_via(message& m, const peer& from) {
  if (m.vias.empty()) return;
  auto& top = m.vias.front();
  const auto src = from.address.to_string();
  if (top.has_rport() && !top.rport()) {
    top.params.set("rport", std::to_string(from.port));
    top.params.set("received", src);
  } else if (top.host != src) {
    top.params.set("received", src);
  }
}
}  // namespace

void transport_layer::handle_inbound(std::string_view bytes, const peer& from) {
  auto parsed = parse_message(bytes, settings_.limits);
  if (!parsed) {
    const auto& f = parsed.error();
    stats_.count_parse_failure(f.reason);
    // Never answer an ACK (RFC 3261 §17.2.1) or a response (§18.1.2).
    if (f.status != 0 && f.partial && f.partial->is_request && f.partial->method_id != method::ack) {
      stamp_via(*f.partial, from);
      spdlog::info("sip: malformed {} from {}: {} ({})", f.partial->method_name, from.to_string(), f.phrase,
                   to_string(f.reason));
      respond_stateless(*f.partial, from, f.status, f.phrase);
    } else {
      stats_.count_drop(drop_reason::parse_unanswerable);
      spdlog::debug("sip: dropped unanswerable message from {}: {} ({})", from.to_string(), f.phrase,
                    to_string(f.reason));
    }
    return;
  }
  message m = std::move(parsed).value();
  stats_.received.bytes += bytes.size();
  if (m.is_request) {
    stats_.received.count_request(m.method_id);
    stamp_via(m, from);
  } else {
    stats_.received.count_response(m.status);
  }
  up_.on_message(std::move(m), from);
}

void transport_layer::respond_stateless(const message& request, const peer& from, int status, std::string_view reason) {
  if (request.vias.empty()) return;
  auto resp = make_response(request, status, reason, random_token(10));
  if (status >= 400) ++stats_.error_responses_sent;
  send(serialize(resp), response_target(request.vias.front(), from));
}

void transport_layer::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (std::size_t i = 0; i < slots_.size(); ++i) remove_listener(static_cast<int>(i));
  auto conns = std::move(connections_);
  connections_.clear();
  for (auto& [id, e] : conns) e.conn->close();
  per_ip_.clear();
  stats_.connections_current = 0;
}

}  // namespace voxedge::sip
