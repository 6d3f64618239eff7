#include "daemon/http/http_server.hpp"

#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>
#include <spdlog/spdlog.h>

#include "base/build_info.hpp"

namespace voxedge::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

class http_server::session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket s, const http_server& server, std::shared_ptr<std::size_t> count)
      : stream_(std::move(s)), server_(server), count_(std::move(count)) {
    ++*count_;
  }
  ~session() { --*count_; }

  void start() { do_read(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(15));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec) {
      if (ec && ec != http::error::end_of_stream && ec != beast::error::timeout) {
        // Oversized or malformed request: answer 400 once, then close.
        http_request dummy;
        res_ = http_server::text(dummy, 400, "bad request\n");
        res_.keep_alive(false);
        do_write();
        return;
      }
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    const auto req = parser_->release();
    res_ = server_.dispatch(req);
    res_.keep_alive(req.keep_alive());
    do_write();
  }

  void do_write() {
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->res_.keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->do_read();
    });
  }

  beast::tcp_stream stream_;
  const http_server& server_;
  std::shared_ptr<std::size_t> count_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_response res_;
};

http_server::http_server(asio::io_context& io) : io_(io), acceptor_(io) {}

http_server::~http_server() { stop(); }

result<void, std::string> http_server::listen(const asio::ip::address& address, std::uint16_t port) {
  const tcp::endpoint ep(address, port);
  beast::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return fail("http " + address.to_string() + ":" + std::to_string(port) + ": " + ec.message());
  }
  do_accept();
  return {};
}

tcp::endpoint http_server::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void http_server::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (auto& w : live_) {
    if (auto s = w.lock()) s->close();
  }
  live_.clear();
}

void http_server::do_accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (*sessions_ >= max_sessions) {
        beast::error_code ignored;
        s.close(ignored);
      } else {
        std::erase_if(live_, [](const auto& w) { return w.expired(); });
        auto session_ptr = std::make_shared<session>(std::move(s), *this, sessions_);
        live_.push_back(session_ptr);
        session_ptr->start();
      }
    }
    do_accept();
  });
}

http_response http_server::dispatch(const http_request& req) const {
  const auto target = std::string_view(req.target().data(), req.target().size());
  const auto path = target.substr(0, target.find('?'));
  const auto it = routes_.find(path);
  if (it == routes_.end()) return text(req, 404, "not found\n");
  if (req.method() != http::verb::get) {
    auto r = text(req, 405, "method not allowed\n");
    r.set(http::field::allow, "GET");
    return r;
  }
  return it->second(req);
}

http_response http_server::text(const http_request& req, unsigned status, std::string body, std::string content_type) {
  http_response res{static_cast<http::status>(status), req.version() == 0 ? 11 : req.version()};
  res.set(http::field::server, std::string("voxedge/") + build_info::version);
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

}  // namespace voxedge::daemon
