#include "media/relay/packet_batch.hpp"

#include <sys/types.h>

#include <algorithm>
#include <cassert>
#include <cerrno>

namespace voxedge::media {

packet_batch::packet_batch(unsigned batch_size)
    : batch_size_(std::clamp(batch_size, 1U, static_cast<unsigned>(max_size))),
      buffers_(new std::uint8_t[max_size * slot_size]) {}

std::size_t packet_batch::receive(int fd) noexcept {
  if (batch_size_ == 1) {
    for (;;) {
      auto& src = sources_[0];
      socklen_t len = static_cast<socklen_t>(src.capacity());
      const ssize_t n = ::recvfrom(fd, buffer(0), buffer_size, MSG_DONTWAIT | MSG_TRUNC, src.data(), &len);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return 0;
      src.resize(len);
      truncated_[0] = static_cast<std::size_t>(n) > buffer_size;
      sizes_[0] = std::min(static_cast<std::size_t>(n), buffer_size);
      return 1;
    }
  }
  for (std::size_t i = 0; i < batch_size_; ++i) {
    in_iov_[i] = {buffer(i), buffer_size};
    auto& h = in_msgs_[i].msg_hdr;
    h = {};
    h.msg_name = sources_[i].data();
    h.msg_namelen = static_cast<socklen_t>(sources_[i].capacity());
    h.msg_iov = &in_iov_[i];
    h.msg_iovlen = 1;
    in_msgs_[i].msg_len = 0;
  }
  for (;;) {
    const int n = ::recvmmsg(fd, in_msgs_.data(), batch_size_, MSG_DONTWAIT, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    for (int i = 0; i < n; ++i) {
      const auto& m = in_msgs_[static_cast<std::size_t>(i)];
      sources_[static_cast<std::size_t>(i)].resize(m.msg_hdr.msg_namelen);
      truncated_[static_cast<std::size_t>(i)] = (m.msg_hdr.msg_flags & MSG_TRUNC) != 0;
      sizes_[static_cast<std::size_t>(i)] = m.msg_len;
    }
    return static_cast<std::size_t>(n);
  }
}

void packet_batch::queue(std::size_t i, std::size_t size, const boost::asio::ip::udp::endpoint& destination) noexcept {
  assert(queued_ < max_size && i < max_size && size <= slot_size);
  out_iov_[queued_] = {buffer(i), size};
  auto& h = out_msgs_[queued_].msg_hdr;
  h = {};
  // sendmmsg does not write through msg_name; the cast only satisfies the C struct.
  h.msg_name = const_cast<sockaddr*>(destination.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  h.msg_namelen = static_cast<socklen_t>(destination.size());
  h.msg_iov = &out_iov_[queued_];
  h.msg_iovlen = 1;
  ++queued_;
}

std::size_t packet_batch::flush(int fd) noexcept {
  std::size_t failed = 0;
  std::size_t next = 0;
  if (batch_size_ == 1) {
    for (; next < queued_; ++next) {
      const auto& h = out_msgs_[next].msg_hdr;
      ssize_t n = 0;
      do {
        n = ::sendto(fd, h.msg_iov->iov_base, h.msg_iov->iov_len, MSG_DONTWAIT,
                     static_cast<const sockaddr*>(h.msg_name), h.msg_namelen);
      } while (n < 0 && errno == EINTR);
      if (n < 0) ++failed;
    }
    queued_ = 0;
    return failed;
  }
  // Each round sends at least one datagram or skips one that failed, so this ends
  // within queued_ rounds.
  while (next < queued_) {
    const int n = ::sendmmsg(fd, &out_msgs_[next], static_cast<unsigned>(queued_ - next), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++failed;  // sendmmsg reports the error of the first datagram: skip it
      ++next;
      continue;
    }
    next += static_cast<std::size_t>(n);
  }
  queued_ = 0;
  return failed;
}

}  // namespace voxedge::media
