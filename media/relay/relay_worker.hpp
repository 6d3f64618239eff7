#pragma once
// One media worker (DESIGN.md §3): a thread running its own io_context, the sessions it
// owns, its slice of the port range, and the scratch its packet path reuses. The
// control thread creates sessions, binds their sockets and hands them over by post;
// from then on only this worker's thread touches them.
//
// Readiness, not reads: each socket has one async_wait(wait_read) outstanding, and on
// readiness the worker drains the socket itself with recvmmsg (MSG_DONTWAIT) into the
// worker's batch, so Asio's reactor does the waiting without a per-datagram operation.
// Asio registers sockets edge-triggered (EPOLLET), so a socket is only re-armed after a
// short batch proved it empty; a socket still backlogged after a turn's budget is
// continued by post, letting the other sockets of the worker have their turn.
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>

#include "media/relay/packet_batch.hpp"
#include "media/relay/port_pool.hpp"
#include "media/relay/relay_engine.hpp"
#include "media/relay/relay_session.hpp"

namespace voxedge::media {

class relay_worker final : private relay_session::listener {
 public:
  relay_worker(unsigned index, const relay_config& config, port_pool pool, boost::asio::io_context& control,
               std::weak_ptr<relay_engine*> engine);
  ~relay_worker();
  relay_worker(const relay_worker&) = delete;
  relay_worker& operator=(const relay_worker&) = delete;

  // Control thread.
  void start();
  /// Stops the loop and joins the thread; sessions still here are dropped.
  void stop();
  /// Sockets of new sessions are created on this context (from the control thread,
  /// which Asio's reactor allows), their waits and handlers then run on the worker.
  boost::asio::io_context& io() noexcept { return io_; }
  port_pool& ports() noexcept { return ports_; }
  const port_pool& ports() const noexcept { return ports_; }
  /// Sessions handed to this worker and not yet reported closed (control's count).
  std::size_t assigned() const noexcept { return assigned_; }
  void adopt(std::unique_ptr<relay_session> session);
  void update(relay_session_id id, relay_leg leg, const leg_params& params);
  void destroy(relay_session_id id);
  worker_metrics metrics() const;
  unsigned index() const noexcept { return index_; }

 private:
  // Worker thread.
  void start_reading(relay_session& s, relay_leg leg, bool rtcp);
  void arm(relay_session& s, relay_leg leg, bool rtcp);
  void drain(relay_session& s, relay_leg leg, bool rtcp);
  void schedule_tick();
  void on_tick();
  void publish() noexcept;
  void on_media_timeout(relay_session_id id, relay_leg leg) override;
  void on_media_resumed(relay_session_id id, relay_leg leg) override;
  /// Runs `fn(engine)` on the control thread if the engine still exists then.
  template <class Fn>
  void to_control(Fn&& fn);

  unsigned index_;
  const relay_config& config_;  // the engine's; immutable while workers run
  boost::asio::io_context& control_;
  std::weak_ptr<relay_engine*> engine_;

  // Control thread only.
  port_pool ports_;
  std::size_t assigned_ = 0;

  // Declared first among the worker-side members so it is destroyed last: sockets and
  // timers must go before their io_context.
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;

  // Worker thread only.
  std::unordered_map<relay_session_id, std::unique_ptr<relay_session>> sessions_;
  packet_batch batch_;
  alignas(16) std::array<std::uint8_t, 1500> rtcp_scratch_{};  // aligned: SRTP reads header words in place
  std::mt19937 random_;
  boost::asio::steady_timer tick_{io_};
  time_point next_stats_{};
  worker_metrics counters_;  // plain, worker-owned; published at each tick

  /// What control reads at scrape time. Why publish instead of asking the worker by
  /// post: a scrape never waits on a busy worker and the worker never allocates a reply.
  /// Why at each tick rather than per packet: the hot path increments plain fields in a
  /// line no other core reads, and the handful of relaxed stores per tick (≤ 250 ms
  /// apart) are free; a scrape sees figures at most one tick old. Aligned to its own
  /// cache line so one worker's stores never invalidate another's.
  struct alignas(64) published_metrics {
    std::atomic<std::uint64_t> packets_relayed{0};
    std::atomic<std::uint64_t> bytes_relayed{0};
    std::atomic<std::uint64_t> rtcp_received{0};
    std::atomic<std::uint64_t> rtcp_sent{0};
    std::atomic<std::uint64_t> receive_calls{0};
    std::array<std::atomic<std::uint64_t>, drop_reason_count> drops{};
  };
  published_metrics published_;
};

}  // namespace voxedge::media
