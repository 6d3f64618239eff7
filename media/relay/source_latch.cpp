#include "media/relay/source_latch.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace voxedge::media {

bool same_endpoint(const boost::asio::ip::udp::endpoint& x, const boost::asio::ip::udp::endpoint& y) noexcept {
  const sockaddr* a = x.data();
  const sockaddr* b = y.data();
  if (a->sa_family != b->sa_family) return false;
  if (a->sa_family == AF_INET) {
    sockaddr_in u{};
    sockaddr_in v{};
    std::memcpy(&u, a, sizeof u);  // memcpy: the endpoint's storage is a union, not a sockaddr_in
    std::memcpy(&v, b, sizeof v);
    return u.sin_port == v.sin_port && u.sin_addr.s_addr == v.sin_addr.s_addr;
  }
  if (a->sa_family == AF_INET6) {
    sockaddr_in6 u{};
    sockaddr_in6 v{};
    std::memcpy(&u, a, sizeof u);
    std::memcpy(&v, b, sizeof v);
    return u.sin6_port == v.sin6_port && std::memcmp(&u.sin6_addr, &v.sin6_addr, sizeof u.sin6_addr) == 0;
  }
  return false;
}

void source_latch::configure(latching_mode mode, std::optional<boost::asio::ip::udp::endpoint> signalled,
                             duration relatch_after) noexcept {
  mode_ = mode;
  signalled_ = signalled;
  latched_.reset();
  relatch_after_ = relatch_after;
  last_seen_ = {};
}

bool source_latch::accept(const boost::asio::ip::udp::endpoint& from, time_point now) noexcept {
  if (mode_ == latching_mode::strict) {
    if (!signalled_ || !same_endpoint(from, *signalled_)) return false;
    latched_ = signalled_;
    last_seen_ = now;
    return true;
  }
  if (latched_ && !same_endpoint(from, *latched_)) {
    // A second source while the first is alive is an attacker or a forked stream; after
    // relatch_after of silence it is the same peer after a NAT rebinding or a move.
    if (now - last_seen_ < relatch_after_) return false;
    ++relatches_;
    latched_ = from;
  } else if (!latched_) {
    latched_ = from;
  }
  last_seen_ = now;
  return true;
}

}  // namespace voxedge::media
