#pragma once
// One TCP or TLS connection carrying SIP (RFC 3261 §18.3): a read loop that cuts the
// stream into messages with stream_framer, a write queue, an idle timeout, the CRLF
// keepalive (RFC 5626 §4.4.1: answered on every connection, sent on outbound ones) and
// TCP keepalive underneath. Driven by asynchronous handlers, it keeps itself alive with
// shared_from_this; the transport layer holds it in a registry until it reports itself
// closed.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "base/timer_service.hpp"
#include "sip/message/stream_framer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/tls_handshake.hpp"
#include "sip/transport/transport_stats.hpp"

namespace voxedge::sip {

class stream_connection;

/// What a connection needs from its owner (the transport layer).
class connection_owner {
 public:
  /// One complete message arrived; called on the control thread. May re-enter send().
  virtual void on_frame(std::string_view frame, const peer& from) = 0;
  /// A TLS handshake ended: `failure` is null on success. Called at most once, before
  /// on_connection_closed; must not re-enter the connection.
  virtual void on_tls_handshake(const stream_connection& c, const tls_failure_info* failure) = 0;
  /// The connection is gone. `failed`: closed by an error (connect, handshake, I/O,
  /// framing, keepalive) rather than an orderly close or idle timeout; `why` says which
  /// (empty for an orderly close). Called at most once.
  virtual void on_connection_closed(std::uint64_t id, const peer& remote, bool failed, std::string_view why) = 0;
  virtual transport_stats& counters() = 0;

 protected:
  ~connection_owner() = default;
};

struct connection_settings {
  std::size_t max_message_bytes = 65535;
  /// No SIP message (nor a peer's ping) either way this long: close. Our own pings and
  /// their pongs do not count, so keepalives never hold an unused connection open.
  duration idle_timeout = std::chrono::minutes(10);
  /// TCP connect, and separately the TLS handshake, must finish within this.
  duration connect_timeout = std::chrono::seconds(5);
  /// Outbound connections send a CRLFCRLF ping this often (each period drawn from 80-100 %
  /// of it, RFC 5626 §4.4.1); zero = never.
  duration keepalive_interval = std::chrono::seconds(30);
  /// A ping unanswered (no pong, nor any other byte) this long: the peer is dead, if it
  /// has answered a ping on this connection before (RFC 5626 §4.4.1: 10 s).
  duration keepalive_timeout = std::chrono::seconds(10);
  /// SO_KEEPALIVE with these, and TCP_USER_TIMEOUT (unacknowledged data this long kills
  /// the connection), on every stream socket; zero durations leave the kernel defaults.
  bool tcp_keepalive = true;
  duration tcp_keepalive_idle = std::chrono::seconds(60);
  duration tcp_keepalive_interval = std::chrono::seconds(10);
  int tcp_keepalive_count = 3;
  duration tcp_user_timeout = std::chrono::seconds(30);
};

class stream_connection : public std::enable_shared_from_this<stream_connection> {
 public:
  virtual ~stream_connection() = default;

  /// Accepted socket: (TLS: handshake, then) read.
  virtual void start_accepted() = 0;
  /// Outbound: connect (from `from` when given: the local address is bound first, the
  /// port left to the kernel), then (TLS) handshake with `server_name` as SNI, verifying
  /// the chain and that name when `verify` (see prepare_client_handshake), then flush
  /// queued writes. TCP ignores both. A bind that fails closes the connection as a
  /// connect failure would.
  virtual void start_connect(const boost::asio::ip::tcp::endpoint& to,
                             const std::optional<boost::asio::ip::address>& from, const std::string& server_name,
                             bool verify) = 0;
  /// Queues bytes for writing; dropped if the connection is closing.
  virtual void send(std::string bytes) = 0;
  /// Orderly close; on_connection_closed follows.
  virtual void close() = 0;

  std::uint64_t id() const noexcept { return remote_.connection_id; }
  const peer& remote() const noexcept { return remote_; }
  bool outbound() const noexcept { return outbound_; }
  /// TLS: the name given to start_connect ("" for accepted connections and TCP).
  virtual const std::string& server_name() const noexcept = 0;
  /// TLS, once open: protocol and cipher ("TLSv1.3 TLS_AES_128_GCM_SHA256"); else "".
  virtual std::string session_description() const = 0;

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
