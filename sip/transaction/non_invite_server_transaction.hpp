#pragma once
// The non-INVITE server transaction (RFC 3261 §17.2.2).
//
//   Trying ──1xx from TU──▶ Proceeding ──200-699 from TU──▶ Completed ──Timer J──▶ Terminated
//     └────────────────200-699 from TU──────────────────────────▲
//
// Retransmitted requests are absorbed: silently in Trying, answered with the last
// provisional in Proceeding and with the final in Completed. Timer J keeps the final
// around for 64*T1 on unreliable transports, and is zero on reliable ones.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transaction/transaction.hpp"

namespace voxedge::sip {

class non_invite_server_transaction final : public transaction {
 public:
  enum class state { trying, proceeding, completed, terminated };

  /// `respond_to` is the §18.2.2 destination of responses; `fallback` the one to try if
  /// that connection fails (stream transports only).
  non_invite_server_transaction(const context& ctx, std::uint64_t id, const message& request, const peer& respond_to,
                                std::optional<peer> fallback = std::nullopt);

  /// A response from the TU (§17.2.2). False, and nothing sent, once a final went out.
  bool respond(message&& response);
  /// A retransmission of the request.
  void receive_request();
  int last_status() const noexcept { return last_status_; }

  void on_transport_error() override;
  void terminate() override;
  state current_state() const noexcept { return state_; }
  std::string_view state_name() const noexcept override;

 private:
  std::string last_response_;
  int last_status_ = 0;
  scoped_timer timer_j_;
  state state_ = state::trying;
};

}  // namespace voxedge::sip
