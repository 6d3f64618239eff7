#pragma once
// One leg of a B2BUA call: the dialog with one peer and everything that is per leg —
// our address there (Via, Contact), the requests and ACKs we send in the dialog, the 2xx
// we retransmit until the peer's ACK (RFC 3261 §13.3.1.4), the SDP state of the leg
// (RFC 3264: what we last sent, what the peer last sent, our o= version), and the RFC
// 4028 session timer, including the refreshes we send when we are the refresher.
//
// The call decides what crosses between legs; the leg only speaks to its own peer. It
// sends session refreshes on its own (an UPDATE without SDP when the peer allows UPDATE,
// else a re-INVITE with our unchanged SDP, RFC 4028 §10) and reports what the call must
// act on through its listener.
//
// A peer that challenges our in-dialog requests (a provider's trunk, RFC 3261 §22.2) is
// answered here for every sender of such requests (our refreshes, the re-INVITEs and
// INFOs the call relays): retry_with_credentials() gives the same request again with
// credentials, once per request (twice when the second challenge says stale=true).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/timer_service.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/call/media_control.hpp"
#include "media/sdp/negotiated_session.hpp"
#include "media/sdp/session_description.hpp"
#include "media/sdp/session_version.hpp"
#include "sip/dialog/dialog.hpp"
#include "sip/dialog/dialog_registry.hpp"
#include "sip/dialog/session_negotiation.hpp"
#include "sip/dialog/session_timer.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

/// Digest credentials for the peer of a leg (RFC 3261 §22.2, RFC 7616): set by the call
/// when the peer is a trunk we hold credentials for. Unset (no `answer`): challenges to
/// our in-dialog requests are not answered.
struct leg_authorizer {
  /// The Authorization / Proxy-Authorization header answering `challenge` (a 401/407)
  /// for `request`; nullopt when no challenge in it can be answered.
  std::function<std::optional<sip::header>(const sip::message& challenge, const sip::message& request)> answer;
  /// A challenge we could not or would not answer (counted as an auth failure).
  std::function<void()> failed;
};

/// A repeated challenge may be answered once more only when it says our nonce was merely
/// stale (RFC 7616 §3.3): the credentials were right.
bool stale_challenge(const sip::message& r);

class call_leg final : private sip::session_timer::listener, private sip::transaction_layer::client_listener {
 public:
  /// The call. Called on the control thread from timer callbacks and transaction
  /// callbacks, never from inside a call_leg method the call invoked; the call may do
  /// anything but destroy the leg from inside.
  class listener {
   public:
    /// The leg is dead: the session timer expired (RFC 4028 §10), our 2xx got no ACK
    /// (§13.3.1.4), or a refresh got 481/408 (§12.2.1.2). The call ends.
    virtual void on_leg_failed(call_leg& leg, std::string_view why) = 0;
    /// A refresh we sent got an answer that moved the peer's media (stream() updated).
    virtual void on_leg_media_changed(call_leg& leg) = 0;

   protected:
    ~listener() = default;
  };

  struct context {
    timer_service& timers;
    sip::transaction_layer& transactions;
    std::string user_agent;  // User-Agent of our requests
  };

  call_leg(media_leg side, const context& ctx, listener& l, const sip::session_timer_config& timers);
  ~call_leg();
  call_leg(const call_leg&) = delete;
  call_leg& operator=(const call_leg&) = delete;

  media_leg side() const noexcept { return side_; }

  // --- addressing ----------------------------------------------------------------------
  /// Our address on this leg; builds our Contact (sip:<user>@host:port;transport=...).
  /// `sips`: the dialog is secure end to end (RFC 3261 §8.1.1.8, §12.1.1): the Contact
  /// is a sips: URI (which implies TLS) rather than sip:...;transport=tls (RFC 5630 §3).
  void set_local(const local_address& local, const std::string& contact_user, bool sips = false);
  const local_address& local() const noexcept { return local_; }
  const sip::name_addr& contact() const noexcept { return contact_; }
  /// Where requests go when the dialog names no literal address (B: the INVITE's peer).
  void set_fallback_target(const sip::peer& p) { fallback_ = p; }
  /// A top Via for a request leaving on this leg (branch left to the transaction layer).
  sip::via make_via() const;

  // --- dialog -------------------------------------------------------------------------
  sip::dialog* dialog() const noexcept { return dialog_; }
  void set_dialog(sip::dialog* d) noexcept { dialog_ = d; }
  bool confirmed() const noexcept { return dialog_ != nullptr && dialog_->state() == sip::dialog_state::confirmed; }
  /// We answered `invite` with `resp` (UAS): the first 101-299 creates our dialog in
  /// `registry` under `owner` (§12.1.1); later ones confirm or end it.
  void on_uas_response(const sip::message& invite, const sip::message& resp, const sip::peer& from,
                       sip::dialog_registry& registry, std::uint64_t owner);
  /// The peer listed UPDATE in an Allow we saw (RFC 3311 §5.1).
  void note_allow(const sip::message& m);
  bool peer_allows_update() const noexcept { return peer_allows_update_; }

  // --- requests in the dialog ------------------------------------------------------------
  /// dialog()->make_request with our Via and User-Agent. The dialog must exist.
  sip::message make_request(sip::method m);
  std::optional<sip::peer> request_target() const;
  /// Sends a request built by make_request; null handle when it cannot leave.
  sip::client_transaction_handle send(sip::message req, sip::transaction_layer::client_listener& l);
  /// ACKs the 2xx to our INVITE with CSeq `cseq` (§13.2.2.4), and again on each
  /// retransmission of that 2xx (call it again with the same number).
  void ack_2xx(std::uint32_t cseq);
  /// The Authorization / Proxy-Authorization our initial INVITE with CSeq `cseq` carried:
  /// the ACK for its 2xx must carry the same credentials (RFC 3261 §13.2.2.4), and only
  /// that ACK. nullopt: none.
  void set_ack_credentials(std::optional<sip::header> h, std::uint32_t cseq = 0) {
    ack_credentials_.reset();
    if (h) ack_credentials_.emplace(cseq, std::move(*h));
  }

