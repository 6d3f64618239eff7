#pragma once
// One TCP or TLS connection carrying SIP (RFC 3261 §18.3): a read loop that cuts the
// stream into messages with stream_framer, a write queue, an idle timeout, and the
// CRLF keepalive answer (RFC 5626 §4.4.1). Driven by asynchronous handlers, it keeps
// itself alive with shared_from_this; the transport layer holds it in a registry until
// it reports itself closed.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "base/timer_service.hpp"
#include "sip/message/stream_framer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/transport_stats.hpp"

namespace voxedge::sip {

/// What a connection needs from its owner (the transport layer).
class connection_owner {
 public:
  /// One complete message arrived; called on the control thread. May re-enter send().
  virtual void on_frame(std::string_view frame, const peer& from) = 0;
  /// The connection is gone. `failed`: closed by an error (connect, handshake, I/O,
  /// framing) rather than an orderly close or idle timeout. Called at most once.
  virtual void on_connection_closed(std::uint64_t id, const peer& remote, bool failed) = 0;
  virtual transport_stats& counters() = 0;

 protected:
  ~connection_owner() = default;
};

struct connection_settings {
  std::size_t max_message_bytes = 65535;
  duration idle_timeout = std::chrono::minutes(10);
  duration connect_timeout = std::chrono::seconds(5);
};

class stream_connection : public std::enable_shared_from_this<stream_connection> {
 public:
  virtual ~stream_connection() = default;

  /// Accepted socket: (TLS: handshake, then) read.
  virtual void start_accepted() = 0;
  /// Outbound: connect (TLS: handshake with `server_name` as SNI), then flush queued writes.
  virtual void start_connect(const boost::asio::ip::tcp::endpoint& to, const std::string& server_name) = 0;
  /// Queues bytes for writing; dropped if the connection is closing.
  virtual void send(std::string bytes) = 0;
  /// Orderly close; on_connection_closed follows.
  virtual void close() = 0;

  std::uint64_t id() const noexcept { return remote_.connection_id; }
  const peer& remote() const noexcept { return remote_; }
  bool outbound() const noexcept { return outbound_; }

 protected:
  stream_connection(peer remote, bool outbound) : remote_(std::move(remote)), outbound_(outbound) {}
  peer remote_;
  bool outbound_;
};

/// Creates a plain TCP connection. `socket` is connected (accepted) or fresh (outbound).
std::shared_ptr<stream_connection> make_tcp_connection(boost::asio::ip::tcp::socket socket, peer remote, bool outbound,
                                                       connection_owner& owner, timer_service& timers,
                                                       const connection_settings& settings);

/// Creates a TLS connection over `socket` with `ctx` (server or client mode by `outbound`).
/// The connection keeps `ctx` alive: a reload may replace the listener's context while
/// connections made with the old one carry on.
std::shared_ptr<stream_connection> make_tls_connection(boost::asio::ip::tcp::socket socket,
                                                       std::shared_ptr<boost::asio::ssl::context> ctx, peer remote,
                                                       bool outbound,
                                                       connection_owner& owner, timer_service& timers,
                                                       const connection_settings& settings);

/// Creates an outbound connection, TLS when `tls` is set, not yet connected: call
/// start_connect().
std::shared_ptr<stream_connection> make_outbound_connection(boost::asio::io_context& io,
                                                            std::shared_ptr<boost::asio::ssl::context> tls,
                                                            peer remote, connection_owner& owner,
                                                            timer_service& timers,
                                                            const connection_settings& settings);

}  // namespace voxedge::sip
