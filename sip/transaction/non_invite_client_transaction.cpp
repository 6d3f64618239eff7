#include "sip/transaction/non_invite_client_transaction.hpp"

#include <algorithm>
#include <utility>

#include "sip/message/serializer.hpp"

namespace voxedge::sip {

non_invite_client_transaction::non_invite_client_transaction(const context& ctx, std::uint64_t id,
                                                             const message& request, const peer& to)
    : transaction(ctx, id, transaction_kind::non_invite_client, request, to),
      request_bytes_(serialize(request)),
      timer_e_(ctx.timers),
      timer_f_(ctx.timers),
      timer_k_(ctx.timers) {}

void non_invite_client_transaction::start() {
  if (started_ || state_ == state::terminated) return;
  started_ = true;
  state_ = state::trying;
  send(request_bytes_);
  // §17.1.2.2: Timer E only on unreliable transports; Timer F always.
  if (!reliable()) {
    timer_e_interval_ = config().timer_e();
    timer_e_.start(timer_e_interval_, [this] { on_timer_e(); });
  }
  timer_f_.start(config().timer_f(), [this] { on_timer_f(); });
}

void non_invite_client_transaction::on_timer_e() {
  if (state_ == state::trying) {
    resend(request_bytes_);
    // §17.1.2.2: MIN(2*interval, T2) while Trying: 500 ms, 1 s, 2 s, 4 s, 4 s ...
    timer_e_interval_ = std::min(2 * timer_e_interval_, config().t2);
  } else if (state_ == state::proceeding) {
    resend(request_bytes_);
    // §17.1.2.2: every T2 once a provisional has arrived.
    timer_e_interval_ = config().t2;
  } else {
    return;
  }
  timer_e_.start(timer_e_interval_, [this] { on_timer_e(); });
}

void non_invite_client_transaction::on_timer_f() {
  if (state_ != state::trying && state_ != state::proceeding) return;
  // §17.1.2.2: Timer F -> inform the TU of the timeout (a 408 to it, §8.1.3.1).
  timer_e_.cancel();
  owner().on_timeout(*this);
  terminate();
}

void non_invite_client_transaction::receive_response(message&& response, const peer& from) {
  const int status = response.status;
  if (status < 100 || status > 699) return;
  if (reliable() && remote_.connection_id == 0 && from.transport == remote_.transport) {
    remote_.connection_id = from.connection_id;
  }
  switch (state_) {
    case state::trying:
    case state::proceeding:
      if (!started_) return;
      if (status < 200) {
        // §17.1.2.2: Timer E keeps running; its next firing switches to T2.
        state_ = state::proceeding;
        owner().on_response(*this, std::move(response));
        return;
      }
      // §17.1.2.2: final -> Completed; Timer K absorbs retransmitted finals.
      state_ = state::completed;
      timer_e_.cancel();
      timer_f_.cancel();
      owner().on_response(*this, std::move(response));
      if (state_ == state::completed) wait_then_terminate(timer_k_, config().timer_k(reliable()));
      return;
    case state::completed: count_absorbed(); return;
    case state::terminated: return;
  }
}

void non_invite_client_transaction::on_transport_error() {
  if (!started_ || (state_ != state::trying && state_ != state::proceeding)) return;
  // §17.1.4: inform the TU (a 503 to it, §8.1.3.1) and terminate.
  timer_e_.cancel();
  timer_f_.cancel();
  owner().on_transport_error(*this);
  terminate();
}

void non_invite_client_transaction::terminate() {
  timer_e_.cancel();
  timer_f_.cancel();
  timer_k_.cancel();
  state_ = state::terminated;
  finish();
}

std::string_view non_invite_client_transaction::state_name() const noexcept {
  switch (state_) {
    case state::trying: return started_ ? "Trying" : "Idle";
    case state::proceeding: return "Proceeding";
    case state::completed: return "Completed";
    case state::terminated: return "Terminated";
  }
  return "?";
}

}  // namespace voxedge::sip
