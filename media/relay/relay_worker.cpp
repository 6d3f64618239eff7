#include "media/relay/relay_worker.hpp"

#include <pthread.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/random.hpp"

namespace voxedge::media {

namespace {

/// Datagrams one socket may move per turn before the others get theirs.
constexpr std::size_t datagrams_per_turn = 128;

/// Often enough to catch a timeout within a quarter of it, seldom enough to cost
/// nothing: timeouts are checked by this timer, never per packet.
duration tick_interval(const relay_config& c) {
  duration shortest = std::chrono::seconds(1);
  for (const duration d : {c.rtp_timeout, c.rtp_hold_timeout, c.rtcp_interval / 2, c.stats_interval}) {
    if (d > duration::zero()) shortest = std::min(shortest, d);
  }
  return std::clamp<duration>(shortest / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

void relaxed_store(std::atomic<std::uint64_t>& a, std::uint64_t v) noexcept { a.store(v, std::memory_order_relaxed); }

}  // namespace

relay_worker::relay_worker(unsigned index, const relay_config& config, port_pool pool, boost::asio::io_context& control,
                           std::weak_ptr<relay_engine*> engine)
    : index_(index),
      config_(config),
      control_(control),
      engine_(std::move(engine)),
      ports_(std::move(pool)),
      batch_(config.batch_size),
      random_(static_cast<std::mt19937::result_type>(random_u64())) {}

relay_worker::~relay_worker() {
  stop();
  sessions_.clear();
}

void relay_worker::start() {
  work_.emplace(boost::asio::make_work_guard(io_));
  next_stats_ = steady_clock::now() + config_.stats_interval;
  schedule_tick();
  thread_ = std::thread([this] {
    const std::string name = "relay-" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    io_.run();
  });
}

void relay_worker::stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  io_.stop();
  thread_.join();
}

template <class Fn>
void relay_worker::to_control(Fn&& fn) {
  boost::asio::post(control_, [engine = engine_, f = std::forward<Fn>(fn)]() mutable {
    if (const auto e = engine.lock()) f(**e);
  });
}

void relay_worker::adopt(std::unique_ptr<relay_session> session) {
  ++assigned_;
  boost::asio::post(io_, [this, s = std::move(session)]() mutable {
    relay_session& ref = *s;
    ref.attach(*this, random_);
    sessions_.emplace(ref.id(), std::move(s));
    for (const relay_leg l : {relay_leg::a, relay_leg::b}) {
      for (const bool rtcp : {false, true}) start_reading(ref, l, rtcp);
    }
  });
}

void relay_worker::update(relay_session_id id, relay_leg leg, const leg_params& params) {
  boost::asio::post(io_, [this, id, leg, params] {
    if (const auto it = sessions_.find(id); it != sessions_.end()) it->second->update(leg, params, steady_clock::now());
  });
}

void relay_worker::destroy(relay_session_id id) {
  boost::asio::post(io_, [this, id] {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    std::unique_ptr<relay_session> s = std::move(it->second);
    sessions_.erase(it);
    s->close();
    session_stats final_stats = s->snapshot();
    const session_ports ports = s->ports();
    // Handlers of this session already queued run before this post (FIFO) and see
    // closing(); only then is the session deleted (DESIGN.md §3: deferred delete).
    boost::asio::post(io_, [dead = std::move(s)] {});
    to_control([this, id, ports, stats = std::move(final_stats)](relay_engine& engine) {
      ports_.release(ports.a_rtp);
      ports_.release(ports.b_rtp);
      --assigned_;
      engine.on_closed(id, stats);
    });
  });
}

void relay_worker::start_reading(relay_session& s, relay_leg leg, bool rtcp) {
  auto& socket = rtcp ? s.leg(leg).rtcp_socket() : s.leg(leg).rtp_socket();
  boost::system::error_code ec;
  if (socket.available(ec) == 0 && !ec) return arm(s, leg, rtcp);
  // A datagram arrived between the bind (control thread) and now: its edge (EPOLLET)
  // may be spent already, so a wait alone would not see it. Drain by post rather than
  // here, so that update_leg messages queued before it was sent apply to it.
  boost::asio::post(io_, [this, session = &s, leg, rtcp] {
    if (!session->closing()) drain(*session, leg, rtcp);
  });
}

void relay_worker::arm(relay_session& s, relay_leg leg, bool rtcp) {
  auto& socket = rtcp ? s.leg(leg).rtcp_socket() : s.leg(leg).rtp_socket();
  socket.async_wait(boost::asio::ip::udp::socket::wait_read,
                    [this, session = &s, leg, rtcp](const boost::system::error_code& ec) {
                      // On error (operation_aborted after close) the session may be on its
                      // way out: touch nothing.
                      if (ec || session->closing()) return;
                      drain(*session, leg, rtcp);
                    });
}

void relay_worker::drain(relay_session& s, relay_leg leg, bool rtcp) {
  relay_leg_state& in = s.leg(leg);
  const int fd = rtcp ? in.rtcp_socket().native_handle() : in.rtp_socket().native_handle();
  const int out_fd = s.leg(other_leg(leg)).rtp_socket().native_handle();
  const std::size_t rounds = std::max<std::size_t>(1, datagrams_per_turn / batch_.batch_size());
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::size_t n = batch_.receive(fd);
    if (n == 0) return arm(s, leg, rtcp);
    ++counters_.receive_calls;
    // One clock read per batch: the datagrams of one batch arrived together as far as
    // the worker can tell.
    const time_point now = steady_clock::now();
    const auto wall = std::chrono::system_clock::now();
    for (std::size_t i = 0; i < n; ++i) s.on_datagram(leg, rtcp, batch_, i, now, wall, counters_);
    if (batch_.queued() > 0) {
      if (const std::size_t failed = batch_.flush(out_fd)) s.on_send_failed(leg, failed, counters_);
    }
    if (n < batch_.batch_size()) return arm(s, leg, rtcp);  // a short batch: drained
  }
  // Still backlogged: continue after the other ready handlers (fairness between calls).
  boost::asio::post(io_, [this, session = &s, leg, rtcp] {
    if (!session->closing()) drain(*session, leg, rtcp);
  });
}

void relay_worker::schedule_tick() {
  tick_.expires_after(tick_interval(config_));
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_tick();
  });
}

