#include "daemon/call/session_relay.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "base/random.hpp"
#include "daemon/call/failure_mapping.hpp"
#include "daemon/call/header_policy.hpp"
#include "daemon/call/media_bridge.hpp"
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

bool same_origin(const media::session_description& a, const media::session_description& b) {
  // RFC 3264 §8: "the version number MUST be incremented" when anything changes, so an
  // equal one means the same description (a refresh).
  return a.origin.session_id == b.origin.session_id && a.origin.session_version == b.origin.session_version;
}

}  // namespace

session_relay::session_relay(sip::transaction_layer& transactions, call_leg& a, call_leg& b, listener& l,
                             std::string server)
    : transactions_(transactions), a_(a), b_(b), listener_(l), server_(std::move(server)) {}

session_relay::~session_relay() {
  for (const auto& [id, s] : sent_) transactions_.detach(sip::client_transaction_handle{id});
}

sip::message session_relay::response(const sip::message& req, int status, std::string_view reason) const {
  auto resp = sip::make_response(req, status, reason);
  resp.add_header("Server", server_);
  return resp;
}

void session_relay::respond(call_leg& x, sip::server_transaction_handle h, sip::message resp, bool invite) {
  if (x.dialog() != nullptr) {
    auto& guard = x.dialog()->reinvites();
    if (invite) {
      guard.on_reinvite_answered();
    } else {
      guard.on_update_answered();
    }
  }
  if (invite && resp.status >= 200 && resp.status < 300) {
    x.respond_2xx_invite(h, std::move(resp));
  } else {
    transactions_.respond(h, std::move(resp));
  }
}

void session_relay::on_request(call_leg& x, sip::server_transaction_handle h, sip::message&& req, bool ready) {
  const bool invite = req.method_id == method::invite;
  const bool has_sdp = has_sdp_body(req);
  if (!ready || x.dialog() == nullptr) {
    // Before the initial INVITE completes no second offer can be handled (§14.1).
    transactions_.respond(h, response(req, 491));
    return;
  }
  auto& guard = x.dialog()->reinvites();
  const auto verdict =
      invite ? guard.on_reinvite_received()
             : guard.on_update_received(has_sdp, guard.pending_reinvite() || offer_in_2xx_[index(x)], false);
  if (verdict == sip::glare_verdict::request_pending) {
    spdlog::info("sip[{}]: {} crosses our own: 491 (RFC 3261 §14.2)", req.call_id, req.method_name);
    transactions_.respond(h, response(req, 491));
    return;
  }
  if (verdict == sip::glare_verdict::retry_later) {
    auto resp = response(req, 500);
    resp.add_header("Retry-After", std::to_string(sip::retry_after_seconds(random_u64())));
    transactions_.respond(h, std::move(resp));
    return;
  }
  // From here the guard holds the request until respond() answers it.
  auto timers = x.session_answer(req);
  if (timers && timers->reject_status != 0) {
    auto resp = response(req, timers->reject_status, timers->reason);
    if (timers->reject_status == 422) sip::session_negotiation::add_to_422(*timers, resp);
    return respond(x, h, std::move(resp), invite);
  }
  if (has_foreign_body(req)) {
    auto resp = response(req, 415);
    resp.add_header("Accept", "application/sdp");
    return respond(x, h, std::move(resp), invite);
  }
  if (!has_sdp) return answer_locally(x, h, req, timers, nullptr);
  auto offer = media::parse_sdp(req.body);
  if (!offer) {
    spdlog::info("sip[{}]: malformed SDP in {}: {}", req.call_id, req.method_name, offer.error().to_string());
    return respond(x, h, response(req, 400, "Bad SDP"), invite);
  }
  if (x.stream && x.remote_sdp && same_origin(*offer, *x.remote_sdp)) return answer_locally(x, h, req, timers, &*offer);
  const std::size_t at = x.stream ? x.stream->index : 0;
  if (at >= offer->media.size() || relayed_stream(*offer) != at) {
    // RFC 3264 §8: the relayed m= line keeps its place; we cannot follow a removed or
    // moved audio stream (or one gone to SRTP) without transcoding.
    return respond(x, h, response(req, 488), invite);
  }
  if (const auto why = srtp_offer_problem(*offer, at, srtp(x))) {
    spdlog::info("sip[{}]: {} refused: {}", req.call_id, req.method_name, *why);
    return respond(x, h, response(req, 488), invite);
  }
  relay(x, h, std::move(req), std::move(offer).value(), at, std::move(timers));
}

