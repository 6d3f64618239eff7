#pragma once
// Which remote address a leg accepts packets from, and so where it sends them (symmetric
// RTP). One latch per leg for RTP and one for RTCP. Judged only after a packet has been
// validated, so a stray or garbage datagram can never move the latch (DESIGN.md §8:
// latching is never blind).
#include <boost/asio/ip/udp.hpp>
#include <optional>

#include "base/timer_service.hpp"
#include "media/relay/relay_engine.hpp"

namespace voxedge::media {

/// Address and port equality on the raw sockaddr: this runs for every packet, and
/// comparing asio endpoints builds address objects (and compares IPv6 scope ids).
bool same_endpoint(const boost::asio::ip::udp::endpoint& x, const boost::asio::ip::udp::endpoint& y) noexcept;

class source_latch {
 public:
  /// Forgets any latched source. `signalled` is the address from SDP; in strict mode it
  /// is the only one accepted.
  void configure(latching_mode mode, std::optional<boost::asio::ip::udp::endpoint> signalled,
                 duration relatch_after) noexcept;

  /// Whether a valid packet from `from`, arriving at `now`, is accepted. In symmetric
  /// mode the first source is latched, and another one replaces it only once the latched
  /// one has been silent for relatch_after.
  bool accept(const boost::asio::ip::udp::endpoint& from, time_point now) noexcept;

  /// Where to send: the latched source, else the signalled address.
  const std::optional<boost::asio::ip::udp::endpoint>& destination() const noexcept {
    return latched_ ? latched_ : signalled_;
  }
  /// A new re-latch policy that keeps the current latch (SDP changed something else).
  void set_relatch_after(duration d) noexcept { relatch_after_ = d; }
  const std::optional<boost::asio::ip::udp::endpoint>& latched() const noexcept { return latched_; }
  const std::optional<boost::asio::ip::udp::endpoint>& signalled() const noexcept { return signalled_; }
  std::uint64_t relatches() const noexcept { return relatches_; }

 private:
  latching_mode mode_ = latching_mode::symmetric;
  std::optional<boost::asio::ip::udp::endpoint> signalled_;
  std::optional<boost::asio::ip::udp::endpoint> latched_;
  duration relatch_after_{};
  time_point last_seen_{};
  std::uint64_t relatches_ = 0;
};

}  // namespace voxedge::media
