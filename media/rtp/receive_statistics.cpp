#include "media/rtp/receive_statistics.hpp"

#include <algorithm>

#include "media/rtp/rtp_clock.hpp"

namespace voxedge::media {

namespace {

constexpr std::uint32_t rtp_seq_mod = 1U << 16;  // A.1 RTP_SEQ_MOD

// §6.4.1: cumulative loss is a signed 24-bit field; A.3 clamps it.
constexpr std::int64_t max_cumulative_lost = 0x7FFFFF;
constexpr std::int64_t min_cumulative_lost = -0x800000;

// A transit-time step this large is a timestamp discontinuity at the sender (a new
// source behind the same SSRC, a timestamp reset), not network jitter; folding it
// into A.8 would report seconds of jitter for the next minute. libwebrtc ignores such
// steps the same way. The cap keeps 16 * step inside 32 bits for any clock rate.
constexpr std::uint64_t jitter_guard_seconds = 5;
constexpr std::uint64_t jitter_guard_cap = 1U << 27;

}  // namespace

std::string_view to_string(packet_verdict v) noexcept {
  switch (v) {
    case packet_verdict::probation: return "probation";
    case packet_verdict::in_order: return "in_order";
    case packet_verdict::reordered: return "reordered";
    case packet_verdict::duplicate: return "duplicate";
    case packet_verdict::bad_sequence: return "bad_sequence";
    case packet_verdict::restarted: return "restarted";
  }
  return "unknown";
}

receive_statistics::receive_statistics(std::uint32_t ssrc, std::uint32_t clock_rate, sequence_limits limits) noexcept
    : ssrc_(ssrc), clock_rate_(clock_rate), limits_(limits) {}

packet_verdict receive_statistics::on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                                             std::size_t payload_size, std::size_t packet_size,
                                             time_point arrival) noexcept {
  last_arrival_ = arrival;
  if (!started_) {
    // A.1, a source heard for the first time. MIN_SEQUENTIAL 0 behaves as 1: the
    // probation step is what re-bases cleanly when the first sequence number is 0.
    started_ = true;
    init_sequence(sequence);
    max_seq_ = static_cast<std::uint16_t>(sequence - 1);
    probation_ = std::max<std::uint32_t>(limits_.min_sequential, 1);
    arrival_base_ = arrival;
  }
  const packet_verdict verdict = update_sequence(sequence);
  switch (verdict) {
    case packet_verdict::probation:
    case packet_verdict::bad_sequence: ++discarded_; return verdict;
    case packet_verdict::duplicate: ++duplicates_; break;
    case packet_verdict::reordered: ++reordered_; break;
    case packet_verdict::restarted: ++restarts_; break;
    case packet_verdict::in_order: break;
  }
  ++packets_;
  bytes_ += packet_size;
  payload_bytes_ += payload_size;
  update_jitter(rtp_timestamp, arrival);
  return verdict;
}

// A.1 update_seq(), with one addition: the history bitmap splits its "duplicate or
// reordered" case in two for the counters. What is counted as received is unchanged.
packet_verdict receive_statistics::update_sequence(std::uint16_t seq) noexcept {
  const std::uint16_t udelta = static_cast<std::uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // The source is not valid until MIN_SEQUENTIAL packets arrive in sequence.
    if (seq == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = seq;
      if (probation_ == 0) {
        init_sequence(seq);
        ++received_;
        return packet_verdict::in_order;
      }
    } else {
      probation_ = limits_.min_sequential > 0 ? limits_.min_sequential - 1U : 0U;
      max_seq_ = seq;
    }
    return packet_verdict::probation;
  }

  packet_verdict verdict = packet_verdict::in_order;
  if (udelta < limits_.max_dropout) {
    // In order, with a permissible gap. udelta 0 is the newest packet again.
    if (udelta == 0) {
      verdict = packet_verdict::duplicate;
    } else {
      const std::uint64_t before = extended_highest_sequence();
      if (seq < max_seq_) cycles_ += rtp_seq_mod;  // the sequence number wrapped
      max_seq_ = seq;
      advance_history(before, extended_highest_sequence());
    }
  } else if (udelta <= rtp_seq_mod - limits_.max_misorder) {
    // A very large jump. Two sequential packets mean the other side restarted without
    // telling us, so re-sync as if this were the first packet.
    if (seq != bad_seq_) {
      bad_seq_ = (seq + 1U) & (rtp_seq_mod - 1);
      return packet_verdict::bad_sequence;
    }
    init_sequence(seq);
    verdict = packet_verdict::restarted;
  } else {
    // Duplicate or reordered: `behind` packets older than the highest.
    const std::uint64_t behind = rtp_seq_mod - udelta;
    verdict = packet_verdict::reordered;
    if (behind < history_bits && test_and_set(extended_highest_sequence() - behind)) {
      verdict = packet_verdict::duplicate;
    }
  }
  ++received_;
  return verdict;
}

