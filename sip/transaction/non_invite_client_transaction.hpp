#pragma once
// The non-INVITE client transaction (RFC 3261 §17.1.2).
//
//   Trying ──1xx──▶ Proceeding ──200-699──▶ Completed ──Timer K──▶ Terminated
//     └───────────200-699──────────────────────▲
//
// Timer E retransmits on unreliable transports: T1, 2*T1, ... capped at T2 in Trying,
// and every T2 in Proceeding. Timer F ends Trying and Proceeding with a timeout.
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/transaction/transaction.hpp"

namespace voxedge::sip {

class non_invite_client_transaction final : public transaction {
 public:
  enum class state { trying, proceeding, completed, terminated };

  /// `request`'s top Via must already carry the branch (for a CANCEL, the INVITE's, §9.1).
  non_invite_client_transaction(const context& ctx, std::uint64_t id, const message& request, const peer& to);

  /// Sends the request and enters Trying (§17.1.2.2). A transaction that is never started
  /// sends nothing (the layer holds a CANCEL back until the INVITE has a provisional, §9.1).
  void start();
  bool started() const noexcept { return started_; }
  /// A response matched to this transaction (§17.1.3).
  void receive_response(message&& response, const peer& from);

  void on_transport_error() override;
  void terminate() override;
  state current_state() const noexcept { return state_; }
  std::string_view state_name() const noexcept override;

 private:
  void on_timer_e();
  void on_timer_f();

  std::string request_bytes_;
  duration timer_e_interval_{};
  scoped_timer timer_e_;
  scoped_timer timer_f_;
  scoped_timer timer_k_;
  state state_ = state::trying;
  bool started_ = false;
};

}  // namespace voxedge::sip
