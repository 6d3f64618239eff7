#include "daemon/call/relay_media_control.hpp"

#include <utility>

namespace voxedge::daemon {

namespace {

media::relay_leg to_relay(media_leg l) noexcept {
  return l == media_leg::a ? media::relay_leg::a : media::relay_leg::b;
}
media_leg from_relay(media::relay_leg l) noexcept { return l == media::relay_leg::a ? media_leg::a : media_leg::b; }

media_leg_report report_of(const media::leg_stats& s) {
  media_leg_report r;
  r.packets_received = s.packets_received;
  r.bytes_received = s.bytes_received;
  r.packets_sent = s.packets_sent;
  r.packets_lost = s.packets_lost;
  r.loss_percent = s.loss_percent;
  r.jitter_ms = s.jitter_ms;
  r.rtt_ms = s.rtt_ms;
  r.mos = s.mos;
  return r;
}

media_report report_of(const media::session_stats& s) { return media_report{report_of(s.a), report_of(s.b)}; }

}  // namespace

relay_media_control::relay_media_control(boost::asio::io_context& control, media::relay_config config,
                                         std::string advertised_address)
    : engine_(control, std::move(config), *this), advertised_(std::move(advertised_address)) {}

relay_media_control::~relay_media_control() { engine_.stop(); }

result<void, std::string> relay_media_control::start() {
  if (auto r = engine_.start(); !r) return fail(std::string(media::to_string(r.error())));
  return {};
}

namespace {

// An empty text is the relay's default; so is a wildcard, which has nothing to put in c=.
result<std::optional<boost::asio::ip::address>, std::string> bind_address_of(const std::string& text) {
  if (text.empty()) return std::optional<boost::asio::ip::address>{};
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(text, ec);
  if (ec) return fail("bad media address " + text);
  if (a.is_unspecified()) return std::optional<boost::asio::ip::address>{};
  return std::optional<boost::asio::ip::address>{a};
}

}  // namespace

result<media_endpoints, std::string> relay_media_control::create_session(std::uint64_t session,
                                                                         const media_binding& binding) {
  auto a = bind_address_of(binding.a);
  if (!a) return fail(a.error());
  auto b = bind_address_of(binding.b);
  if (!b) return fail(b.error());
  auto ports = engine_.create_session(session, media::session_binding{*a, *b});
  if (!ports) {
    std::string why(media::to_string(ports.error()));
    if (ports.error() == media::relay_error::bad_address) {
      // Most likely a trunk's media_address is not configured on this host: say which.
      why += ": cannot bind media on " + (*a ? a->value().to_string() : engine_.config().bind_address.to_string()) +
             " (leg a) / " + (*b ? b->value().to_string() : engine_.config().bind_address.to_string()) + " (leg b)";
    }
    return fail(std::move(why));
  }
  media_endpoints e;
  e.a_address = advertised_.empty() ? ports->a_address.to_string() : advertised_;
  e.b_address = advertised_.empty() ? ports->b_address.to_string() : advertised_;
  e.a_rtp = ports->a_rtp;
  e.a_rtcp = ports->a_rtcp;
  e.b_rtp = ports->b_rtp;
  e.b_rtcp = ports->b_rtcp;
  return e;
}

void relay_media_control::update_leg(std::uint64_t session, media_leg leg, const media_leg_update& u) {
  media::leg_params p;
  p.remote_rtp = u.remote_rtp;
  p.remote_rtcp = u.remote_rtcp;
  p.rtcp_mux = u.rtcp_mux;
  p.latching = u.strict_source ? media::latching_mode::strict : media::latching_mode::symmetric;
  p.send = u.send;
  p.receive = u.receive;
  p.rewrite = u.rewrite;
  p.clock_rates = u.clock_rates;
  p.srtp = u.srtp;
  engine_.update_leg(session, to_relay(leg), p);
}

void relay_media_control::destroy_session(std::uint64_t session) { engine_.destroy_session(session); }

void relay_media_control::on_media_timeout(media::relay_session_id id, media::relay_leg leg) {
  if (listener_ != nullptr) listener_->on_media_timeout(id, from_relay(leg));
}

void relay_media_control::on_media_resumed(media::relay_session_id id, media::relay_leg leg) {
  if (listener_ != nullptr) listener_->on_media_resumed(id, from_relay(leg));
}

void relay_media_control::on_stats(media::relay_session_id id, const media::session_stats& stats) {
  if (listener_ != nullptr) listener_->on_media_stats(id, report_of(stats));
}

void relay_media_control::on_session_closed(media::relay_session_id id, const media::session_stats& final_stats) {
  if (listener_ != nullptr) listener_->on_media_closed(id, report_of(final_stats));
}

}  // namespace voxedge::daemon