void receive_statistics::init_sequence(std::uint16_t seq) noexcept {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = rtp_seq_mod + 1;  // so seq == bad_seq_ is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
  history_.fill(0);
  test_and_set(seq);
  // A restarted sender restarts its timestamps too: the next transit is a new baseline.
  have_transit_ = false;
}

void receive_statistics::advance_history(std::uint64_t from, std::uint64_t to) noexcept {
  if (to - from >= history_bits) {
    history_.fill(0);
  } else {
    for (std::uint64_t s = from + 1; s != to; ++s) {
      history_[(s / 64) % history_.size()] &= ~(std::uint64_t{1} << (s % 64));
    }
    history_[(to / 64) % history_.size()] &= ~(std::uint64_t{1} << (to % 64));
  }
  test_and_set(to);
}

bool receive_statistics::test_and_set(std::uint64_t extended) noexcept {
  // history_bits divides 2^64, so indices stay consistent across unsigned wrap-around.
  auto& word = history_[(extended / 64) % history_.size()];
  const std::uint64_t bit = std::uint64_t{1} << (extended % 64);
  const bool seen = (word & bit) != 0;
  word |= bit;
  return seen;
}

// A.8, for every counted packet in arrival order ("not necessarily in sequence",
// §6.4.1): D = (Rj - Ri) - (Sj - Si) in timestamp units, J += (|D| - J) / 16, in the
// RFC's integer form that keeps J times 16.
void receive_statistics::update_jitter(std::uint32_t rtp_timestamp, time_point arrival) noexcept {
  if (clock_rate_ == 0) return;
  const std::uint32_t arrival_ticks = to_rtp_ticks(wrapping_difference(arrival, arrival_base_), clock_rate_);
  const std::uint32_t transit = arrival_ticks - rtp_timestamp;
  if (have_transit_) {
    const auto d = static_cast<std::int32_t>(transit - transit_);
    const std::uint32_t abs_d = d < 0 ? 0U - static_cast<std::uint32_t>(d) : static_cast<std::uint32_t>(d);
    const auto guard = std::min<std::uint64_t>(std::uint64_t{clock_rate_} * jitter_guard_seconds, jitter_guard_cap);
    if (abs_d < guard) jitter_q4_ += abs_d - ((jitter_q4_ + 8) >> 4);
  }
  transit_ = transit;
  have_transit_ = true;
}

void receive_statistics::on_sender_report(ntp_timestamp ntp, time_point arrival) noexcept {
  last_sr_ = ntp.compact();
  last_sr_arrival_ = arrival;
  have_sr_ = true;
}

report_block receive_statistics::make_report_block(time_point now) noexcept {
  report_block b;
  b.ssrc = ssrc_;
  if (valid()) {
    // A.3: loss over the interval since the previous report.
    const std::int64_t expected_now = expected();
    const std::int64_t expected_interval = expected_now - expected_prior_;
    expected_prior_ = expected_now;
    const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
    received_prior_ = received_;
    const std::int64_t lost_interval = expected_interval - received_interval;
    // A.3: fraction = (lost << 8) / expected, 0 when loss is not positive. The packet
    // that raised `expected` was itself received, so this stays under 256; the min()
    // only keeps the 8-bit field from ever wrapping.
    fraction_lost_ =
        (expected_interval <= 0 || lost_interval <= 0)
            ? 0
            : static_cast<std::uint8_t>(std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
    b.fraction_lost = fraction_lost_;
    b.cumulative_lost =
        static_cast<std::int32_t>(std::clamp(cumulative_lost(), min_cumulative_lost, max_cumulative_lost));
    b.extended_highest_sequence = static_cast<std::uint32_t>(extended_highest_sequence());
    b.jitter = jitter();
  }
  if (have_sr_) {
    b.last_sr = last_sr_;
    b.delay_since_last_sr = to_compact_ntp(wrapping_difference(now, last_sr_arrival_));
  }
  return b;
}

void receive_statistics::set_clock_rate(std::uint32_t clock_rate) noexcept {
  if (clock_rate == clock_rate_) return;
  // Keep the jitter estimate, re-expressed in the new clock's units.
  jitter_q4_ = clock_rate_ == 0 ? 0
                                : static_cast<std::uint32_t>(std::min<std::uint64_t>(
                                      std::uint64_t{jitter_q4_} * clock_rate / clock_rate_, jitter_guard_cap * 16));
  clock_rate_ = clock_rate;
  have_transit_ = false;
}

std::int64_t receive_statistics::expected() const noexcept {
  if (!valid()) return 0;
  return static_cast<std::int64_t>(extended_highest_sequence()) - base_seq_ + 1;
}

double receive_statistics::loss_percent() const noexcept {
  const std::int64_t e = expected();
  const std::int64_t lost = cumulative_lost();
  if (e <= 0 || lost <= 0) return 0.0;
  return 100.0 * static_cast<double>(lost) / static_cast<double>(e);
}

double receive_statistics::jitter_ms() const noexcept {
  if (clock_rate_ == 0) return 0.0;
  return static_cast<double>(jitter_q4_) / 16.0 * 1000.0 / static_cast<double>(clock_rate_);
}

}  // namespace voxedge::media
