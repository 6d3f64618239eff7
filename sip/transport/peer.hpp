#pragma once
// Where a SIP message came from or goes to, as the transaction layer and the transports
// both understand it.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace voxedge::sip {

enum class transport_kind : std::uint8_t { udp, tcp, tls, ws, wss };

std::string_view to_string(transport_kind k) noexcept;           // "udp"
std::string_view via_transport_token(transport_kind k) noexcept;  // "UDP", "TCP", "TLS", "WS", "WSS"
/// Stream transports deliver reliably: no retransmission timers (RFC 3261 §17.1.1.2).
constexpr bool is_reliable(transport_kind k) noexcept { return k != transport_kind::udp; }

struct peer {
  transport_kind transport = transport_kind::udp;
  boost::asio::ip::address address;
  std::uint16_t port = 0;
  /// Stream transports: the connection the message arrived on, so responses and in-dialog
  /// requests reuse it (RFC 3261 §18.2.2). 0 = none; the transport opens or picks one.
  std::uint64_t connection_id = 0;
  /// The local listener it arrived on / should leave from (index into the transport
  /// layer's listeners). -1 = let the transport choose by transport and address family.
  /// Stream transports: a send naming a listener reuses only a connection of that
  /// listener (opened from its address, or accepted by it), so it leaves from the
  /// address a trunk's bind_address chose; -1 reuses any connection to the address.
  int listener = -1;
  /// TLS, outbound: the name of the identity (transport_layer::set_tls_identity, one per
  /// trunk) to connect with: its client certificate, SNI and the name the server's
  /// certificate must carry. A connection is reused only for the identity it was opened
  /// with. Empty = the default identity. Ignored by the other transports.
  std::string tls_identity{};

  std::string to_string() const;  // "udp:127.0.0.1:5060", "tcp:[::1]:5060#7"
};

/// The transports as the transaction layer sees them.
class message_sender {
 public:
  virtual ~message_sender() = default;
  /// Sends bytes to `to`. Failures are reported asynchronously through the transport
  /// layer's listener (on_transport_error), never thrown.
  virtual void send(const std::string& bytes, const peer& to) = 0;
};

}  // namespace voxedge::sip
