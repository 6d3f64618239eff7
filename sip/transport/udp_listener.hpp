#pragma once
// One bound UDP socket: receives datagrams into a reused buffer and sends without
// queueing (SIP over UDP tolerates loss; retransmission is the transaction layer's job).
#include <array>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "base/result.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

class udp_listener {
 public:
  /// Called on the control thread for every datagram; `bytes` is valid only during the call.
  using datagram_handler = std::function<void(std::string_view bytes, const peer& from)>;

  udp_listener(boost::asio::io_context& io, int index, datagram_handler on_datagram);

  result<void, std::string> open(const boost::asio::ip::udp::endpoint& local, int receive_buffer_bytes);
  /// Synchronous non-blocking send; false when the kernel refused it.
  bool send_to(const std::string& bytes, const boost::asio::ip::udp::endpoint& to);
  void close();

  boost::asio::ip::udp::endpoint local_endpoint() const;
  bool is_open() const { return socket_.is_open(); }

 private:
  void do_receive();

  // A datagram larger than any SIP message we accept is still read whole, so that the
  // parser can answer 513 instead of seeing a truncated message.
  static constexpr std::size_t receive_buffer_size = 65536;

  boost::asio::ip::udp::socket socket_;
  int index_;
  datagram_handler on_datagram_;
  boost::asio::ip::udp::endpoint sender_;
  std::array<char, receive_buffer_size> buffer_{};
};

}  // namespace voxedge::sip
