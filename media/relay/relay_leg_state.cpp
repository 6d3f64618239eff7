#include "media/relay/relay_leg_state.hpp"

#include <algorithm>
#include <boost/system/error_code.hpp>

#include "media/rtp/mos.hpp"
#include "media/rtp/ntp_time.hpp"
#include "media/rtp/round_trip_time.hpp"
#include "media/rtp/rtcp_packet.hpp"
#include "media/rtp/rtcp_writer.hpp"

namespace voxedge::media {

namespace {

bool same_optional(const std::optional<boost::asio::ip::udp::endpoint>& x,
                   const std::optional<boost::asio::ip::udp::endpoint>& y) noexcept {
  if (x.has_value() != y.has_value()) return false;
  return !x || same_endpoint(*x, *y);
}

}  // namespace

relay_leg_state::relay_leg_state(boost::asio::ip::udp::socket rtp, boost::asio::ip::udp::socket rtcp,
                                 std::uint32_t ssrc, std::uint16_t initial_sequence, std::uint32_t initial_timestamp,
                                 time_point now)
    : rtp_(std::move(rtp)),
      rtcp_(std::move(rtcp)),
      out_(ssrc, initial_sequence, initial_timestamp),
      last_rtp_(now),
      next_rtcp_(time_point::max()) {
  rtp_latch_.configure(params_.latching, std::nullopt, params_.relatch_after);
  rtcp_latch_.configure(params_.latching, std::nullopt, params_.relatch_after);
  stats_.local_ssrc = ssrc;
}

void relay_leg_state::update(const leg_params& p, time_point now) noexcept {
  const bool moved = !same_optional(p.remote_rtp, params_.remote_rtp) ||
                     !same_optional(p.remote_rtcp, params_.remote_rtcp) || p.latching != params_.latching ||
                     p.rtcp_mux != params_.rtcp_mux;
  if (p.srtp) update_srtp(*p.srtp);
  params_ = p;
  rtcp_fallback_.reset();
  if (p.remote_rtp && !p.remote_rtcp && !p.rtcp_mux && p.remote_rtp->port() < 65535) {
    rtcp_fallback_.emplace(p.remote_rtp->address(), static_cast<std::uint16_t>(p.remote_rtp->port() + 1));
  }
  const auto& rtcp_signalled = p.rtcp_mux ? p.remote_rtp : (p.remote_rtcp ? p.remote_rtcp : rtcp_fallback_);
  if (moved) {
    rtp_latch_.configure(p.latching, p.remote_rtp, p.relatch_after);
    rtcp_latch_.configure(p.latching, rtcp_signalled, p.relatch_after);
  } else {
    rtp_latch_.set_relatch_after(p.relatch_after);
    rtcp_latch_.set_relatch_after(p.relatch_after);
  }
  last_rtp_ = now;
}

void relay_leg_state::update_srtp(const leg_srtp& keys) noexcept {
  const srtp_keying in{keys.suite, keys.remote_key};
  const srtp_keying out{keys.suite, keys.local_key};
  if (!srtp_in_key_ || !(*srtp_in_key_ == in)) {
    srtp_in_.reset();
    srtp_in_key_ = in;
    if (auto s = srtp_session::create(srtp_session::direction::inbound, in)) {
      srtp_in_.emplace(std::move(s).value());
    }
  }
  if (!srtp_out_key_ || !(*srtp_out_key_ == out)) {
    srtp_out_.reset();
    srtp_out_key_ = out;
    if (auto s = srtp_session::create(srtp_session::direction::outbound, out)) {
      srtp_out_.emplace(std::move(s).value());
    }
  }
}

srtp_status relay_leg_state::unprotect_rtp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  return srtp_in_ ? srtp_in_->unprotect_rtp(packet, size) : srtp_status::failed;
}

srtp_status relay_leg_state::unprotect_rtcp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  return srtp_in_ ? srtp_in_->unprotect_rtcp(packet, size) : srtp_status::failed;
}

srtp_status relay_leg_state::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  return srtp_out_ ? srtp_out_->protect_rtp(buffer, size) : srtp_status::failed;
}

srtp_status relay_leg_state::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  return srtp_out_ ? srtp_out_->protect_rtcp(buffer, size) : srtp_status::failed;
}

relay_leg_state::verdict relay_leg_state::on_rtp(const const_rtp_view& p, const boost::asio::ip::udp::endpoint& from,
                                                 time_point now, bool& collision) noexcept {
  if (!rtp_latch_.accept(from, now)) return verdict::wrong_source;
  collision = p.ssrc() == out_.ssrc();
  const std::uint8_t pt = p.payload_type();
  if (!rx_ || rx_->ssrc() != p.ssrc()) {
    // A new source on this leg (re-INVITE to another server, a restart): keep what the
    // old one lost, start A.1 afresh for the new one.
    if (rx_) {
      earlier_lost_ += std::max<std::int64_t>(rx_->cumulative_lost(), 0);
      earlier_expected_ += std::max<std::int64_t>(rx_->expected(), 0);
    }
    rx_.emplace(p.ssrc(), clock_rate(pt));
  } else if (last_pt_ != pt && rx_->clock_rate() != clock_rate(pt)) {
    rx_->set_clock_rate(clock_rate(pt));
  }
  last_pt_ = pt;
  rx_->on_packet(p, now);
  ++stats_.packets_received;
  stats_.bytes_received += p.size();
  last_rtp_ = now;
  if (timed_out_) {
    timed_out_ = false;
    return verdict::resumed;
  }
  return verdict::accepted;
}

