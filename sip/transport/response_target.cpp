#include "sip/transport/response_target.hpp"

namespace voxedge::sip {

peer response_target(const via& top, const peer& from) {
  if (is_reliable(from.transport)) return from;
  peer to = from;
  boost::system::error_code ec;
  if (auto rcv = top.received()) {
    auto a = boost::asio::ip::make_address(std::string(*rcv), ec);
    if (!ec) to.address = a;
  } else {
    auto a = boost::asio::ip::make_address(top.host, ec);
    if (!ec) to.address = a;
  }
  if (auto rp = top.rport()) {
    to.port = *rp;
  } else {
    to.port = top.port.value_or(5060);
  }
  to.connection_id = 0;
  return to;
}

}  // namespace voxedge::sip
