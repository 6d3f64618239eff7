#pragma once
// The INVITE server transaction: RFC 3261 §17.2.1 as corrected by RFC 6026 §8.7.
//
//   Proceeding ──300-699 from TU──▶ Completed ──ACK──▶ Confirmed ──Timer I──▶ Terminated
//       │                              └──Timer H (no ACK)──▶ Terminated
//       └──2xx from TU──▶ Accepted ──Timer L──▶ Terminated
//
// In Proceeding it sends 100 Trying itself when the TU has not answered within 200 ms,
// and answers a retransmitted INVITE with the last provisional. In Completed Timer G
// retransmits the final on unreliable transports and a retransmitted INVITE gets the
// final again. In Accepted the TU retransmits its 2xx (§13.3.1.4) through respond(),
// INVITE retransmissions are absorbed, and an ACK goes to the TU (RFC 6026 §8.7).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transaction/transaction.hpp"

namespace voxedge::sip {

class invite_server_transaction final : public transaction {
 public:
  enum class state { proceeding, completed, confirmed, accepted, terminated };

  /// `respond_to` is the §18.2.2 destination of responses; `fallback` the one to try if
  /// that connection fails (stream transports only).
  invite_server_transaction(const context& ctx, std::uint64_t id, const message& invite, const peer& respond_to,
                            std::optional<peer> fallback = std::nullopt);

  /// Arms the 200 ms 100 Trying timer (§17.2.1). Call once the TU has been given the
  /// request, or before: a response from the TU disarms it.
  void start();
  /// A response from the TU. 1xx and the final in Proceeding; further 2xx (the TU's own
  /// retransmissions) in Accepted. Anything else returns false and sends nothing.
  bool respond(message&& response);
  /// A retransmission of the INVITE (§17.2.1).
  void receive_invite();
  /// An ACK matched to this transaction. True when the transaction consumed it
  /// (Completed -> Confirmed, or a retransmitted ACK absorbed); false in Accepted, where
  /// the ACK belongs to the TU's 2xx (RFC 6026 §8.7).
  bool receive_ack();

  /// The To tag of the responses sent so far (RFC 2543 ACK matching, §17.2.3; the CANCEL
  /// 200 reuses it, §9.2). Empty until a response with a tag was sent.
  std::string_view response_to_tag() const noexcept { return to_tag_; }
  /// Status of the last response sent (0 for none).
  int last_status() const noexcept { return last_status_; }

  void on_transport_error() override;
  void terminate() override;
  state current_state() const noexcept { return state_; }
  std::string_view state_name() const noexcept override;

 private:
  void send_response(message&& response);
  void on_trying_timer();
  void on_timer_g();
  void on_timer_h();

  std::string last_response_;  // serialised once; what retransmissions send
  std::string to_tag_;
  int last_status_ = 0;
  duration timer_g_interval_{};
  scoped_timer trying_timer_;
  scoped_timer timer_g_;
  scoped_timer timer_h_;
  scoped_timer timer_i_;
  scoped_timer timer_l_;
  state state_ = state::proceeding;
};

}  // namespace voxedge::sip
