#include "media/rtp/send_statistics.hpp"

#include "media/rtp/rtp_clock.hpp"

namespace voxedge::media {

void send_statistics::on_packet_sent(std::uint32_t rtp_timestamp, std::size_t payload_size, time_point sent) noexcept {
  ++packets_;
  octets_ += payload_size;
  last_timestamp_ = rtp_timestamp;
  last_sent_ = sent;
}

sender_info send_statistics::make_sender_info(ntp_timestamp ntp_now, time_point now) const noexcept {
  sender_info info;
  info.ntp = ntp_now;
  // §6.4.1: both counts wrap at 2^32 on the wire.
  info.packet_count = static_cast<std::uint32_t>(packets_);
  info.octet_count = static_cast<std::uint32_t>(octets_);
  info.rtp_timestamp =
      last_sent_ ? last_timestamp_ + to_rtp_ticks(wrapping_difference(now, *last_sent_), clock_rate_) : last_timestamp_;
  return info;
}

}  // namespace voxedge::media