void session_relay::answer_locally(call_leg& x, sip::server_transaction_handle h, const sip::message& req,
                                   const std::optional<sip::session_timer_answer>& timers,
                                   const media::session_description* offer) {
  const bool invite = req.method_id == method::invite;
  auto resp = response(req, 200);
  // §12.2 / RFC 3311 §5.2: the 2xx to a target refresh carries our Contact.
  resp.contacts.push_back(x.contact());
  resp.add_header("Allow", call_allow);
  if (offer != nullptr) {
    // The same answer again, built from what the other leg negotiated (we relay, so our
    // codec on this leg is the other leg's), in the direction this leg already has.
    const auto& y = other(x);
    const auto& basis = y.stream ? *y.stream : *x.stream;
    const auto at = x.stream->index;
    const auto caps = answer_capabilities(basis, x.stream->direction);
    auto made = answer_offer(*offer, at, caps, local_media(media_, x.side(), at, offer->media.size()),
                             x.version(media_.address(x.side())), srtp(x), &*x.stream);
    if (!made || at >= made->negotiated.streams.size() || !made->negotiated.streams[at].accepted()) {
      return respond(x, h, response(req, 488), invite);
    }
    x.local_sdp = std::move(made->sdp);
    x.remote_sdp = *offer;
    x.stream = made->negotiated.streams[at];
    set_sdp(resp, *x.local_sdp);
  } else if (invite && x.local_sdp) {
    // §14.2: a re-INVITE without an offer gets one in the 2xx: our current description,
    // unchanged (same version); the ACK answers it.
    set_sdp(resp, *x.local_sdp);
    offer_in_2xx_[index(x)] = true;
  }
  if (timers) x.accept_session(*timers, resp);
  respond(x, h, std::move(resp), invite);
}

void session_relay::relay(call_leg& x, sip::server_transaction_handle h, sip::message&& req,
                          media::session_description offer, std::size_t offer_index,
                          std::optional<sip::session_timer_answer> timers) {
  const bool invite = req.method_id == method::invite;
  auto& y = other(x);
  if (mod_ || !y.confirmed() || !y.dialog()->reinvites().can_send_reinvite() || offer_in_2xx_[index(y)]) {
    // One modification at a time; the other leg is busy with its own (§14.1).
    spdlog::info("sip[{}]: {} while the other leg is busy: 491", req.call_id, req.method_name);
    return respond(x, h, response(req, 491), invite);
  }
  const auto* previous = y.local_sdp ? &*y.local_sdp : nullptr;
  const std::size_t y_index = y.stream ? y.stream->index : 0;
  const auto caps = keep_lines(carried_offer(offer, offer_index, previous), previous, y_index);
  const std::size_t lines = previous != nullptr ? previous->media.size() : 1;
  auto forwarded = make_leg_offer(caps, local_media(media_, y.side(), y_index, lines),
                                  y.version(media_.address(y.side())), srtp(y), y.stream ? &*y.stream : nullptr);
  auto out = y.make_request(method::invite);
  set_sdp(out, forwarded);
  out.add_header("Allow", call_allow);
  y.negotiation().add_to_request(out);
  call_leg::sent_request kept;
  if (y.has_authorizer()) kept.request = out;  // its challenge is answered (retry_challenged)
  const auto c = y.send(std::move(out), *this);
  if (!c) return respond(x, h, response(req, 500), invite);
  y.dialog()->reinvites().on_reinvite_sent();
  sent_[c.id] = sent{y.side(), false};
  spdlog::info("sip[{}]: {} relayed to the other leg ({} -> {})", req.call_id, req.method_name,
               media::to_string(offered_direction(offer, offer_index)),
               media::to_string(offered_direction(forwarded, y_index)));
  req.body.clear();
  mod_ = modification{
      x.side(),       h, std::move(req), std::move(offer), offer_index, std::move(timers), std::move(forwarded), c,
      std::move(kept)};
}

void session_relay::finish(int status, const media::session_description* sdp, const std::string& reason_header) {
  auto m = std::move(*mod_);
  mod_.reset();
  auto& x = leg(m.from);
  const bool invite = m.request.method_id == method::invite;
  auto resp = response(m.request, status);
  if (status >= 200 && status < 300) {
    resp.contacts.push_back(x.contact());
    resp.add_header("Allow", call_allow);
    if (sdp != nullptr) set_sdp(resp, *sdp);
    if (m.timers) x.accept_session(*m.timers, resp);
  } else if (!reason_header.empty()) {
    resp.add_header("Reason", reason_header);
  }
  respond(x, m.server, std::move(resp), invite);
}

