#pragma once
// What we sent on one outgoing stream (one SSRC of one leg), for the sender information
// of our SR (RFC 3550 §6.4.1). Plain counters updated in place on the media worker.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/timer_service.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp_packet.hpp"

namespace voxedge::media {

class send_statistics {
 public:
  explicit send_statistics(std::uint32_t clock_rate) noexcept : clock_rate_(clock_rate) {}

  /// One RTP packet handed to the socket. `payload_size` excludes header and padding
  /// (§6.4.1 sender's octet count); `sent` is when it left, as the caller's clock says.
  void on_packet_sent(std::uint32_t rtp_timestamp, std::size_t payload_size, time_point sent) noexcept;

  /// The sender info for an SR generated at `now` (NTP `ntp_now` being the same
  /// instant in wall-clock time). The RTP timestamp is extrapolated from the last packet
  /// at the clock rate, because §6.4.1 wants it to name the same instant as the NTP
  /// timestamp, not the last packet's sampling time (which matters on hold/silence).
  sender_info make_sender_info(ntp_timestamp ntp_now, time_point now) const noexcept;

  /// Needed when the payload format (and its clock) changes mid-call.
  void set_clock_rate(std::uint32_t clock_rate) noexcept { clock_rate_ = clock_rate; }

  std::uint64_t packets_sent() const noexcept { return packets_; }
  std::uint64_t octets_sent() const noexcept { return octets_; }
  /// When the last packet went out; nullopt before the first. §6.4: a participant that
  /// sent nothing in the last two reporting intervals sends RR instead of SR.
  std::optional<time_point> last_sent() const noexcept { return last_sent_; }

 private:
  std::uint64_t packets_ = 0;
  std::uint64_t octets_ = 0;
  std::optional<time_point> last_sent_;
  std::uint32_t last_timestamp_ = 0;
  std::uint32_t clock_rate_;
};

}  // namespace voxedge::media