  // --- digest challenges to our in-dialog requests (RFC 3261 §22.2) ---------------------------
  void set_authorizer(leg_authorizer a) { authorizer_ = std::move(a); }
  bool has_authorizer() const noexcept { return static_cast<bool>(authorizer_.answer); }
  /// A request we sent in the dialog, kept (as built, before send()) by whoever sent it so
  /// that a challenge to it can be answered.
  struct sent_request {
    sip::message request;
    unsigned challenges_answered = 0;
  };
  /// `challenge` (a 401/407) answered `sent.request`: the same request again with the
  /// credentials it asks for, the dialog's next CSeq and a fresh branch, ready for send()
  /// (`sent` becomes it). nullopt when there is no authorizer or the dialog is over, and
  /// (counted as an auth failure) for a second challenge that is not stale (the
  /// credentials were refused) or one with nothing we can answer. An INVITE's credentials
  /// also go on the ACK for its 2xx (§13.2.2.4). The guard bookkeeping (reinvites()) stays
  /// with the sender: the challenged request is completed, the retry is sent anew.
  std::optional<sip::message> retry_with_credentials(const sip::message& challenge, sent_request& sent);

  // --- responses to the peer -----------------------------------------------------------
  /// Sends a 2xx to an INVITE and retransmits it (T1 doubling up to T2) until on_ack()
  /// sees the ACK; after 64*T1 without one, on_leg_failed (§13.3.1.4).
  void respond_2xx_invite(sip::server_transaction_handle h, sip::message resp);
  /// An ACK in the dialog: true when it acknowledges our pending 2xx (which stops).
  bool on_ack(const sip::message& ack);
  bool awaiting_ack() const noexcept { return pending_2xx_.has_value(); }

  // --- SDP state -------------------------------------------------------------------------
  /// Creates the o= line of our descriptions on this leg (once).
  media::session_version& version(const std::string& address);
  std::optional<media::session_description> local_sdp;   // what we sent last (offer or answer)
  std::optional<media::session_description> remote_sdp;  // what the peer sent last
  std::optional<media::negotiated_stream> stream;        // the relayed stream as negotiated
  /// The peer asked for media to stop both ways or one way (RFC 3264 §8.4).
  bool on_hold() const noexcept { return stream && stream->direction != media::media_direction::sendrecv; }

  // --- session timer (RFC 4028) --------------------------------------------------------------
  sip::session_negotiation& negotiation() noexcept { return negotiation_; }
  /// §9 for a request that creates or refreshes the session; nullopt when the request
  /// neither carries Session-Expires nor supports "timer": then this leg gets none
  /// (we do not impose refreshes on a peer that did not ask).
  std::optional<sip::session_timer_answer> session_answer(const sip::message& request) const;
  /// Puts `answer` into our 2xx and (re)starts the timer.
  void accept_session(const sip::session_timer_answer& answer, sip::message& response_2xx);
  /// §7.2: the 2xx to a request we decorated with add_to_request.
  void on_session_2xx(const sip::message& response);
  void stop_timers();
  void stop_session_timer() { session_timer_.stop(); }

 private:
  // sip::session_timer::listener
  void on_refresh_due() override;
  void on_expired() override;
  // sip::transaction_layer::client_listener: our own refreshes
  void on_provisional(sip::client_transaction_handle, sip::message&&) override {}
  void on_final(sip::client_transaction_handle h, sip::message&& response) override;
  void on_timeout(sip::client_transaction_handle h) override;
  void on_transport_error(sip::client_transaction_handle h) override;

  void retransmit_2xx();
  void refresh_done(sip::client_transaction_handle h);
  /// Sends `sent` again with credentials for `challenge`; false when it cannot.
  bool retry_refresh(const sip::message& challenge, sent_request sent);

  struct pending_2xx {
    sip::server_transaction_handle handle;
    sip::message response;
    std::uint32_t cseq = 0;
    duration interval{};
    duration elapsed{};
  };
  struct sent_ack {
    std::uint32_t cseq = 0;
    sip::message ack;
    sip::peer to;
  };

  media_leg side_;
  context ctx_;
  listener& listener_;
  local_address local_;
  sip::name_addr contact_;
  std::optional<sip::peer> fallback_;
  sip::dialog* dialog_ = nullptr;  // owned by the dialog registry
  bool peer_allows_update_ = false;
  std::optional<media::session_version> version_;
  sip::session_negotiation negotiation_;
  sip::session_timer session_timer_;
  std::optional<pending_2xx> pending_2xx_;
  scoped_timer retransmit_timer_;
  scoped_timer refresh_retry_timer_;
  std::optional<sent_ack> last_ack_;
  std::optional<std::pair<std::uint32_t, sip::header>> ack_credentials_;  // by the INVITE's CSeq
  leg_authorizer authorizer_;
  /// The credentials of the last re-INVITE we re-sent with them, by its CSeq: its ACK
  /// carries them instead of the initial INVITE's.
  std::optional<std::pair<std::uint32_t, sip::header>> reinvite_ack_credentials_;
  struct refresh {
    bool answered = false;  // a 2xx came (kept for its retransmissions, RFC 6026 §8.4)
    sent_request sent;      // for a digest retry; empty without an authorizer or once answered
  };
  /// Our refresh transactions by id, detached when the leg goes.
  std::unordered_map<std::uint64_t, refresh> refreshes_;
};

}  // namespace voxedge::daemon
