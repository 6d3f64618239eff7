#pragma once
// Our own outgoing RTP stream on one leg. Whatever arrives from the other leg (one SSRC,
// then another after a re-INVITE moved the media to another server, or a source that
// restarted) leaves with our SSRC and one continuous sequence and timestamp space, so the
// far side's jitter buffer and statistics see a single source (RFC 3550 §8.2: the SSRC is
// ours, chosen at random and changed if the far side turns out to use the same one;
// §5.1: random initial sequence number and timestamp).
//
// Offsets, not counters: out = in + offset, with the offsets re-based only when the
// source SSRC changes. So reordering, loss and duplicates pass through unchanged (the far
// side measures them as they are) and a packet costs two additions.
#include <cstdint>

#include "base/timer_service.hpp"
#include "media/rtp/rtp_view.hpp"

namespace voxedge::media {

class stream_rewriter {
 public:
  stream_rewriter(std::uint32_t ssrc, std::uint16_t initial_sequence, std::uint32_t initial_timestamp) noexcept
      : ssrc_(ssrc), next_sequence_(initial_sequence), next_timestamp_(initial_timestamp) {}

  /// Rewrites SSRC, sequence number and timestamp of `p` in place. On the first packet
  /// of a new source the stream continues one sequence number after the highest sent,
  /// and the timestamp advances by the wall time elapsed since then at `clock_rate`; the
  /// marker bit is set there, as at the start of a talkspurt (RFC 3551 §4.1), so the
  /// receiver re-syncs its playout.
  void rewrite(const rtp_view& p, time_point now, std::uint32_t clock_rate) noexcept;

  /// A new SSRC of our own (collision, §8.2). The sequence continues.
  void change_ssrc(std::uint32_t ssrc) noexcept { ssrc_ = ssrc; }

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  bool started() const noexcept { return started_; }
  /// The SSRC of the source currently being relayed.
  std::uint32_t source_ssrc() const noexcept { return source_ssrc_; }
  std::uint64_t source_changes() const noexcept { return source_changes_; }
  std::uint16_t highest_sequence() const noexcept { return highest_sequence_; }
  std::uint32_t highest_timestamp() const noexcept { return highest_timestamp_; }

 private:
  std::uint32_t ssrc_;
  std::uint16_t next_sequence_;  // for the first packet of the next source
  std::uint32_t next_timestamp_;
  bool started_ = false;
  std::uint32_t source_ssrc_ = 0;
  std::uint16_t sequence_offset_ = 0;
  std::uint32_t timestamp_offset_ = 0;
  std::uint16_t highest_sequence_ = 0;
  std::uint32_t highest_timestamp_ = 0;
  time_point highest_sent_{};
  std::uint64_t source_changes_ = 0;
};

}  // namespace voxedge::media
