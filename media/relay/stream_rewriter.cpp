#include "media/relay/stream_rewriter.hpp"

#include "media/rtp/rtp_clock.hpp"

namespace voxedge::media {

void stream_rewriter::rewrite(const rtp_view& p, time_point now, std::uint32_t clock_rate) noexcept {
  const bool new_source = !started_ || p.ssrc() != source_ssrc_;
  if (new_source) {
    if (started_) {
      next_sequence_ = static_cast<std::uint16_t>(highest_sequence_ + 1U);
      // At least one tick, so the new source's first packet never repeats a timestamp.
      auto ticks = to_rtp_ticks(wrapping_difference(now, highest_sent_), clock_rate);
      if (ticks == 0 || ticks > 0x7FFFFFFFU) ticks = 1;
      next_timestamp_ = highest_timestamp_ + ticks;
      ++source_changes_;
    }
    sequence_offset_ = static_cast<std::uint16_t>(next_sequence_ - p.sequence_number());
    timestamp_offset_ = next_timestamp_ - p.timestamp();
    source_ssrc_ = p.ssrc();
  }
  const auto sequence = static_cast<std::uint16_t>(p.sequence_number() + sequence_offset_);
  const std::uint32_t timestamp = p.timestamp() + timestamp_offset_;
  // Newer by serial-number arithmetic (RFC 1982): a late packet keeps its place.
  if (new_source || static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - highest_sequence_)) > 0) {
    highest_sequence_ = sequence;
    highest_timestamp_ = timestamp;
    highest_sent_ = now;
  }
  if (new_source && started_) p.set_marker(true);
  started_ = true;
  p.set_sequence_number(sequence);
  p.set_timestamp(timestamp);
  p.set_ssrc(ssrc_);
}

}  // namespace voxedge::media
