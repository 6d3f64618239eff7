#include "sip/transport/udp_listener.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/socket_base.hpp>

namespace voxedge::sip {

namespace asio = boost::asio;
using asio::ip::udp;

udp_listener::udp_listener(asio::io_context& io, int index, datagram_handler on_datagram)
    : socket_(io), index_(index), on_datagram_(std::move(on_datagram)) {}

result<void, std::string> udp_listener::open(const udp::endpoint& local, int receive_buffer_bytes) {
  boost::system::error_code ec;
  socket_.open(local.protocol(), ec);
  if (!ec && local.address().is_v6()) socket_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) socket_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && receive_buffer_bytes > 0) {
    socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes), ec);
  }
  if (!ec) socket_.bind(local, ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    socket_.close();
    return fail("udp " + local.address().to_string() + ":" + std::to_string(local.port()) + ": " + ec.message());
  }
  do_receive();
  return {};
}

bool udp_listener::send_to(const std::string& bytes, const udp::endpoint& to) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes), to, 0, ec);
  return !ec;
}

void udp_listener::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

udp::endpoint udp_listener::local_endpoint() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec);
}

void udp_listener::do_receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_, [this](const boost::system::error_code& ec, std::size_t n) {
    if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
    if (!ec && n > 0) {
      peer from;
      from.transport = transport_kind::udp;
      from.address = sender_.address();
      from.port = sender_.port();
      from.listener = index_;
      on_datagram_(std::string_view(buffer_.data(), n), from);
    }
    // ICMP port-unreachable surfaces here as connection_refused on Linux: keep reading.
    do_receive();
  });
}

}  // namespace voxedge::sip
