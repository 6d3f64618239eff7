#pragma once
// Reception statistics for one incoming RTP source (one SSRC of one leg), as RFC 3550
// Appendix A computes them: sequence validation and the extended highest sequence
// number (A.1), expected and lost packets, cumulative and per interval (A.3), and
// interarrival jitter (A.8). They feed our own RR report blocks (RTCP is terminated per
// leg) and the per-call quality figures (loss, jitter, MOS).
//
// Lives on the media worker that owns the leg: no locks, no allocation, every figure a
// plain field updated in place. Time is injected: each packet comes with its arrival
// time on the worker's steady clock, so tests drive it without sleeping.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/timer_service.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/rtcp_packet.hpp"
#include "media/rtp/rtp_view.hpp"

namespace voxedge::media {

/// The constants of A.1, with the RFC's values.
struct sequence_limits {
  std::uint16_t max_dropout = 3000;  // MAX_DROPOUT: a larger forward jump is suspect
  std::uint16_t max_misorder = 100;  // MAX_MISORDER: how late a packet may be and still count
  std::uint8_t min_sequential = 2;   // MIN_SEQUENTIAL: in-sequence packets before a source is
                                     // valid; 0 or 1 accepts the first packet
};

/// What one packet did to the statistics.
enum class packet_verdict : std::uint8_t {
  probation,     // source not yet valid (A.1 probation); not counted
  in_order,      // advanced the highest sequence number, maybe past a gap
  reordered,     // arrived late (within MAX_MISORDER) and had not been seen: counted
  duplicate,     // a copy of a packet already counted; counted anyway, as A.3 does
  bad_sequence,  // a jump beyond MAX_DROPOUT / MAX_MISORDER; ignored unless the next
                 // packet follows it, which is then `restarted`
  restarted,     // the source restarted its sequence: statistics re-based here (A.1)
};
std::string_view to_string(packet_verdict v) noexcept;

class receive_statistics {
 public:
  receive_statistics(std::uint32_t ssrc, std::uint32_t clock_rate, sequence_limits limits = {}) noexcept;

  /// One packet from this source. `payload_size` excludes header and padding;
  /// `packet_size` is the whole RTP packet. A packet that is not counted (probation,
  /// bad_sequence) still refreshes last_arrival(): the source is alive.
  packet_verdict on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp, std::size_t payload_size,
                           std::size_t packet_size, time_point arrival) noexcept;
  template <class Byte>
  packet_verdict on_packet(const basic_rtp_view<Byte>& p, time_point arrival) noexcept {
    return on_packet(p.sequence_number(), p.timestamp(), p.payload().size(), p.size(), arrival);
  }

  /// An SR from this source arrived: its NTP time is echoed as LSR, and the time it
  /// spent with us as DLSR, in our next report block (§6.4.1).
  void on_sender_report(ntp_timestamp ntp, time_point arrival) noexcept;

  /// The report block about this source for an RR/SR generated at `now`. Closes the
  /// reporting interval: fraction lost covers the packets since the previous call (A.3).
  report_block make_report_block(time_point now) noexcept;

  /// A new payload format with another clock; jitter restarts from the next packet.
  void set_clock_rate(std::uint32_t clock_rate) noexcept;

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  std::uint32_t clock_rate() const noexcept { return clock_rate_; }
  /// Past probation: the figures below mean something.
  bool valid() const noexcept { return started_ && probation_ == 0; }
  /// A.1 received count since the last (re)start, duplicates and late packets included.
  std::uint64_t received() const noexcept { return received_; }
  /// A.3: extended highest sequence number minus base, plus one.
  std::int64_t expected() const noexcept;
  /// A.3 cumulative loss, unclamped; negative when duplicates outnumber the losses.
  std::int64_t cumulative_lost() const noexcept { return expected() - static_cast<std::int64_t>(received_); }
  /// Cumulative loss as a percentage of expected, 0-100 (negative loss counts as none).
  double loss_percent() const noexcept;
  /// cycles << 16 | highest sequence number seen (A.1), not truncated to 32 bits.
  std::uint64_t extended_highest_sequence() const noexcept { return cycles_ + max_seq_; }
  /// A.8 interarrival jitter in timestamp units, as the report block carries it.
  std::uint32_t jitter() const noexcept { return jitter_q4_ >> 4; }
  /// The same in milliseconds, for people and the E-model.
  double jitter_ms() const noexcept;
  /// Fraction lost of the last closed interval (make_report_block), 8-bit fixed point.
  std::uint8_t last_fraction_lost() const noexcept { return fraction_lost_; }
  bool heard_since_last_report() const noexcept { return received_ != received_prior_; }

  // Lifetime counters: they survive restarts.
  std::uint64_t packets() const noexcept { return packets_; }  // counted packets
  std::uint64_t bytes() const noexcept { return bytes_; }      // their RTP packet sizes
  std::uint64_t payload_bytes() const noexcept { return payload_bytes_; }
  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t reordered() const noexcept { return reordered_; }
  std::uint64_t discarded() const noexcept { return discarded_; }  // probation and bad_sequence
  std::uint64_t restarts() const noexcept { return restarts_; }
  /// Last packet of any verdict; the caller's RTP timeout compares it with its clock.
  std::optional<time_point> last_arrival() const noexcept { return last_arrival_; }

 private:
  /// Sequence numbers seen recently, to tell a duplicate from a late first copy. A.1 has
  /// no such thing (it counts both as received); 1024 packets cover MAX_MISORDER.
  static constexpr std::size_t history_bits = 1024;

  packet_verdict update_sequence(std::uint16_t seq) noexcept;
  void init_sequence(std::uint16_t seq) noexcept;
  void advance_history(std::uint64_t from, std::uint64_t to) noexcept;
  bool test_and_set(std::uint64_t extended) noexcept;
  void update_jitter(std::uint32_t rtp_timestamp, time_point arrival) noexcept;

  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;
  sequence_limits limits_;

  // A.1 source state.
  bool started_ = false;
  std::uint16_t max_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  std::uint32_t base_seq_ = 0;
  std::uint32_t probation_ = 0;
  std::uint64_t cycles_ = 0;  // shifted count of sequence number cycles
  std::uint64_t received_ = 0;
  std::uint64_t received_prior_ = 0;
  std::int64_t expected_prior_ = 0;
  std::array<std::uint64_t, history_bits / 64> history_{};

  // A.8 jitter, kept times 16 as in the RFC's integer code.
  std::uint32_t jitter_q4_ = 0;
  std::uint32_t transit_ = 0;
  bool have_transit_ = false;
  time_point arrival_base_{};  // arrivals are counted in RTP ticks from here

  // Last SR from this source, for LSR/DLSR.
  std::uint32_t last_sr_ = 0;
  time_point last_sr_arrival_{};
  bool have_sr_ = false;

  std::uint8_t fraction_lost_ = 0;
  std::uint64_t packets_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t payload_bytes_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t discarded_ = 0;
  std::uint64_t restarts_ = 0;
  std::optional<time_point> last_arrival_;
};

}  // namespace voxedge::media
