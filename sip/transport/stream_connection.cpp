#include "sip/transport/stream_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "base/random.hpp"

namespace voxedge::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;

namespace {

constexpr std::string_view ping = "\r\n\r\n";  // RFC 5626 §4.4.1
constexpr std::string_view pong = "\r\n";

int whole_seconds(duration d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

/// The second line of dead-peer detection, below the CRLF keepalive: the kernel probes
/// an idle connection, and gives up on data the peer never acknowledges. Best effort: a
/// refused option leaves the kernel default.
void set_tcp_keepalive(tcp::socket& s, const connection_settings& cs) {
  if (!cs.tcp_keepalive) return;
  boost::system::error_code ignored;
  s.set_option(asio::socket_base::keep_alive(true), ignored);
  const int fd = s.native_handle();
  auto set = [fd](int level, int name, int value) {
    if (value > 0) ::setsockopt(fd, level, name, &value, sizeof value);
  };
  set(IPPROTO_TCP, TCP_KEEPIDLE, whole_seconds(cs.tcp_keepalive_idle));
  set(IPPROTO_TCP, TCP_KEEPINTVL, whole_seconds(cs.tcp_keepalive_interval));
  set(IPPROTO_TCP, TCP_KEEPCNT, cs.tcp_keepalive_count);
  set(IPPROTO_TCP, TCP_USER_TIMEOUT,
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(cs.tcp_user_timeout).count()));
}

std::string connect_error_text(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::timed_out) return "timeout";
  return ec.message();
}

template <class Stream>
class basic_connection final : public stream_connection {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

  basic_connection(Stream stream, peer remote, bool outbound, connection_owner& owner, timer_service& timers,
                   const connection_settings& settings)
      : stream_connection(std::move(remote), outbound),
        stream_(std::move(stream)),
        owner_(owner),
        timers_(timers),
        settings_(settings),
        framer_(settings.max_message_bytes),
        idle_timer_(timers),
        connect_timer_(timers),
        ping_timer_(timers),
        pong_timer_(timers) {}

  /// Outbound: the stream is built in place from its constructor arguments (moving a
  /// never-opened socket trips a gcc -O3 false positive inside Asio).
  template <class... StreamArgs>
  basic_connection(std::in_place_t, peer remote, connection_owner& owner, timer_service& timers,
                   const connection_settings& settings, StreamArgs&&... args)
      : stream_connection(std::move(remote), true),
        stream_(std::forward<StreamArgs>(args)...),
        owner_(owner),
        timers_(timers),
        settings_(settings),
        framer_(settings.max_message_bytes),
        idle_timer_(timers),
        connect_timer_(timers),
        ping_timer_(timers),
        pong_timer_(timers) {}

  void start_accepted() override {
    state_ = state::handshaking;
    set_tcp_keepalive(lowest(), settings_);
    if constexpr (is_tls) {
      do_handshake(asio::ssl::stream_base::server);
    } else {
      on_open();
    }
  }

  void start_connect(const tcp::endpoint& to, const std::optional<asio::ip::address>& from,
                     const std::string& server_name, bool verify) override {
    state_ = state::connecting;
    if (from && !bind_local(to, *from)) return;
    if constexpr (is_tls) {
      server_name_ = normalize_server_name(server_name);
      if (!prepare_client_handshake(stream_.native_handle(), server_name_, verify)) {
        // Only an allocation failure or a name OpenSSL cannot take: fail like a connect
        // error, after the caller has finished queueing (close reports are posted).
        post_failure("cannot use \"" + server_name_ + "\" as the TLS server name");
        return;
      }
    } else {
      (void)server_name;
      (void)verify;
    }
    std::weak_ptr<stream_connection> weak = shared_from_this();
    connect_timer_.start(settings_.connect_timeout, [weak, this] {
      if (auto self = weak.lock()) on_deadline();
    });
    lowest().async_connect(to, [self = self_ptr()](const boost::system::error_code& ec) { self->on_connect(ec); });
  }

  void send(std::string bytes) override {
    if (state_ == state::closed) return;
    touch();
    queue(std::move(bytes));
  }

  void close() override { finish(false, {}); }

  const std::string& server_name() const noexcept override { return server_name_; }

  std::string session_description() const override {
    if constexpr (is_tls) {
      if (state_ == state::open) return describe_session(const_cast<tls_stream&>(stream_).native_handle());
    }
    return {};
  }

  void keep_alive(std::shared_ptr<void> p) { keep_alive_ = std::move(p); }

 private:
  enum class state { idle, connecting, handshaking, open, closed };

  std::shared_ptr<basic_connection> self_ptr() { return std::static_pointer_cast<basic_connection>(shared_from_this()); }

