#pragma once
// A small HTTP/1.1 server (Boost.Beast) on the control thread for /metrics, health and,
// later, the operator API. Bounded: request header and body sizes are capped, idle and
// slow clients time out, and the number of concurrent sessions is limited.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "base/result.hpp"

namespace voxedge::daemon {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

class http_server {
 public:
  /// Runs on the control thread; must not block.
  using handler = std::function<http_response(const http_request&)>;

  explicit http_server(boost::asio::io_context& io);
  ~http_server();

  void route(std::string path, handler h) { routes_[std::move(path)] = std::move(h); }
  result<void, std::string> listen(const boost::asio::ip::address& address, std::uint16_t port);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

  /// Builds a response of the given status with a text body.
  static http_response text(const http_request& req, unsigned status, std::string body,
                            std::string content_type = "text/plain; charset=utf-8");

 private:
  class session;
  void do_accept();
  http_response dispatch(const http_request& req) const;

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::map<std::string, handler, std::less<>> routes_;
  std::shared_ptr<std::size_t> sessions_ = std::make_shared<std::size_t>(0);
  std::vector<std::weak_ptr<session>> live_;  // to close on stop(); pruned on accept
  static constexpr std::size_t max_sessions = 64;
};

}  // namespace voxedge::daemon
