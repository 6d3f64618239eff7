#include "daemon/call/call_leg.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/random.hpp"
#include "base/text.hpp"
#include "daemon/call/header_policy.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"
#include "sip/dialog/session_expires.hpp"

namespace voxedge::daemon {

namespace {

std::string_view leg_name(media_leg l) { return l == media_leg::a ? "A" : "B"; }

}  // namespace

bool stale_challenge(const sip::message& r) {
  const auto name = r.status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
  for (const auto v : r.header_values(name)) {
    std::string lower(v);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("stale=true") != std::string::npos || lower.find("stale=\"true\"") != std::string::npos) {
      return true;
    }
  }
  return false;
}

call_leg::call_leg(media_leg side, const context& ctx, listener& l, const sip::session_timer_config& timers)
    : side_(side),
      ctx_(ctx),
      listener_(l),
      negotiation_(timers),
      session_timer_(ctx.timers, *this),
      retransmit_timer_(ctx.timers),
      refresh_retry_timer_(ctx.timers) {}

call_leg::~call_leg() {
  for (const auto& [id, answered] : refreshes_) ctx_.transactions.detach(sip::client_transaction_handle{id});
}

// --- addressing --------------------------------------------------------------------------

void call_leg::set_local(const local_address& local, const std::string& contact_user, bool sips) {
  local_ = local;
  contact_ = sip::name_addr{};
  sips = sips && (local.transport == sip::transport_kind::tls || local.transport == sip::transport_kind::wss);
  contact_.address.scheme = sips ? sip::uri_scheme::sips : sip::uri_scheme::sip;
  contact_.address.user = contact_user;
  contact_.address.host = local.host;
  contact_.address.port = local.port;
  if (local.transport != sip::transport_kind::udp && !(sips && local.transport == sip::transport_kind::tls)) {
    contact_.address.params.set("transport", text::to_lower(sip::via_transport_token(local.transport)));
  }
}

sip::via call_leg::make_via() const {
  sip::via v;
  v.transport = std::string(sip::via_transport_token(local_.transport));
  v.host = local_.host;
  v.port = local_.port;
  // RFC 3581 §3: ask for rport so responses find us through NAT.
  v.params.set("rport");
  return v;
}

void call_leg::on_uas_response(const sip::message& invite, const sip::message& resp, const sip::peer& from,
                               sip::dialog_registry& registry, std::uint64_t owner) {
  if (dialog_ != nullptr) {
    dialog_->on_response_sent(resp);
    return;
  }
  if (resp.status <= 100 || resp.status >= 300) return;
  auto created = sip::dialog::create_uas(invite, resp, from);
  if (!created) return;
  if (auto added = registry.add(std::move(created).value(), owner)) dialog_ = *added;
}

void call_leg::note_allow(const sip::message& m) {
  for (auto value : m.header_values("Allow")) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (text::iequals(text::trim(rest.substr(0, comma)), "UPDATE")) peer_allows_update_ = true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
}

// --- requests ------------------------------------------------------------------------------

sip::message call_leg::make_request(sip::method m) {
  auto req = dialog_->make_request(m);
  req.vias.push_back(make_via());
  req.add_header("User-Agent", ctx_.user_agent);
  return req;
}

std::optional<sip::peer> call_leg::request_target() const {
  std::optional<sip::peer> p;
  if (dialog_ != nullptr) p = dialog_->request_target();
  if (!p) p = fallback_;
  // In-dialog TLS requests towards a trunk keep the trunk's client identity.
  if (p && fallback_ && p->tls_identity.empty() && p->transport == fallback_->transport) {
    p->tls_identity = fallback_->tls_identity;
  }
  // A dialog that began over TLS stays on TLS: a remote target that names a weaker
  // transport (a peer behind a TLS offloader advertising its plain TCP port) is reached
  // over the connection the dialog came on instead (RFC 5923's idea, without the alias).
  if (p && fallback_ && local_.transport == sip::transport_kind::tls && p->transport != sip::transport_kind::tls &&
      fallback_->transport == sip::transport_kind::tls) {
    p = fallback_;
  }
  // Leave from the listener our Via names, so the peer's answers come back to it.
  if (p && p->listener < 0 && p->transport == local_.transport) p->listener = local_.listener;
  return p;
}

sip::client_transaction_handle call_leg::send(sip::message req, sip::transaction_layer::client_listener& l) {
  const auto to = request_target();
  if (!to) {
    spdlog::warn("call leg {}: {} not sent: no address for {}", leg_name(side_), req.method_name,
                 dialog_ != nullptr ? dialog_->next_hop().to_string() : std::string("?"));
    return {};
  }
  return ctx_.transactions.send_request(std::move(req), *to, l);
}