  tcp::socket& lowest() {
    if constexpr (is_tls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  /// Binds the socket to `from` (port 0) before the connect, so the peer sees the
  /// connection come from that address (a trunk's whitelisted IP).
  bool bind_local(const tcp::endpoint& to, const asio::ip::address& from) {
    auto& s = lowest();
    boost::system::error_code ec;
    s.open(to.protocol(), ec);
    if (!ec) {
      // Linux: the port is picked at connect time, by the whole 4-tuple, so outbound
      // connections from one address do not each hold a port of the ephemeral range.
      // Best effort: without it the bind picks the port itself.
      const int one = 1;
      ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      s.bind(tcp::endpoint(from, 0), ec);
    }
    if (!ec) return true;
    post_failure("bind to " + from.to_string() + ": " + ec.message());
    return false;
  }

  void post_failure(std::string why) {
    asio::post(lowest().get_executor(), [self = self_ptr(), why = std::move(why)] {
      ++self->owner_.counters().connect_failures;
      self->finish(true, why);
    });
  }

  void on_connect(const boost::system::error_code& ec) {
    if (state_ == state::closed) return;
    if (ec) {
      ++owner_.counters().connect_failures;
      finish(true, connect_error_text(ec));
      return;
    }
    boost::system::error_code ignored;
    lowest().set_option(tcp::no_delay(true), ignored);
    set_tcp_keepalive(lowest(), settings_);
    if constexpr (is_tls) {
      state_ = state::handshaking;
      do_handshake(asio::ssl::stream_base::client);
    } else {
      on_open();
    }
  }

  /// The connect timer: the TCP connect or the TLS handshake took too long.
  void on_deadline() {
    if (state_ == state::connecting) {
      ++owner_.counters().connect_failures;
      finish(true, "connect timeout");
    } else if (state_ == state::handshaking) {
      const tls_failure_info info{tls_failure::timeout, "timeout"};
      owner_.on_tls_handshake(*this, &info);
      finish(true, "TLS handshake: timeout");
    }
  }

  void do_handshake(asio::ssl::stream_base::handshake_type type) {
    if constexpr (is_tls) {
      std::weak_ptr<stream_connection> weak = shared_from_this();
      // The handshake has its own connect timeout: a peer that opens TCP and never
      // speaks TLS must not hold a connection slot forever.
      connect_timer_.start(settings_.connect_timeout, [weak, this] {
        if (auto self = weak.lock()) on_deadline();
      });
      stream_.async_handshake(type, [self = self_ptr()](const boost::system::error_code& ec) {
        if (self->state_ == state::closed) return;
        if (ec) {
          const auto info = describe_handshake_failure(self->stream_.native_handle(), ec, self->server_name_);
          self->owner_.on_tls_handshake(*self, &info);
          self->finish(true, "TLS handshake: " + info.detail);
          return;
        }
        self->owner_.on_tls_handshake(*self, nullptr);
        self->on_open();
      });
    } else {
      (void)type;
    }
  }

  void on_open() {
    connect_timer_.cancel();
    state_ = state::open;
    touch();
    arm_idle(settings_.idle_timeout);
    // RFC 5626 §4.4.1: the side that opened the flow sends the pings.
    if (outbound_ && settings_.keepalive_interval > duration::zero()) arm_ping();
    do_read();
    if (!out_.empty()) do_write();
  }

  void touch() { last_activity_ = timers_.now(); }

  void arm_idle(duration after) {
    std::weak_ptr<stream_connection> weak = shared_from_this();
    idle_timer_.start(after, [weak, this] {
      auto self = weak.lock();
      if (!self || state_ == state::closed) return;
      const auto idle_for = timers_.now() - last_activity_;
      if (idle_for >= settings_.idle_timeout) {
        ++owner_.counters().connections_idle_closed;
        finish(false, {});
      } else {
        arm_idle(settings_.idle_timeout - idle_for);
      }
    });
  }

  void arm_ping() {
    // RFC 5626 §4.4.1: each interval drawn between 80 % and 100 % of the period, so many
    // flows started together do not ping in lockstep.
    const auto full = settings_.keepalive_interval;
    const auto span = static_cast<std::uint64_t>((full / 5).count());
    const auto jitter = duration(static_cast<duration::rep>(span > 0 ? random_u64() % span : 0));
    std::weak_ptr<stream_connection> weak = shared_from_this();
    ping_timer_.start(full - jitter, [weak, this] {
      auto self = weak.lock();
      if (!self || state_ != state::open) return;
      ++owner_.counters().keepalive_pings_sent;
      queue(std::string(ping));
      if (!pong_timer_.pending()) {
        pong_timer_.start(settings_.keepalive_timeout, [weak, this] {
          if (auto s = weak.lock()) on_pong_timeout();
        });
      }
      arm_ping();
    });
  }

  void on_pong_timeout() {
    if (state_ != state::open) return;
    if (pong_seen_) {
      ++owner_.counters().connections_keepalive_dead;
      finish(true, "keepalive: no pong within " + std::to_string(whole_seconds(settings_.keepalive_timeout)) + " s");
      return;
    }
    // A peer that has never answered a ping does not implement RFC 5626 keepalives:
    // closing on its silence would drop every quiet connection to it. TCP keepalive and
    // TCP_USER_TIMEOUT (the ping itself must be acknowledged) still catch a dead host.
    ++owner_.counters().keepalive_unanswered;
  }

  void do_read() {
    stream_.async_read_some(asio::buffer(rbuf_), [self = self_ptr()](const boost::system::error_code& ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (state_ == state::closed) return;
    if (ec) {
      // EOF is the peer's orderly close, not a failure; so is a TLS peer closing TCP
      // without close_notify.
      const bool orderly = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || is_unclean_tls_eof(ec);
      finish(!orderly, orderly ? std::string() : read_error_text(ec));
      return;
    }
    // Any byte from the peer proves it alive: a pending ping needs no pong any more.
    pong_timer_.cancel();
    framer_.append(std::string_view(rbuf_.data(), n));
    while (state_ != state::closed) {
      const auto st = framer_.next(frame_);
      if (st == stream_framer::status::need_more) break;
      switch (st) {
        case stream_framer::status::message:
          touch();
          owner_.on_frame(frame_, remote_);
          break;
        case stream_framer::status::keepalive:
          // The peer's ping keeps the connection in use (its registration may depend on
          // it); answer with a pong (RFC 5626 §4.4.1).
          touch();
          ++owner_.counters().keepalives_answered;
          queue(std::string(pong));
          break;
        case stream_framer::status::pong:
          pong_seen_ = true;
          ++owner_.counters().keepalive_pongs_received;
          break;
        case stream_framer::status::error:
          owner_.counters().count_drop(drop_reason::framing);
          finish(true, "framing: " + std::string(framer_.error_reason()));
          return;
        case stream_framer::status::need_more:
          break;
      }
    }
    if (state_ == state::closed) return;
    if (framer_.buffered() > 0) touch();  // a message still arriving
    do_read();
  }

  std::string read_error_text(const boost::system::error_code& ec) const {
    if constexpr (is_tls) {
      // E.g. a TLS 1.3 server rejecting our (missing) client certificate after the
      // handshake has completed on our side: the alert arrives on the first read.
      return "read: " + describe_handshake_failure(nullptr, ec, {}).detail;
    } else {
      return "read: " + ec.message();
    }
  }

  void queue(std::string bytes) {
    if (state_ == state::closed) return;
    out_.push_back(std::move(bytes));
    if (state_ == state::open && out_.size() == 1) do_write();
  }

  void do_write() {
    asio::async_write(stream_, asio::buffer(out_.front()),
                      [self = self_ptr()](const boost::system::error_code& ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(const boost::system::error_code& ec) {
    if (state_ == state::closed) return;
    if (ec) {
      owner_.counters().count_drop(drop_reason::send_failed);
      finish(true, "write: " + ec.message());
      return;
    }
    out_.pop_front();
    if (!out_.empty()) do_write();
  }

  void finish(bool failed, std::string_view why) {
    if (state_ == state::closed) return;
    state_ = state::closed;
    idle_timer_.cancel();
    connect_timer_.cancel();
    ping_timer_.cancel();
    pong_timer_.cancel();
    boost::system::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close(ignored);
    out_.clear();
    owner_.on_connection_closed(id(), remote_, failed, why);
  }

  std::shared_ptr<void> keep_alive_;  // declared before stream_: outlives it
  Stream stream_;
  connection_owner& owner_;
  timer_service& timers_;
  connection_settings settings_;
  stream_framer framer_;
  scoped_timer idle_timer_;
  scoped_timer connect_timer_;
  scoped_timer ping_timer_;
  scoped_timer pong_timer_;
  state state_ = state::idle;
  bool pong_seen_ = false;  // the peer has answered a ping: its silence now means death
  time_point last_activity_{};
  std::string server_name_;
  std::deque<std::string> out_;
  std::string frame_;
  std::array<char, 16384> rbuf_{};
};

}  // namespace

std::shared_ptr<stream_connection> make_tcp_connection(tcp::socket socket, peer remote, bool outbound,
                                                       connection_owner& owner, timer_service& timers,
                                                       const connection_settings& settings) {
  return std::make_shared<basic_connection<tcp::socket>>(std::move(socket), std::move(remote), outbound, owner, timers,
                                                         settings);
}

std::shared_ptr<stream_connection> make_tls_connection(tcp::socket socket, std::shared_ptr<asio::ssl::context> ctx,
                                                       peer remote, bool outbound, connection_owner& owner,
                                                       timer_service& timers, const connection_settings& settings) {
  auto c = std::make_shared<basic_connection<tls_stream>>(tls_stream(std::move(socket), *ctx), std::move(remote),
                                                          outbound, owner, timers, settings);
  c->keep_alive(std::move(ctx));
  return c;
}

std::shared_ptr<stream_connection> make_outbound_connection(asio::io_context& io,
                                                            std::shared_ptr<asio::ssl::context> tls, peer remote,
                                                            connection_owner& owner, timer_service& timers,
                                                            const connection_settings& settings) {
  if (!tls) {
    return std::make_shared<basic_connection<tcp::socket>>(std::in_place, std::move(remote), owner, timers, settings,
                                                           io);
  }
  auto c = std::make_shared<basic_connection<tls_stream>>(std::in_place, std::move(remote), owner, timers, settings, io,
                                                          *tls);
  c->keep_alive(std::move(tls));
  return c;
}

}  // namespace voxedge::sip
