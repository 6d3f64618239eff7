#include "daemon/call/call.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/random.hpp"
#include "daemon/call/call_record.hpp"
#include "daemon/call/failure_mapping.hpp"
#include "daemon/call/header_policy.hpp"
#include "daemon/call/media_bridge.hpp"
#include "daemon/trunk/provider_hints.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::daemon {

using sip::method;

namespace {

void set_sdp(sip::message& m, const media::session_description& sd) {
  m.body = media::write_sdp(sd);
  m.set_header("Content-Type", "application/sdp");
}

// SRTP (SDES) per leg: the trunk's `srtp` setting; endpoints and users are always plain.
// A: the trunk the call came from (its run-time copy of the configuration).
config::srtp_mode a_srtp_policy(const call_origin& origin, const trunk_directory* trunks) {
  if (origin.source.type != call_source::kind::trunk || trunks == nullptr) return config::srtp_mode::off;
  const auto t = trunks->find(origin.source.name);
  return t ? t->config().srtp : config::srtp_mode::off;
}
// B: the trunk the call was routed to (the route decision carries its configuration).
config::srtp_mode b_srtp_policy(const std::optional<route_decision>& route) {
  return route && route->trunk ? route->trunk->srtp : config::srtp_mode::off;
}

// A leg towards a trunk we hold credentials for answers its challenges to our in-dialog
// requests (RFC 3261 §22.2); without credentials nothing can be answered.
leg_authorizer trunk_authorizer(const std::shared_ptr<trunk_runtime>& t) {
  if (!t || !t->has_credentials()) return {};
  return {[t](const sip::message& challenge, const sip::message& request) -> std::optional<sip::header> {
            auto h = t->authorize(challenge, request);
            if (!h) return std::nullopt;
            return sip::header{std::move(h->first), std::move(h->second)};
          },
          [t] { t->count_auth_failure(); }};
}

// The local IP a trunk's media leg binds to (issue 4, the whitelisted static IP):
// media_address, else bind_address; "" = the relay's default (media.address).
std::string media_address_of(const config::trunk& t) {
  return t.media_address.empty() ? t.bind_address : t.media_address;
}
std::string a_media_address(const call_origin& origin, const trunk_directory* trunks) {
  if (origin.source.type != call_source::kind::trunk || trunks == nullptr) return {};
  const auto t = trunks->find(origin.source.name);
  return t ? media_address_of(t->config()) : std::string();
}
std::string b_media_address(const std::optional<route_decision>& route) {
  return route && route->trunk ? media_address_of(*route->trunk) : std::string();
}

void log_srtp(const std::string& uid, std::string_view leg, const media::negotiated_stream& s) {
  // The suite only: keys never reach a log.
  if (s.remote_crypto) spdlog::info("call[{}]: SRTP {} on the {} leg", uid, s.remote_crypto->suite, leg);
}

}  // namespace

call::call(std::uint64_t id, const context& ctx, const call_options& options)
    : id_(id),
      ctx_(ctx),
      options_(options),
      uid_(random_token(20)),
      a_(media_leg::a, call_leg::context{ctx.timers, ctx.transactions, options.user_agent}, *this,
         options.session_timers),
      b_(media_leg::b, call_leg::context{ctx.timers, ctx.transactions, options.user_agent}, *this,
         options.session_timers),
      sessions_(ctx.transactions, a_, b_, *this, options.user_agent),
      forks_(ctx.transactions, ctx.dialogs, id, b_, options.user_agent),
      attempt_timer_(ctx.timers),
      supervisor_(ctx.timers, *this, options.media_hangup, options.media_renewal, options.media_timeout),
      max_duration_timer_(ctx.timers),
      close_wait_timer_(ctx.timers) {}

call::~call() {
  for (const auto& [h, p] : pending_) ctx_.transactions.detach(sip::client_transaction_handle{h});
  if (media_open_) ctx_.media.destroy_session(id_);
  ctx_.dialogs.remove_owner(id_);
}

// --- setup ----------------------------------------------------------------------------------

void call::start(sip::server_transaction_handle h, sip::message&& invite, const sip::peer& from,
                 const call_origin& origin, const router* routes) {
  a_invite_ = h;
  a_from_ = from;
  origin_ = origin;
  a_.set_authorizer(trunk_authorizer(trunk_of(media_leg::a)));  // a trunk may challenge us too
  kind_ = origin.source.type == call_source::kind::trunk ? call_kind::inbound : call_kind::internal;
  peer_label_ = to_string(origin.source);
  a_call_id_ = invite.call_id;
  a_from_tag_ = std::string(invite.from.tag());
  a_to_tag_ = ctx_.transactions.new_tag();
  started_at_ = ctx_.timers.now();
  record_.call_id = uid_;
  record_.start = ctx_.wall_clock();
  record_.source = to_string(origin.source);
  record_.from = invite.from.address.user.empty() ? invite.from.address.to_string() : invite.from.address.user;
  record_.to = invite.request_uri.user;
  a_request_ = std::move(invite);
  set_state(call_state::incoming);
  spdlog::info("call[{}]: INVITE from {} ({}) for {}, Call-ID {}", uid_, from.to_string(), record_.source,
               a_request_.request_uri.to_string(), a_call_id_);

  // §8.2.6.1: the caller hears from us at once; routing and the far side may take time.
  ctx_.transactions.respond(h, sip::make_response(a_request_, 100));

  if (const auto local = ctx_.addressing.of_listener(from.listener)) {
    // §12.1.1: a dialog begun with a SIPS Request-URI (or top Record-Route) is secure.
    const auto& rr = a_request_.record_routes;
    const bool sips = a_request_.request_uri.scheme == sip::uri_scheme::sips ||
                      (!rr.empty() && rr.front().address.scheme == sip::uri_scheme::sips);
    a_.set_local(*local, options_.contact_user, sips);
    // The connection A's INVITE came on: where in-dialog requests go when the dialog's
    // remote target cannot be reached as securely (call_leg::request_target).
    if (from.transport == sip::transport_kind::tls) {
      auto back = from;
      // Towards a TLS trunk, new connections use the trunk's identity (SNI, verification,
      // client certificate), as its outbound calls do.
      if (origin.source.type == call_source::kind::trunk && ctx_.trunks != nullptr) {
        if (const auto t = ctx_.trunks->find(origin.source.name);
            t && t->config().outbound.transport == config::sip_transport::tls) {
          back.tls_identity = t->name();
        }
      }
      a_.set_fallback_target(back);
    }
  } else {
    return fail_early(500, "internal error", "no address for the listener the INVITE arrived on");
  }
  const auto& contacts = a_request_.contacts;
  if (contacts.size() != 1 || (contacts.front().address.scheme != sip::uri_scheme::sip &&
                               contacts.front().address.scheme != sip::uri_scheme::sips)) {
    // §8.1.1.8: the INVITE must name one SIP URI where the dialog's requests go.
    return fail_early(400, "bad request", "the INVITE has no single sip: Contact");
  }
  if (!check_offer()) return;
  a_timers_ = a_.session_answer(a_request_);
  if (a_timers_ && a_timers_->reject_status != 0) {
    // RFC 4028 §6/§9: 422 with our Min-SE, or 400 for a malformed header.
    if (a_timers_->reject_status == 422) a_failure_headers_.push_back({"Min-SE", std::to_string(a_timers_->min_se)});
    return fail_early(a_timers_->reject_status, "session timer refused", a_timers_->reason);
  }
  if (!route_call(routes) || !open_media()) return;
  send_b_invite();
}

