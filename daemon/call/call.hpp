#pragma once
// One B2BUA call: the A leg (the INVITE that reached us: its server transaction and our
// UAS dialog) and the B leg (the INVITE we send on: its client transaction and our UAC
// dialog, the first 2xx of any fork), with one anchored media session between them.
//
// Topology hiding by construction: the B-side INVITE is a new request (fresh Call-ID,
// From tag, branch; our Via and Contact from the listener the leg uses; Max-Forwards
// decremented; only header_policy's allow-list copied), and every response or in-dialog
// request is rebuilt the same way on the other leg. Record-Route, Route, Via, Contact and
// Call-ID never cross.
//
// What crosses, and how (the RFC sections are on the lines that implement them):
//   - INVITE → route → INVITE; 100 sent at once; 180-182 → same; 183 with SDP → 183 with
//     our answer (early media); 2xx → ACKed at once, 2xx to A, CONNECTING until A's ACK;
//     a 2xx from a second fork → ACK then BYE (RFC 3261 §13.2.2.4).
//   - failures → failure_mapping with a Reason (RFC 3326); CANCEL → CANCEL, 487 to A.
//   - BYE from either side → 200, BYE to the other, media released, CDR written.
//   - re-INVITE / UPDATE with a changed offer → re-INVITE to the other side with the
//     direction carried (hold: sendonly/recvonly/inactive), answer mapped back, relay
//     updated; glare → 491 (§14); an unchanged offer or no offer (session refresh) is
//     answered locally; UPDATE without SDP → 200 locally (RFC 4028 refresh).
//   - INFO (DTMF) relayed with its body; OPTIONS in a dialog answered locally.
//   - timers: maximum duration, media timeout (MEDIA_DISRUPTED → RENEWING_MEDIA →
//     ESTABLISHED, hang-up after calls.media_hangup_s), RFC 4028 session timers per leg.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/timer_service.hpp"
#include "daemon/call/call_leg.hpp"
#include "daemon/call/call_state.hpp"
#include "daemon/call/call_stats.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/call/media_control.hpp"
#include "daemon/call/media_supervisor.hpp"
#include "daemon/call/outbound_invite.hpp"
#include "daemon/call/session_relay.hpp"
#include "daemon/call/uac_forks.hpp"
#include "daemon/cdr/cdr_record.hpp"
#include "daemon/routing/call_source.hpp"
#include "daemon/routing/router.hpp"
#include "daemon/trunk/trunk_runtime.hpp"
#include "sip/dialog/dialog_registry.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

/// The per-call knobs, from config::call_settings and the node settings.
struct call_options {
  duration max_duration{};                          // zero: no limit
  duration media_hangup{std::chrono::seconds(60)};  // after MEDIA_DISRUPTED; zero: never
  /// calls.media_timeout_s: the relay's silence threshold, reused once after the answer
  /// for a leg that went silent before it (the relay reports a silence only once).
  duration media_timeout{std::chrono::seconds(30)};
  /// How long RTP must keep flowing after a disruption before RENEWING_MEDIA becomes
  /// ESTABLISHED again.
  duration media_renewal{std::chrono::seconds(2)};
  /// How long to wait for the media plane's final statistics before writing the CDR
  /// without them.
  duration media_close_wait{std::chrono::seconds(2)};
  std::string user_agent = "voxedge";
  std::string contact_user = "voxedge";
  sip::session_timer_config session_timers;
};

/// Where a call comes from: known once classified.
struct call_origin {
  call_source source;
  config::listener_side side = config::listener_side::inside;
};

