#pragma once
// What the four RFC 3261 §17 state machines share: identity, the request that created
// the transaction, where its messages go, the services it runs on (timers, the
// transport, the counters), and the one interface through which it reports to its owner
// (the transaction_layer, or a unit test).
//
// A transaction never destroys itself and never assumes its owner keeps it alive past
// on_terminated(): the owner defers destruction until the current call stack has
// unwound, so a transaction may keep using `this` after any callback returns, but must
// re-check terminated() before acting further (the owner may have terminated it).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/timer_service.hpp"
#include "sip/message/message.hpp"
#include "sip/transaction/timer_config.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip {

enum class transaction_kind : std::uint8_t { invite_client, non_invite_client, invite_server, non_invite_server };
inline constexpr std::size_t transaction_kind_count = 4;

/// "invite_client", ... (the metrics label).
std::string_view to_string(transaction_kind k) noexcept;
constexpr bool is_client(transaction_kind k) noexcept {
  return k == transaction_kind::invite_client || k == transaction_kind::non_invite_client;
}

/// Plain counters for the metrics endpoint. Owned by the transaction_layer (or a test),
/// written only on the control thread; the publisher reads them there.
struct transaction_stats {
  std::array<std::uint64_t, transaction_kind_count> active{};   // gauge, indexed by transaction_kind
  std::array<std::uint64_t, transaction_kind_count> created{};  // counter, indexed by transaction_kind
  /// Messages sent again: Timer A/E/G retransmissions, responses re-sent for a
  /// retransmitted request, ACKs re-sent for a retransmitted non-2xx final.
  std::uint64_t retransmissions_sent = 0;
  /// Incoming retransmissions matched to a transaction and not passed to the TU.
  std::uint64_t retransmissions_absorbed = 0;
  /// Timer B, F, H fired, or the §9.1 64*T1 wait after a CANCEL ran out.
  std::uint64_t timeouts = 0;
  /// Transactions told of a transport failure (§17.1.4, §17.2.4).
  std::uint64_t transport_errors = 0;
  /// Responses that matched no client transaction; dropped (§17.1.3, RFC 6026 §7.3).
  std::uint64_t stray_responses = 0;
  /// CANCELs that matched no INVITE server transaction, answered 481 (§9.2).
  std::uint64_t cancels_unmatched = 0;
  /// Messages the layer refused (no Via, status outside 100..699).
  std::uint64_t dropped_malformed = 0;

  std::uint64_t active_count(transaction_kind k) const noexcept { return active[static_cast<std::size_t>(k)]; }
  std::uint64_t created_count(transaction_kind k) const noexcept { return created[static_cast<std::size_t>(k)]; }
};

class transaction {
 public:
  /// How a transaction reports to its owner. All calls come from inside a transaction
  /// method (a receive_*, respond, on_transport_error, or a timer firing) on the control
  /// thread. The owner may call back into this or any other transaction from inside,
  /// including terminate(); `t` stays valid until the owner's deferred cleanup runs.
  class listener {
   public:
    /// Client transactions: a response the TU must see (1xx, the final, and in the
    /// Accepted state every 2xx retransmission, RFC 6026 §8.4).
    virtual void on_response(transaction& t, message&& response) = 0;
    /// Timer B or F (client), Timer H (INVITE server: no ACK for a non-2xx, §17.2.1), or
    /// no final response 64*T1 after a CANCEL (§9.1). on_terminated follows.
    virtual void on_timeout(transaction& t) = 0;
    /// The transport could not deliver to remote() (§17.1.4, §17.2.4). on_terminated
    /// follows, except for an INVITE server transaction in the Accepted state (RFC 6026
    /// §8.7 keeps it there).
    virtual void on_transport_error(transaction& t) = 0;
    /// The transaction reached Terminated: the last call it makes. The owner removes it
    /// from matching at once and destroys it later (never from inside this call).
    virtual void on_terminated(transaction& t) = 0;

   protected:
    ~listener() = default;
  };

  /// The services a transaction runs on; all must outlive it.
  struct context {
    timer_service& timers;
    message_sender& sender;
    const timer_config& config;
    transaction_stats& stats;
    listener& owner;
  };

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  virtual ~transaction() = default;

  std::uint64_t id() const noexcept { return id_; }
  transaction_kind kind() const noexcept { return kind_; }
  bool terminated() const noexcept { return terminated_; }
  /// Client: the destination the TU chose (on streams, with the connection of the first
  /// response adopted). Server: where responses go (§18.2.2, RFC 3581 §4).
  const peer& remote() const noexcept { return remote_; }
  bool reliable() const noexcept { return is_reliable(remote_.transport); }
  /// The request that created the transaction, reduced to what the transaction layer
  /// needs afterwards: start line, Via, From, To, Call-ID, CSeq, Max-Forwards, Route and
  /// Timestamp (ACK §17.1.1.3, CANCEL §9.1, 100 Trying §8.2.6.1, matching §17.2.3). No
  /// body, no other headers.
  const message& request() const noexcept { return request_; }
  /// Top Via branch of request(): the transaction id on the wire (§17.1.3, §17.2.3).
  std::string_view branch() const noexcept;

  /// The transport reported a failure towards remote().
  virtual void on_transport_error() = 0;
  /// Ends the transaction now, in whatever state: timers stop, nothing more is sent, no
  /// callback but on_terminated. Idempotent.
  virtual void terminate() = 0;
  virtual std::string_view state_name() const noexcept = 0;

 protected:
  /// `request` must be a request with at least one Via (the layer checks).
  transaction(const context& ctx, std::uint64_t id, transaction_kind kind, const message& request, const peer& remote);

  void send(const std::string& bytes) { ctx_.sender.send(bytes, remote_); }
  void resend(const std::string& bytes) {
    ++ctx_.stats.retransmissions_sent;
    send(bytes);
  }
  void count_absorbed() noexcept { ++ctx_.stats.retransmissions_absorbed; }
  /// Server side, §18.2.2: when the connection a response should go back on has failed,
  /// switch once to the fallback destination (a new connection to the `received` address
  /// and sent-by port). False when there is none left: the failure is final.
  bool switch_to_fallback() noexcept;
  /// Sets terminated() and tells the owner; only the first call does anything.
  void finish();
  /// Starts `t` for `after`, or, when `after` is zero (the reliable-transport value of
  /// Timers D, I, J, K), terminates now: the RFC means "no wait", not "next tick".
  void wait_then_terminate(scoped_timer& t, duration after);

  const timer_config& config() const noexcept { return ctx_.config; }
  listener& owner() const noexcept { return ctx_.owner; }
  timer_service& timers() const noexcept { return ctx_.timers; }

  const context& ctx_;
  peer remote_;
  std::optional<peer> fallback_;  // server transactions on TCP/TLS only
  message request_;

 private:
  std::uint64_t id_;
  transaction_kind kind_;
  bool terminated_ = false;
};

}  // namespace voxedge::sip