void call::fail_early(int status, std::string_view end_reason, std::string_view why) {
  spdlog::info("call[{}]: rejected with {}: {}", uid_, status, why);
  end(end_reason, hangup_party::system, status, std::string());
}

bool call::check_offer() {
  if (has_foreign_body(a_request_)) {
    a_failure_headers_.push_back({"Accept", "application/sdp"});
    fail_early(415, "bad SDP", "the INVITE body is not application/sdp");
    return false;
  }
  const std::string body = std::move(a_request_.body);
  a_request_.body.clear();  // kept without it: for responses and the dialog
  if (body.empty()) {
    // Late offer (RFC 3261 §13.2.1, RFC 3264 §4): we offer the far side, and our 2xx to A
    // will carry an offer that its ACK answers.
    late_offer_ = true;
    return true;
  }
  auto offer = media::parse_sdp(body);
  if (!offer) {
    fail_early(400, "bad SDP", "malformed SDP: " + offer.error().to_string());
    return false;
  }
  const auto index = relayed_stream(*offer);
  if (!index) {
    fail_early(488, "no common codec", "the offer has no RTP/AVP or RTP/SAVP audio stream we can relay");
    return false;
  }
  if (const auto why = srtp_offer_problem(*offer, *index, a_srtp_policy(origin_, ctx_.trunks))) {
    // RFC 3261 §13.3.1.3 / RFC 3264 §6: an offer we cannot accept is answered 488.
    fail_early(488, "SRTP policy", *why);
    return false;
  }
  const auto acceptable = media::streams_to_accept(*offer, relay_capabilities(*offer, *index));
  if (*index >= acceptable.size() || !acceptable[*index]) {
    fail_early(488, "no common codec", "the offer's audio stream has no codec we can relay");
    return false;
  }
  a_offer_ = std::move(offer).value();
  a_index_ = *index;
  return true;
}

bool call::route_call(const router* routes) {
  if (origin_.source.type == call_source::kind::unknown) {
    // DESIGN.md §8: default deny. The source matched no trunk or endpoint allow list.
    fail_early(403, "unknown source", "source " + a_from_.to_string() + " is not a configured trunk or endpoint");
    return false;
  }
  if (routes == nullptr) {
    fail_early(404, "no route", "no routing table");
    return false;
  }
  auto decision =
      routes->route(origin_.source, a_request_.request_uri.to_string(), a_request_.from.address.to_string());
  if (!decision) {
    fail_early(sip_status(decision.error()), "no route", "no route for " + a_request_.request_uri.to_string());
    return false;
  }
  route_ = std::move(decision).value();
  const bool to_trunk = route_->trunk.has_value();
  record_.route = route_->route;
  record_.target = (to_trunk ? "trunk:" : "endpoint:") + route_->target.name;
  record_.to = route_->called.number;
  if (to_trunk && route_->caller_id) record_.from = route_->caller_id->number;
  kind_ = origin_.source.type == call_source::kind::trunk ? call_kind::inbound
          : to_trunk                                      ? call_kind::outbound
                                                          : call_kind::internal;
  peer_label_ = kind_ == call_kind::inbound ? to_string(origin_.source) : record_.target;

  if (to_trunk && ctx_.trunks != nullptr) {
    if (!pick_trunk_targets()) return false;
  } else {
    auto target = resolve_target(*route_, ctx_.addressing);
    if (!target) {
      fail_early(503, "unreachable", target.error());
      return false;
    }
    target_ = std::move(target).value();
    b_peer_ = target_->peer;
    b_.set_local(target_->local, options_.contact_user, target_->request_uri.scheme == sip::uri_scheme::sips);
    b_.set_fallback_target(b_peer_);
  }
  spdlog::info("call[{}]: route \"{}\" to {} ({}) as {}", uid_, route_->route, record_.target, b_peer_.to_string(),
               route_->called.number);
  return true;
}

bool call::open_media() {
  // Each leg's media on its trunk's whitelisted IP (issue 4); endpoints use the default.
  auto e =
      ctx_.media.create_session(id_, media_binding{a_media_address(origin_, ctx_.trunks), b_media_address(route_)});
  if (!e) {
    fail_early(503, "no media ports", "media session refused: " + e.error());
    return false;
  }
  media_ = std::move(e).value();
  media_open_ = true;
  sessions_.set_media(*media_);
  sessions_.set_srtp(a_srtp_policy(origin_, ctx_.trunks), b_srtp_policy(route_));
  return true;
}

