#pragma once
// The SIP transport layer (RFC 3261 §18) on the control thread: UDP, TCP and TLS
// listeners, outbound stream connections with reuse, framing and parsing of inbound
// messages, the stateless answers to malformed requests, and received/rport stamping
// (RFC 3261 §18.2.1, RFC 3581 §4). Well-formed messages go up to one listener (the
// transaction layer).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "base/result.hpp"
#include "base/timer_service.hpp"
#include "sip/message/message.hpp"
#include "sip/message/parser.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/stream_connection.hpp"
#include "sip/transport/tls_identity.hpp"
#include "sip/transport/transport_stats.hpp"
#include "sip/transport/udp_listener.hpp"

namespace voxedge::sip {

struct listener_spec {
  std::string name;
  transport_kind transport = transport_kind::udp;
  boost::asio::ip::address address;
  std::uint16_t port = 5060;  // 0 = ephemeral (tests)
  /// Required for tls: the server context (certificate and key loaded).
  std::shared_ptr<boost::asio::ssl::context> tls_context;
};

struct transport_settings {
  parse_limits limits;
  duration tcp_idle_timeout = std::chrono::minutes(10);
  duration connect_timeout = std::chrono::seconds(5);
  std::size_t max_connections = 8192;
  std::size_t max_connections_per_ip = 256;
  int udp_receive_buffer_bytes = 0;
  /// CRLFCRLF ping period on outbound TCP/TLS connections (RFC 5626 §4.4.1); zero = off.
  /// 30 s rather than the RFC's 95-120 s: we hold a handful of trunk flows, not millions
  /// of UA flows, and a dead trunk connection should be noticed before the next call.
  duration keepalive_interval = std::chrono::seconds(30);
  /// No pong (nor any other byte) this long after a ping: the connection is dead, once its
  /// peer has shown it answers pings (RFC 5626 §4.4.1 waits 10 s).
  duration keepalive_timeout = std::chrono::seconds(10);
  /// SO_KEEPALIVE (idle 60 s, then 3 probes 10 s apart) and TCP_USER_TIMEOUT on every
  /// stream socket, under the CRLF keepalive.
  bool tcp_keepalive = true;
  /// Unacknowledged data this long kills a stream connection (TCP_USER_TIMEOUT).
  duration tcp_user_timeout = std::chrono::seconds(30);
};

class transport_layer final : public message_sender, private connection_owner {
 public:
  class listener {
   public:
    /// A well-formed message arrived. Requests already carry received/rport on their top
    /// Via. Called on the control thread, never re-entrantly from send(); the callee may
    /// send from inside. `from` is valid only during the call.
    virtual void on_message(message&& m, const peer& from) = 0;
    /// Sending to `to` failed, or the connection it names broke before an orderly close
    /// (RFC 3261 §18.4, §17.1.4). Posted, never called from inside send().
    virtual void on_transport_error(const peer& to) = 0;

   protected:
    ~listener() = default;
  };

  transport_layer(boost::asio::io_context& io, timer_service& timers, listener& up, transport_settings settings = {});
  ~transport_layer();
  transport_layer(const transport_layer&) = delete;
  transport_layer& operator=(const transport_layer&) = delete;

  /// Binds a listener; returns its index (stable for the layer's lifetime).
  result<int, std::string> add_listener(const listener_spec& spec);
  /// Stops accepting on a listener (established connections stay until they close).
  void remove_listener(int index);
  /// Swaps a TLS listener's context (certificate reload): new connections use it,
  /// established ones keep theirs.
  void replace_tls_context(int index, std::shared_ptr<boost::asio::ssl::context> ctx);
  /// Registers (or replaces) the client identity outbound TLS sends name in
  /// peer::tls_identity. A replacement applies to new connections; established ones keep
  /// the context they were made with and stay open. If the server name or `verify`
  /// changed, they are no longer picked for new sends (they still serve their own
  /// connection_id until they close); a new context alone (renewed client certificate,
  /// CA bundle, ciphers) keeps them in use, so a SIGHUP does not reconnect every trunk.
  void set_tls_identity(const std::string& name, tls_identity identity);
  /// Forgets an identity: sends naming it fail with a transport error.
  void remove_tls_identity(const std::string& name);
  /// The identity for sends that name none (""): `ctx` without name checks.
  void set_client_tls_context(std::shared_ptr<boost::asio::ssl::context> ctx) {
    set_tls_identity({}, tls_identity{std::move(ctx), {}, false});
  }
  bool has_tls_identity(std::string_view name) const { return identities_.find(name) != identities_.end(); }

  /// message_sender: UDP goes out at once; streams reuse `to.connection_id`, else an open
  /// connection to the same address (and, for TLS, opened with the same identity; when
  /// `to.listener` is set, one of that listener: its local address), else connect, from
  /// the listener's address. TLS connects with the identity `to.tls_identity` names.
  void send(const std::string& bytes, const peer& to) override;

  /// Answers a request statelessly (used for errors found before a transaction exists).
  void respond_stateless(const message& request, const peer& from, int status, std::string_view reason);

  /// The sent-by (host, port) this listener puts in Via and Contact.
  std::optional<peer> local_address(int index) const;
  /// The first open listener of a transport (and address family, if given).
  std::optional<int> find_listener(transport_kind k, std::optional<bool> v6 = std::nullopt) const;
  std::size_t connection_count() const noexcept { return connections_.size(); }

  const transport_stats& stats() const noexcept { return stats_; }
  const transport_settings& settings() const noexcept { return settings_; }
  void update_settings(const transport_settings& s) { settings_ = s; }

  /// Closes every listener and connection; pending handlers then drain.
  void shutdown();

 private:
  struct stream_listener;
  struct slot {
    listener_spec spec;
    std::unique_ptr<udp_listener> udp;
    std::unique_ptr<stream_listener> stream;
  };

  void on_datagram(std::string_view bytes, const peer& from);
  struct identity_entry {
    tls_identity identity;
    std::uint64_t generation = 0;  // bumped when the server name or verify changes
  };
  struct connection_entry {
    std::shared_ptr<stream_connection> conn;
    std::uint64_t generation = 0;  // of the identity it was opened with
  };

  void on_frame(std::string_view frame, const peer& from) override;
  void on_tls_handshake(const stream_connection& c, const tls_failure_info* failure) override;
  void on_connection_closed(std::uint64_t id, const peer& remote, bool failed, std::string_view why) override;
  transport_stats& counters() override { return stats_; }

  void handle_inbound(std::string_view bytes, const peer& from);
  void do_accept(int index);
  void adopt(std::shared_ptr<stream_connection> c, std::uint64_t generation = 0);
  connection_settings stream_settings() const;
  std::shared_ptr<stream_connection> find_connection(const peer& to);
  void count_sent(std::string_view bytes);
  void report_error(const peer& to);

  boost::asio::io_context& io_;
  timer_service& timers_;
  listener& up_;
  transport_settings settings_;
  transport_stats stats_;
  std::vector<slot> slots_;
  std::unordered_map<std::uint64_t, connection_entry> connections_;
  std::map<boost::asio::ip::address, std::size_t> per_ip_;
  std::map<std::string, identity_entry, std::less<>> identities_;
  std::uint64_t next_connection_id_ = 1;
  std::uint64_t next_generation_ = 1;
  bool shut_down_ = false;
};

}  // namespace voxedge::sip