void relay_leg_state::on_sent(const const_rtp_view& p, time_point now, std::uint32_t clock_rate) noexcept {
  if (clock_rate != sent_clock_rate_) {
    sent_clock_rate_ = clock_rate;
    tx_.set_clock_rate(clock_rate);
  }
  ++stats_.packets_sent;
  stats_.bytes_sent += p.size();
  tx_.on_packet_sent(p.timestamp(), p.payload().size(), now);
}

relay_leg_state::rtcp_verdict relay_leg_state::on_rtcp(std::span<const std::uint8_t> datagram,
                                                       const boost::asio::ip::udp::endpoint& from, time_point now,
                                                       std::chrono::system_clock::time_point wall) noexcept {
  auto compound = parse_rtcp_compound(datagram);
  if (!compound) return rtcp_verdict::bad_rtcp;
  if (!rtcp_latch_.accept(from, now)) return rtcp_verdict::wrong_source;
  ++stats_.rtcp_received;
  for (const rtcp_packet packet : *compound) {
    if (packet.type() != rtcp_type::sender_report && packet.type() != rtcp_type::receiver_report) continue;
    auto report = report_view::parse(packet);
    if (!report) continue;
    if (const auto info = report->sender_info(); info && rx_ && report->ssrc() == rx_->ssrc()) {
      rx_->on_sender_report(info->ntp, now);  // echoed as LSR/DLSR in our next report block
    }
    for (std::size_t i = 0; i < report->block_count(); ++i) {
      const report_block block = report->block(i);
      if (block.ssrc != out_.ssrc()) continue;  // about some other source: not ours to read
      remote_loss_percent_ = block.fraction_lost * 100.0 / 256.0;
      if (const auto rtt = round_trip_time(block, to_ntp(wall))) {
        rtt_ms_ = static_cast<double>(rtt->count()) / 1000.0;
      }
    }
  }
  return rtcp_verdict::accepted;
}

std::span<const std::uint8_t> relay_leg_state::make_rtcp(std::span<std::uint8_t> out, time_point now,
                                                         std::chrono::system_clock::time_point wall,
                                                         std::string_view cname, duration interval) noexcept {
  rtcp_writer writer(out);
  std::array<report_block, 1> blocks{};
  std::size_t count = 0;
  if (rx_ && rx_->valid()) blocks[count++] = rx_->make_report_block(now);
  const auto block_span = std::span<const report_block>(blocks.data(), count);
  // §6.4: a participant that has not sent in the last two intervals reports with RR.
  const auto last = tx_.last_sent();
  const bool sender = last && now - *last < 2 * interval;
  const bool written =
      sender ? writer.add_sender_report(out_.ssrc(), tx_.make_sender_info(to_ntp(wall), now), block_span).ok()
             : writer.add_receiver_report(out_.ssrc(), block_span).ok();
  if (!written || !writer.add_sdes_cname(out_.ssrc(), cname).ok()) return {};
  return writer.bytes();
}

const boost::asio::ip::udp::endpoint* relay_leg_state::rtp_destination() const noexcept {
  const auto& d = rtp_latch_.destination();
  return d ? &*d : nullptr;
}

const boost::asio::ip::udp::endpoint* relay_leg_state::rtcp_destination() noexcept {
  if (params_.rtcp_mux) return rtp_destination();
  const auto& d = rtcp_latch_.destination();
  return d ? &*d : nullptr;
}

bool relay_leg_state::check_timeout(time_point now, duration rtp_timeout, duration hold_timeout) noexcept {
  const duration limit = params_.receive ? rtp_timeout : hold_timeout;
  if (timed_out_ || limit <= duration::zero() || now - last_rtp_ < limit) return false;
  timed_out_ = true;
  return true;
}

leg_stats relay_leg_state::snapshot() const {
  leg_stats s = stats_;
  std::int64_t lost = earlier_lost_;
  std::int64_t expected = earlier_expected_;
  if (rx_) {
    lost += std::max<std::int64_t>(rx_->cumulative_lost(), 0);
    expected += std::max<std::int64_t>(rx_->expected(), 0);
    s.jitter_ms = rx_->jitter_ms();
    s.remote_ssrc = rx_->ssrc();
  }
  s.packets_lost = lost;
  s.loss_percent = expected > 0 ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0;
  s.rtt_ms = rtt_ms_;
  s.remote_loss_percent = remote_loss_percent_;
  s.payload_type = last_pt_;
  s.local_ssrc = out_.ssrc();
  s.latched_rtp = rtp_latch_.latched();
  s.latched_rtcp = params_.rtcp_mux ? rtp_latch_.latched() : rtcp_latch_.latched();
  s.timed_out = timed_out_;
  s.srtp = secure();
  if (s.packets_received > 0) {
    s.mos = estimate_mos(call_quality{s.loss_percent, s.jitter_ms, rtt_ms_.value_or(0.0)});
  }
  return s;
}

void relay_leg_state::close() noexcept {
  boost::system::error_code ignored;
  rtp_.close(ignored);
  rtcp_.close(ignored);
}

}  // namespace voxedge::media