void call::send_b_invite() {
  const auto caps = late_offer_ ? default_capabilities() : carried_offer(*a_offer_, a_index_, nullptr);
  const auto local = local_media(*media_, media_leg::b, 0, 1);
  b_.local_sdp = make_leg_offer(caps, local, b_.version(media_->address(media_leg::b)), b_srtp_policy(route_));
  b_call_id_ = random_token(24);  // no host name in it: §8.1.1.4 only asks for uniqueness
  b_identity_.call_id = b_call_id_;
  b_identity_.from_tag = ctx_.transactions.new_tag();
  b_identity_.user_agent = options_.user_agent;
  b_identity_.trusted_source = origin_.source.type != call_source::kind::unknown;
  send_b_attempt();
}

// --- trunk targets: RFC 3263 failover, digest ---------------------------------------------------

namespace {

// Retry-After (RFC 3261 §20.33): delta-seconds, then an optional comment and parameters.
std::optional<duration> retry_after(const sip::message& r) {
  const auto v = r.header_value("Retry-After");
  if (!v) return std::nullopt;
  std::uint64_t seconds = 0;
  std::size_t digits = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') break;
    if (++digits > 9) break;
    seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (digits == 0) return std::nullopt;
  return std::chrono::seconds(std::min<std::uint64_t>(seconds, 86'400));
}

}  // namespace

bool call::pick_trunk_targets() {
  trunk_ = ctx_.trunks->find(route_->target.name);
  if (!trunk_) {
    fail_early(503, "unreachable", "trunk " + route_->target.name + " is not running");
    return false;
  }
  b_targets_ = trunk_->candidates();
  if (b_targets_.empty()) {
    // Every target is down: refuse at once rather than let the caller wait for timeouts.
    trunk_->count_fail_fast();
    fail_early(503, "trunk down", "trunk " + trunk_->name() + ": " + trunk_->why_unavailable());
    return false;
  }
  for (b_target_index_ = 0; b_target_index_ < b_targets_.size(); ++b_target_index_) {
    if (use_target(b_targets_[b_target_index_])) return true;
  }
  fail_early(503, "unreachable", "trunk " + trunk_->name() + ": no listener can reach any of its targets");
  return false;
}

bool call::use_target(const trunk_target& t) {
  auto target = target_at(*route_, ctx_.addressing, t.key.transport, t.key.address, t.key.port);
  if (!target) {
    spdlog::warn("call[{}]: {}", uid_, target.error());
    return false;
  }
  target_ = std::move(target).value();
  b_peer_ = target_->peer;
  b_.set_local(target_->local, options_.contact_user, target_->request_uri.scheme == sip::uri_scheme::sips);
  b_.set_fallback_target(b_peer_);
  b_.set_authorizer(trunk_authorizer(trunk_));
  return true;
}

void call::send_b_attempt() {
  b_identity_.via = b_.make_via();
  b_identity_.contact = b_.contact();
  auto m = make_outbound_invite(a_request_, *route_, *target_, b_identity_);
  if (b_invite_tx_) m.cseq.number = b_invite_.cseq.number + 1;  // a new attempt of the same call
  set_sdp(m, *b_.local_sdp);
  b_.negotiation().add_to_request(m);
  b_heard_ = false;
  b_auth_attempts_ = 0;
  b_.set_ack_credentials(std::nullopt);  // a new target challenges afresh
  resend_b_invite(std::move(m));
  if (!b_invite_tx_ || state_ == call_state::ending || state_ == call_state::outgoing_initiated) return;
  set_state(call_state::outgoing_initiated);
}

void call::resend_b_invite(sip::message m) {
  if (auto r = ctx_.dialogs.add_pending(b_call_id_, m.from.tag(), id_); !r) {
    return fail_early(503, "capacity", "dialog registry refused the call: " + std::string(sip::to_string(r.error())));
  }
  b_invite_ = m;
  forks_.set_invite(m, b_peer_);
  const auto h = ctx_.transactions.send_request(std::move(m), b_peer_, *this);
  if (!h) return fail_early(500, "internal error", "the INVITE could not be sent");
  b_invite_tx_ = h;
  b_invite_done_ = false;
  track(h, {outgoing::invite, media_leg::b, {}, {}, false});
  if (trunk_) {
    attempt_timer_.start(std::chrono::milliseconds(trunk_->config().outbound.attempt_timeout_ms),
                         [this] { on_attempt_timeout(); });
  }
}

void call::on_attempt_timeout() {
  if (b_heard_ || b_invite_done_ || a_final_sent_ || state_ == call_state::ending) return;
  // Nothing at all from this target, not even 100 Trying: give up on it and move on. The
  // CANCEL is held by the transaction layer until a provisional arrives (§9.1), so a
  // target that was only slow stops ringing instead of ringing a second phone; if
  // nothing ever comes, Timer B ends it quietly.
  // The transaction stays ours (detached with the call): a 2xx from it is ACKed and BYEd.
  const auto h = b_invite_tx_;
  pending_[h.id].kind = outgoing::abandoned_invite;
  forks_.abandon(h.id);
  track(ctx_.transactions.send_cancel(h, *this), {outgoing::cancel, media_leg::b, {}, {}, false});
  b_invite_done_ = true;
  spdlog::info("call[{}]: no response from {} within {} ms", uid_, b_peer_.to_string(),
               trunk_->config().outbound.attempt_timeout_ms);
  on_invite_failure(408, "Request Timeout", nullptr);
}

bool call::try_next_target(std::string_view why) {
  while (b_target_index_ + 1 < b_targets_.size()) {
    ++b_target_index_;
    const auto& next = b_targets_[b_target_index_];
    // Skip what went down (pings, other calls) since this call took its list.
    if (const auto* now = trunk_->targets().find(next.key);
        now != nullptr && (!now->up || now->retry_after_until > ctx_.timers.now())) {
      continue;
    }
    if (!use_target(next)) continue;
    trunk_->count_failover();
    spdlog::warn("call[{}]: trunk {}: {}; failing over to {}", uid_, trunk_->name(), why, next.key.to_string());
    send_b_attempt();
    return true;
  }
  return false;
}

bool call::answer_challenge(const sip::message& r) {
  if (!trunk_->has_credentials()) {
    trunk_->count_auth_failure();
    spdlog::warn("call[{}]: trunk {} challenged with {} but has no credentials configured", uid_, trunk_->name(),
                 r.status);
    return false;
  }
  if (b_auth_attempts_ >= 2 || (b_auth_attempts_ == 1 && !stale_challenge(r))) {
    trunk_->count_auth_failure();
    return false;  // our answer was refused: the credentials are wrong
  }
  auto creds = trunk_->authorize(r, b_invite_);
  if (!creds) {
    trunk_->count_auth_failure();
    spdlog::warn("call[{}]: trunk {}: no digest challenge we can answer in the {}", uid_, trunk_->name(), r.status);
    return false;
  }
  auto m = b_invite_;
  m.remove_header("Authorization");
  m.remove_header("Proxy-Authorization");
  m.add_header(creds->first, creds->second);
  m.cseq.number += 1;
  b_.set_ack_credentials(sip::header{creds->first, creds->second}, m.cseq.number);
  m.vias.front().params.erase("branch");
  ++b_auth_attempts_;
  spdlog::debug("call[{}]: answering the {} challenge of trunk {}", uid_, r.status, trunk_->name());
  b_heard_ = false;
  resend_b_invite(std::move(m));
  return true;
}

// --- responses on the B side's INVITE ----------------------------------------------------------

void call::on_invite_provisional(sip::message&& r) {
  if (trunk_) {
    attempt_timer_.cancel();
    if (!b_heard_) trunk_->report_answered(b_targets_[b_target_index_].key);
    b_heard_ = true;
  }
  if (r.status == 100 || a_final_sent_ || state_ == call_state::ending) return;
  forks_.dialog_for(r);
  b_.note_allow(r);
  const bool sdp = has_sdp_body(r);
  if (sdp && !take_b_answer(r.body)) {
    spdlog::info("call[{}]: the B side's early answer is unusable", uid_);
    return end("no common codec", hangup_party::system, 488, sip_reason(488, "Not Acceptable Here"));
  }
  if (r.status == 199) return;  // RFC 6228: an early dialog ended; nothing for A
  const int status = r.status <= 183 ? r.status : 180;
  auto resp = a_response(status);
  if (sdp && !late_offer_) {
    // Early media: A gets our answer now (the same one the 2xx will carry, §13.2.1).
    set_sdp(resp, *a_.local_sdp);
    respond_a(std::move(resp));
    set_state(call_state::early);
    return;
  }
  respond_a(std::move(resp));
  if (sdp) {
    set_state(call_state::early);
  } else if (status != 183) {
    set_state(call_state::ringing);
  }
}

bool call::take_b_answer(const std::string& body) {
  auto answer = media::parse_sdp(body);
  if (!answer) {
    spdlog::info("call[{}]: malformed SDP answer from the B side: {}", uid_, answer.error().to_string());
    return false;
  }
  auto negotiated = read_leg_answer(*b_.local_sdp, *answer, b_srtp_policy(route_));
  if (!negotiated || negotiated->streams.empty() || !negotiated->streams.front().accepted() ||
      negotiated->streams.front().codecs.empty()) {
    spdlog::info("call[{}]: the B side's answer has no usable codec{}", uid_,
                 !negotiated && negotiated.error().code == media::negotiation_errc::no_common_crypto
                     ? " (SRTP: " + negotiated.error().reason + ")"
                     : std::string());
    return false;
  }
  const auto previous_codec = b_.stream ? codec_name(*b_.stream) : std::string();
  b_.stream = negotiated->streams.front();
  b_.remote_sdp = std::move(answer).value();
  log_srtp(uid_, "B", *b_.stream);
  if (!late_offer_) {
    if (!a_.local_sdp) {
      // A's answer: the codec B chose, A's payload numbers mirrored, B's direction.
      const auto caps = answer_capabilities(*b_.stream, offered_direction(*b_.remote_sdp, 0));
      const auto local = local_media(*media_, media_leg::a, a_index_, a_offer_->media.size());
      auto made = answer_offer(*a_offer_, a_index_, caps, local, a_.version(media_->address(media_leg::a)),
                               a_srtp_policy(origin_, ctx_.trunks));
      if (!made || !made->negotiated.streams[a_index_].accepted()) return false;
      log_srtp(uid_, "A", made->negotiated.streams[a_index_]);
      a_.local_sdp = std::move(made->sdp);
      a_.remote_sdp = *a_offer_;
      a_.stream = made->negotiated.streams[a_index_];
    } else if (!previous_codec.empty() && previous_codec != codec_name(*b_.stream)) {
      // A already has its answer; without transcoding the relay cannot bridge this.
      spdlog::warn("call[{}]: the B side changed codec from {} to {} after A was answered", uid_, previous_codec,
                   codec_name(*b_.stream));
    }
  }
  update_relay();
  return true;
}

void call::on_invite_2xx(sip::message&& r) {
  const std::string tag(r.to.tag());
  if (b_answered_) {
    if (tag == b_tag_) {
      b_.ack_2xx(r.cseq.number);
    } else {
      forks_.end_stray(r);
    }
    return;
  }
  sip::dialog* d = forks_.dialog_for(r);
  if (d == nullptr) {
    forks_.end_stray(r);
    return end("bad answer", hangup_party::system, 500, sip_reason(500, "Bad 2xx from the far side"));
  }
  b_answered_ = true;
  b_tag_ = tag;
  b_.set_dialog(d);
  b_.note_allow(r);
  ctx_.dialogs.remove_pending(b_call_id_, b_invite_.from.tag());
  // §13.2.2.4: the 2xx is ACKed at once, whatever happens to the call next.
  b_.ack_2xx(r.cseq.number);
  b_.on_session_2xx(r);
  if (a_final_sent_ || state_ == call_state::ending) {
    // The answer crossed our CANCEL (§9.1): the call is over, end the dialog (§15).
    send_bye(b_, sip_reason(487, "Request Terminated"));
    return maybe_finish();
  }
  const bool usable = has_sdp_body(r) ? take_b_answer(r.body) : b_.stream.has_value();
  if (!usable) {
    return end("no common codec", hangup_party::system, 488, sip_reason(488, "Not Acceptable Here"));
  }
  if (late_offer_) {
    // Our 2xx to A carries the offer: the codec B chose, in B's direction.
    const auto caps = offer_from_negotiated(*b_.stream, offered_direction(*b_.remote_sdp, 0));
    const auto local = local_media(*media_, media_leg::a, 0, 1);
    // With the trunk's SRTP policy: session_relay reads the ACK's answer under it.
    a_.local_sdp =
        make_leg_offer(caps, local, a_.version(media_->address(media_leg::a)), a_srtp_policy(origin_, ctx_.trunks));
  }
  answer_a();
}

void call::answer_a() {
  auto resp = a_response(200);
  set_sdp(resp, *a_.local_sdp);
  if (a_timers_) a_.accept_session(*a_timers_, resp);
  a_.on_uas_response(a_request_, resp, a_from_, ctx_.dialogs, id_);
  record_.sip_code = 200;
  a_final_sent_ = true;
  if (late_offer_) sessions_.expect_answer_in_ack(a_);
  a_.respond_2xx_invite(a_invite_, std::move(resp));
  record_.answer = ctx_.wall_clock();
  setup_time_ = ctx_.timers.now() - started_at_;
  set_state(late_offer_ ? call_state::answering : call_state::connecting);
  if (options_.max_duration > duration::zero()) {
    max_duration_timer_.start(options_.max_duration, [this] {
      spdlog::info("call[{}]: maximum duration reached", uid_);
      end("max duration", hangup_party::system, 0,
          q850_reason(q850::recovery_on_timer_expiry, "Maximum call duration reached"));
    });
  }
}

void call::on_invite_failure(int status, std::string_view phrase, const sip::message* r) {
  ctx_.dialogs.remove_pending(b_call_id_, b_invite_.from.tag());
  if (r != nullptr && status == 422 && !a_final_sent_ && state_ != call_state::ending && b_.negotiation().on_422(*r)) {
    // RFC 4028 §7.3: the far side wants a longer session interval; try again with it.
    b_invite_.cseq.number += 1;
    b_invite_.vias.front().params.erase("branch");
    b_.negotiation().add_to_request(b_invite_);
    (void)ctx_.dialogs.add_pending(b_call_id_, b_invite_.from.tag(), id_);
    forks_.set_invite(b_invite_, b_peer_);
    const auto h = ctx_.transactions.send_request(b_invite_, b_peer_, *this);
    if (h) {
      b_invite_tx_ = h;
      b_invite_done_ = false;
      track(h, {outgoing::invite, media_leg::b, {}, {}, false});
      return;
    }
  }
  if (a_final_sent_ || state_ == call_state::ending) return maybe_finish();
  if (trunk_ && b_target_index_ < b_targets_.size()) {
    attempt_timer_.cancel();
    const auto key = b_targets_[b_target_index_].key;
    const bool progressed = state_ != call_state::outgoing_initiated;  // A heard ringing or early media
    if (r == nullptr) {
      const std::string what = status == 408 ? "no answer from " + key.to_string()
                                             : "cannot reach " + key.to_string();
      trunk_->report_unreachable(key, what);
      spdlog::warn("call[{}]: trunk {}: {}: {}", uid_, trunk_->name(), what, unreachable_hint(status == 408));
      if (!progressed && try_next_target(what)) return;
    } else {
      // Any answer proves the target alive, except 503: it is refusing work (§21.5.4), as
      // the pings count it too.
      if (status == 503) {
        trunk_->report_unreachable(key, "answered 503 " + std::string(phrase));
      } else {
        trunk_->report_answered(key);
      }
      if ((status == 401 || status == 407) && answer_challenge(*r)) return;
      if (status == 503) {
        if (const auto ra = retry_after(*r)) trunk_->report_retry_after(key, *ra);
        if (!progressed && try_next_target(key.to_string() + " answered 503")) return;
      }
      if (const auto hint = provider_hint(status, target_ ? target_->local.host : std::string()); !hint.empty()) {
        spdlog::warn("call[{}]: trunk {} answered {} {}: {}", uid_, trunk_->name(), status, phrase, hint);
      }
    }
  }
  const auto mapped = r != nullptr
                          ? map_far_failure(status)
                          : map_local_failure(status == 408 ? local_failure::timeout : local_failure::transport_error);
  spdlog::info("call[{}]: the B side answered {} {}: {} to A", uid_, status, phrase, mapped.status);
  const std::string why = r != nullptr    ? "rejected: " + std::to_string(status) + " " + std::string(phrase)
                          : status == 408 ? std::string("timeout")
                                          : std::string("unreachable");
  const auto by = r != nullptr ? hangup_party::callee : hangup_party::system;
  if (r != nullptr) {
    // Retry-After and the like, from the allow-list.
    sip::message carried;
    copy_headers(*r, carried, failure_response_headers);
    for (auto& h : carried.headers) a_failure_headers_.push_back(std::move(h));
  }
  end(why, by, mapped.status, sip_reason(status, phrase));
}

// --- responses to A ------------------------------------------------------------------------

sip::message call::a_response(int status, std::string_view reason) {
  auto resp = sip::make_response(a_request_, status, reason, a_to_tag_);
  if (status > 100 && status < 300) sip::prepare_dialog_response(a_request_, resp, a_.contact());
  resp.add_header("Allow", call_allow);
  resp.add_header("Server", options_.user_agent);
  return resp;
}

void call::respond_a(sip::message resp) {
  if (a_final_sent_) return;
  a_.on_uas_response(a_request_, resp, a_from_, ctx_.dialogs, id_);
  if (resp.status >= 200) {
    a_final_sent_ = true;
    record_.sip_code = resp.status;
  }
  ctx_.transactions.respond(a_invite_, std::move(resp));
}

void call::respond_a_failure(int status, std::string_view reason, const std::string& reason_header) {
  auto resp = a_response(status, reason);
  if (!reason_header.empty()) resp.add_header("Reason", reason_header);
  for (const auto& h : a_failure_headers_) resp.add_header(h.name, h.value);
  respond_a(std::move(resp));
}

// --- requests in our dialogs ------------------------------------------------------------------

void call::reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view reason) {
  auto resp = sip::make_response(req, status, reason);
  resp.add_header("Server", options_.user_agent);
  if (status == 405 || req.method_id == method::options) resp.add_header("Allow", call_allow);
  // §11.2: OPTIONS in a dialog is a keepalive, answered here; the other leg has its own.
  if (req.method_id == method::options) resp.add_header("Accept", "application/sdp");
  ctx_.transactions.respond(h, std::move(resp));
}

void call::on_request(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from, sip::dialog& d) {
  call_leg& x = d.id().call_id == a_call_id_ && &d == a_.dialog() ? a_ : b_;
  const bool ack = req.method_id == method::ack;
  if (&d != x.dialog()) {
    // A dialog of a fork we did not take (§13.2.2.4): it is being torn down.
    if (!ack) reply(h, req, 481);
    return;
  }
  if (auto r = d.on_request(req, from); !r) {
    // §12.2.2: out of order 500, bad Contact 400, terminated 481.
    if (!ack) reply(h, req, sip::response_status(r.error()));
    return;
  }
  switch (req.method_id) {
    case method::ack: return on_ack(x, std::move(req));
    case method::bye: return on_bye(x, h, req);
    case method::invite:
    case method::update: return sessions_.on_request(x, h, std::move(req), is_answered(state_) && b_.confirmed());
    case method::info: return on_info(x, h, req);
    case method::options: return reply(h, req, 200);
    default: return reply(h, req, 405);
  }
}

void call::on_ack(call_leg& x, sip::message&& ack) {
  if (!x.on_ack(ack)) return;  // a retransmitted ACK, or one for no 2xx of ours
  if (!sessions_.on_ack(x, ack)) {
    spdlog::info("call[{}]: the ACK on leg {} brought no usable answer", uid_, &x == &a_ ? "A" : "B");
    end("no common codec", hangup_party::system, 0, sip_reason(488, "Not Acceptable Here"));
    return;
  }
  if (&x == &a_ && (state_ == call_state::connecting || state_ == call_state::answering)) {
    set_state(call_state::established);
    supervisor_.on_established(a_.on_hold() || b_.on_hold());
  }
  if (&x == &a_ && bye_to_a_after_ack_) {
    bye_to_a_after_ack_ = false;
    send_bye(a_, bye_reason_for_a_);
    maybe_finish();
  }
}

void call::on_bye(call_leg& x, sip::server_transaction_handle h, const sip::message& req) {
  reply(h, req, 200);
  spdlog::info("call[{}]: BYE from the {}", uid_, &x == &a_ ? "caller" : "callee");
  // The far end's Reason, if any, crosses (RFC 3326 §2); none is invented for a BYE.
  const std::string reason(req.header_value("Reason").value_or(std::string_view{}));
  end("BYE", party_of(x), &x == &a_ ? 487 : 480, reason);
}

void call::on_info(call_leg& x, sip::server_transaction_handle h, const sip::message& req) {
  auto& y = other(x);
  if (!y.confirmed()) return reply(h, req, 481);
  // DTMF and other INFO packages (RFC 6086) cross with their body.
  auto out = y.make_request(method::info);
  copy_headers(req, out, info_headers);
  out.body = req.body;
  if (y.has_authorizer()) relayed_info_[h.id] = call_leg::sent_request{out, 0};  // for a challenge to it
  const auto c = y.send(std::move(out), *this);
  if (!c) {
    relayed_info_.erase(h.id);
    return reply(h, req, 500);
  }
  track(c, {outgoing::info, y.side(), h, {}, false});
}

void call::on_relayed_final(const pending_request& p, int status, std::string_view reason, const sip::message* r) {
  if (const auto kept = relayed_info_.find(p.relay_for.id); kept != relayed_info_.end()) {
    // A challenge to the INFO we relayed (RFC 3261 §22.2): once more, with credentials.
    auto& y = p.to == media_leg::a ? a_ : b_;
    if (r != nullptr && (status == 401 || status == 407)) {
      if (auto again = y.retry_with_credentials(*r, kept->second)) {
        if (const auto c = y.send(std::move(*again), *this)) return track(c, p);
      }
    }
    relayed_info_.erase(kept);
  }
  const auto* req = ctx_.transactions.original_request(p.relay_for);
  if (req == nullptr) return;
  int mapped = status;
  if (status >= 300) mapped = map_far_failure(status).status;
  auto resp = sip::make_response(*req, mapped, mapped == status ? reason : std::string_view{});
  if (r != nullptr) copy_headers(*r, resp, info_headers);
  if (r != nullptr) resp.body = r->body;
  ctx_.transactions.respond(p.relay_for, std::move(resp));
}

void call::on_cancel(sip::server_transaction_handle h, const sip::message& cancel) {
  if (sessions_.on_cancel(h)) return;
  if (h != a_invite_ || a_final_sent_) return;
  spdlog::info("call[{}]: CANCEL from the caller", uid_);
  // §9.2: the INVITE ends with 487; the far side gets our CANCEL, with the caller's
  // Reason when it gave a well-formed one.
  cancel_reason_ = carried_reason(cancel);  // for our CANCEL only; A's 487 carries none
  end("CANCEL", hangup_party::caller, 487, std::string());
}

void call::on_server_failure(sip::server_transaction_handle h, sip::server_failure why) {
  if (h != a_invite_ || why != sip::server_failure::transport_error) return;
  spdlog::info("call[{}]: the caller cannot be reached any more", uid_);
  end("transport error", hangup_party::system, 0, q850_reason(q850::temporary_failure, "Caller unreachable"));
}

// --- client transactions -------------------------------------------------------------------------

void call::track(sip::client_transaction_handle h, pending_request p) {
  if (h) pending_[h.id] = p;
}

void call::on_provisional(sip::client_transaction_handle h, sip::message&& response) {
  const auto it = pending_.find(h.id);
  if (it != pending_.end() && it->second.kind == outgoing::invite && h == b_invite_tx_) {
    on_invite_provisional(std::move(response));
  }
}

void call::on_final(sip::client_transaction_handle h, sip::message&& response) {
  const auto it = pending_.find(h.id);
  if (it == pending_.end()) return;
  const auto p = it->second;
  const int status = response.status;
  const bool invite =
      p.kind == outgoing::invite || p.kind == outgoing::abandoned_invite || p.kind == outgoing::abandoned_answered;
  if (!invite || status >= 300) pending_.erase(it);  // a 2xx may be retransmitted (RFC 6026)
  switch (p.kind) {
    case outgoing::abandoned_invite:
    case outgoing::abandoned_answered:
      if (status < 300) {
        it->second.kind = outgoing::abandoned_answered;
        (void)forks_.end_abandoned(h.id, response);
      } else {
        forks_.forget(h.id);
      }
      return maybe_finish();
    case outgoing::invite:
      if (h != b_invite_tx_) return;
      if (trunk_) {
        attempt_timer_.cancel();
        b_heard_ = true;
      }
      if (status < 300) {
        if (trunk_) trunk_->report_answered(b_targets_[b_target_index_].key);
        b_invite_done_ = true;
        return on_invite_2xx(std::move(response));
      }
      b_invite_done_ = true;
      return on_invite_failure(status, response.reason, &response);
    case outgoing::info: return on_relayed_final(p, status, response.reason, &response);
    case outgoing::bye:
      if ((status == 401 || status == 407) && !p.authorized) send_bye(p.to == media_leg::a ? a_ : b_, p.reason, &response);
      if (status >= 300) spdlog::debug("call[{}]: BYE answered {}", uid_, status);
      return maybe_finish();
    case outgoing::cancel:
      if (status >= 300) spdlog::debug("call[{}]: {} answered {}", uid_, response.cseq.method_name, status);
      return;
  }
}

void call::on_client_failure(sip::client_transaction_handle h, int status, std::string_view phrase) {
  const auto it = pending_.find(h.id);
  if (it == pending_.end()) return;
  const auto p = it->second;
  pending_.erase(it);
  if (p.kind == outgoing::abandoned_invite || p.kind == outgoing::abandoned_answered) {
    forks_.forget(h.id);
    return maybe_finish();
  }
  if (p.kind == outgoing::invite && h == b_invite_tx_) {
    b_invite_done_ = true;
    spdlog::info("call[{}]: no answer from {}: {}", uid_, b_peer_.to_string(), phrase);
    return on_invite_failure(status, phrase, nullptr);
  }
  if (p.kind == outgoing::info) return on_relayed_final(p, status, phrase, nullptr);
  if (p.kind == outgoing::bye) maybe_finish();
}

void call::on_timeout(sip::client_transaction_handle h) { on_client_failure(h, 408, "Request Timeout"); }

void call::on_transport_error(sip::client_transaction_handle h) { on_client_failure(h, 503, "Service Unavailable"); }

// --- media ----------------------------------------------------------------------------------------

void call::update_relay() {
  if (!media_open_) return;
  const bool a_strict = origin_.source.type == call_source::kind::trunk;
  const bool b_strict = target_ && target_->trunk;
  const auto* as = a_.stream ? &*a_.stream : nullptr;
  const auto* bs = b_.stream ? &*b_.stream : nullptr;
  if (as != nullptr) ctx_.media.update_leg(id_, media_leg::a, leg_update(*as, bs, a_strict));
  if (bs != nullptr) ctx_.media.update_leg(id_, media_leg::b, leg_update(*bs, as, b_strict));
  supervisor_.on_session_changed(state_, a_.on_hold() || b_.on_hold());
}

void call::on_media_timeout(media_leg leg) {
  spdlog::info("call[{}]: no media from the {}", uid_, leg == media_leg::a ? "caller" : "callee");
  const bool trunk_leg = leg == media_leg::a ? origin_.source.type == call_source::kind::trunk : trunk_ != nullptr;
  if (trunk_leg && !(a_.on_hold() || b_.on_hold()) && media_) {
    // The classic one-way-audio cause on provider trunks (issue 4): their RTP never reaches us.
    spdlog::warn("call[{}]: no RTP from the trunk ({} leg): one-way audio? Check that the provider can reach "
                 "{} on the media port range (media.port_min..port_max, UDP) through every firewall",
                 uid_, leg == media_leg::a ? "caller" : "callee", media_->address(leg));
  }
  supervisor_.on_timeout(leg, state_, a_.on_hold() || b_.on_hold());
}

void call::on_media_resumed(media_leg leg) { supervisor_.on_resumed(leg, state_); }

void call::on_media_state(call_state s) {
  if (is_answered(state_)) set_state(s);
}

void call::on_media_lost() {
  spdlog::info("call[{}]: media did not come back: hanging up", uid_);
  end("media timeout", hangup_party::system, 0, q850_reason(q850::recovery_on_timer_expiry, "Media timeout"));
}

void call::on_media_closed(const media_report& report) {
  last_report_ = report;
  media_open_ = false;
  close_wait_timer_.cancel();
  maybe_finish();
}

void call::on_leg_failed(call_leg& leg, std::string_view why) {
  spdlog::info("call[{}]: leg {}: {}", uid_, &leg == &a_ ? "A" : "B", why);
  if (state_ == call_state::ending) {
    if (&leg == &a_ && bye_to_a_after_ack_) {
      // §15: the ACK never came; the BYE goes anyway.
      bye_to_a_after_ack_ = false;
      send_bye(a_, bye_reason_for_a_);
    }
    return maybe_finish();
  }
  end(why, hangup_party::system, 0, q850_reason(q850::recovery_on_timer_expiry, why));
}

void call::on_leg_media_changed(call_leg&) { update_relay(); }

void call::on_session_lost(std::string_view why) {
  end(why, hangup_party::system, 0, q850_reason(q850::temporary_failure, why));
}

void call::set_state(call_state s) {
  if (s == state_) return;
  const auto from = state_;
  state_ = s;
  spdlog::info("call[{}]: {} -> {}", uid_, to_string(from), to_string(s));
  ctx_.owner.on_call_state(*this, from, s);
}

// --- teardown --------------------------------------------------------------------------------------

void call::hang_up(std::string_view why, int q850) { end(why, hangup_party::system, 503, q850_reason(q850, why)); }

void call::send_bye(call_leg& leg, const std::string& reason_header, const sip::message* challenge) {
  // A retry with credentials goes out in the dialog our first BYE already ended.
  if (leg.dialog() == nullptr || (challenge == nullptr && leg.dialog()->state() == sip::dialog_state::terminated)) {
    return;
  }
  auto bye = leg.make_request(method::bye);
  if (!reason_header.empty()) bye.add_header("Reason", reason_header);
  if (challenge != nullptr) {
    // A provider may challenge in-dialog requests too (RFC 3261 §22.2): answer once.
    const auto trunk = trunk_of(leg.side());
    const auto creds = trunk ? trunk->authorize(*challenge, bye) : std::nullopt;
    if (!creds) return;
    bye.add_header(creds->first, creds->second);
  }
  track(leg.send(std::move(bye), *this), {outgoing::bye, leg.side(), {}, reason_header, challenge != nullptr});
}

std::shared_ptr<trunk_runtime> call::trunk_of(media_leg leg) const {
  if (leg == media_leg::b) return trunk_;
  if (origin_.source.type != call_source::kind::trunk || ctx_.trunks == nullptr) return nullptr;
  return ctx_.trunks->find(origin_.source.name);
}

void call::end(std::string_view end_reason, hangup_party by, int a_status, const std::string& reason_header) {
  if (state_ == call_state::ending || state_ == call_state::ended) return;
  record_.end_reason = std::string(end_reason);
  record_.hangup_by = by;
  record_.final_state = std::string(to_string(state_));
  record_.end = ctx_.wall_clock();
  set_state(call_state::ending);
  max_duration_timer_.cancel();
  supervisor_.stop();
  sessions_.abort();
  b_.stop_timers();
  a_.stop_session_timer();

  // The caller's side.
  if (!a_final_sent_) {
    const int status = a_status >= 300 ? a_status : 500;
    respond_a_failure(status, {}, reason_header);
    a_.stop_timers();
  } else if (by != hangup_party::caller) {
    if (a_.awaiting_ack()) {
      // §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has
      // received an ACK for its 2xx response or until the server transaction times out".
      bye_to_a_after_ack_ = true;
      bye_reason_for_a_ = reason_header;
    } else {
      a_.stop_timers();
      send_bye(a_, reason_header);
    }
  } else {
    a_.stop_timers();
  }
  // The callee's side.
  if (!b_answered_) {
    if (!b_invite_done_) {
      // §9.1: held by the transaction layer until a provisional arrives. RFC 3326: the
      // CANCEL says why.
      track(ctx_.transactions.send_cancel(b_invite_tx_, *this, cancel_reason_.empty() ? reason_header : cancel_reason_),
            {outgoing::cancel, media_leg::b, {}, {}, false});
    }
  } else if (by != hangup_party::callee) {
    send_bye(b_, reason_header);
  }
  if (media_open_) {
    ctx_.media.destroy_session(id_);
    close_wait_timer_.start(options_.media_close_wait, [this] {
      spdlog::warn("call[{}]: no final media statistics; the CDR goes without them", uid_);
      media_open_ = false;
      maybe_finish();
    });
  }
  maybe_finish();
}

void call::maybe_finish() {
  if (state_ != call_state::ending || finished_) return;
  if (media_open_ || !b_invite_done_ || bye_to_a_after_ack_) return;
  // A BYE still out to a trunk we hold credentials for may be challenged (RFC 3261
  // §22.2) and need its retry: wait for its answer (Timer F bounds it).
  if (std::any_of(pending_.begin(), pending_.end(), [this](const auto& e) {
        // An attempt we gave up on may still answer 2xx: stay to ACK and end it (§13.2.2.4).
        if (e.second.kind == outgoing::abandoned_invite) return true;
        if (e.second.kind != outgoing::bye || e.second.authorized) return false;
        const auto trunk = trunk_of(e.second.to);
        return trunk && trunk->has_credentials();
      })) {
    return;
  }
  finish();
}

void call::finish() {
  finished_ = true;
  a_.stop_timers();
  b_.stop_timers();
  record_.direction = kind_ == call_kind::inbound ? call_direction::inbound : call_direction::outbound;
  record_.legs.clear();
  record_.legs.push_back(make_cdr_leg(media_leg::a, a_call_id_, a_.stream, last_report_));
  if (!b_call_id_.empty()) record_.legs.push_back(make_cdr_leg(media_leg::b, b_call_id_, b_.stream, last_report_));
  a_.set_dialog(nullptr);
  b_.set_dialog(nullptr);
  ctx_.dialogs.remove_owner(id_);
  set_state(call_state::ended);
  spdlog::info("call[{}]: ended ({}, by {}, SIP {})", uid_, record_.end_reason, to_string(record_.hangup_by),
               record_.sip_code ? std::to_string(*record_.sip_code) : std::string("-"));
  // Last statement: the owner may schedule our destruction.
  ctx_.owner.on_call_finished(*this, record_);
}

}  // namespace voxedge::daemon
