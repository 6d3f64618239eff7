#include "media/relay/relay_engine.hpp"

#include <algorithm>
#include <boost/system/error_code.hpp>
#include <numeric>
#include <thread>

#include "media/relay/relay_session.hpp"
#include "media/relay/relay_worker.hpp"

namespace voxedge::media {

namespace {

using boost::asio::ip::udp;

/// An RTP port and the RTCP port above it, both bound.
struct bound_pair {
  std::uint16_t rtp_port = 0;
  udp::socket rtp;
  udp::socket rtcp;
};

boost::system::error_code bind_socket(udp::socket& s, const boost::asio::ip::address& address, std::uint16_t port) {
  boost::system::error_code ec;
  s.open(address.is_v6() ? udp::v6() : udp::v4(), ec);
  if (!ec) s.bind(udp::endpoint(address, port), ec);
  // The worker reads with MSG_DONTWAIT and never through a blocking Asio call; marking
  // the socket non-blocking too keeps any stray synchronous call from stalling it.
  if (!ec) s.non_blocking(true, ec);
  return ec;
}

/// Sweeps the worker's pool once for a pair whose two ports both bind on `address`
/// (another process may hold a port of our range there: skip it, as the brief for a port
/// range demands). Any other error (the address is not on this host) would fail on every
/// port alike: the sweep stops at once and says so.
result<bound_pair, relay_error> bind_pair(relay_worker& w, const boost::asio::ip::address& address) {
  port_pool& pool = w.ports();
  for (std::size_t attempt = 0; attempt < pool.size(); ++attempt) {
    const auto port = pool.acquire();
    if (!port) break;
    bound_pair p{*port, udp::socket(w.io()), udp::socket(w.io())};
    auto ec = bind_socket(p.rtp, address, *port);
    if (!ec) ec = bind_socket(p.rtcp, address, static_cast<std::uint16_t>(*port + 1));
    if (!ec) return p;
    pool.release(*port);
    if (ec != boost::asio::error::address_in_use && ec != boost::asio::error::access_denied) {
      return fail(relay_error::bad_address);
    }
  }
  return fail(relay_error::ports_exhausted);
}

}  // namespace

std::string_view to_string(relay_leg l) noexcept { return l == relay_leg::a ? "a" : "b"; }

std::string_view to_string(relay_error e) noexcept {
  switch (e) {
    case relay_error::not_started: return "not_started";
    case relay_error::duplicate_session: return "duplicate_session";
    case relay_error::ports_exhausted: return "ports_exhausted";
    case relay_error::bad_address: return "bad_address";
    case relay_error::invalid_config: return "invalid_config";
  }
  return "unknown";
}

std::string_view to_string(drop_reason r) noexcept {
  switch (r) {
    case drop_reason::bad_rtp: return "bad_rtp";
    case drop_reason::wrong_source: return "wrong_source";
    case drop_reason::pt_not_mapped: return "pt_not_mapped";
    case drop_reason::srtp_auth: return "srtp_auth";
    case drop_reason::srtp_replay: return "srtp_replay";
    case drop_reason::srtp_failed: return "srtp_failed";
    case drop_reason::not_receiving: return "not_receiving";
    case drop_reason::not_sending: return "not_sending";
    case drop_reason::no_destination: return "no_destination";
    case drop_reason::send_failed: return "send_failed";
    case drop_reason::bad_rtcp: return "bad_rtcp";
    case drop_reason::count_: break;
  }
  return "unknown";
}

payload_rewrite_table identity_rewrite_table() noexcept {
  payload_rewrite_table t{};
  std::iota(t.begin(), t.end(), std::int16_t{0});
  return t;
}

relay_engine::relay_engine(boost::asio::io_context& control, relay_config config, listener& l)
    : control_(control), config_(std::move(config)), listener_(l), self_(std::make_shared<relay_engine*>(this)) {}

relay_engine::~relay_engine() {
  stop();
  self_.reset();  // before workers_ go: queued events must find the engine gone
}

result<void, relay_error> relay_engine::start() {
  if (running_ || !workers_.empty()) return fail(relay_error::invalid_config);  // start() once per engine
  const unsigned n = config_.workers != 0 ? config_.workers : std::max(1U, std::thread::hardware_concurrency());
  // RTP on even ports, RTCP on the odd one above (RFC 3550 §11).
  const std::uint32_t first = (config_.port_min + 1U) & ~1U;
  const std::uint32_t last = config_.port_max;
  if (first == 0 || last < first + 1) return fail(relay_error::invalid_config);
  const std::size_t pairs = (last + 1 - first) / 2;
  const std::size_t per_worker = pairs / n;
  if (per_worker < 2) return fail(relay_error::invalid_config);  // one session needs two pairs
  for (unsigned w = 0; w < n; ++w) {
    // The last worker also takes the remainder of an uneven split.
    const std::size_t count = w + 1 == n ? pairs - per_worker * w : per_worker;
    port_pool pool(static_cast<std::uint16_t>(first + 2 * per_worker * w), count);
    workers_.push_back(std::make_unique<relay_worker>(w, config_, std::move(pool), control_, self_));
  }
  for (auto& w : workers_) w->start();
  running_ = true;
  return {};
}

void relay_engine::stop() {
  if (!running_) return;
  running_ = false;
  for (auto& w : workers_) w->stop();
  sessions_.clear();
}

result<session_ports, relay_error> relay_engine::create_session(relay_session_id id, const session_binding& binding) {
  if (!running_) return fail(relay_error::not_started);
  if (sessions_.contains(id)) return fail(relay_error::duplicate_session);
  // Least loaded first; a worker whose slice is full or whose ports will not bind
  // passes the session on to the next.
  std::vector<relay_worker*> order;
  order.reserve(workers_.size());
  for (auto& w : workers_) order.push_back(w.get());
  std::stable_sort(order.begin(), order.end(), [](const relay_worker* x, const relay_worker* y) {
    return x->assigned() < y->assigned() || (x->assigned() == y->assigned() && x->ports().free() > y->ports().free());
  });
  const auto a_address = binding.a.value_or(config_.bind_address);
  const auto b_address = binding.b.value_or(config_.bind_address);
  for (relay_worker* w : order) {
    if (w->ports().free() < 2) continue;
    auto a = bind_pair(*w, a_address);
    if (!a) {
      if (a.error() == relay_error::bad_address) return fail(a.error());
      continue;
    }
    auto b = bind_pair(*w, b_address);
    if (!b) {
      w->ports().release(a->rtp_port);  // its sockets close as `a` goes
      if (b.error() == relay_error::bad_address) return fail(b.error());
      continue;
    }
    const session_ports ports{.a_rtp = a->rtp_port,
                              .a_rtcp = static_cast<std::uint16_t>(a->rtp_port + 1),
                              .b_rtp = b->rtp_port,
                              .b_rtcp = static_cast<std::uint16_t>(b->rtp_port + 1),
                              .worker = w->index(),
                              .a_address = a_address,
                              .b_address = b_address};
    auto session = std::make_unique<relay_session>(
        id, ports,
        std::array<udp::socket, 4>{std::move(a->rtp), std::move(a->rtcp), std::move(b->rtp), std::move(b->rtcp)},
        steady_clock::now());
    w->adopt(std::move(session));
    sessions_.emplace(id, w->index());
    return ports;
  }
  return fail(relay_error::ports_exhausted);
}

void relay_engine::update_leg(relay_session_id id, relay_leg leg, const leg_params& params) {
  if (!running_) return;
  if (const auto it = sessions_.find(id); it != sessions_.end()) workers_[it->second]->update(id, leg, params);
}

void relay_engine::destroy_session(relay_session_id id) {
  if (!running_) return;
  if (const auto it = sessions_.find(id); it != sessions_.end()) workers_[it->second]->destroy(id);
}

std::vector<worker_metrics> relay_engine::metrics() const {
  std::vector<worker_metrics> all;
  all.reserve(workers_.size());
  for (const auto& w : workers_) all.push_back(w->metrics());
  return all;
}

void relay_engine::on_closed(relay_session_id id, const session_stats& stats) {
  sessions_.erase(id);
  listener_.on_session_closed(id, stats);
}

}  // namespace voxedge::media
