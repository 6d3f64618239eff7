#include "sip/transaction/transaction.hpp"

#include <cassert>
#include <utility>

#include "base/text.hpp"

namespace voxedge::sip {

namespace {

// Keeps only what outlives the TU's copy: the ACK (§17.1.1.3) and CANCEL (§9.1) are built
// from the start line, Via, From, To, Call-ID, CSeq and Route; 100 Trying echoes
// Timestamp (§8.2.6.1); RFC 2543 matching (§17.2.3) compares the same fields. Dropping the
// body and the other headers keeps a long-lived INVITE transaction small.
message summary_of(const message& m) {
  message s;
  s.is_request = m.is_request;
  s.method_name = m.method_name;
  s.method_id = m.method_id;
  s.request_uri = m.request_uri;
  s.vias = m.vias;
  s.from = m.from;
  s.to = m.to;
  s.call_id = m.call_id;
  s.cseq = m.cseq;
  s.max_forwards = m.max_forwards;
  s.routes = m.routes;
  for (const auto& h : m.headers) {
    if (text::iequals(h.name, "Timestamp")) s.headers.push_back(h);
  }
  return s;
}

}  // namespace

std::string_view to_string(transaction_kind k) noexcept {
  switch (k) {
    case transaction_kind::invite_client: return "invite_client";
    case transaction_kind::non_invite_client: return "non_invite_client";
    case transaction_kind::invite_server: return "invite_server";
    case transaction_kind::non_invite_server: return "non_invite_server";
  }
  return "unknown";
}

transaction::transaction(const context& ctx, std::uint64_t id, transaction_kind kind, const message& request,
                         const peer& remote)
    : ctx_(ctx), remote_(remote), request_(summary_of(request)), id_(id), kind_(kind) {
  assert(!request_.vias.empty());
}

std::string_view transaction::branch() const noexcept { return request_.vias.front().branch(); }

void transaction::finish() {
  if (terminated_) return;
  terminated_ = true;
  ctx_.owner.on_terminated(*this);
}

bool transaction::switch_to_fallback() noexcept {
  if (!fallback_) return false;
  remote_ = *fallback_;
  fallback_.reset();
  return true;
}

void transaction::wait_then_terminate(scoped_timer& t, duration after) {
  if (after <= duration::zero()) {
    terminate();
    return;
  }
  t.start(after, [this] { terminate(); });
}

}  // namespace voxedge::sip
