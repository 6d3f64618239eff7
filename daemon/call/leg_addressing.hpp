#pragma once
// Our own address on each leg: the listener a request leaves from, and the sent-by
// (host:port) that goes into our Via and Contact there (RFC 3261 §18.1.1, §8.1.1.8).
// The call asks this instead of the transport layer so that its tests need no sockets;
// transport_leg_addressing is the daemon's implementation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {
class transport_layer;
}

namespace voxedge::daemon {

/// Our side of a leg: the listener, and what Via and Contact say about it.
struct local_address {
  int listener = -1;
  sip::transport_kind transport = sip::transport_kind::udp;
  std::string host;  // IP literal (IPv6 without brackets) or the advertised name
  std::uint16_t port = 0;
};

class leg_addressing {
 public:
  virtual ~leg_addressing() = default;
  /// The listener a request arrived on, as we advertise it.
  virtual std::optional<local_address> of_listener(int listener) const = 0;
  /// The listener to send to `to` from, preferring one on `side` (and bound to
  /// `source_ip` when not empty: a trunk's bind_address). nullopt: no open listener of
  /// that transport and address family.
  virtual std::optional<local_address> for_target(const sip::peer& to, config::listener_side side,
                                                  const std::string& source_ip) const = 0;
  /// Which side a listener serves (for the source classifier).
  virtual config::listener_side side_of(int listener) const = 0;
};

/// leg_addressing over the daemon's transport layer. The application tells it, at start
/// and after every reload, which listener index serves which configuration entry.
class transport_leg_addressing final : public leg_addressing {
 public:
  struct binding {
    int index = -1;  // transport_layer listener index
    config::listener spec;
  };

  explicit transport_leg_addressing(const sip::transport_layer& transport);

  /// `advertised_address`: config node.advertised_address (empty = the listener's own).
  void update(std::vector<binding> bindings, std::string advertised_address);

  std::optional<local_address> of_listener(int listener) const override;
  std::optional<local_address> for_target(const sip::peer& to, config::listener_side side,
                                          const std::string& source_ip) const override;
  config::listener_side side_of(int listener) const override;

 private:
  const sip::transport_layer& transport_;
  std::vector<binding> bindings_;
  std::string advertised_;
};

}  // namespace voxedge::daemon
