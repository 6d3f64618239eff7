#include "sip/transaction/invite_client_transaction.hpp"

#include <utility>

#include "sip/message/serializer.hpp"

namespace voxedge::sip {

invite_client_transaction::invite_client_transaction(const context& ctx, std::uint64_t id, const message& invite,
                                                     const peer& to)
    : transaction(ctx, id, transaction_kind::invite_client, invite, to),
      request_bytes_(serialize(invite)),
      timer_a_(ctx.timers),
      timer_b_(ctx.timers),
      timer_d_(ctx.timers),
      timer_m_(ctx.timers),
      cancel_timer_(ctx.timers) {}

void invite_client_transaction::start() {
  state_ = state::calling;
  send(request_bytes_);
  // §17.1.1.2: Timer A only when the transport is unreliable; Timer B always.
  if (!reliable()) {
    timer_a_interval_ = config().timer_a();
    timer_a_.start(timer_a_interval_, [this] { on_timer_a(); });
  }
  timer_b_.start(config().timer_b(), [this] { on_timer_b(); });
}

void invite_client_transaction::on_timer_a() {
  if (state_ != state::calling) return;
  resend(request_bytes_);
  // §17.1.1.2: each firing doubles the interval (1, 2, 4, 8... T1). Unlike Timer E it
  // is not capped at T2; Timer B bounds the whole exchange instead.
  timer_a_interval_ *= 2;
  timer_a_.start(timer_a_interval_, [this] { on_timer_a(); });
}

void invite_client_transaction::on_timer_b() {
  // §17.1.1.2: Timer B matters only while Calling; Proceeding waits for the TU (which
  // owns "no answer" timing and CANCELs).
  if (state_ == state::calling) fail(true);
}

void invite_client_transaction::on_cancel_timeout() {
  // §9.1: no final response 64*T1 after the CANCEL: consider the INVITE cancelled.
  if (cancellable()) fail(true);
}

void invite_client_transaction::fail(bool timeout) {
  timer_a_.cancel();
  timer_b_.cancel();
  cancel_timer_.cancel();
  if (timeout) {
    owner().on_timeout(*this);
  } else {
    owner().on_transport_error(*this);
  }
  terminate();
}

void invite_client_transaction::adopt_connection(const peer& from) noexcept {
  if (reliable() && remote_.connection_id == 0 && from.transport == remote_.transport) {
    remote_.connection_id = from.connection_id;
  }
}

void invite_client_transaction::receive_response(message&& response, const peer& from) {
  const int status = response.status;
  if (state_ == state::terminated || status < 100 || status > 699) return;
  adopt_connection(from);
  switch (state_) {
    case state::calling:
    case state::proceeding:
      if (status < 200) {
        // §17.1.1.2: a provisional stops retransmissions; Timer B no longer applies.
        state_ = state::proceeding;
        timer_a_.cancel();
        timer_b_.cancel();
        owner().on_response(*this, std::move(response));
        return;
      }
      timer_a_.cancel();
      timer_b_.cancel();
      cancel_timer_.cancel();
      if (status < 300) {
        // RFC 6026 §8.4: 2xx moves to Accepted (not Terminated) so that 2xx
        // retransmissions and forked 2xx still match and reach the TU for ACKing.
        state_ = state::accepted;
        timer_m_.start(config().timer_m(), [this] { terminate(); });
        owner().on_response(*this, std::move(response));
        return;
      }
      // §17.1.1.2: 300-699 -> Completed; the transaction ACKs it itself and keeps the
      // ACK bytes to answer retransmissions of the final for Timer D.
      state_ = state::completed;
      ack_bytes_ = serialize(make_ack(response));
      send(ack_bytes_);
      owner().on_response(*this, std::move(response));
      if (state_ == state::completed) wait_then_terminate(timer_d_, config().timer_d(reliable()));
      return;
    case state::completed:
      count_absorbed();
      // §17.1.1.2: a retransmitted final is ACKed again and not passed up.
      if (status >= 300) resend(ack_bytes_);
      return;
    case state::accepted:
      // RFC 6026 §8.4: every 2xx (retransmission or another fork) goes to the TU;
      // anything else is late and dropped.
      if (status >= 200 && status < 300) {
        owner().on_response(*this, std::move(response));
      } else {
        count_absorbed();
      }
      return;
    case state::terminated: return;
  }
}

message invite_client_transaction::make_ack(const message& response) const {
  // §17.1.1.3: Request-URI, Call-ID, From, CSeq number and the single top Via of the
  // INVITE; To of the response (it carries the UAS tag); the INVITE's Route set.
  return derive_request(method::ack, "ACK", response.to);
}

message invite_client_transaction::make_cancel() const {
  // §9.1: identical Request-URI, Call-ID, To, From, CSeq number; one Via equal to the
  // INVITE's top Via (so the CANCEL takes the same path and branch); the same Route.
  return derive_request(method::cancel, "CANCEL", request_.to);
}

message invite_client_transaction::derive_request(method m, std::string_view name, const name_addr& to) const {
  message r;
  r.is_request = true;
  r.method_name = std::string(name);
  r.method_id = m;
  r.request_uri = request_.request_uri;
  r.vias.push_back(request_.vias.front());
  r.from = request_.from;
  r.to = to;
  r.call_id = request_.call_id;
  r.cseq = cseq{request_.cseq.number, std::string(name), m};
  r.max_forwards = 70;
  r.routes = request_.routes;
  return r;
}

void invite_client_transaction::cancel_sent() {
  if (!cancellable() || cancel_timer_.pending()) return;
  cancel_timer_.start(64 * config().t1, [this] { on_cancel_timeout(); });
}

void invite_client_transaction::on_transport_error() {
  switch (state_) {
    case state::calling:
    case state::proceeding:
      // §17.1.4: inform the TU (which treats it as a 503, §8.1.3.1) and terminate.
      fail(false);
      return;
    case state::completed:
      // The ACK could not be sent. Figure 5 says "Inform TU", but the TU already holds
      // this transaction's final response; a second, contradictory outcome would only
      // confuse it. Stop waiting for retransmissions instead.
      terminate();
      return;
    case state::accepted:
    case state::terminated:
      // Nothing is sent in Accepted; Timer M ends it.
      return;
  }
}

void invite_client_transaction::terminate() {
  timer_a_.cancel();
  timer_b_.cancel();
  timer_d_.cancel();
  timer_m_.cancel();
  cancel_timer_.cancel();
  state_ = state::terminated;
  finish();
}

std::string_view invite_client_transaction::state_name() const noexcept {
  switch (state_) {
    case state::calling: return "Calling";
    case state::proceeding: return "Proceeding";
    case state::completed: return "Completed";
    case state::accepted: return "Accepted";
    case state::terminated: return "Terminated";
  }
  return "?";
}

}  // namespace voxedge::sip
