// Outbound stream connections' liveness over real loopback TCP (port 0): CRLF keepalive
// pings and pongs (RFC 5626 §4.4.1), dead-peer detection, and how keepalives interact
// with the idle timeout. Short intervals, bounded run_for slices, no sleeps.
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "base/asio_timer_service.hpp"
#include "sip/transport/transport_layer.hpp"

namespace voxedge::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

const auto loopback = asio::ip::make_address("127.0.0.1");

struct recorder final : transport_layer::listener {
  void on_message(message&& m, const peer& from) override { messages.emplace_back(std::move(m), from); }
  void on_transport_error(const peer& to) override { errors.push_back(to); }
  std::vector<std::pair<message, peer>> messages;
  std::vector<peer> errors;
};

std::string options(const std::string& call_id) {
  return "OPTIONS sip:far@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-" +
         call_id +
         "\r\nMax-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\n"
         "Call-ID: " +
         call_id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

/// The far end: accepts one connection, counts the pings it reads and answers each with
/// a pong while `pongs_left` lasts (negative = always).
class far_end {
 public:
  explicit far_end(asio::io_context& io) : acceptor_(io, tcp::endpoint(loopback, 0)), socket_(io) {
    acceptor_.async_accept(socket_, [this](const boost::system::error_code& ec) {
      if (!ec) read();
    });
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int pongs_left = -1;
  bool messages_instead = false;  // once out of pongs, answer pings with a SIP request
  int pings = 0;
  bool closed = false;
  std::string received;

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) {
        closed = true;
        return;
      }
      received.append(buf_.data(), n);
      // Count pings as whole CRLFCRLF sequences that are not the end of a message.
      while (true) {
        const auto at = received.find("\r\n\r\n", scanned_);
        if (at == std::string::npos) break;
        const bool is_ping = at == scanned_;
        scanned_ = at + 4;
        if (!is_ping) continue;
        ++pings;
        if (pongs_left != 0) {
          if (pongs_left > 0) --pongs_left;
          asio::write(socket_, asio::buffer(std::string("\r\n")));
        } else if (messages_instead) {
          asio::write(socket_, asio::buffer(options("from-far-" + std::to_string(pings))));
        }
      }
      read();
    });
  }

  tcp::acceptor acceptor_;
  tcp::socket socket_;
  std::array<char, 4096> buf_{};
  std::size_t scanned_ = 0;
};

class keepalive_test : public ::testing::Test {
 protected:
  keepalive_test() : timers_(io_), layer_(io_, timers_, up_, settings()) {}

  static transport_settings settings() {
    transport_settings s;
    s.keepalive_interval = 100ms;
    s.keepalive_timeout = 400ms;
    return s;
  }

  peer to(std::uint16_t port) {
    peer p;
    p.transport = transport_kind::tcp;
    p.address = loopback;
    p.port = port;
    return p;
  }

  template <class Pred>
  bool run_until(Pred done, duration limit = 3s) {
    const auto deadline = steady_clock::now() + limit;
    while (!done() && steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    return done();
  }

  void run_for(duration d) {
    run_until([] { return false; }, d);
  }

  asio::io_context io_;
  asio_timer_service timers_;
  recorder up_;
  transport_layer layer_;
};

TEST_F(keepalive_test, outbound_connection_pings_and_counts_pongs) {
  far_end far(io_);
  layer_.send(options("k1"), to(far.port()));
  ASSERT_TRUE(run_until([&] { return layer_.stats().keepalive_pongs_received >= 3; }));
  EXPECT_GE(far.pings, 3);
  EXPECT_EQ(far.received.find("OPTIONS"), 0u) << "the message went first";
  EXPECT_EQ(layer_.connection_count(), 1u);
  EXPECT_EQ(layer_.stats().connections_keepalive_dead, 0u);
  EXPECT_TRUE(up_.errors.empty());
}

TEST_F(keepalive_test, peer_that_stops_answering_is_closed_as_dead_and_reported) {
  far_end far(io_);
  far.pongs_left = 2;
  const auto target = to(far.port());
  layer_.send(options("k2"), target);
  ASSERT_TRUE(run_until([&] { return !up_.errors.empty(); }));
  EXPECT_EQ(layer_.stats().keepalive_pongs_received, 2u);
  EXPECT_EQ(layer_.stats().connections_keepalive_dead, 1u);
  EXPECT_EQ(up_.errors.front().port, target.port) << "transactions waiting on it hear of it";
  EXPECT_EQ(layer_.connection_count(), 0u);
  EXPECT_TRUE(run_until([&] { return far.closed; }));
}

TEST_F(keepalive_test, peer_that_never_answers_pings_is_not_taken_for_dead) {
  far_end far(io_);
  far.pongs_left = 0;  // no RFC 5626 support
  layer_.send(options("k3"), to(far.port()));
  ASSERT_TRUE(run_until([&] { return layer_.stats().keepalive_unanswered >= 2; }));
  EXPECT_EQ(layer_.connection_count(), 1u);
  EXPECT_EQ(layer_.stats().connections_keepalive_dead, 0u);
  EXPECT_TRUE(up_.errors.empty());
}

TEST_F(keepalive_test, any_traffic_from_the_peer_counts_as_a_pong) {
  far_end far(io_);
  far.pongs_left = 1;  // proves it answers pings, then only ever sends SIP
  far.messages_instead = true;
  layer_.send(options("k4"), to(far.port()));
  ASSERT_TRUE(run_until([&] { return up_.messages.size() >= 5; }));
  EXPECT_EQ(layer_.stats().keepalive_pongs_received, 1u);
  EXPECT_EQ(layer_.stats().connections_keepalive_dead, 0u);
  EXPECT_EQ(layer_.connection_count(), 1u);
  EXPECT_TRUE(up_.errors.empty());
}

TEST_F(keepalive_test, pings_do_not_hold_an_unused_connection_open) {
  auto s = settings();
  s.tcp_idle_timeout = 500ms;
  layer_.update_settings(s);
  far_end far(io_);
  layer_.send(options("k5"), to(far.port()));
  ASSERT_TRUE(run_until([&] { return layer_.stats().connections_idle_closed == 1; }));
  EXPECT_GE(layer_.stats().keepalive_pongs_received, 2u);
  EXPECT_TRUE(up_.errors.empty()) << "an idle close is orderly";
  EXPECT_EQ(layer_.connection_count(), 0u);
}

TEST_F(keepalive_test, accepted_connections_answer_pings_but_never_send_them) {
  auto r = layer_.add_listener({"tcp", transport_kind::tcp, loopback, 0, nullptr});
  ASSERT_TRUE(r.ok());
  tcp::socket client(io_);
  client.connect(tcp::endpoint(loopback, layer_.local_address(*r)->port));
  asio::write(client, asio::buffer(std::string("\r\n\r\n")));
  std::string got;
  std::array<char, 64> buf{};
  std::function<void()> read = [&] {
    client.async_read_some(asio::buffer(buf), [&](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return;
      got.append(buf.data(), n);
      read();
    });
  };
  read();
  run_for(500ms);
  EXPECT_EQ(got, "\r\n") << "one pong, and no ping of ours (RFC 5626 §4.4.1: the flow's client pings)";
  EXPECT_EQ(layer_.stats().keepalives_answered, 1u);
  EXPECT_EQ(layer_.stats().keepalive_pings_sent, 0u);
}

}  // namespace
}  // namespace voxedge::sip