class call final : private sip::transaction_layer::client_listener,
                   private call_leg::listener,
                   private session_relay::listener,
                   private media_supervisor::listener {
 public:
  /// The B2BUA. Called on the control thread; `c` stays valid during the call.
  class listener {
   public:
    virtual void on_call_state(call& c, call_state from, call_state to) = 0;
    /// The record is complete; the call is ENDED and may be destroyed once the stack has
    /// unwound (never from inside this callback).
    virtual void on_call_finished(call& c, const cdr_record& record) = 0;

   protected:
    ~listener() = default;
  };

  struct context {
    timer_service& timers;
    sip::transaction_layer& transactions;
    sip::dialog_registry& dialogs;
    media_control& media;
    const leg_addressing& addressing;
    listener& owner;
    std::function<std::chrono::system_clock::time_point()> wall_clock;
    /// The trunks' run-time state (targets, health, credentials); null: trunk targets
    /// are taken from the configured URI as they are (tests of other features).
    trunk_directory* trunks = nullptr;
  };

  call(std::uint64_t id, const context& ctx, const call_options& options);
  ~call();
  call(const call&) = delete;
  call& operator=(const call&) = delete;

  // --- from the B2BUA ----------------------------------------------------------------------
  /// A new INVITE (no To tag). Answers A itself, synchronously or later.
  void start(sip::server_transaction_handle h, sip::message&& invite, const sip::peer& from, const call_origin& origin,
             const router* routes);
  /// A request in one of our dialogs (ACK included, with a null handle).
  void on_request(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from, sip::dialog& d);
  /// CANCEL matched `h`, our initial INVITE or a re-INVITE being relayed (RFC 3261 §9.2).
  /// The caller's CANCEL; a Reason in it (RFC 3326, e.g. "call completed elsewhere") goes
  /// on with our CANCEL so the callee's phone does not show a missed call.
  void on_cancel(sip::server_transaction_handle h, const sip::message& cancel);
  void on_server_failure(sip::server_transaction_handle h, sip::server_failure why);
  void on_media_timeout(media_leg leg);
  void on_media_resumed(media_leg leg);
  void on_media_stats(const media_report& report) { last_report_ = report; }
  void on_media_closed(const media_report& report);
  /// Ends the call from our side (shutdown, operator): BYE/CANCEL/final response with
  /// `Reason: Q.850;cause=<q850>;text="<why>"`.
  void hang_up(std::string_view why, int q850);

  // --- queries -----------------------------------------------------------------------------
  std::uint64_t id() const noexcept { return id_; }
  /// The call's own identifier in logs and CDRs (random, not a SIP Call-ID).
  const std::string& uid() const noexcept { return uid_; }
  call_state state() const noexcept { return state_; }
  call_kind kind() const noexcept { return kind_; }
  /// "trunk:x" / "endpoint:x" the call is counted under for metrics.
  const std::string& peer_label() const noexcept { return peer_label_; }
  const std::string& a_call_id() const noexcept { return a_call_id_; }
  const std::string& b_call_id() const noexcept { return b_call_id_; }
  /// A's Call-ID and From tag: the key of the INVITE before any dialog exists.
  std::string a_key() const { return a_call_id_ + '\n' + a_from_tag_; }
  std::optional<duration> setup_time() const noexcept { return setup_time_; }
  const call_leg& leg(media_leg l) const noexcept { return l == media_leg::a ? a_ : b_; }

 private:
  // abandoned_invite: an attempt on a trunk target we gave up on (no answer in time); a
  // 2xx that still comes is ACKed and ended by forks_, and the call does not finish
  // before the attempt has its final answer (Timer B bounds it); abandoned_answered: it
  // had a 2xx, whose retransmissions are ACKed again.
  enum class outgoing : std::uint8_t { invite, abandoned_invite, abandoned_answered, cancel, bye, info };
  struct pending_request {
    outgoing kind = outgoing::bye;
    media_leg to = media_leg::b;
    sip::server_transaction_handle relay_for;  // info: the request we answer
    std::string reason;                         // bye: its Reason header, for a retry
    bool authorized = false;                    // bye: carried credentials already
  };
  // setup
  void fail_early(int status, std::string_view end_reason, std::string_view why);
  bool check_offer();
  bool route_call(const router* routes);
  bool open_media();
  void send_b_invite();
  // trunk targets (RFC 3263 failover) and digest
  bool pick_trunk_targets();
  bool use_target(const trunk_target& t);
  void send_b_attempt();
  bool try_next_target(std::string_view why);
  bool answer_challenge(const sip::message& r);
  void resend_b_invite(sip::message m);
  void on_attempt_timeout();
  // the B side's INVITE
  void on_invite_provisional(sip::message&& r);
  bool take_b_answer(const std::string& body);
  void on_invite_2xx(sip::message&& r);
  void on_invite_failure(int status, std::string_view phrase, const sip::message* r);
  // A's INVITE
  sip::message a_response(int status, std::string_view reason = {});
  void respond_a(sip::message resp);
  void respond_a_failure(int status, std::string_view reason, const std::string& reason_header);
  void answer_a();
  // in the dialogs
  void on_ack(call_leg& x, sip::message&& ack);
  void on_bye(call_leg& x, sip::server_transaction_handle h, const sip::message& req);
  void on_info(call_leg& x, sip::server_transaction_handle h, const sip::message& req);
  void on_relayed_final(const pending_request& p, int status, std::string_view reason, const sip::message* r);
  void reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view reason = {});
  // media
  void update_relay();
  void set_state(call_state s);
  // teardown
  /// Ends the call: answers A with `a_status` if it has no final yet, cancels or BYEs
  /// the legs other than `by`'s, releases the media; finish() follows once nothing is
  /// outstanding.
  void end(std::string_view end_reason, hangup_party by, int a_status, const std::string& reason_header);
  void send_bye(call_leg& leg, const std::string& reason_header, const sip::message* challenge = nullptr);
  /// The trunk on the far side of `leg`, if any (for its credentials).
  std::shared_ptr<trunk_runtime> trunk_of(media_leg leg) const;
  void maybe_finish();
  void finish();
  call_leg& other(const call_leg& x) noexcept { return &x == &a_ ? b_ : a_; }
  hangup_party party_of(const call_leg& x) const noexcept {
    return &x == &a_ ? hangup_party::caller : hangup_party::callee;
  }
  void track(sip::client_transaction_handle h, pending_request p);

  // sip::transaction_layer::client_listener
  void on_provisional(sip::client_transaction_handle h, sip::message&& response) override;
  void on_final(sip::client_transaction_handle h, sip::message&& response) override;
  void on_timeout(sip::client_transaction_handle h) override;
  void on_transport_error(sip::client_transaction_handle h) override;
  void on_client_failure(sip::client_transaction_handle h, int status, std::string_view phrase);
  // call_leg::listener
  void on_leg_failed(call_leg& leg, std::string_view why) override;
  void on_leg_media_changed(call_leg& leg) override;
  // session_relay::listener
  void on_session_changed() override { update_relay(); }
  void on_session_lost(std::string_view why) override;
  // media_supervisor::listener
  void on_media_state(call_state s) override;
  void on_media_lost() override;

  const std::uint64_t id_;
  context ctx_;
  call_options options_;
  std::string uid_;  // ours, in logs and the CDR
  call_state state_ = call_state::none;
  call_kind kind_ = call_kind::internal;
  std::string peer_label_;
  call_leg a_;
  call_leg b_;
  session_relay sessions_;
  uac_forks forks_;

  // A side
  sip::server_transaction_handle a_invite_;
  sip::message a_request_;  // A's INVITE without its body: for responses and the dialog
  sip::peer a_from_;
  call_origin origin_;
  std::string a_call_id_;
  std::string a_from_tag_;
  std::string a_to_tag_;
  bool a_final_sent_ = false;
  bool late_offer_ = false;
  std::optional<media::session_description> a_offer_;  // early offer
  std::size_t a_index_ = 0;                            // the relayed m= line of A's offer
  std::optional<sip::session_timer_answer> a_timers_;
  std::vector<sip::header> a_failure_headers_;  // extra headers for A's final failure

  // B side
  std::optional<route_decision> route_;
  std::optional<outbound_target> target_;
  sip::message b_invite_;
  sip::peer b_peer_;
  std::string b_call_id_;
  sip::client_transaction_handle b_invite_tx_;
  bool b_invite_done_ = true;  // no INVITE of ours awaits a final response
  bool b_answered_ = false;
  std::string b_tag_;  // To tag of the 2xx we took
  // B side on a trunk: the targets this call may try, in order, and where it is
  std::shared_ptr<trunk_runtime> trunk_;
  std::vector<trunk_target> b_targets_;
  std::size_t b_target_index_ = 0;
  outbound_identity b_identity_;
  bool b_heard_ = false;            // any response from the current target
  unsigned b_auth_attempts_ = 0;    // 401/407 answered on this call
  std::string cancel_reason_;       // the caller's CANCEL's Reason, rewritten (RFC 3326)
  scoped_timer attempt_timer_;      // no provisional in time: next target

  // media
  std::optional<media_endpoints> media_;
  bool media_open_ = false;  // a session exists in the media plane
  std::optional<media_report> last_report_;
  media_supervisor supervisor_;

  // bookkeeping
  std::unordered_map<std::uint64_t, pending_request> pending_;
  /// The INFOs we relay onto a leg that answers digest challenges, by the server
  /// transaction of the INFO they relay: kept until their final response.
  std::unordered_map<std::uint64_t, call_leg::sent_request> relayed_info_;
  scoped_timer max_duration_timer_;
  scoped_timer close_wait_timer_;
  bool bye_to_a_after_ack_ = false;  // §15: no BYE before the ACK of our 2xx
  std::string bye_reason_for_a_;
  bool finished_ = false;

  // CDR
  cdr_record record_;
  time_point started_at_{};
  std::optional<duration> setup_time_;
};

}  // namespace voxedge::daemon
