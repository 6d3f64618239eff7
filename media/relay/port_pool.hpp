#pragma once
// One worker's slice of the RTP port range, as pairs: an even RTP port and the odd RTCP
// port above it (RFC 3550 §11). Owned and used by the control thread only
// (relay_engine::create_session allocates synchronously); the worker never touches it.
//
// Allocation is next-fit from a rotating cursor rather than lowest-free: a pair that was
// just released is the last to be reused, so stray packets still in flight for an ended
// call do not land in a new one.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace voxedge::media {

class port_pool {
 public:
  port_pool() = default;
  /// Pairs whose RTP port lies in [first_rtp, first_rtp + 2 * pairs); first_rtp is even.
  port_pool(std::uint16_t first_rtp, std::size_t pairs);

  /// The next free pair after the cursor, marked in use; nullopt when all are in use.
  /// The caller binds it and calls release() if the bind fails (someone else holds the
  /// port), then asks again: each call moves the cursor, so a sweep of size() calls
  /// visits every free pair once.
  std::optional<std::uint16_t> acquire() noexcept;
  /// Returns an RTP port (from acquire) to the pool; unknown ports are ignored.
  void release(std::uint16_t rtp_port) noexcept;

  std::size_t size() const noexcept { return used_.size(); }
  std::size_t in_use() const noexcept { return in_use_; }
  std::size_t free() const noexcept { return used_.size() - in_use_; }
  std::uint16_t first_rtp() const noexcept { return first_rtp_; }

 private:
  std::uint16_t first_rtp_ = 0;
  std::vector<bool> used_;
  std::size_t cursor_ = 0;
  std::size_t in_use_ = 0;
};

}  // namespace voxedge::media
