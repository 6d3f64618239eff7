#include "sip/transaction/invite_server_transaction.hpp"

#include <algorithm>
#include <utility>

#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"

namespace voxedge::sip {

invite_server_transaction::invite_server_transaction(const context& ctx, std::uint64_t id, const message& invite,
                                                     const peer& respond_to, std::optional<peer> fallback)
    : transaction(ctx, id, transaction_kind::invite_server, invite, respond_to),
      trying_timer_(ctx.timers),
      timer_g_(ctx.timers),
      timer_h_(ctx.timers),
      timer_i_(ctx.timers),
      timer_l_(ctx.timers) {
  fallback_ = std::move(fallback);
}

void invite_server_transaction::start() {
  if (state_ == state::proceeding && last_status_ == 0) {
    trying_timer_.start(config().trying_delay, [this] { on_trying_timer(); });
  }
}

void invite_server_transaction::on_trying_timer() {
  // §17.2.1: the TU has not answered within 200 ms, so the transaction sends 100 Trying
  // itself to quench the client's Timer A. §8.2.6.1: it echoes Timestamp and carries no
  // To tag; make_response does both.
  if (state_ != state::proceeding || last_status_ != 0) return;
  send_response(make_response(request_, 100));
}

void invite_server_transaction::send_response(message&& response) {
  if (auto tag = response.to.tag(); !tag.empty()) to_tag_ = tag;
  last_status_ = response.status;
  last_response_ = serialize(response);
  send(last_response_);
}

bool invite_server_transaction::respond(message&& response) {
  const int status = response.status;
  if (!response.is_response() || status < 100 || status > 699) return false;
  switch (state_) {
    case state::proceeding:
      trying_timer_.cancel();
      send_response(std::move(response));
      if (status < 200) return true;
      if (status < 300) {
        // RFC 6026 §8.7: 2xx -> Accepted (not Terminated), so INVITE retransmissions are
        // still absorbed here instead of reaching the TU as new requests.
        state_ = state::accepted;
        timer_l_.start(config().timer_l(), [this] { terminate(); });
        return true;
      }
      // §17.2.1: 300-699 -> Completed; Timer G (unreliable only) and Timer H.
      state_ = state::completed;
      if (!reliable()) {
        timer_g_interval_ = config().timer_g();
        timer_g_.start(timer_g_interval_, [this] { on_timer_g(); });
      }
      timer_h_.start(config().timer_h(), [this] { on_timer_h(); });
      return true;
    case state::accepted:
      // RFC 6026 §8.7: the TU's 2xx retransmissions (and 2xx for other dialogs) go out.
      if (status < 200 || status >= 300) return false;
      send_response(std::move(response));
      return true;
    case state::completed:
    case state::confirmed:
    case state::terminated: return false;
  }
  return false;
}

void invite_server_transaction::receive_invite() {
  count_absorbed();
  switch (state_) {
    case state::proceeding:
      // §17.2.1: the most recent provisional goes out again (if any was sent yet).
      if (!last_response_.empty()) resend(last_response_);
      return;
    case state::completed:
      // §17.2.1: the final goes out again.
      resend(last_response_);
      return;
    case state::confirmed:
    case state::accepted:  // RFC 6026 §8.7: absorbed; the TU retransmits its 2xx itself
    case state::terminated: return;
  }
}

bool invite_server_transaction::receive_ack() {
  switch (state_) {
    case state::completed:
      // §17.2.1: ACK -> Confirmed; stop retransmitting, absorb further ACKs for Timer I.
      state_ = state::confirmed;
      timer_g_.cancel();
      timer_h_.cancel();
      wait_then_terminate(timer_i_, config().timer_i(reliable()));
      return true;
    case state::accepted:
      // RFC 6026 §8.7: the ACK for a 2xx is the TU's business.
      return false;
    case state::proceeding:  // an ACK before any final is bogus: drop it
    case state::confirmed:
    case state::terminated: count_absorbed(); return true;
  }
  return true;
}

void invite_server_transaction::on_timer_g() {
  if (state_ != state::completed) return;
  resend(last_response_);
  // §17.2.1: MIN(2*interval, T2).
  timer_g_interval_ = std::min(2 * timer_g_interval_, config().t2);
  timer_g_.start(timer_g_interval_, [this] { on_timer_g(); });
}

void invite_server_transaction::on_timer_h() {
  if (state_ != state::completed) return;
  // §17.2.1: no ACK ever came: terminate and tell the TU a failure occurred.
  timer_g_.cancel();
  owner().on_timeout(*this);
  terminate();
}

void invite_server_transaction::on_transport_error() {
  if (state_ == state::terminated || state_ == state::confirmed) return;
  // §18.2.2: a response whose connection broke is retried once on a new connection to
  // the received address and sent-by port before the failure counts.
  if (switch_to_fallback()) {
    if (!last_response_.empty()) resend(last_response_);
    return;
  }
  owner().on_transport_error(*this);
  // RFC 6026 §8.7: in Accepted the TU is told but the transaction stays, still absorbing
  // INVITE retransmissions until Timer L. Elsewhere §17.2.4: terminate.
  if (state_ != state::accepted) terminate();
}

void invite_server_transaction::terminate() {
  trying_timer_.cancel();
  timer_g_.cancel();
  timer_h_.cancel();
  timer_i_.cancel();
  timer_l_.cancel();
  state_ = state::terminated;
  finish();
}

std::string_view invite_server_transaction::state_name() const noexcept {
  switch (state_) {
    case state::proceeding: return "Proceeding";
    case state::completed: return "Completed";
    case state::confirmed: return "Confirmed";
    case state::accepted: return "Accepted";
    case state::terminated: return "Terminated";
  }
  return "?";
}

}  // namespace voxedge::sip
