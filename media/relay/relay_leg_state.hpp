#pragma once
// One leg of a relay session, on the worker that owns it: its two sockets, what SDP
// says about its peer, the source latches, the statistics of what the peer sends us
// (receive_statistics, per peer SSRC) and of what we send it (our own stream and its
// send_statistics), and our side of its terminated RTCP (DESIGN.md §4).
// relay_session moves packets between two of these; everything here is per-leg
// bookkeeping. Worker thread only, except construction (control thread, before the
// session is handed over).
#include <array>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/timer_service.hpp"
#include "media/relay/relay_engine.hpp"
#include "media/relay/source_latch.hpp"
#include "media/relay/stream_rewriter.hpp"
#include "media/rtp/receive_statistics.hpp"
#include "media/rtp/rtp_view.hpp"
#include "media/rtp/send_statistics.hpp"
#include "media/srtp/srtp_session.hpp"

namespace voxedge::media {

class relay_leg_state {
 public:
  /// Our outgoing stream's SSRC and random initial sequence number and timestamp
  /// (RFC 3550 §5.1). `now` starts the RTP timeout clock.
  relay_leg_state(boost::asio::ip::udp::socket rtp, boost::asio::ip::udp::socket rtcp, std::uint32_t ssrc,
                  std::uint16_t initial_sequence, std::uint32_t initial_timestamp, time_point now);

  /// New SDP for this leg. A changed remote address or latching mode forgets the
  /// latched sources; the timeout clock restarts (a resumed hold must not time out at
  /// once for the silence it asked for). SRTP contexts are created here, on the worker,
  /// and only for a key (or suite) they do not already run with.
  void update(const leg_params& p, time_point now) noexcept;
  const leg_params& params() const noexcept { return params_; }

  /// The leg runs SRTP: what arrives is unprotected before anything reads it, what
  /// leaves is protected.
  bool secure() const noexcept { return params_.srtp.has_value(); }
  /// In place; `size` becomes the plain length. srtp_status::failed when the leg has no
  /// context (its keys were refused).
  srtp_status unprotect_rtp(std::span<std::uint8_t> packet, std::size_t& size) noexcept;
  srtp_status unprotect_rtcp(std::span<std::uint8_t> packet, std::size_t& size) noexcept;
  /// `buffer` holds the `size`-byte packet and room for the trailer; `size` grows.
  srtp_status protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept;
  srtp_status protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept;

  enum class verdict : std::uint8_t { accepted, resumed, wrong_source };
  /// A valid RTP packet from the peer: source check, then receive statistics. `resumed`
  /// is `accepted` on a leg that had timed out. `collision` is set when the peer uses
  /// our own SSRC on this leg (§8.2): the caller picks a new one.
  verdict on_rtp(const const_rtp_view& p, const boost::asio::ip::udp::endpoint& from, time_point now,
                 bool& collision) noexcept;
  /// A packet of ours out to the peer, already rewritten (counts towards our SR, whose
  /// RTP timestamp runs at `clock_rate`).
  void on_sent(const const_rtp_view& p, time_point now, std::uint32_t clock_rate) noexcept;
  /// Which of ours goes out: the caller rewrites with it, then calls on_sent.
  stream_rewriter& outgoing() noexcept { return out_; }
  void change_ssrc(std::uint32_t ssrc) noexcept { out_.change_ssrc(ssrc); }

  /// RTCP from the peer, on either socket. Returns false when it is to be dropped (as
  /// bad_rtcp, or wrong_source when `from` is not acceptable).
  enum class rtcp_verdict : std::uint8_t { accepted, bad_rtcp, wrong_source };
  rtcp_verdict on_rtcp(std::span<const std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from,
                       time_point now, std::chrono::system_clock::time_point wall) noexcept;

  /// Whether our next report on this leg is due, and the compound to send (SR if we
  /// sent RTP within the last two intervals, else RR; §6.4), written into `out`.
  bool rtcp_due(time_point now) const noexcept { return now >= next_rtcp_; }
  bool rtcp_scheduled() const noexcept { return next_rtcp_ != time_point::max(); }
  std::span<const std::uint8_t> make_rtcp(std::span<std::uint8_t> out, time_point now,
                                          std::chrono::system_clock::time_point wall, std::string_view cname,
                                          duration interval) noexcept;
  /// §6.2/§6.3.1: the next report after `delay` (already randomised by the caller).
  void schedule_rtcp(time_point now, duration delay) noexcept { next_rtcp_ = now + delay; }
  void on_rtcp_sent() noexcept { ++stats_.rtcp_sent; }

  /// Where RTP for the peer goes: the latched source, else the signalled address.
  const boost::asio::ip::udp::endpoint* rtp_destination() const noexcept;
  /// Where our RTCP goes, and through which socket (the RTP one with rtcp-mux).
  const boost::asio::ip::udp::endpoint* rtcp_destination() noexcept;
  bool rtcp_on_rtp_socket() const noexcept { return params_.rtcp_mux; }

  /// True exactly once per silence: no RTP for the applicable timeout (zero = never).
  bool check_timeout(time_point now, duration rtp_timeout, duration hold_timeout) noexcept;

  std::uint32_t clock_rate(std::uint8_t pt) const noexcept {
    const auto r = params_.clock_rates[pt & 0x7FU];
    return r == 0 ? 8000 : r;
  }

  void count_drop(drop_reason r) noexcept { ++stats_.drops[static_cast<std::size_t>(r)]; }
  void count_forwarded(std::size_t bytes) noexcept {
    ++stats_.packets_forwarded;
    stats_.bytes_forwarded += bytes;
  }
  /// The figures as of now, derived ones (loss, jitter, MOS) included.
  leg_stats snapshot() const;

  boost::asio::ip::udp::socket& rtp_socket() noexcept { return rtp_; }
  boost::asio::ip::udp::socket& rtcp_socket() noexcept { return rtcp_; }
  void close() noexcept;

 private:
  void update_srtp(const leg_srtp& keys) noexcept;

  boost::asio::ip::udp::socket rtp_;
  boost::asio::ip::udp::socket rtcp_;
  leg_params params_;
  // The contexts outlive an SRTP-less update, with the keys they were made with: should
  // the same key come back, the same context (and so the same packet index) continues
  // instead of a fresh one reusing keystream (RFC 3711 §9.1).
  std::optional<srtp_session> srtp_in_;
  std::optional<srtp_session> srtp_out_;
  std::optional<srtp_keying> srtp_in_key_;
  std::optional<srtp_keying> srtp_out_key_;

  source_latch rtp_latch_;
  source_latch rtcp_latch_;
  std::optional<boost::asio::ip::udp::endpoint> rtcp_fallback_;  // remote_rtp port + 1 (RFC 3605 default)

  std::optional<receive_statistics> rx_;  // the peer's current SSRC
  std::int64_t earlier_lost_ = 0;         // A.3 figures of the peer's previous SSRCs
  std::int64_t earlier_expected_ = 0;
  std::optional<std::uint8_t> last_pt_;

  stream_rewriter out_;
  send_statistics tx_{8000};
  std::uint32_t sent_clock_rate_ = 8000;

  time_point last_rtp_;  // or the last update: the RTP timeout counts from here
  bool timed_out_ = false;
  time_point next_rtcp_;
  std::optional<double> rtt_ms_;
  std::optional<double> remote_loss_percent_;
  leg_stats stats_;  // the plain counters; snapshot() adds the derived figures
};

}  // namespace voxedge::media