void relay_worker::on_tick() {
  const time_point now = steady_clock::now();
  const auto wall = std::chrono::system_clock::now();
  for (auto& [id, s] : sessions_) s->tick(now, wall, config_, rtcp_scratch_, counters_);
  if (config_.stats_interval > duration::zero() && now >= next_stats_) {
    next_stats_ = now + config_.stats_interval;
    if (!sessions_.empty()) {
      std::vector<std::pair<relay_session_id, session_stats>> snapshots;
      snapshots.reserve(sessions_.size());
      for (const auto& [id, s] : sessions_) snapshots.emplace_back(id, s->snapshot());
      to_control([all = std::move(snapshots)](relay_engine& engine) {
        for (const auto& [id, stats] : all) engine.listener_.on_stats(id, stats);
      });
    }
  }
  publish();
  schedule_tick();
}

void relay_worker::publish() noexcept {
  relaxed_store(published_.packets_relayed, counters_.packets_relayed);
  relaxed_store(published_.bytes_relayed, counters_.bytes_relayed);
  relaxed_store(published_.rtcp_received, counters_.rtcp_received);
  relaxed_store(published_.rtcp_sent, counters_.rtcp_sent);
  relaxed_store(published_.receive_calls, counters_.receive_calls);
  for (std::size_t i = 0; i < drop_reason_count; ++i) relaxed_store(published_.drops[i], counters_.drops[i]);
}

worker_metrics relay_worker::metrics() const {
  worker_metrics m;
  m.packets_relayed = published_.packets_relayed.load(std::memory_order_relaxed);
  m.bytes_relayed = published_.bytes_relayed.load(std::memory_order_relaxed);
  m.rtcp_received = published_.rtcp_received.load(std::memory_order_relaxed);
  m.rtcp_sent = published_.rtcp_sent.load(std::memory_order_relaxed);
  m.receive_calls = published_.receive_calls.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < drop_reason_count; ++i) m.drops[i] = published_.drops[i].load(std::memory_order_relaxed);
  m.sessions = assigned_;
  m.ports_in_use = 2 * ports_.in_use();
  m.ports_total = 2 * ports_.size();
  return m;
}

void relay_worker::on_media_timeout(relay_session_id id, relay_leg leg) {
  to_control([id, leg](relay_engine& engine) { engine.listener_.on_media_timeout(id, leg); });
}

void relay_worker::on_media_resumed(relay_session_id id, relay_leg leg) {
  to_control([id, leg](relay_engine& engine) { engine.listener_.on_media_resumed(id, leg); });
}

}  // namespace voxedge::media
