#include "media/relay/port_pool.hpp"

#include <cassert>

namespace voxedge::media {

port_pool::port_pool(std::uint16_t first_rtp, std::size_t pairs) : first_rtp_(first_rtp), used_(pairs, false) {
  assert(first_rtp % 2 == 0);
  assert(first_rtp + 2 * pairs <= 65536);
}

std::optional<std::uint16_t> port_pool::acquire() noexcept {
  const std::size_t n = used_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = (cursor_ + i) % n;
    if (used_[k]) continue;
    used_[k] = true;
    ++in_use_;
    cursor_ = (k + 1) % n;
    return static_cast<std::uint16_t>(first_rtp_ + 2 * k);
  }
  return std::nullopt;
}

void port_pool::release(std::uint16_t rtp_port) noexcept {
  if (rtp_port < first_rtp_ || (rtp_port - first_rtp_) % 2 != 0) return;
  const std::size_t k = (rtp_port - first_rtp_) / 2U;
  if (k >= used_.size() || !used_[k]) return;
  used_[k] = false;
  --in_use_;
}

}  // namespace voxedge::media
