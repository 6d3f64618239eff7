#pragma once
// A media worker's scratch for moving datagrams in batches (DESIGN.md §7): up to 32
// datagrams read with one recvmmsg, processed in place, and the ones to forward written
// with one sendmmsg (a batch always comes from one socket and, for RTP, goes out through
// one socket: the other leg's). Allocated once per worker; nothing here allocates after
// construction. With a batch size of 1 it uses plain recvfrom/sendto, which is what the
// benchmark compares against.
#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace voxedge::media {

class packet_batch {
 public:
  static constexpr std::size_t max_size = 32;
  /// Larger than any Ethernet-MTU datagram; a longer one is truncated and dropped.
  static constexpr std::size_t buffer_size = 2048;
  /// Room after each buffer for what SRTP protection appends (auth tag, MKI, SRTCP index:
  /// up to srtp_session::max_overhead bytes), so a full-size datagram from a plain leg can still be protected for
  /// an SRTP leg in place.
  static constexpr std::size_t trailer_room = 160;

  explicit packet_batch(unsigned batch_size);
  packet_batch(const packet_batch&) = delete;
  packet_batch& operator=(const packet_batch&) = delete;

  /// Reads up to batch_size datagrams from `fd` without blocking. Returns how many;
  /// 0 when nothing was waiting (EAGAIN) or the socket failed.
  std::size_t receive(int fd) noexcept;
  std::size_t batch_size() const noexcept { return batch_size_; }

  /// Datagram i of the last receive(), writable in place.
  std::span<std::uint8_t> datagram(std::size_t i) noexcept { return {buffer(i), sizes_[i]}; }
  /// The whole slot of datagram i (buffer_size + trailer_room bytes), for protection in place.
  std::span<std::uint8_t> slot(std::size_t i) noexcept { return {buffer(i), slot_size}; }
  /// Datagram i is now `size` bytes long (SRTP unprotect removed its trailer).
  void shrink(std::size_t i, std::size_t size) noexcept {
    if (size < sizes_[i]) sizes_[i] = size;
  }
  const boost::asio::ip::udp::endpoint& source(std::size_t i) const noexcept { return sources_[i]; }
  /// The datagram did not fit buffer_size.
  bool truncated(std::size_t i) const noexcept { return truncated_[i]; }

  /// Queues datagram i (as rewritten, `size` bytes, at most buffer_size + trailer_room)
  /// for `destination`. The endpoint must
  /// stay valid until flush().
  void queue(std::size_t i, std::size_t size, const boost::asio::ip::udp::endpoint& destination) noexcept;
  std::size_t queued() const noexcept { return queued_; }
  /// Sends everything queued through `fd` and empties the queue. Returns how many
  /// datagrams the kernel refused (full buffer, unreachable): they are dropped, since
  /// late media is worthless and the worker must never block.
  std::size_t flush(int fd) noexcept;

 private:
  static constexpr std::size_t slot_size = buffer_size + trailer_room;  // a multiple of 16: slots stay aligned
  std::uint8_t* buffer(std::size_t i) noexcept { return &buffers_[i * slot_size]; }

  unsigned batch_size_;
  std::unique_ptr<std::uint8_t[]> buffers_;  // max_size * slot_size, one block
  std::array<boost::asio::ip::udp::endpoint, max_size> sources_{};
  std::array<std::size_t, max_size> sizes_{};
  std::array<bool, max_size> truncated_{};
  std::array<iovec, max_size> in_iov_{};
  std::array<mmsghdr, max_size> in_msgs_{};
  std::array<iovec, max_size> out_iov_{};
  std::array<mmsghdr, max_size> out_msgs_{};
  std::size_t queued_ = 0;
};

}  // namespace voxedge::media
