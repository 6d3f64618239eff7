#pragma once
// An RFC 3261 §12 dialog: the peer-to-peer relationship an INVITE creates between two UAs,
// identified by Call-ID, local tag and remote tag, carrying the state every later request
// needs (CSeq numbers, the remote target, the route set).
//
// The dialog is transport-agnostic: it builds the messages that belong to it and absorbs
// the ones that arrive, but never sends. The caller adds the top Via (it knows the
// listener a request leaves from), resolves next_hop() with RFC 3263 unless
// request_target() already answered, and hands the message to the transaction layer.
// CANCEL is built by the transaction layer (transaction_layer::send_cancel), not here.
//
// Plain value type: copyable and movable, no callbacks, no timers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sip/dialog/reinvite_guard.hpp"
#include "sip/message/message.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

/// §12: the dialog id. Call-IDs and tags compare byte by byte (§20.8, §19.3).
struct dialog_id {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;  // may be empty: an RFC 2543 UAC sends no From tag (§12.1.1)

  friend bool operator==(const dialog_id&, const dialog_id&) = default;
};

struct dialog_id_hash {
  std::size_t operator()(const dialog_id& id) const noexcept;
};

/// The dialog an incoming request claims to belong to: its To tag is ours, its From tag
/// the remote's (§12.2.2).
dialog_id request_dialog_id(const message& request);
/// The dialog a response to one of our requests belongs to: From tag ours, To tag the
/// remote's (§12.1.2).
dialog_id response_dialog_id(const message& response);

enum class dialog_state : std::uint8_t { early, confirmed, terminated };
/// Which side of the dialog-creating INVITE we were. The UAC generated the Call-ID, which
/// decides the glare retry interval (§14.1).
enum class dialog_role : std::uint8_t { uac, uas };

std::string_view to_string(dialog_state s) noexcept;

/// Why a message could not create or update a dialog. Untrusted input: every value is an
/// answer, never an exception.
enum class dialog_error : std::uint8_t {
  not_invite,       // creation from something other than an INVITE and a response to it
  no_dialog,        // the response creates no dialog: 100, or a final non-2xx (§12.1)
  missing_to_tag,   // a 101-299 response without a To tag (§12.1)
  missing_contact,  // no Contact where one is required (§12.1.1, §12.1.2, §8.1.1.8)
  bad_contact,      // several Contacts, "*", or not a sip:/sips: URI (§8.1.1.8)
  mismatch,         // the message's Call-ID or tags are not this dialog's
  out_of_order,     // CSeq lower than the remote sequence number (§12.2.2)
  terminated,       // the dialog is over
};

std::string_view to_string(dialog_error e) noexcept;
/// The status a UAS answers a request that on_request() refused: 500 for out_of_order
/// (§12.2.2), 400 for a bad or missing Contact, 481 for mismatch and terminated
/// (§12.2.2). 500 for the creation-only errors.
int response_status(dialog_error e) noexcept;

/// §12.1.1: what a UAS puts in a response that creates a dialog (101-199 with a To tag,
/// or 2xx): every Record-Route of the request, in order, and our Contact (the local
/// target). The To tag itself comes from make_response().
void prepare_dialog_response(const message& request, message& response, const name_addr& contact);

class dialog {
 public:
  /// §12.1.1: the dialog we create as UAS by sending `response` (101-199 with a To tag,
  /// or 2xx; see prepare_dialog_response) to `invite`, which arrived from `from`.
  static result<dialog, dialog_error> create_uas(const message& invite, const message& response, const peer& from);
  /// §12.1.2: the dialog created by `response` (101-199 with a To tag, or 2xx) to our
  /// `invite`, which we sent to `to`. A 1xx without Contact is tolerated (the remote target
  /// stays the Request-URI until a response brings one); a 2xx must have one. Forking:
  /// each distinct To tag is a distinct dialog, created by its own call here (§12.1.2,
  /// §13.2.2.4).
  static result<dialog, dialog_error> create_uac(const message& invite, const message& response, const peer& to);

  // --- state (§12.1) ---------------------------------------------------------------
  const dialog_id& id() const noexcept { return id_; }
  dialog_state state() const noexcept { return state_; }
  dialog_role role() const noexcept { return role_; }
  bool call_id_owner() const noexcept { return role_ == dialog_role::uac; }
  /// Empty until we send our first request (UAS), or the CSeq of our INVITE (UAC).
  std::optional<std::uint32_t> local_cseq() const noexcept { return local_cseq_; }
  /// Empty until the remote sends a request (UAC), or the CSeq of its INVITE (UAS).
  std::optional<std::uint32_t> remote_cseq() const noexcept { return remote_cseq_; }
  /// The CSeq number of the INVITE that created the dialog (ours or theirs).
  std::uint32_t invite_cseq() const noexcept { return invite_cseq_; }
  /// From/To of our requests, without tags (the tags are in id()).
  const name_addr& local_uri() const noexcept { return local_uri_; }
  const name_addr& remote_uri() const noexcept { return remote_uri_; }
  /// Our Contact, put in target refresh requests.
  const name_addr& local_target() const noexcept { return local_target_; }
  const uri& remote_target() const noexcept { return remote_target_; }
  /// In the order our requests carry them (Route header order).
  const std::vector<name_addr>& route_set() const noexcept { return route_set_; }
  /// §12.1.1/§12.1.2: sips: Request-URI over TLS; later requests need TLS too.
  bool secure() const noexcept { return secure_; }

