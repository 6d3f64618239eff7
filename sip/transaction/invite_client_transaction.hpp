#pragma once
// The INVITE client transaction: RFC 3261 §17.1.1 as corrected by RFC 6026 §8.4.
//
//   Calling ──1xx──▶ Proceeding ──300-699──▶ Completed ──Timer D──▶ Terminated
//      │                 │                     (ACK sent here, and again for each
//      │                 └──2xx──▶ Accepted      retransmitted final)
//      └──2xx──▶ Accepted ──Timer M──▶ Terminated  (every 2xx goes up to the TU, which
//                                                    ACKs it: §13.2.2.4)
//
// Timer A retransmits the INVITE in Calling on unreliable transports only; Timer B ends
// Calling with a timeout. The ACK for a non-2xx final is built here (§17.1.1.3).
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/transaction/transaction.hpp"

namespace voxedge::sip {

class invite_client_transaction final : public transaction {
 public:
  enum class state { calling, proceeding, completed, accepted, terminated };

  /// `invite`'s top Via must already carry this transaction's branch. The request is
  /// serialised once here; every retransmission sends those bytes.
  invite_client_transaction(const context& ctx, std::uint64_t id, const message& invite, const peer& to);

  /// Sends the INVITE and enters Calling (§17.1.1.2).
  void start();
  /// A response matched to this transaction (§17.1.3). `from` is where it arrived: on a
  /// stream transport its connection is adopted, so the ACK and any CANCEL follow it.
  void receive_response(message&& response, const peer& from);

  /// True until a final response, timeout or transport error: a CANCEL still makes sense
  /// (§9.1).
  bool cancellable() const noexcept { return state_ == state::calling || state_ == state::proceeding; }
  /// The CANCEL for this INVITE (§9.1): same Request-URI, Call-ID, From, To and CSeq
  /// number, method CANCEL, the INVITE's top Via only, and its Route set.
  message make_cancel() const;
  /// The TU has sent a CANCEL: if no final response arrives within 64*T1, the INVITE is
  /// considered cancelled (§9.1) and the transaction times out.
  void cancel_sent();

  void on_transport_error() override;
  void terminate() override;
  state current_state() const noexcept { return state_; }
  std::string_view state_name() const noexcept override;

 private:
  void on_timer_a();
  void on_timer_b();
  void on_cancel_timeout();
  void fail(bool timeout);
  void adopt_connection(const peer& from) noexcept;
  message make_ack(const message& response) const;
  /// ACK and CANCEL: the INVITE's Request-URI, top Via, From, Call-ID, CSeq number and
  /// Route, with method `m` and the given To.
  message derive_request(method m, std::string_view name, const name_addr& to) const;

  std::string request_bytes_;
  std::string ack_bytes_;
  duration timer_a_interval_{};
  scoped_timer timer_a_;
  scoped_timer timer_b_;
  scoped_timer timer_d_;
  scoped_timer timer_m_;
  scoped_timer cancel_timer_;  // §9.1: 64*T1 after sending CANCEL
  state state_ = state::calling;
};

}  // namespace voxedge::sip
