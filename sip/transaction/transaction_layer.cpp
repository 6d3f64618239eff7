#include "sip/transaction/transaction_layer.hpp"

#include <utility>

#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/transaction/invite_client_transaction.hpp"
#include "sip/transaction/invite_server_transaction.hpp"
#include "sip/transaction/non_invite_client_transaction.hpp"
#include "sip/transaction/non_invite_server_transaction.hpp"
#include "sip/transaction/transaction_key.hpp"
#include "sip/transport/response_target.hpp"

namespace voxedge::sip {

namespace {

std::size_t index_of(transaction_kind k) noexcept { return static_cast<std::size_t>(k); }

// §18.2.2: on a stream transport a response goes back on the request's connection; if
// that connection has failed, the server opens one to the `received` address (the
// source) and the sent-by port, default 5060 (5061 for TLS). WebSocket clients accept
// no connections, so they get no fallback.
std::optional<peer> connection_fallback(const via& top, const peer& from) {
  if (from.transport != transport_kind::tcp && from.transport != transport_kind::tls) return std::nullopt;
  peer p = from;
  p.connection_id = 0;
  p.listener = -1;
  p.port = top.port.value_or(from.transport == transport_kind::tls ? 5061 : 5060);
  return p;
}

// Whether a transport error reported for `failed` concerns a transaction talking to
// `remote`. On stream transports the connection decides when both sides know it; a
// transaction that let the transport pick a connection matches by address.
bool same_destination(const peer& remote, const peer& failed) {
  if (remote.transport != failed.transport) return false;
  if (remote.connection_id != 0 && failed.connection_id != 0) return remote.connection_id == failed.connection_id;
  // Two trunks may share an address over TLS with different identities, or over TCP from
  // different local addresses (each has its own connection): one's failed connection
  // says nothing about the other's.
  if (remote.listener >= 0 && failed.listener >= 0 && remote.listener != failed.listener) return false;
  return remote.address == failed.address && remote.port == failed.port && remote.tls_identity == failed.tls_identity;
}

}  // namespace

transaction_layer::transaction_layer(timer_service& timers, message_sender& sender, listener& tu, timer_config config)
    : sender_(sender), tu_(tu), config_(config), context_{timers, sender, config_, stats_, *this}, reaper_(timers) {}

transaction_layer::~transaction_layer() {
  // Transactions never call back from their destructors; their timers cancel themselves.
  reaper_.cancel();
  live_.clear();
  graveyard_.clear();
}

// --- bookkeeping ----------------------------------------------------------------------

transaction_layer::entry* transaction_layer::lookup(std::uint64_t id) noexcept {
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : &it->second;
}

const transaction_layer::entry* transaction_layer::lookup(std::uint64_t id) const noexcept {
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : &it->second;
}

transaction* transaction_layer::add(std::unique_ptr<transaction> t, std::string key, client_listener* l) {
  transaction* raw = t.get();
  const auto kind = raw->kind();
  if (!key.empty()) {
    (is_client(kind) ? client_index_ : server_index_).emplace(key, raw->id());
  } else {
    legacy_index_.emplace(raw->request().call_id, raw->id());
  }
  live_.emplace(raw->id(), entry{std::move(t), l, std::move(key), 0, false});
  ++stats_.active[index_of(kind)];
  ++stats_.created[index_of(kind)];
  return raw;
}

void transaction_layer::on_terminated(transaction& t) {
  auto it = live_.find(t.id());
  if (it == live_.end()) return;
  entry e = std::move(it->second);
  live_.erase(it);
  if (!e.key.empty()) {
    auto& index = is_client(t.kind()) ? client_index_ : server_index_;
    if (auto k = index.find(e.key); k != index.end() && k->second == t.id()) index.erase(k);
  } else {
    auto [b, end] = legacy_index_.equal_range(t.request().call_id);
    for (auto l = b; l != end; ++l) {
      if (l->second == t.id()) {
        legacy_index_.erase(l);
        break;
      }
    }
  }
  --stats_.active[index_of(t.kind())];
  // Whoever called into `t` is still on the stack: destroy it on the next turn.
  graveyard_.push_back(std::move(e.txn));
  if (!reaper_.pending()) reaper_.start(duration::zero(), [this] { graveyard_.clear(); });
  // §9.1: a CANCEL still waiting for a provisional dies with its INVITE, unsent.
  if (e.cancel_pending) {
    if (entry* c = lookup(e.cancel)) c->txn->terminate();
  }
}

// --- transaction::listener: from the state machines to the TU -------------------------

void transaction_layer::on_response(transaction& t, message&& response) {
  entry* e = lookup(t.id());
  if (e == nullptr) return;
  const client_transaction_handle h{t.id()};
  if (t.kind() == transaction_kind::invite_client && e->cancel != 0) {
    if (response.status < 200) {
      // §9.1: the CANCEL held back for a provisional can go now.
      if (e->cancel_pending) start_cancel(*e);
    } else if (e->cancel_pending) {
      // A final before any provisional: there is nothing left to cancel.
      e->cancel_pending = false;
      if (entry* c = lookup(e->cancel)) c->txn->terminate();
    }
  }
  // Sending the CANCEL may re-enter (a sender reporting an error synchronously), so look
  // the entry up again rather than trust `e`.
  e = lookup(t.id());
  if (e == nullptr || e->client == nullptr) return;
  client_listener* l = e->client;
  if (response.status < 200) {
    l->on_provisional(h, std::move(response));
  } else {
    l->on_final(h, std::move(response));
  }
}

void transaction_layer::on_timeout(transaction& t) {
  ++stats_.timeouts;
  entry* e = lookup(t.id());
  if (e == nullptr) return;
  if (is_client(t.kind())) {
    if (e->client != nullptr) e->client->on_timeout(client_transaction_handle{t.id()});
  } else {
    tu_.on_server_failure(server_transaction_handle{t.id()}, server_failure::no_ack);
  }
}

void transaction_layer::on_transport_error(transaction& t) {
  ++stats_.transport_errors;
  entry* e = lookup(t.id());
  if (e == nullptr) return;
  if (is_client(t.kind())) {
    if (e->client != nullptr) e->client->on_transport_error(client_transaction_handle{t.id()});
  } else {
    tu_.on_server_failure(server_transaction_handle{t.id()}, server_failure::transport_error);
  }
}

// --- from the transport -----------------------------------------------------------------

void transaction_layer::on_message(message&& m, const peer& from) {
  // The parser guarantees a Via, but this layer is also fed by tests and future
  // transports: untrusted input is dropped and counted, never asserted.
  if (m.vias.empty()) {
    ++stats_.dropped_malformed;
    return;
  }
  if (m.is_response()) {
    on_response_message(std::move(m), from);
  } else {
    on_request_message(std::move(m), from);
  }
}

void transaction_layer::on_transport_error(const peer& to) {
  // Collect first: each report may terminate transactions and start new ones.
  std::vector<std::uint64_t> hit;
  for (const auto& [id, e] : live_) {
    if (!e.txn->terminated() && same_destination(e.txn->remote(), to)) hit.push_back(id);
  }
  for (auto id : hit) {
    if (entry* e = lookup(id)) e->txn->on_transport_error();
  }
}

void transaction_layer::on_response_message(message&& m, const peer& from) {
  if (m.status < 100 || m.status > 699) {
    ++stats_.dropped_malformed;
    return;
  }
  // §17.1.3: top Via branch + CSeq method.
  auto it = client_index_.find(client_transaction_key(m.vias.front().branch(), m.cseq.method_name));
  if (it == client_index_.end()) {
    // RFC 6026 §7.3 (and §8.4 for 2xx): a response without a transaction is dropped; a
    // B2BUA has no use for it once its INVITE transaction has left Accepted.
    ++stats_.stray_responses;
    return;
  }
  entry* e = lookup(it->second);
  if (e == nullptr) return;
  transaction* t = e->txn.get();
  if (t->kind() == transaction_kind::invite_client) {
    static_cast<invite_client_transaction*>(t)->receive_response(std::move(m), from);
  } else {
    static_cast<non_invite_client_transaction*>(t)->receive_response(std::move(m), from);
  }
}

transaction* transaction_layer::match_server(const message& req) const {
  const via& top = req.vias.front();
  if (top.rfc3261_branch()) {
    auto it = server_index_.find(server_transaction_key(top, matching_method(req)));
    if (it == server_index_.end()) return nullptr;
    const entry* e = lookup(it->second);
    return e == nullptr ? nullptr : e->txn.get();
  }
  // §17.2.3 RFC 2543 fallback, among the server transactions of the same Call-ID.
  const bool invite_like = req.method_id == method::invite || req.method_id == method::ack;
  auto [b, end] = legacy_index_.equal_range(req.call_id);
  for (auto it = b; it != end; ++it) {
    const entry* e = lookup(it->second);
    if (e == nullptr) continue;
    transaction* t = e->txn.get();
    const bool is_invite = t->kind() == transaction_kind::invite_server;
    if (is_invite != invite_like) continue;
    const std::string_view tag =
        is_invite ? static_cast<const invite_server_transaction*>(t)->response_to_tag() : std::string_view{};
    if (legacy_request_matches(t->request(), tag, req)) return t;
  }
  return nullptr;
}

transaction* transaction_layer::match_cancel_target(const message& cancel) const {
  const via& top = cancel.vias.front();
  if (top.rfc3261_branch()) {
    // §9.2: the §17.2.3 rules, for the INVITE with the CANCEL's branch and sent-by.
    auto it = server_index_.find(server_transaction_key(top, "INVITE"));
    if (it == server_index_.end()) return nullptr;
    const entry* e = lookup(it->second);
    return e == nullptr ? nullptr : e->txn.get();
  }
  auto [b, end] = legacy_index_.equal_range(cancel.call_id);
  for (auto it = b; it != end; ++it) {
    const entry* e = lookup(it->second);
    if (e != nullptr && e->txn->kind() == transaction_kind::invite_server &&
        legacy_cancel_matches(e->txn->request(), cancel)) {
      return e->txn.get();
    }
  }
  return nullptr;
}

void transaction_layer::on_request_message(message&& m, const peer& from) {
  if (transaction* t = match_server(m)) {
    if (t->kind() == transaction_kind::invite_server) {
      auto* ist = static_cast<invite_server_transaction*>(t);
      if (m.method_id != method::ack) {
        ist->receive_invite();
      } else if (!ist->receive_ack()) {
        // RFC 6026 §8.7: an ACK matched in Accepted belongs to the TU's 2xx.
        tu_.on_request(server_transaction_handle{}, std::move(m), from);
      }
    } else {
      static_cast<non_invite_server_transaction*>(t)->receive_request();
    }
    return;
  }
  if (m.method_id == method::ack) {
    // §17.2.3: no transaction: the ACK for a 2xx, which is the TU's (§13.3.1.4).
    tu_.on_request(server_transaction_handle{}, std::move(m), from);
    return;
  }
  if (m.method_id == method::cancel) {
    on_cancel_request(std::move(m), from);
    return;
  }
  const via& top = m.vias.front();
  const peer respond_to = response_target(top, from);
  auto fallback = connection_fallback(top, from);
  std::string key = top.rfc3261_branch() ? server_transaction_key(top, matching_method(m)) : std::string{};
  const auto id = next_id();
  if (m.method_id == method::invite) {
    auto* t = static_cast<invite_server_transaction*>(
        add(std::make_unique<invite_server_transaction>(context_, id, m, respond_to, std::move(fallback)),
            std::move(key), nullptr));
    t->start();
  } else {
    add(std::make_unique<non_invite_server_transaction>(context_, id, m, respond_to, std::move(fallback)),
        std::move(key), nullptr);
  }
  tu_.on_request(server_transaction_handle{id}, std::move(m), from);
}

void transaction_layer::on_cancel_request(message&& cancel, const peer& from) {
  // The CANCEL is a non-INVITE transaction of its own (§9.2), so its retransmissions get
  // the same answer again without reaching the TU.
  const via& top = cancel.vias.front();
  std::string key = top.rfc3261_branch() ? server_transaction_key(top, "CANCEL") : std::string{};
  const auto id = next_id();
  auto* own = static_cast<non_invite_server_transaction*>(
      add(std::make_unique<non_invite_server_transaction>(context_, id, cancel, response_target(top, from),
                                                          connection_fallback(top, from)),
          std::move(key), nullptr));
  auto* invite = static_cast<invite_server_transaction*>(match_cancel_target(cancel));
  if (invite == nullptr) {
    // §9.2: no matching transaction: 481.
    ++stats_.cancels_unmatched;
    own->respond(make_response(cancel, 481, {}, new_tag()));
    return;
  }
  // §9.2: 200 to the CANCEL whatever the INVITE's state, with the To tag the INVITE's
  // responses carry (SHOULD be the same).
  std::string tag(invite->response_to_tag());
  own->respond(make_response(cancel, 200, {}, tag.empty() ? new_tag() : tag));
  // §9.2: only an INVITE without a final response is affected.
  if (invite->current_state() == invite_server_transaction::state::proceeding) {
    tu_.on_cancel(server_transaction_handle{invite->id()}, cancel, from);
  }
}

// --- client side --------------------------------------------------------------------------

client_transaction_handle transaction_layer::send_request(message req, const peer& to, client_listener& l) {
  if (!req.is_request || req.vias.empty() || req.method_id == method::ack) return {};
  via& top = req.vias.front();
  if (top.branch().empty()) top.params.set("branch", new_branch());
  std::string key = client_transaction_key(top.branch(), req.method_name);
  if (client_index_.contains(key)) return {};
  const auto id = next_id();
  if (req.method_id == method::invite) {
    auto* t = static_cast<invite_client_transaction*>(
        add(std::make_unique<invite_client_transaction>(context_, id, req, to), std::move(key), &l));
    t->start();
  } else {
    auto* t = static_cast<non_invite_client_transaction*>(
        add(std::make_unique<non_invite_client_transaction>(context_, id, req, to), std::move(key), &l));
    t->start();
  }
  return client_transaction_handle{id};
}

client_transaction_handle transaction_layer::send_cancel(client_transaction_handle invite, client_listener& l,
                                                         std::string_view reason) {
  entry* e = lookup(invite.id);
  if (e == nullptr || e->txn->kind() != transaction_kind::invite_client) return {};
  if (e->cancel != 0 && lookup(e->cancel) != nullptr) return client_transaction_handle{e->cancel};
  auto* ict = static_cast<invite_client_transaction*>(e->txn.get());
  if (!ict->cancellable()) return {};
  message cancel = ict->make_cancel();
  if (!reason.empty()) cancel.add_header("Reason", std::string(reason));
  std::string key = client_transaction_key(cancel.vias.front().branch(), "CANCEL");
  if (client_index_.contains(key)) return {};  // the TU sent its own CANCEL already
  const auto id = next_id();
  // References into an unordered_map survive the rehash add() may cause.
  add(std::make_unique<non_invite_client_transaction>(context_, id, cancel, ict->remote()), std::move(key), &l);
  e->cancel = id;
  e->cancel_pending = true;
  // §9.1: not before a provisional has arrived; on_response sends it then.
  if (ict->current_state() == invite_client_transaction::state::proceeding) start_cancel(*e);
  return client_transaction_handle{id};
}

void transaction_layer::start_cancel(entry& invite) {
  invite.cancel_pending = false;
  auto* ict = static_cast<invite_client_transaction*>(invite.txn.get());
  if (entry* c = lookup(invite.cancel)) {
    static_cast<non_invite_client_transaction*>(c->txn.get())->start();
    ict->cancel_sent();
  }
}

void transaction_layer::send_ack(message& ack, const peer& to) {
  if (ack.vias.empty()) return;
  // §13.2.2.4: the ACK for a 2xx is its own transaction, with its own branch.
  if (ack.vias.front().branch().empty()) ack.vias.front().params.set("branch", new_branch());
  sender_.send(serialize(ack), to);
}

void transaction_layer::detach(client_transaction_handle h) noexcept {
  if (entry* e = lookup(h.id); e != nullptr && is_client(e->txn->kind())) e->client = nullptr;
}

void transaction_layer::terminate(client_transaction_handle h) {
  if (entry* e = lookup(h.id); e != nullptr && is_client(e->txn->kind())) e->txn->terminate();
}

// --- server side --------------------------------------------------------------------------

bool transaction_layer::respond(server_transaction_handle h, message resp) {
  entry* e = lookup(h.id);
  if (e == nullptr) return false;
  transaction* t = e->txn.get();
  if (t->kind() == transaction_kind::invite_server) {
    return static_cast<invite_server_transaction*>(t)->respond(std::move(resp));
  }
  if (t->kind() == transaction_kind::non_invite_server) {
    return static_cast<non_invite_server_transaction*>(t)->respond(std::move(resp));
  }
  return false;
}

const message* transaction_layer::original_request(server_transaction_handle h) const noexcept {
  const transaction* t = find(h);
  return t == nullptr ? nullptr : &t->request();
}

void transaction_layer::terminate(server_transaction_handle h) {
  if (entry* e = lookup(h.id); e != nullptr && !is_client(e->txn->kind())) e->txn->terminate();
}

// --- queries ------------------------------------------------------------------------------

bool transaction_layer::alive(client_transaction_handle h) const noexcept { return find(h) != nullptr; }
bool transaction_layer::alive(server_transaction_handle h) const noexcept { return find(h) != nullptr; }

const transaction* transaction_layer::find(client_transaction_handle h) const noexcept {
  const entry* e = lookup(h.id);
  return e != nullptr && is_client(e->txn->kind()) ? e->txn.get() : nullptr;
}

const transaction* transaction_layer::find(server_transaction_handle h) const noexcept {
  const entry* e = lookup(h.id);
  return e != nullptr && !is_client(e->txn->kind()) ? e->txn.get() : nullptr;
}

}  // namespace voxedge::sip
