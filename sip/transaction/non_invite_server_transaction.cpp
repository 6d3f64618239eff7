#include "sip/transaction/non_invite_server_transaction.hpp"

#include <utility>

#include "sip/message/serializer.hpp"

namespace voxedge::sip {

non_invite_server_transaction::non_invite_server_transaction(const context& ctx, std::uint64_t id,
                                                             const message& request, const peer& respond_to,
                                                             std::optional<peer> fallback)
    : transaction(ctx, id, transaction_kind::non_invite_server, request, respond_to), timer_j_(ctx.timers) {
  fallback_ = std::move(fallback);
}

bool non_invite_server_transaction::respond(message&& response) {
  const int status = response.status;
  if (!response.is_response() || status < 100 || status > 699) return false;
  if (state_ != state::trying && state_ != state::proceeding) return false;
  last_status_ = status;
  last_response_ = serialize(response);
  send(last_response_);
  if (status < 200) {
    state_ = state::proceeding;
    return true;
  }
  // §17.2.2: final -> Completed; Timer J (64*T1 unreliable, zero reliable).
  state_ = state::completed;
  wait_then_terminate(timer_j_, config().timer_j(reliable()));
  return true;
}

void non_invite_server_transaction::receive_request() {
  count_absorbed();
  // §17.2.2: Trying absorbs silently; Proceeding and Completed resend the last response.
  if (state_ == state::proceeding || state_ == state::completed) resend(last_response_);
}

void non_invite_server_transaction::on_transport_error() {
  if (state_ == state::terminated) return;
  // §18.2.2: retry once on a new connection before the failure counts.
  if (switch_to_fallback()) {
    if (!last_response_.empty()) resend(last_response_);
    return;
  }
  // §17.2.4: inform the TU and terminate.
  owner().on_transport_error(*this);
  terminate();
}

void non_invite_server_transaction::terminate() {
  timer_j_.cancel();
  state_ = state::terminated;
  finish();
}

std::string_view non_invite_server_transaction::state_name() const noexcept {
  switch (state_) {
    case state::trying: return "Trying";
    case state::proceeding: return "Proceeding";
    case state::completed: return "Completed";
    case state::terminated: return "Terminated";
  }
  return "?";
}

}  // namespace voxedge::sip
