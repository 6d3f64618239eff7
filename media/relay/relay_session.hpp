#pragma once
// One media session: two legs, and the packet path between them. Built on the control
// thread (sockets bound there, relay_engine::create_session), then owned by exactly one
// worker for the rest of its life (DESIGN.md §3); from then on every call is on that
// worker's thread.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

#include "base/timer_service.hpp"
#include "media/relay/packet_batch.hpp"
#include "media/relay/relay_engine.hpp"
#include "media/relay/relay_leg_state.hpp"

namespace voxedge::media {

class relay_session {
 public:
  /// Worker-side events. Called on the worker thread from inside on_datagram/tick; the
  /// listener (the worker) outlives its sessions.
  class listener {
   public:
    virtual void on_media_timeout(relay_session_id id, relay_leg leg) = 0;
    virtual void on_media_resumed(relay_session_id id, relay_leg leg) = 0;

   protected:
    ~listener() = default;
  };

  /// Sockets in the order a_rtp, a_rtcp, b_rtp, b_rtcp, already bound.
  relay_session(relay_session_id id, const session_ports& ports, std::array<boost::asio::ip::udp::socket, 4> sockets,
                time_point now);

  /// Worker thread, once: where events go, and the worker's random source (new SSRCs,
  /// RTCP interval randomisation).
  void attach(listener& l, std::mt19937& random) noexcept {
    listener_ = &l;
    random_ = &random;
  }

  void update(relay_leg leg, const leg_params& p, time_point now) noexcept;

  /// Datagram `i` of `batch`, read from `in`'s RTP socket (`rtcp_socket` false) or its
  /// RTCP socket. RTP to forward is rewritten in place and queued on `batch` for the
  /// other leg's RTP socket; the caller flushes it there. Counts into `counters`.
  void on_datagram(relay_leg in, bool rtcp_socket, packet_batch& batch, std::size_t i, time_point now,
                   std::chrono::system_clock::time_point wall, worker_metrics& counters) noexcept;
  /// `count` datagrams that came from `in` were refused by the kernel on the way out.
  void on_send_failed(relay_leg in, std::size_t count, worker_metrics& counters) noexcept;

  /// Periodic, from the worker's housekeeping timer: RTP timeouts and our RTCP.
  /// `scratch` holds one RTCP compound at a time.
  void tick(time_point now, std::chrono::system_clock::time_point wall, const relay_config& config,
            std::span<std::uint8_t> scratch, worker_metrics& counters) noexcept;

  session_stats snapshot() const;
  /// Closes the sockets: pending waits complete with operation_aborted. The object
  /// itself must outlive handlers already queued, so the worker deletes it in a later
  /// post; until then `closing()` tells those handlers to do nothing.
  void close() noexcept;
  bool closing() const noexcept { return closing_; }

  relay_session_id id() const noexcept { return id_; }
  const session_ports& ports() const noexcept { return ports_; }
  relay_leg_state& leg(relay_leg l) noexcept { return l == relay_leg::a ? a_ : b_; }
  const relay_leg_state& leg(relay_leg l) const noexcept { return l == relay_leg::a ? a_ : b_; }

 private:
  void on_rtp(relay_leg in, packet_batch& batch, std::size_t i, time_point now, worker_metrics& counters) noexcept;
  void on_rtcp(relay_leg in, std::span<const std::uint8_t> bytes, const boost::asio::ip::udp::endpoint& from,
               time_point now, std::chrono::system_clock::time_point wall, worker_metrics& counters) noexcept;
  void drop(relay_leg in, drop_reason r, worker_metrics& counters) noexcept;
  void send_rtcp(relay_leg l, time_point now, std::chrono::system_clock::time_point wall, const relay_config& config,
                 std::span<std::uint8_t> scratch, worker_metrics& counters) noexcept;
  duration randomised(duration interval) noexcept;

  relay_session_id id_;
  session_ports ports_;
  relay_leg_state a_;
  relay_leg_state b_;
  listener* listener_ = nullptr;
  std::mt19937* random_ = nullptr;
  bool closing_ = false;
};

}  // namespace voxedge::media
