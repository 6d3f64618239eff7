#include "sip/transport/stream_connection.hpp"

#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace voxedge::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;

namespace {

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
        connect_timer_(timers) {}

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
        connect_timer_(timers) {}

  void start_accepted() override {
    state_ = state::handshaking;
    if constexpr (is_tls) {
      do_handshake(asio::ssl::stream_base::server);
    } else {
      on_open();
    }
  }

  void start_connect(const tcp::endpoint& to, const std::string& server_name) override {
    state_ = state::connecting;
    if constexpr (is_tls) {
      // SNI (RFC 6066 §3) so a provider behind a shared front end picks the right cert.
      if (!server_name.empty()) SSL_set_tlsext_host_name(stream_.native_handle(), server_name.c_str());
    } else {
      (void)server_name;
    }
    std::weak_ptr<stream_connection> weak = shared_from_this();
    connect_timer_.start(settings_.connect_timeout, [weak] {
      if (auto self = weak.lock()) self->close();
    });
    lowest().async_connect(to, [self = self_ptr()](const boost::system::error_code& ec) { self->on_connect(ec); });
  }

  void send(std::string bytes) override {
    if (state_ == state::closed) return;
    out_.push_back(std::move(bytes));
    if (state_ == state::open && out_.size() == 1) do_write();
  }

  void close() override { finish(false); }

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

  void on_connect(const boost::system::error_code& ec) {
    if (state_ == state::closed) return;
    if (ec) {
      ++owner_.counters().connect_failures;
      finish(true);
      return;
    }
    boost::system::error_code ignored;
    lowest().set_option(tcp::no_delay(true), ignored);
    if constexpr (is_tls) {
      state_ = state::handshaking;
      do_handshake(asio::ssl::stream_base::client);
    } else {
      on_open();
    }
  }

  void do_handshake(asio::ssl::stream_base::handshake_type type) {
    if constexpr (is_tls) {
      std::weak_ptr<stream_connection> weak = shared_from_this();
      // The handshake shares the connect timeout: a peer that opens TCP and never
      // speaks TLS must not hold a connection slot forever.
      connect_timer_.start(settings_.connect_timeout, [weak] {
        if (auto self = weak.lock()) self->close();
      });
      stream_.async_handshake(type, [self = self_ptr()](const boost::system::error_code& ec) {
        if (self->state_ == state::closed) return;
        if (ec) {
          self->finish(true);
          return;
        }
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
        finish(false);
      } else {
        arm_idle(settings_.idle_timeout - idle_for);
      }
    });
  }

  void do_read() {
    stream_.async_read_some(asio::buffer(rbuf_), [self = self_ptr()](const boost::system::error_code& ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (state_ == state::closed) return;
    if (ec) {
      // EOF is the peer's orderly close, not a failure.
      finish(ec != asio::error::eof && ec != asio::ssl::error::stream_truncated);
      return;
    }
    touch();
    framer_.append(std::string_view(rbuf_.data(), n));
    while (state_ != state::closed) {
      const auto st = framer_.next(frame_);
      if (st == stream_framer::status::need_more) break;
      switch (st) {
        case stream_framer::status::message:
          owner_.on_frame(frame_, remote_);
          break;
        case stream_framer::status::keepalive:
          ++owner_.counters().keepalives_answered;
          send("\r\n");  // RFC 5626 §4.4.1 pong
          break;
        case stream_framer::status::pong:
          break;
        case stream_framer::status::error:
          owner_.counters().count_drop(drop_reason::framing);
          finish(true);
          return;
        case stream_framer::status::need_more:
          break;
      }
    }
    if (state_ != state::closed) do_read();
  }

  void do_write() {
    asio::async_write(stream_, asio::buffer(out_.front()),
                      [self = self_ptr()](const boost::system::error_code& ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(const boost::system::error_code& ec) {
    if (state_ == state::closed) return;
    if (ec) {
      owner_.counters().count_drop(drop_reason::send_failed);
      finish(true);
      return;
    }
    touch();
    out_.pop_front();
    if (!out_.empty()) do_write();
  }

  void finish(bool failed) {
    if (state_ == state::closed) return;
    state_ = state::closed;
    idle_timer_.cancel();
    connect_timer_.cancel();
    boost::system::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close(ignored);
    out_.clear();
    owner_.on_connection_closed(id(), remote_, failed);
  }

  std::shared_ptr<void> keep_alive_;  // declared before stream_: outlives it
  Stream stream_;
  connection_owner& owner_;
  timer_service& timers_;
  connection_settings settings_;
  stream_framer framer_;
  scoped_timer idle_timer_;
  scoped_timer connect_timer_;
  state state_ = state::idle;
  time_point last_activity_{};
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
