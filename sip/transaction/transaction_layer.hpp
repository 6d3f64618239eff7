#pragma once
// The transaction layer (RFC 3261 §17): owns every transaction, matches what the
// transport delivers to them (§17.1.3, §17.2.3), answers CANCEL (§9.2), and gives the TU
// (the B2BUA's dialogs and calls) handles instead of pointers.
//
// Wiring: the transport calls on_message() for every well-formed message and
// on_transport_error() when it cannot deliver to a peer or a connection breaks; the layer
// sends through message_sender. A transport error names a peer; every live transaction
// whose remote() is that peer (same connection on stream transports when both sides know
// it, else same transport, address and port) gets it.
//
// Re-entrancy: every callback below runs on the control thread from inside on_message(),
// on_transport_error() or a timer; the TU-facing methods (send_request, respond, ...)
// never call back. Callbacks may call any method of the layer, including terminate() on
// the transaction being reported: a terminated transaction leaves matching at once and
// is destroyed on a later turn of the timer service, after the call stack has unwound.
// A callback must not destroy the layer.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/timer_service.hpp"
#include "sip/message/message.hpp"
#include "sip/transaction/branch_generator.hpp"
#include "sip/transaction/timer_config.hpp"
#include "sip/transaction/transaction.hpp"
#include "sip/transaction/transaction_handle.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

/// Why a server transaction failed after the TU responded.
enum class server_failure {
  no_ack,           // Timer H: the non-2xx final was never ACKed (§17.2.1)
  transport_error,  // the response could not be delivered (§17.2.4, §18.2.2)
};

class transaction_layer final : private transaction::listener {
 public:
  /// The TU for incoming requests. Must outlive the layer. Called on the control thread
  /// from inside on_message() or a timer, never from inside respond(); may re-enter the
  /// layer freely (see the top of this file). `message&&` arguments are the callee's to
  /// keep; `const` references are valid only during the call.
  class listener {
   public:
    /// A request that is not a retransmission. `h` is the new server transaction, to be
    /// answered with respond(); it is null for an ACK that matched no INVITE server
    /// transaction in Completed (the ACK for a 2xx, §17.1.1.3, or a stray one), and for
    /// an ACK matched in the Accepted state (RFC 6026 §8.7). CANCEL never arrives here:
    /// see on_cancel. The TU must eventually answer every handle it is given (RFC 3261
    /// has no timer for a silent TU, so the transaction would wait for it forever) or
    /// terminate() it.
    virtual void on_request(server_transaction_handle h, message&& req, const peer& from) = 0;
    /// A CANCEL matched `invite`, which has not sent a final response yet. The layer has
    /// answered the CANCEL with 200 itself (§9.2); the TU should answer the INVITE with
    /// 487 (Request Terminated) once it has cancelled whatever it started.
    virtual void on_cancel(server_transaction_handle invite, const message& cancel, const peer& from) = 0;
    /// A server transaction failed after the TU responded; it is terminated (except for an
    /// INVITE in Accepted with a transport error, RFC 6026 §8.7). Informational for a
    /// UAS: there is nothing left to answer.
    virtual void on_server_failure(server_transaction_handle h, server_failure why) = 0;

   protected:
    ~listener() = default;
  };

  /// The TU for one outgoing request. Must outlive the transaction, or detach() it
  /// first. Called on the control thread from inside on_message(), on_transport_error()
  /// or a timer, never from inside send_request(); may re-enter the layer freely.
  /// Responses are the callee's to keep. After on_timeout or on_transport_error, and
  /// after on_final for a non-INVITE, no further call comes for that handle; after an
  /// INVITE's first 2xx further 2xx may come (RFC 6026 Accepted state) for 64*T1.
  class client_listener {
   public:
    virtual void on_provisional(client_transaction_handle h, message&& response) = 0;
    /// A final response. For an INVITE: a non-2xx has been ACKed already (§17.1.1.3);
    /// each 2xx (including retransmissions and other forks, RFC 6026 §8.4) must be
    /// ACKed by the TU (§13.2.2.4) with send_ack().
    virtual void on_final(client_transaction_handle h, message&& response) = 0;
    /// Timer B or F, or no final 64*T1 after a CANCEL (§9.1): treat as 408 (§8.1.3.1).
    virtual void on_timeout(client_transaction_handle h) = 0;
    /// The request could not be delivered (§17.1.4): treat as 503 (§8.1.3.1).
    virtual void on_transport_error(client_transaction_handle h) = 0;

   protected:
    ~client_listener() = default;
  };

  transaction_layer(timer_service& timers, message_sender& sender, listener& tu, timer_config config = {});
  ~transaction_layer();
  transaction_layer(const transaction_layer&) = delete;
  transaction_layer& operator=(const transaction_layer&) = delete;

  // --- from the transport ---------------------------------------------------------
  /// A parsed message (requests with received/rport already stamped, §18.2.1).
  void on_message(message&& m, const peer& from);
  /// Delivery to `to` failed or its connection broke (§17.1.4, §17.2.4).
  void on_transport_error(const peer& to);