  // --- where requests go -------------------------------------------------------------
  /// §8.1.2/§12.2.1.1: the URI to resolve (RFC 3263) for our next request: the first
  /// route when there is a route set, else the remote target.
  const uri& next_hop() const noexcept;
  /// The peer the remote side last spoke from (its connection on stream transports): the
  /// flow a NATed or WebSocket client can be reached on.
  const std::optional<peer>& flow() const noexcept { return flow_; }
  /// Where to send our next request when no DNS is needed: the remote's flow when there is
  /// no route set and the remote target is a WebSocket URI (RFC 7118 §5: a WS client
  /// accepts no connections); else peer_from_uri(next_hop()), reusing the flow's
  /// connection when it is the same transport, address and port. nullopt: resolve
  /// next_hop().
  std::optional<peer> request_target() const;

  // --- building our requests -----------------------------------------------------------
  /// §12.2.1.1: a request within the dialog: Request-URI and Route from the remote target
  /// and route set (strict routing handled), From/To with tags, Call-ID, the next local
  /// CSeq, Max-Forwards 70, and our Contact for INVITE, UPDATE, SUBSCRIBE, NOTIFY and
  /// REFER (target refresh and usage-creating methods). No Via. Not for ACK (make_ack) nor
  /// CANCEL (the transaction layer's). A BYE moves the dialog to terminated: the session
  /// is over once the BYE is handed to a transaction (§15.1.1).
  message make_request(method m);
  /// §13.2.2.4: the ACK for a 2xx to the INVITE with CSeq number `invite_cseq` (the
  /// initial INVITE or a re-INVITE): built like any in-dialog request, with the INVITE's
  /// CSeq number and method ACK. The local CSeq does not move.
  message make_ack(std::uint32_t invite_cseq) const;

  // --- absorbing what arrives ----------------------------------------------------------
  /// §12.2.2: a request that matched this dialog (ids are checked again), from `from`.
  /// Refuses a CSeq lower than the remote sequence number (answer 500) and a target
  /// refresh (re-INVITE, UPDATE) with a bad Contact (answer 400); otherwise records the
  /// CSeq and the flow, replaces the remote target with a target refresh's Contact (§12.2.2:
  /// on receipt, so a UA that moved is reachable even if the re-INVITE then fails), and
  /// terminates the dialog on BYE (§15.1.2). ACK (and CANCEL) carry the INVITE's number
  /// and never move the remote CSeq.
  result<void, dialog_error> on_request(const message& request, const peer& from);
  /// A response to one of our requests in this dialog (UAC side; ids checked).
  /// To the creating INVITE (§12.1.2, §13.2.2.4): a 1xx refreshes the remote target from
  /// its Contact; a 2xx confirms an early dialog, takes the remote target from its Contact
  /// and recomputes the route set from its Record-Route; a 300-699 terminates an early
  /// dialog (§12.3). To anything else: a 2xx to a re-INVITE or UPDATE replaces the remote
  /// target (§12.2.1.2); a 481 or 408 terminates the dialog (§12.2.1.2).
  result<void, dialog_error> on_response(const message& response);
  /// UAS side: we sent the final `response` to the INVITE that created this dialog. A 2xx
  /// confirms it; a 300-699 terminates an early dialog (§12.3). Other responses are
  /// ignored.
  void on_response_sent(const message& response);
  /// A timeout or transport error on a request in this dialog (treated as 408,
  /// §12.2.1.2), a BYE of ours that failed, or the call ending it for any reason.
  void terminate() noexcept { state_ = dialog_state::terminated; }

  /// Changes our Contact for the following target refresh requests.
  void set_local_target(name_addr contact) { local_target_ = std::move(contact); }

  /// Glare bookkeeping for re-INVITE and UPDATE (§14).
  reinvite_guard& reinvites() noexcept { return reinvites_; }
  const reinvite_guard& reinvites() const noexcept { return reinvites_; }

 private:
  dialog() = default;

  message base_request(std::string_view method_name, method m, std::uint32_t cseq) const;

  dialog_id id_;
  dialog_state state_ = dialog_state::early;
  dialog_role role_ = dialog_role::uas;
  std::optional<std::uint32_t> local_cseq_;
  std::optional<std::uint32_t> remote_cseq_;
  std::uint32_t invite_cseq_ = 0;
  name_addr local_uri_;
  name_addr remote_uri_;
  name_addr local_target_;
  uri remote_target_;
  std::vector<name_addr> route_set_;
  bool secure_ = false;
  std::optional<peer> flow_;
  reinvite_guard reinvites_;
};

}  // namespace voxedge::sip
