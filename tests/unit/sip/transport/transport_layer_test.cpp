// The transport layer over real loopback sockets (port 0), driven by its own io_context
// for bounded slices of time: no sleeps, every wait has a deadline.
#include "sip/transport/transport_layer.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "base/asio_timer_service.hpp"
#include "sip/message/parser.hpp"

namespace voxedge::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using namespace std::chrono_literals;

struct recorder final : transport_layer::listener {
  void on_message(message&& m, const peer& from) override { messages.emplace_back(std::move(m), from); }
  void on_transport_error(const peer& to) override { errors.push_back(to); }
  std::vector<std::pair<message, peer>> messages;
  std::vector<peer> errors;
};

std::string options(const std::string& transport, std::uint16_t via_port, const std::string& call_id = "abc") {
  return "OPTIONS sip:voxedge@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/" +
         transport + " 127.0.0.1:" + std::to_string(via_port) +
         ";branch=z9hG4bK1;rport\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\n"
         "Call-ID: " +
         call_id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

class transport_layer_test : public ::testing::Test {
 protected:
  transport_layer_test() : timers_(io_), layer_(io_, timers_, up_, settings()) {}

  static transport_settings settings() {
    transport_settings s;
    s.max_connections_per_ip = 2;
    return s;
  }

  int listen(transport_kind k) {
    auto r = layer_.add_listener({"t", k, asio::ip::make_address("127.0.0.1"), 0, nullptr});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return *r;
  }

  std::uint16_t port_of(int idx) { return layer_.local_address(idx)->port; }

  template <class Pred>
  bool run_until(Pred done, duration limit = 3s) {
    const auto deadline = steady_clock::now() + limit;
    while (!done() && steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    return done();
  }

  asio::io_context io_;
  asio_timer_service timers_;
  recorder up_;
  transport_layer layer_;
};

TEST_F(transport_layer_test, udp_request_is_delivered_with_received_and_rport) {
  const auto port = port_of(listen(transport_kind::udp));
  udp::socket client(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto req = options("UDP", 5999);
  client.send_to(asio::buffer(req), udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ASSERT_TRUE(run_until([&] { return !up_.messages.empty(); }));
  const auto& [m, from] = up_.messages.front();
  EXPECT_EQ(from.port, client.local_endpoint().port());
  EXPECT_EQ(m.vias.front().rport(), client.local_endpoint().port()) << "RFC 3581 §4";
  EXPECT_EQ(m.vias.front().received(), "127.0.0.1");
  EXPECT_EQ(layer_.stats().received.requests[static_cast<std::size_t>(method::options)], 1u);
}

TEST_F(transport_layer_test, malformed_udp_request_is_answered_400_and_not_delivered) {
  const auto port = port_of(listen(transport_kind::udp));
  udp::socket client(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto req = options("UDP", 5999);
  req.replace(req.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
  client.send_to(asio::buffer(req), udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::array<char, 4096> buf{};
  udp::endpoint sender;
  std::size_t got = 0;
  client.async_receive_from(asio::buffer(buf), sender, [&](auto ec, std::size_t n) { got = ec ? 0 : n; });
  ASSERT_TRUE(run_until([&] { return got > 0; }));
  // The answer echoes the broken CSeq as received, so the client can match it; it is
  // not itself parseable, so check the text.
  const std::string_view resp(buf.data(), got);
  EXPECT_TRUE(resp.starts_with("SIP/2.0 400 Bad CSeq\r\n")) << resp;
  EXPECT_NE(resp.find("CSeq: x OPTIONS\r\n"), std::string_view::npos) << resp;
  EXPECT_TRUE(up_.messages.empty());
  EXPECT_EQ(layer_.stats().parse_failures[static_cast<std::size_t>(parse_error::bad_cseq)], 1u);
}

TEST_F(transport_layer_test, tcp_pipelined_messages_and_response_on_same_connection) {
  const auto port = port_of(listen(transport_kind::tcp));
  tcp::socket client(io_);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const auto two = options("TCP", 5999, "one") + options("TCP", 5999, "two");
  asio::write(client, asio::buffer(two));
  ASSERT_TRUE(run_until([&] { return up_.messages.size() == 2; }));
  EXPECT_EQ(up_.messages[0].first.call_id, "one");
  EXPECT_EQ(up_.messages[1].first.call_id, "two");
  const auto from = up_.messages[0].second;
  EXPECT_NE(from.connection_id, 0u);
  EXPECT_EQ(layer_.connection_count(), 1u);

  const std::string reply = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  layer_.send(reply, from);
  std::string got(reply.size(), '\0');
  std::size_t n = 0;
  asio::async_read(client, asio::buffer(got), [&](auto, std::size_t k) { n = k; });
  ASSERT_TRUE(run_until([&] { return n == reply.size(); }));
  EXPECT_EQ(got, reply);
  EXPECT_EQ(layer_.stats().sent.responses[2], 1u);
}

TEST_F(transport_layer_test, per_ip_connection_limit_refuses_the_third) {
  const auto port = port_of(listen(transport_kind::tcp));
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  tcp::socket a(io_), b(io_), c(io_);
  a.connect(ep);
  b.connect(ep);
  ASSERT_TRUE(run_until([&] { return layer_.connection_count() == 2; }));
  c.connect(ep);
  ASSERT_TRUE(run_until([&] { return layer_.stats().connections_refused == 1; }));
  char byte = 0;
  boost::system::error_code ec;
  std::size_t n = 1;
  c.async_read_some(asio::buffer(&byte, 1), [&](auto e, std::size_t k) {
    ec = e;
    n = k;
  });
  ASSERT_TRUE(run_until([&] { return n == 0; }));
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_EQ(layer_.connection_count(), 2u);
}

TEST_F(transport_layer_test, outbound_tcp_connects_and_reuses_the_connection) {
  listen(transport_kind::tcp);
  tcp::acceptor server(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  peer to;
  to.transport = transport_kind::tcp;
  to.address = asio::ip::make_address("127.0.0.1");
  to.port = server.local_endpoint().port();
  layer_.send(options("TCP", 5999, "x1"), to);
  layer_.send(options("TCP", 5999, "x2"), to);
  tcp::socket accepted(io_);
  bool ok = false;
  server.async_accept(accepted, [&](auto ec) { ok = !ec; });
  ASSERT_TRUE(run_until([&] { return ok; }));
  const auto expected = options("TCP", 5999, "x1") + options("TCP", 5999, "x2");
  std::string got(expected.size(), '\0');
  std::size_t n = 0;
  asio::async_read(accepted, asio::buffer(got), [&](auto, std::size_t k) { n = k; });
  ASSERT_TRUE(run_until([&] { return n == expected.size(); }));
  EXPECT_EQ(got, expected);
  EXPECT_EQ(layer_.stats().connections_opened, 1u) << "the second request reused the first connection";
}

/// Accepts one TCP connection on 127.0.0.1 and says where it came from.
std::optional<tcp::endpoint> accept_one(asio::io_context& io, tcp::acceptor& server,
                                        const std::function<bool(const std::function<bool()>&)>& run_until) {
  tcp::socket accepted(io);
  bool ok = false;
  server.async_accept(accepted, [&](auto ec) { ok = !ec; });
  if (!run_until([&] { return ok; })) return std::nullopt;
  return accepted.remote_endpoint();
}

TEST_F(transport_layer_test, outbound_tcp_leaves_from_the_listeners_address) {
  // The trunk's listener is on its whitelisted IP (127.0.0.2; all of 127/8 is on lo).
  const auto whitelisted = asio::ip::make_address("127.0.0.2");
  listen(transport_kind::tcp);
  const auto trunk = layer_.add_listener({"trunk", transport_kind::tcp, whitelisted, 0, nullptr});
  ASSERT_TRUE(trunk.ok()) << trunk.error();
  tcp::acceptor server(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  peer to;
  to.transport = transport_kind::tcp;
  to.address = asio::ip::make_address("127.0.0.1");
  to.port = server.local_endpoint().port();
  to.listener = *trunk;
  layer_.send(options("TCP", 5999, "from-trunk"), to);
  const auto from = accept_one(io_, server, [this](const std::function<bool()>& done) { return run_until(done); });
  ASSERT_TRUE(from);
  EXPECT_EQ(from->address(), whitelisted) << "not the kernel's choice (127.0.0.1)";
  EXPECT_NE(from->port(), port_of(*trunk)) << "a port of its own, not the listener's";
}

TEST_F(transport_layer_test, outbound_tcp_from_a_wildcard_listener_leaves_as_routed) {
  const auto any = layer_.add_listener({"any", transport_kind::tcp, asio::ip::make_address("0.0.0.0"), 0, nullptr});
  ASSERT_TRUE(any.ok()) << any.error();
  tcp::acceptor server(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  peer to;
  to.transport = transport_kind::tcp;
  to.address = asio::ip::make_address("127.0.0.1");
  to.port = server.local_endpoint().port();
  to.listener = *any;
  layer_.send(options("TCP", 5999, "from-any"), to);
  const auto from = accept_one(io_, server, [this](const std::function<bool()>& done) { return run_until(done); });
  ASSERT_TRUE(from);
  EXPECT_EQ(from->address(), asio::ip::make_address("127.0.0.1"));
}

/// A provider's SIP server: a second transport layer with one TCP listener on 127.0.0.1.
/// What it receives says over which connection, and from which source address, each
/// message came.
struct provider {
  provider(asio::io_context& io, timer_service& timers) : layer(io, timers, up) {
    auto r = layer.add_listener({"provider", transport_kind::tcp, asio::ip::make_address("127.0.0.1"), 0, nullptr});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    if (r.ok()) port = layer.local_address(*r)->port;
  }

  /// Where our side sends to, leaving from `listener`.
  peer target(int listener) const {
    peer p;
    p.transport = transport_kind::tcp;
    p.address = asio::ip::make_address("127.0.0.1");
    p.port = port;
    p.listener = listener;
    return p;
  }
  /// How the message with this Call-ID arrived (nullopt: not yet).
  std::optional<peer> from(const std::string& call_id) const {
    for (const auto& [m, f] : up.messages) {
      if (m.call_id == call_id) return f;
    }
    return std::nullopt;
  }

  recorder up;
  transport_layer layer;
  std::uint16_t port = 0;
};

TEST_F(transport_layer_test, outbound_tcp_is_reused_only_from_the_same_local_address) {
  // Two trunks with their own whitelisted IPs (bind_address) and one provider address:
  // the provider must see each trunk's requests come from that trunk's IP.
  const auto first_ip = asio::ip::make_address("127.0.0.1");
  const auto second_ip = asio::ip::make_address("127.0.0.2");
  const auto first = layer_.add_listener({"trunk-1", transport_kind::tcp, first_ip, 0, nullptr});
  const auto second = layer_.add_listener({"trunk-2", transport_kind::tcp, second_ip, 0, nullptr});
  ASSERT_TRUE(first.ok() && second.ok());
  provider prov(io_, timers_);
  layer_.send(options("TCP", 5999, "one-1"), prov.target(*first));
  layer_.send(options("TCP", 5999, "two-1"), prov.target(*second));
  layer_.send(options("TCP", 5999, "one-2"), prov.target(*first));
  layer_.send(options("TCP", 5999, "two-2"), prov.target(*second));
  ASSERT_TRUE(run_until([&] { return prov.up.messages.size() == 4; }));

  EXPECT_EQ(layer_.stats().connections_opened, 2u) << "one connection per local address";
  EXPECT_EQ(prov.layer.connection_count(), 2u);
  const auto one_1 = prov.from("one-1"), one_2 = prov.from("one-2");
  const auto two_1 = prov.from("two-1"), two_2 = prov.from("two-2");
  ASSERT_TRUE(one_1 && one_2 && two_1 && two_2);
  EXPECT_EQ(one_1->address, first_ip);
  EXPECT_EQ(one_2->address, first_ip);
  EXPECT_EQ(two_1->address, second_ip) << "the provider would answer 403: not the whitelisted IP";
  EXPECT_EQ(two_2->address, second_ip);
  EXPECT_EQ(one_1->connection_id, one_2->connection_id) << "the same listener reuses its connection";
  EXPECT_EQ(two_1->connection_id, two_2->connection_id) << "the same listener reuses its connection";
  EXPECT_NE(one_1->connection_id, two_1->connection_id);

  // A send with no listener preference takes any connection to the address, as before.
  layer_.send(options("TCP", 5999, "any"), prov.target(-1));
  ASSERT_TRUE(run_until([&] { return prov.up.messages.size() == 5; }));
  EXPECT_EQ(layer_.stats().connections_opened, 2u);
}

TEST_F(transport_layer_test, an_accepted_connection_serves_sends_from_its_own_listener_only) {
  const auto mine = listen(transport_kind::tcp);
  const auto other =
      layer_.add_listener({"other", transport_kind::tcp, asio::ip::make_address("127.0.0.2"), 0, nullptr});
  ASSERT_TRUE(other.ok()) << other.error();
  // A peer connects to `mine` from 127.0.0.1:<its port>.
  tcp::socket client(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_of(mine)));
  ASSERT_TRUE(run_until([&] { return layer_.connection_count() == 1; }));
  peer to;
  to.transport = transport_kind::tcp;
  to.address = client.local_endpoint().address();
  to.port = client.local_endpoint().port();

  // A request to that peer leaving from the listener it connected to goes back on its
  // connection (RFC 3261 §18.1.1), as does one with no listener preference.
  const std::string request = options("TCP", 5999, "back");
  std::string got(2 * request.size(), '\0');
  std::size_t n = 0;
  asio::async_read(client, asio::buffer(got), [&](auto, std::size_t k) { n = k; });
  to.listener = mine;
  layer_.send(request, to);
  to.listener = -1;
  layer_.send(request, to);
  ASSERT_TRUE(run_until([&] { return n == got.size(); }));
  EXPECT_EQ(got, request + request);
  EXPECT_EQ(layer_.stats().connections_opened, 0u);

  // From another listener's address it may not: that needs a connection of its own (and
  // the peer's ephemeral port accepts none, so it fails).
  to.listener = *other;
  layer_.send(options("TCP", 5999, "elsewhere"), to);
  EXPECT_EQ(layer_.stats().connections_opened, 1u) << "not the connection accepted on another listener";
  ASSERT_TRUE(run_until([&] { return !up_.errors.empty(); }));
  EXPECT_EQ(up_.errors.front().listener, *other);
}

TEST_F(transport_layer_test, a_listener_moved_by_reload_gets_its_own_connection_and_the_old_one_carries_on) {
  const auto old_ip = asio::ip::make_address("127.0.0.2");
  const auto new_ip = asio::ip::make_address("127.0.0.3");
  const auto old_listener = layer_.add_listener({"trunk", transport_kind::tcp, old_ip, 0, nullptr});
  ASSERT_TRUE(old_listener.ok()) << old_listener.error();
  provider prov(io_, timers_);
  layer_.send(options("TCP", 5999, "before"), prov.target(*old_listener));
  ASSERT_TRUE(run_until([&] { return prov.from("before").has_value(); }));
  const auto before = *prov.from("before");
  EXPECT_EQ(before.address, old_ip);
  // The provider starts a dialog over it: our side learns the connection.
  prov.layer.send(options("TCP", 5999, "dialog"), before);
  ASSERT_TRUE(run_until([&] { return !up_.messages.empty(); }));
  const auto dialog = up_.messages.front().second;
  EXPECT_EQ(dialog.listener, *old_listener);

  // SIGHUP: the trunk's bind_address moved; the old listener closes, a new one opens.
  layer_.remove_listener(*old_listener);
  const auto new_listener = layer_.add_listener({"trunk", transport_kind::tcp, new_ip, 0, nullptr});
  ASSERT_TRUE(new_listener.ok()) << new_listener.error();

  layer_.send(options("TCP", 5999, "after"), prov.target(*new_listener));
  ASSERT_TRUE(run_until([&] { return prov.from("after").has_value(); }));
  EXPECT_EQ(prov.from("after")->address, new_ip) << "a new connection from the new address";
  EXPECT_NE(prov.from("after")->connection_id, before.connection_id);

  // The established connection still carries its dialog, and what was sent through the
  // old listener before the reload.
  layer_.send(options("TCP", 5999, "in-dialog"), dialog);
  layer_.send(options("TCP", 5999, "late"), prov.target(*old_listener));
  ASSERT_TRUE(run_until([&] { return prov.from("in-dialog") && prov.from("late"); }));
  EXPECT_EQ(prov.from("in-dialog")->connection_id, before.connection_id);
  EXPECT_EQ(prov.from("late")->connection_id, before.connection_id);
  EXPECT_EQ(layer_.stats().connections_opened, 2u);
}

/// Records what a lone connection reports (no transport layer around it).
struct lone_owner final : connection_owner {
  void on_frame(std::string_view, const peer&) override {}
  void on_tls_handshake(const stream_connection&, const tls_failure_info*) override {}
  void on_connection_closed(std::uint64_t, const peer&, bool failed_, std::string_view why_) override {
    closed = true;
    failed = failed_;
    why = why_;
  }
  transport_stats& counters() override { return stats; }
  transport_stats stats;
  bool closed = false;
  bool failed = false;
  std::string why;
};

TEST_F(transport_layer_test, a_source_address_that_will_not_bind_fails_like_a_connect) {
  lone_owner owner;
  peer p;
  p.transport = transport_kind::tcp;
  p.address = asio::ip::make_address("127.0.0.1");
  p.port = 9;
  p.connection_id = 1;
  auto c = make_outbound_connection(io_, nullptr, p, owner, timers_, connection_settings{});
  c->send("never sent");
  // TEST-NET-1 (RFC 5737): no interface has it.
  c->start_connect(tcp::endpoint(p.address, p.port), asio::ip::make_address("192.0.2.1"), {}, false);
  ASSERT_TRUE(run_until([&] { return owner.closed; }));
  EXPECT_TRUE(owner.failed);
  EXPECT_TRUE(owner.why.starts_with("bind to 192.0.2.1")) << owner.why;
  EXPECT_EQ(owner.stats.connect_failures, 1u);
}

TEST_F(transport_layer_test, connect_failure_is_reported_as_transport_error) {
  listen(transport_kind::tcp);
  // A port that was just free: nobody listens there.
  std::uint16_t dead_port = 0;
  {
    tcp::acceptor probe(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    dead_port = probe.local_endpoint().port();
  }
  peer to;
  to.transport = transport_kind::tcp;
  to.address = asio::ip::make_address("127.0.0.1");
  to.port = dead_port;
  layer_.send(options("TCP", 5999), to);
  ASSERT_TRUE(run_until([&] { return !up_.errors.empty(); }));
  EXPECT_EQ(up_.errors.front().port, dead_port);
  EXPECT_EQ(layer_.stats().connect_failures, 1u);
  EXPECT_EQ(layer_.connection_count(), 0u);
}

TEST_F(transport_layer_test, keepalive_ping_gets_pong) {
  const auto port = port_of(listen(transport_kind::tcp));
  tcp::socket client(io_);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(client, asio::buffer(std::string("\r\n\r\n")));
  std::string got(2, '\0');
  std::size_t n = 0;
  asio::async_read(client, asio::buffer(got), [&](auto, std::size_t k) { n = k; });
  ASSERT_TRUE(run_until([&] { return n == 2; }));
  EXPECT_EQ(got, "\r\n");
}

TEST_F(transport_layer_test, idle_connection_is_closed) {
  auto s = settings();
  s.tcp_idle_timeout = 150ms;
  layer_.update_settings(s);
  const auto port = port_of(listen(transport_kind::tcp));
  tcp::socket client(io_);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ASSERT_TRUE(run_until([&] { return layer_.connection_count() == 1; }));
  char byte = 0;
  boost::system::error_code ec;
  bool done = false;
  const auto start = steady_clock::now();
  client.async_read_some(asio::buffer(&byte, 1), [&](auto e, std::size_t) {
    ec = e;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_GE(steady_clock::now() - start, 100ms);
  EXPECT_EQ(layer_.stats().connections_idle_closed, 1u);
  EXPECT_EQ(layer_.connection_count(), 0u);
}

TEST_F(transport_layer_test, websocket_listener_is_refused_with_a_reason) {
  auto r = layer_.add_listener({"ws", transport_kind::ws, asio::ip::make_address("127.0.0.1"), 0, nullptr});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("WebSocket"), std::string::npos);
}

}  // namespace
}  // namespace voxedge::sip