  // --- client side ----------------------------------------------------------------
  /// Starts a client transaction for `req` (not an ACK) towards `to`, which the TU has
  /// resolved (RFC 3263). `req` must carry its top Via (the TU knows the sent-by of the
  /// listener it leaves from); the layer sets the branch when it is empty, and keeps it
  /// otherwise. Returns a null handle, sending nothing, for a request without Via, an
  /// ACK, or a branch already in use for this method.
  client_transaction_handle send_request(message req, const peer& to, client_listener& l);
  /// Cancels a pending INVITE client transaction (§9.1): builds the CANCEL, sends it on
  /// its own non-INVITE transaction (reported to `l`), and bounds the INVITE to 64*T1
  /// more. If no provisional has arrived yet the CANCEL is held until one does (§9.1);
  /// if the INVITE ends first it is dropped silently. Returns null when the INVITE has a
  /// final response already or is unknown; a second call returns the first CANCEL.
  /// `reason`: the value of a Reason header (RFC 3326) to carry, when not empty.
  client_transaction_handle send_cancel(client_transaction_handle invite, client_listener& l,
                                        std::string_view reason = {});
  /// Sends an ACK for a 2xx statelessly (§13.2.2.4, §17.1.1.3). An empty top Via branch
  /// is filled in place, so the TU can resend the same ACK for each 2xx retransmission.
  void send_ack(message& ack, const peer& to);
  /// No more callbacks to the listener; the transaction still finishes its protocol
  /// duties (ACKing retransmitted non-2xx, absorbing).
  void detach(client_transaction_handle h) noexcept;
  void terminate(client_transaction_handle h);

  // --- server side ----------------------------------------------------------------
  /// Sends a response on a server transaction (serialised once; the transaction resends
  /// those bytes). False (nothing sent) when the handle is dead or the state does not
  /// allow it (a second final; anything but a 2xx after a 2xx, RFC 6026 §8.7). The TU
  /// retransmits its own 2xx to an INVITE until the ACK (§13.3.1.4) by calling this again.
  bool respond(server_transaction_handle h, message resp);
  /// The request that created the transaction, reduced as transaction::request() says
  /// (enough for make_response), or nullptr when the handle is dead.
  const message* original_request(server_transaction_handle h) const noexcept;
  void terminate(server_transaction_handle h);

  // --- queries --------------------------------------------------------------------
  bool alive(client_transaction_handle h) const noexcept;
  bool alive(server_transaction_handle h) const noexcept;
  /// The transaction behind a handle for inspection (state, remote), or nullptr.
  const transaction* find(client_transaction_handle h) const noexcept;
  const transaction* find(server_transaction_handle h) const noexcept;
  /// A fresh "z9hG4bK..." branch, and a fresh random tag (From/To tags, §19.3).
  std::string new_branch() { return random_.branch(); }
  std::string new_tag() { return random_.token(); }
  std::size_t size() const noexcept { return live_.size(); }
  const transaction_stats& stats() const noexcept { return stats_; }
  const timer_config& config() const noexcept { return config_; }

 private:
  struct entry {
    std::unique_ptr<transaction> txn;
    client_listener* client = nullptr;  // client transactions until detached
    std::string key;                    // index key; empty for RFC 2543 server transactions
    std::uint64_t cancel = 0;           // INVITE client: its CANCEL transaction
    bool cancel_pending = false;        // ... held until a provisional arrives (§9.1)
  };

  // transaction::listener
  void on_response(transaction& t, message&& response) override;
  void on_timeout(transaction& t) override;
  void on_transport_error(transaction& t) override;
  void on_terminated(transaction& t) override;

  void on_request_message(message&& m, const peer& from);
  void on_response_message(message&& m, const peer& from);
  void on_cancel_request(message&& cancel, const peer& from);
  transaction* match_server(const message& req) const;
  transaction* match_cancel_target(const message& cancel) const;
  transaction* add(std::unique_ptr<transaction> t, std::string key, client_listener* l);
  void start_cancel(entry& invite);
  entry* lookup(std::uint64_t id) noexcept;
  const entry* lookup(std::uint64_t id) const noexcept;
  std::uint64_t next_id() noexcept { return ++last_id_; }

  message_sender& sender_;
  listener& tu_;
  timer_config config_;
  transaction_stats stats_;
  transaction::context context_;
  branch_generator random_;
  std::uint64_t last_id_ = 0;
  std::unordered_map<std::uint64_t, entry> live_;
  std::unordered_map<std::string, std::uint64_t> client_index_;       // §17.1.3 key -> id
  std::unordered_map<std::string, std::uint64_t> server_index_;       // §17.2.3 key -> id
  std::unordered_multimap<std::string, std::uint64_t> legacy_index_;  // Call-ID -> RFC 2543 server ids
  std::vector<std::unique_ptr<transaction>> graveyard_;               // terminated, destroyed by reaper_
  scoped_timer reaper_;
};

}  // namespace voxedge::sip