void call_leg::ack_2xx(std::uint32_t cseq) {
  if (last_ack_ && last_ack_->cseq == cseq) {
    // §13.2.2.4: a retransmitted 2xx gets the same ACK again.
    ctx_.transactions.send_ack(last_ack_->ack, last_ack_->to);
    return;
  }
  const auto to = request_target();
  if (dialog_ == nullptr || !to) return;
  sent_ack a{cseq, dialog_->make_ack(cseq), *to};
  a.ack.vias.push_back(make_via());
  // §13.2.2.4: the credentials of the INVITE acknowledged.
  if (reinvite_ack_credentials_ && reinvite_ack_credentials_->first == cseq) {
    a.ack.add_header(reinvite_ack_credentials_->second.name, reinvite_ack_credentials_->second.value);
  } else if (ack_credentials_ && ack_credentials_->first == cseq) {
    a.ack.add_header(ack_credentials_->second.name, ack_credentials_->second.value);
  }
  ctx_.transactions.send_ack(a.ack, a.to);
  last_ack_ = std::move(a);
}

std::optional<sip::message> call_leg::retry_with_credentials(const sip::message& challenge, sent_request& sent) {
  if ((challenge.status != 401 && challenge.status != 407) || !authorizer_.answer) return std::nullopt;
  if (dialog_ == nullptr || dialog_->state() == sip::dialog_state::terminated || sent.request.method_name.empty()) {
    return std::nullopt;
  }
  const auto& method = sent.request.method_name;
  // §22.2 / RFC 7616 §3.3: a second challenge means our credentials were refused, unless
  // it only says the nonce went stale; even then, once.
  if (sent.challenges_answered >= 2 || (sent.challenges_answered == 1 && !stale_challenge(challenge))) {
    if (authorizer_.failed) authorizer_.failed();
    spdlog::warn("call leg {}: our {} was challenged ({}) again: credentials refused", leg_name(side_), method,
                 challenge.status);
    return std::nullopt;
  }
  auto creds = authorizer_.answer(challenge, sent.request);
  if (!creds) {
    if (authorizer_.failed) authorizer_.failed();
    spdlog::warn("call leg {}: no digest challenge we can answer in the {} to our {}", leg_name(side_),
                 challenge.status, method);
    return std::nullopt;
  }
  auto m = sent.request;
  m.remove_header("Authorization");
  m.remove_header("Proxy-Authorization");
  m.add_header(creds->name, creds->value);
  // §12.2.1.1: a new request in the dialog, with the next local CSeq (the dialog counts it).
  m.cseq.number = dialog_->make_request(m.method_id).cseq.number;
  if (!m.vias.empty()) m.vias.front().params.erase("branch");  // a new transaction
  if (m.method_id == sip::method::invite) reinvite_ack_credentials_.emplace(m.cseq.number, std::move(*creds));
  ++sent.challenges_answered;
  sent.request = m;
  spdlog::debug("call leg {}: answering the {} challenge to our {}", leg_name(side_), challenge.status, method);
  return m;
}

// --- 2xx retransmission (§13.3.1.4) ------------------------------------------------------------

void call_leg::respond_2xx_invite(sip::server_transaction_handle h, sip::message resp) {
  const auto& t1 = ctx_.transactions.config().t1;
  pending_2xx p{h, resp, resp.cseq.number, t1, duration{}};
  ctx_.transactions.respond(h, std::move(resp));
  pending_2xx_ = std::move(p);
  retransmit_timer_.start(t1, [this] { retransmit_2xx(); });
}

void call_leg::retransmit_2xx() {
  if (!pending_2xx_) return;
  const auto& cfg = ctx_.transactions.config();
  auto& p = *pending_2xx_;
  p.elapsed += p.interval;
  if (p.elapsed >= 64 * cfg.t1) {
    // §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without
    // receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated."
    pending_2xx_.reset();
    listener_.on_leg_failed(*this, "no ACK for our 2xx");
    return;
  }
  ctx_.transactions.respond(p.handle, p.response);
  p.interval = std::min(p.interval * 2, cfg.t2);
  retransmit_timer_.start(p.interval, [this] { retransmit_2xx(); });
}

bool call_leg::on_ack(const sip::message& ack) {
  if (!pending_2xx_ || ack.cseq.number != pending_2xx_->cseq) return false;
  pending_2xx_.reset();
  retransmit_timer_.cancel();
  return true;
}

// --- SDP -------------------------------------------------------------------------------------

media::session_version& call_leg::version(const std::string& address) {
  if (!version_) version_.emplace(media::make_connection(address));
  return *version_;
}

// --- session timer -------------------------------------------------------------------------------

std::optional<sip::session_timer_answer> call_leg::session_answer(const sip::message& request) const {
  if (!request.has_header("Session-Expires") && !sip::supports_timer(request)) return std::nullopt;
  return negotiation_.on_request(request);
}

void call_leg::accept_session(const sip::session_timer_answer& answer, sip::message& response_2xx) {
  if (auto s = negotiation_.accept(answer, response_2xx)) {
    session_timer_.start(*s);
  } else {
    session_timer_.stop();
  }
}

void call_leg::on_session_2xx(const sip::message& response) {
  if (auto s = negotiation_.on_2xx(response)) {
    session_timer_.start(*s);
  } else {
    session_timer_.stop();
  }
}

