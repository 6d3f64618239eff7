#include "media/relay/relay_session.hpp"

#include <sys/socket.h>

#include "base/random.hpp"
#include "media/rtp/demultiplex.hpp"

namespace voxedge::media {

static_assert(packet_batch::trailer_room >= srtp_session::max_overhead, "SRTP must fit behind any datagram");

namespace {

drop_reason srtp_drop(srtp_status s) noexcept {
  switch (s) {
    case srtp_status::auth_failed: return drop_reason::srtp_auth;
    case srtp_status::replayed: return drop_reason::srtp_replay;
    case srtp_status::bad_packet: return drop_reason::bad_rtp;
    default: return drop_reason::srtp_failed;
  }
}

relay_leg_state make_leg(boost::asio::ip::udp::socket& rtp, boost::asio::ip::udp::socket& rtcp, time_point now) {
  // One draw gives SSRC, initial sequence number and half the initial timestamp; the
  // CSPRNG because RFC 3550 §8.1 wants the SSRC unpredictable and it runs once per leg.
  const std::uint64_t r = random_u64();
  const std::uint64_t t = random_u64();
  return relay_leg_state(std::move(rtp), std::move(rtcp), static_cast<std::uint32_t>(r),
                         static_cast<std::uint16_t>(r >> 32), static_cast<std::uint32_t>(t), now);
}

}  // namespace

relay_session::relay_session(relay_session_id id, const session_ports& ports,
                             std::array<boost::asio::ip::udp::socket, 4> sockets, time_point now)
    : id_(id), ports_(ports), a_(make_leg(sockets[0], sockets[1], now)), b_(make_leg(sockets[2], sockets[3], now)) {
  while (b_.outgoing().ssrc() == a_.outgoing().ssrc()) b_.change_ssrc(static_cast<std::uint32_t>(random_u64()));
}

void relay_session::update(relay_leg leg_id, const leg_params& p, time_point now) noexcept {
  leg(leg_id).update(p, now);
}

void relay_session::drop(relay_leg in, drop_reason r, worker_metrics& counters) noexcept {
  leg(in).count_drop(r);
  ++counters.drops[static_cast<std::size_t>(r)];
}

void relay_session::on_datagram(relay_leg in, bool rtcp_socket, packet_batch& batch, std::size_t i, time_point now,
                                std::chrono::system_clock::time_point wall, worker_metrics& counters) noexcept {
  const auto bytes = batch.datagram(i);
  if (batch.truncated(i)) return drop(in, drop_reason::bad_rtp, counters);
  relay_leg_state& from = leg(in);
  // RFC 7983 / RFC 5761 §4: what shares the socket. RTCP is read wherever it arrives
  // (a peer may mux without saying so); RTP only on the RTP socket. SRTP and SRTCP keep
  // their headers in the clear (RFC 3711 §3.1, §3.4), so they classify the same; on an
  // SRTP leg nothing else happens to a packet before it authenticated (DESIGN.md §8:
  // latching is never blind).
  switch (classify_packet(bytes)) {
    case packet_kind::rtcp: {
      if (!from.secure()) return on_rtcp(in, bytes, batch.source(i), now, wall, counters);
      std::size_t size = 0;
      if (const auto s = from.unprotect_rtcp(bytes, size); s != srtp_status::ok) {
        return drop(in, s == srtp_status::bad_packet ? drop_reason::bad_rtcp : srtp_drop(s), counters);
      }
      return on_rtcp(in, bytes.first(size), batch.source(i), now, wall, counters);
    }
    case packet_kind::rtp:
      if (rtcp_socket) return drop(in, drop_reason::bad_rtp, counters);
      if (from.secure()) {
        std::size_t size = 0;
        if (const auto s = from.unprotect_rtp(bytes, size); s != srtp_status::ok) {
          return drop(in, srtp_drop(s), counters);
        }
        batch.shrink(i, size);
      }
      return on_rtp(in, batch, i, now, counters);
    default:
      // STUN/DTLS belong to ICE/DTLS-SRTP legs, which this relay does not terminate yet.
      return drop(in, drop_reason::bad_rtp, counters);
  }
}

void relay_session::on_rtp(relay_leg in, packet_batch& batch, std::size_t i, time_point now,
                           worker_metrics& counters) noexcept {
  auto parsed = parse_rtp(batch.datagram(i));
  if (!parsed) return drop(in, drop_reason::bad_rtp, counters);
  const rtp_view& p = *parsed;
  relay_leg_state& from = leg(in);
  bool collision = false;
  const auto verdict = from.on_rtp(p, batch.source(i), now, collision);
  if (verdict == relay_leg_state::verdict::wrong_source) return drop(in, drop_reason::wrong_source, counters);
  if (collision) from.change_ssrc(static_cast<std::uint32_t>((*random_)()));  // §8.2: ours moves
  if (verdict == relay_leg_state::verdict::resumed) listener_->on_media_resumed(id_, in);
  if (!from.params().receive) return drop(in, drop_reason::not_receiving, counters);

  relay_leg_state& to = leg(other_leg(in));
  if (!to.params().send) return drop(in, drop_reason::not_sending, counters);
  const std::uint8_t pt_in = p.payload_type();
  const std::int16_t pt_out = to.params().rewrite[pt_in];
  if (pt_out < 0 || pt_out > 127) return drop(in, drop_reason::pt_not_mapped, counters);
  const auto* destination = to.rtp_destination();
  if (destination == nullptr) return drop(in, drop_reason::no_destination, counters);

  p.set_payload_type(static_cast<std::uint8_t>(pt_out));
  const std::uint32_t clock_rate = from.clock_rate(pt_in);
  to.outgoing().rewrite(p, now, clock_rate);
  std::size_t size = p.size();
  if (to.secure()) {
    // After the rewrite: the tag covers the header as the peer will see it (§4.2).
    if (const auto s = to.protect_rtp(batch.slot(i), size); s != srtp_status::ok) {
      return drop(in, srtp_drop(s), counters);
    }
  }
  to.on_sent(p, now, clock_rate);
  from.count_forwarded(p.size());
  ++counters.packets_relayed;
  counters.bytes_relayed += p.size();
  batch.queue(i, size, *destination);
}

void relay_session::on_send_failed(relay_leg in, std::size_t count, worker_metrics& counters) noexcept {
  for (std::size_t k = 0; k < count; ++k) drop(in, drop_reason::send_failed, counters);
}

void relay_session::on_rtcp(relay_leg in, std::span<const std::uint8_t> bytes,
                            const boost::asio::ip::udp::endpoint& from, time_point now,
                            std::chrono::system_clock::time_point wall, worker_metrics& counters) noexcept {
  // Terminated here (DESIGN.md §4): read for RTT and the peer's view, never forwarded.
  switch (leg(in).on_rtcp(bytes, from, now, wall)) {
    case relay_leg_state::rtcp_verdict::accepted: ++counters.rtcp_received; return;
    case relay_leg_state::rtcp_verdict::bad_rtcp: return drop(in, drop_reason::bad_rtcp, counters);
    case relay_leg_state::rtcp_verdict::wrong_source: return drop(in, drop_reason::wrong_source, counters);
  }
}

duration relay_session::randomised(duration interval) noexcept {
  // RFC 3550 §6.3.1: uniformly in [0.5, 1.5] times the interval, so that reports from
  // many sessions started together do not stay synchronised.
  std::uniform_int_distribution<std::int64_t> spread(interval.count() / 2, interval.count() * 3 / 2);
  return duration(spread(*random_));
}

void relay_session::tick(time_point now, std::chrono::system_clock::time_point wall, const relay_config& config,
                         std::span<std::uint8_t> scratch, worker_metrics& counters) noexcept {
  for (const relay_leg l : {relay_leg::a, relay_leg::b}) {
    relay_leg_state& s = leg(l);
    if (s.check_timeout(now, config.rtp_timeout, config.rtp_hold_timeout)) listener_->on_media_timeout(id_, l);
    if (config.rtcp_interval <= duration::zero()) continue;
    // §6.3.2: the first report after half an interval.
    if (!s.rtcp_scheduled()) s.schedule_rtcp(now, randomised(config.rtcp_interval / 2));
    if (s.rtcp_due(now)) {
      send_rtcp(l, now, wall, config, scratch, counters);
      s.schedule_rtcp(now, randomised(config.rtcp_interval));
    }
  }
}

void relay_session::send_rtcp(relay_leg l, time_point now, std::chrono::system_clock::time_point wall,
                              const relay_config& config, std::span<std::uint8_t> scratch,
                              worker_metrics& counters) noexcept {
  relay_leg_state& s = leg(l);
  const auto* destination = s.rtcp_destination();
  if (destination == nullptr) return;  // nobody to report to yet
  if (scratch.size() <= srtp_session::max_overhead) return;
  // The compound leaves room behind it for SRTCP's index and tag (RFC 3711 §3.4).
  const auto compound = s.make_rtcp(scratch.first(scratch.size() - srtp_session::max_overhead), now, wall,
                                    config.rtcp_cname, config.rtcp_interval);
  if (compound.empty()) return;
  std::size_t size = compound.size();
  if (s.secure()) {
    if (const auto st = s.protect_rtcp(scratch, size); st != srtp_status::ok) {
      return drop(l, srtp_drop(st), counters);
    }
  }
  auto& socket = s.rtcp_on_rtp_socket() ? s.rtp_socket() : s.rtcp_socket();
  const ssize_t n = ::sendto(socket.native_handle(), scratch.data(), size, MSG_DONTWAIT, destination->data(),
                             static_cast<socklen_t>(destination->size()));
  if (n < 0) return drop(l, drop_reason::send_failed, counters);
  s.on_rtcp_sent();
  ++counters.rtcp_sent;
}

session_stats relay_session::snapshot() const {
  session_stats s;
  s.a = a_.snapshot();
  s.b = b_.snapshot();
  return s;
}

void relay_session::close() noexcept {
  closing_ = true;
  a_.close();
  b_.close();
}

}  // namespace voxedge::media
