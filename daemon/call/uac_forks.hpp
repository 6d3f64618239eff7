#pragma once
// The dialogs our INVITE creates on the B side. A forking proxy may answer from several
// UAS (RFC 3261 §12.1.2): every To tag in a response is a dialog of its own, kept in the
// dialog registry under the call's id. The call takes the first 2xx; every 2xx of another
// fork must be ACKed and then ended with a BYE (§13.2.2.4), which this class does on
// its own, ACKing again each retransmission of those 2xx.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "daemon/call/call_leg.hpp"
#include "sip/dialog/dialog_registry.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

class uac_forks final : private sip::transaction_layer::client_listener {
 public:
  /// `leg` is the B leg: its Via and listener are used for the ACKs and BYEs.
  uac_forks(sip::transaction_layer& transactions, sip::dialog_registry& dialogs, std::uint64_t owner,
            const call_leg& leg, std::string user_agent);
  ~uac_forks();
  uac_forks(const uac_forks&) = delete;
  uac_forks& operator=(const uac_forks&) = delete;

  /// The INVITE we sent and where to: what every fork's dialog is created from.
  void set_invite(const sip::message& invite, const sip::peer& to);
  /// The dialog of a response with a To tag, created on first sight and updated by the
  /// response (§12.1.2, §13.2.2.4); nullptr without a tag or when the registry refuses it.
  sip::dialog* dialog_for(const sip::message& response);
  /// A 2xx from a fork the call did not take: ACK, then BYE (once per To tag).
  void end_stray(const sip::message& response);
  /// The current INVITE (transaction `tx`) was given up for another target. A 2xx that
  /// still comes from it answers that attempt, not the call: end_abandoned() ACKs it and
  /// ends its dialog with a BYE, as for a stray fork.
  void abandon(std::uint64_t tx);
  /// A 2xx on an abandoned attempt's transaction. False when `tx` is not one.
  bool end_abandoned(std::uint64_t tx, const sip::message& response);
  /// The abandoned attempt's transaction is over: nothing more can come from it.
  void forget(std::uint64_t tx) { abandoned_.erase(tx); }

 private:
  struct stray_ack {
    sip::message ack;
    sip::peer to;
  };
  struct attempt {
    sip::message invite;  // without its body
    sip::peer to;
  };

  void end_stray_of(const attempt& from, const sip::message& response);

  // sip::transaction_layer::client_listener: the BYEs to stray forks; answers ignored.
  void on_provisional(sip::client_transaction_handle, sip::message&&) override {}
  void on_final(sip::client_transaction_handle h, sip::message&&) override { byes_.erase(h.id); }
  void on_timeout(sip::client_transaction_handle h) override { byes_.erase(h.id); }
  void on_transport_error(sip::client_transaction_handle h) override { byes_.erase(h.id); }

  sip::transaction_layer& transactions_;
  sip::dialog_registry& dialogs_;
  const std::uint64_t owner_;
  const call_leg& leg_;
  std::string user_agent_;
  attempt current_;
  std::unordered_map<std::string, stray_ack> strays_;  // by To tag
  std::unordered_map<std::uint64_t, attempt> abandoned_;  // by INVITE transaction id
  std::unordered_set<std::uint64_t> byes_;
};

}  // namespace voxedge::daemon
