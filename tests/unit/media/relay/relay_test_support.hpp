#pragma once
// Loopback plumbing for the relay engine tests: a test peer (a plain UDP socket on
// 127.0.0.1 with bounded receives), RTP packet building, a listener that records
// events, and a fixture that runs the control io_context until a condition holds or a
// deadline passes. Nothing sleeps for a fixed time.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "media/relay/relay_engine.hpp"
#include "media/rtp/byte_io.hpp"
#include "media/rtp/demultiplex.hpp"

namespace voxedge::media::test {

using boost::asio::ip::udp;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

inline bytes make_rtp(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint8_t pt = 0,
                      std::size_t payload = 160) {
  bytes b(12 + payload, 0xD5);
  b[0] = 0x80;
  b[1] = pt;
  byte_io::store_be16(&b[2], seq);
  byte_io::store_be32(&b[4], ts);
  byte_io::store_be32(&b[8], ssrc);
  return b;
}

/// A peer of the relay: one UDP socket on loopback (127.0.0.1 unless told otherwise;
/// Linux routes all of 127/8 to lo).
class udp_peer {
 public:
  explicit udp_peer(const char* address = "127.0.0.1")
      : socket_(io_, udp::endpoint(boost::asio::ip::make_address(address), 0)) {
    // Room for a whole test's packets, so the peer can read after sending.
    socket_.set_option(boost::asio::socket_base::receive_buffer_size(1 << 20));
  }
  udp::endpoint endpoint() const { return socket_.local_endpoint(); }
  void send(std::span<const std::uint8_t> b, std::uint16_t port) {
    send_to(b, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  void send_to(std::span<const std::uint8_t> b, const udp::endpoint& to) {
    socket_.send_to(boost::asio::buffer(b.data(), b.size()), to);
  }
  /// The next datagram, or nullopt after `timeout`; `from` gets its source.
  std::optional<bytes> receive(std::chrono::milliseconds timeout = 2s, udp::endpoint* from = nullptr) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    bytes b(2048);
    udp::endpoint source;
    boost::system::error_code ec;
    const std::size_t n = socket_.receive_from(boost::asio::buffer(b), source, 0, ec);
    if (ec) return std::nullopt;
    b.resize(n);
    if (from != nullptr) *from = source;
    return b;
  }
  /// The next datagram whose first bytes say RTP (RTCP is skipped), or nullopt.
  std::optional<bytes> receive_rtp(std::chrono::milliseconds timeout = 2s, udp::endpoint* from = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto b = receive(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()), from);
      if (!b) return std::nullopt;
      if (classify_packet(*b) == packet_kind::rtp) return b;
    }
    return std::nullopt;
  }

 private:
  boost::asio::io_context io_;
  udp::socket socket_;
};

class recording_listener final : public relay_engine::listener {
 public:
  void on_media_timeout(relay_session_id id, relay_leg leg) override { timeouts.emplace_back(id, leg); }
  void on_media_resumed(relay_session_id id, relay_leg leg) override { resumed.emplace_back(id, leg); }
  void on_stats(relay_session_id id, const session_stats& s) override { stats.emplace_back(id, s); }
  void on_session_closed(relay_session_id id, const session_stats& s) override { closed.emplace_back(id, s); }

  std::vector<std::pair<relay_session_id, relay_leg>> timeouts;
  std::vector<std::pair<relay_session_id, relay_leg>> resumed;
  std::vector<std::pair<relay_session_id, session_stats>> stats;
  std::vector<std::pair<relay_session_id, session_stats>> closed;
};

/// A slice of high ports per test process (ctest runs test cases in parallel processes).
inline std::uint16_t port_base() { return static_cast<std::uint16_t>(40000 + (::getpid() % 1000) * 24); }

inline relay_config test_config(std::uint16_t pairs = 12) {
  relay_config c;
  c.port_min = port_base();
  c.port_max = static_cast<std::uint16_t>(c.port_min + 2 * pairs - 1);
  c.workers = 1;
  c.stats_interval = 0s;
  c.rtcp_interval = 0s;  // tests that want RTCP turn it on
  return c;
}

class relay_fixture : public ::testing::Test {
 protected:
  void start(relay_config c) {
    engine_.emplace(control_, std::move(c), events_);
    ASSERT_TRUE(engine_->start().ok());
  }
  relay_engine& engine() { return *engine_; }

  /// Runs the control loop until `done()` or `timeout`; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      control_.restart();
      control_.run_for(5ms);
    }
    return true;
  }

  /// Destroys the session and returns its final figures.
  std::optional<session_stats> close(relay_session_id id) {
    engine().destroy_session(id);
    const auto closed = [&] {
      for (const auto& [cid, s] : events_.closed)
        if (cid == id) return true;
      return false;
    };
    if (!run_until(closed)) return std::nullopt;
    for (const auto& [cid, s] : events_.closed)
      if (cid == id) return s;
    return std::nullopt;
  }

  static leg_params to(const udp_peer& peer) {
    leg_params p;
    p.remote_rtp = peer.endpoint();
    return p;
  }

  boost::asio::io_context control_;
  recording_listener events_;
  std::optional<relay_engine> engine_;
};

}  // namespace voxedge::media::test