void session_relay::on_final(sip::client_transaction_handle h, sip::message&& r) {
  const auto it = sent_.find(h.id);
  if (it == sent_.end() || r.cseq.method_id != method::invite) return;  // a CANCEL's answer
  auto& y = leg(it->second.to);
  const int status = r.status;
  const bool ok = status >= 200 && status < 300;
  if (ok) y.ack_2xx(r.cseq.number);  // §13.2.2.4, again for each retransmission
  if (it->second.answered) return;
  it->second.answered = true;
  if (y.dialog() != nullptr) {
    (void)y.dialog()->on_response(r);
    y.dialog()->reinvites().on_reinvite_completed(status);
  }
  if (!mod_ || mod_->client != h) {
    // Cancelled meanwhile: the originator has its 487 already.
    if (ok) spdlog::warn("sip[{}]: a cancelled re-INVITE was accepted; legs may disagree on the session", r.call_id);
    return;
  }
  if ((status == 401 || status == 407) && retry_challenged(y, r)) return;
  if (!ok) {
    const auto mapped = map_far_failure(status);
    finish(mapped.status, nullptr, sip_reason(status, r.reason));
    if (status == 481 || status == 408) listener_.on_session_lost("re-INVITE answered " + std::to_string(status));
    return;
  }
  y.on_session_2xx(r);
  y.note_allow(r);
  auto& m = *mod_;
  auto& x = leg(m.from);
  const std::size_t y_index = y.stream ? y.stream->index : 0;
  std::optional<media::session_description> answer;
  if (has_sdp_body(r)) {
    if (auto parsed = media::parse_sdp(r.body)) answer = std::move(parsed).value();
  }
  std::optional<media::negotiated_session> negotiated;
  if (answer) {
    if (auto n = read_leg_answer(m.forwarded, *answer, srtp(y))) negotiated = std::move(n).value();
  }
  if (!negotiated || y_index >= negotiated->streams.size() || !negotiated->streams[y_index].accepted()) {
    spdlog::warn("sip[{}]: the other leg accepted the re-INVITE without a usable answer", r.call_id);
    return finish(488, nullptr, sip_reason(488, "Not Acceptable Here"));
  }
  const auto& ys = negotiated->streams[y_index];
  const auto caps = answer_capabilities(ys, offered_direction(*answer, y_index));
  auto made = answer_offer(m.offer, m.index, caps, local_media(media_, x.side(), m.index, m.offer.media.size()),
                           x.version(media_.address(x.side())), srtp(x), x.stream ? &*x.stream : nullptr);
  if (!made || !made->negotiated.streams[m.index].accepted()) return finish(488, nullptr);
  y.local_sdp = std::move(m.forwarded);
  y.remote_sdp = std::move(*answer);
  y.stream = ys;
  x.local_sdp = made->sdp;
  x.remote_sdp = std::move(m.offer);
  x.stream = made->negotiated.streams[m.index];
  listener_.on_session_changed();
  finish(200, &made->sdp);
}

bool session_relay::retry_challenged(call_leg& y, const sip::message& challenge) {
  // The challenged re-INVITE is complete (on_reinvite_completed above); the retry is a
  // new one and must be let through by the guard like any.
  if (!y.confirmed() || !y.dialog()->reinvites().can_send_reinvite()) return false;
  auto again = y.retry_with_credentials(challenge, mod_->out);
  if (!again) return false;
  const auto c = y.send(std::move(*again), *this);
  if (!c) return false;
  y.dialog()->reinvites().on_reinvite_sent();
  sent_[c.id] = sent{y.side(), false};
  mod_->client = c;  // a CANCEL from the originator now goes to this one
  return true;
}

void session_relay::on_failed(sip::client_transaction_handle h, std::string_view why) {
  const auto it = sent_.find(h.id);
  if (it == sent_.end()) return;
  auto& y = leg(it->second.to);
  const bool mine = mod_ && mod_->client == h;
  if (y.dialog() != nullptr && !it->second.answered) y.dialog()->reinvites().on_reinvite_completed(408);
  it->second.answered = true;
  if (!mine) return;
  finish(500, nullptr);
  // §12.2.1.2: no answer to a request in the dialog ends it.
  listener_.on_session_lost(why);
}

void session_relay::on_timeout(sip::client_transaction_handle h) { on_failed(h, "re-INVITE timed out"); }

void session_relay::on_transport_error(sip::client_transaction_handle h) {
  on_failed(h, "re-INVITE could not be delivered");
}

bool session_relay::on_ack(call_leg& x, const sip::message& ack) {
  auto& expected = offer_in_2xx_[index(x)];
  if (!expected) return true;
  expected = false;
  if (!has_sdp_body(ack) || !x.local_sdp) return false;
  auto answer = media::parse_sdp(ack.body);
  if (!answer) return false;
  auto negotiated = read_leg_answer(*x.local_sdp, *answer, srtp(x));
  const std::size_t at = x.stream ? x.stream->index : 0;
  if (!negotiated || at >= negotiated->streams.size() || !negotiated->streams[at].accepted() ||
      negotiated->streams[at].codecs.empty()) {
    return false;
  }
  x.remote_sdp = std::move(answer).value();
  x.stream = negotiated->streams[at];
  listener_.on_session_changed();
  return true;
}

bool session_relay::on_cancel(sip::server_transaction_handle h) {
  if (!mod_ || mod_->server != h) return false;
  // §9.1: CANCEL onwards; the answer to it (or a late 2xx) is absorbed in on_final.
  if (const auto c = transactions_.send_cancel(mod_->client, *this)) sent_[c.id] = sent{mod_->from, true};
  finish(487, nullptr);
  return true;
}

void session_relay::abort() {
  if (mod_) finish(500, nullptr);
  offer_in_2xx_[0] = offer_in_2xx_[1] = false;
}

}  // namespace voxedge::daemon