void call_leg::stop_timers() {
  session_timer_.stop();
  retransmit_timer_.cancel();
  refresh_retry_timer_.cancel();
  pending_2xx_.reset();
}

void call_leg::on_refresh_due() {
  if (dialog_ == nullptr || !confirmed()) return;
  auto& guard = dialog_->reinvites();
  const bool use_update = peer_allows_update_;
  if (use_update ? !guard.can_send_update() : !guard.can_send_reinvite()) {
    // Another session modification is in flight; its 2xx restarts the timer anyway.
    refresh_retry_timer_.start(std::chrono::seconds(2), [this] { on_refresh_due(); });
    return;
  }
  // RFC 4028 §10: UPDATE without a body refreshes without an offer/answer; a re-INVITE
  // must carry our SDP, unchanged (same o= version, RFC 3264 §8).
  auto req = make_request(use_update ? sip::method::update : sip::method::invite);
  negotiation_.add_to_request(req);
  if (!use_update && local_sdp) {
    req.body = media::write_sdp(*local_sdp);
    req.set_header("Content-Type", "application/sdp");
  }
  sent_request sent;
  if (has_authorizer()) sent.request = req;  // a challenge to it is answered (retry_refresh)
  const auto h = send(std::move(req), *this);
  if (!h) return;
  refreshes_.emplace(h.id, refresh{false, std::move(sent)});
  if (use_update) {
    guard.on_update_sent();
  } else {
    guard.on_reinvite_sent();
  }
}

bool call_leg::retry_refresh(const sip::message& challenge, sent_request sent) {
  if (!confirmed()) return false;
  auto& guard = dialog_->reinvites();
  const bool update = sent.request.method_id == sip::method::update;
  // The challenged request is complete; the retry is a new modification and must fit.
  if (update ? !guard.can_send_update() : !guard.can_send_reinvite()) return false;
  auto again = retry_with_credentials(challenge, sent);
  if (!again) return false;
  const auto h = send(std::move(*again), *this);
  if (!h) return false;
  refreshes_.emplace(h.id, refresh{false, std::move(sent)});
  if (update) {
    guard.on_update_sent();
  } else {
    guard.on_reinvite_sent();
  }
  return true;
}

void call_leg::on_expired() { listener_.on_leg_failed(*this, "session timer expired"); }

void call_leg::refresh_done(sip::client_transaction_handle h) { refreshes_.erase(h.id); }

void call_leg::on_final(sip::client_transaction_handle h, sip::message&& response) {
  const int status = response.status;
  const bool invite = response.cseq.method_id == sip::method::invite;
  if (invite && status >= 200 && status < 300) ack_2xx(response.cseq.number);
  const auto it = refreshes_.find(h.id);
  if (it == refreshes_.end() || it->second.answered) return;  // a 2xx retransmission: ACKed again above
  auto sent = std::move(it->second.sent);
  if (invite && status < 300) {
    it->second = refresh{true, {}};  // kept until the leg goes: more 2xx may come (RFC 6026 §8.4)
  } else {
    refresh_done(h);
  }
  bool retry = false;
  if (dialog_ != nullptr) {
    (void)dialog_->on_response(response);
    retry =
        invite ? dialog_->reinvites().on_reinvite_completed(status) : dialog_->reinvites().on_update_completed(status);
  }
  if (status >= 200 && status < 300) {
    on_session_2xx(response);
    if (invite && has_sdp_body(response) && local_sdp) {
      auto answer = media::parse_sdp(response.body);
      const bool changed =
          answer && (!remote_sdp || answer->origin.session_version != remote_sdp->origin.session_version);
      if (changed) {
        auto negotiated = media::process_answer(*local_sdp, *answer);
        if (negotiated && stream && stream->index < negotiated->streams.size() &&
            negotiated->streams[stream->index].accepted()) {
          remote_sdp = std::move(answer).value();
          stream = negotiated->streams[stream->index];
          listener_.on_leg_media_changed(*this);
        }
      }
    }
    return;
  }
  if (status == 481 || status == 408) {
    listener_.on_leg_failed(*this, "session refresh answered " + std::to_string(status));
    return;
  }
  if ((status == 401 || status == 407) && retry_refresh(response, std::move(sent))) return;
  if (retry) {
    // §14.1: glare on our refresh; try again after the randomised interval.
    const bool owner = dialog_ != nullptr && dialog_->call_id_owner();
    refresh_retry_timer_.start(sip::glare_retry_delay(owner, random_u64()), [this] { on_refresh_due(); });
  }
  // Any other failure: the refresh did not happen, and the timer's expiry ends the call.
}

void call_leg::on_timeout(sip::client_transaction_handle h) {
  refresh_done(h);
  listener_.on_leg_failed(*this, "session refresh timed out");
}

void call_leg::on_transport_error(sip::client_transaction_handle h) {
  refresh_done(h);
  listener_.on_leg_failed(*this, "session refresh could not be delivered");
}

}  // namespace voxedge::daemon
