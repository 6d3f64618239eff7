#include "sip/dialog/dialog.hpp"

#include <cassert>
#include <functional>
#include <utility>

#include "sip/dialog/peer_from_uri.hpp"

namespace voxedge::sip {

namespace {

// §8.1.1.6: the Max-Forwards of a request a UA originates.
constexpr std::uint32_t initial_max_forwards = 70;

result<dialog, dialog_error> refuse(dialog_error e) { return fail(e); }

// §8.1.1.8: a dialog-creating request or response carries exactly one Contact, a sip: or
// sips: URI. A wildcard is for REGISTER only (§10.2.2).
result<uri, dialog_error> single_contact(const message& m) {
  if (m.contacts.empty() && !m.contact_wildcard) return fail(dialog_error::missing_contact);
  if (m.contact_wildcard || m.contacts.size() != 1) return fail(dialog_error::bad_contact);
  const uri& u = m.contacts.front().address;
  if (u.scheme != uri_scheme::sip && u.scheme != uri_scheme::sips) return fail(dialog_error::bad_contact);
  return u;
}

// §19.1.1 (table): the method parameter and URI headers are not allowed in a
// Request-URI; §12.2.1.1 asks for them to be stripped.
uri request_uri_from(uri u) {
  u.params.erase("method");
  u.headers = param_list{};
  return u;
}

name_addr without_tag(name_addr a) {
  a.params.erase("tag");
  return a;
}

bool is_target_refresh(method m) noexcept {
  // §12.2: re-INVITE is the target refresh request of RFC 3261; RFC 3311 §5.1 makes
  // UPDATE one too.
  return m == method::invite || m == method::update;
}

bool carries_contact(method m) noexcept {
  // §12.2.1.1: target refresh requests carry the local target; SUBSCRIBE, NOTIFY and REFER
  // need a Contact to create or refresh their usages (RFC 6665 §4.1.1, §4.2.2; RFC 3515
  // §2.4.1). BYE, CANCEL, ACK, INFO, MESSAGE, PRACK do not (§20.10 table, RFC 3428 §4).
  return m == method::invite || m == method::update || m == method::subscribe || m == method::notify ||
         m == method::refer;
}

bool is_secure_transport(const peer& p) noexcept {
  return p.transport == transport_kind::tls || p.transport == transport_kind::wss;
}

}  // namespace

std::size_t dialog_id_hash::operator()(const dialog_id& id) const noexcept {
  const std::hash<std::string> h;
  std::size_t seed = h(id.call_id);
  // boost::hash_combine's mixing step.
  seed ^= h(id.local_tag) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  seed ^= h(id.remote_tag) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  return seed;
}

dialog_id request_dialog_id(const message& request) {
  return dialog_id{request.call_id, std::string(request.to.tag()), std::string(request.from.tag())};
}

dialog_id response_dialog_id(const message& response) {
  return dialog_id{response.call_id, std::string(response.from.tag()), std::string(response.to.tag())};
}

std::string_view to_string(dialog_state s) noexcept {
  switch (s) {
    case dialog_state::early: return "early";
    case dialog_state::confirmed: return "confirmed";
    case dialog_state::terminated: return "terminated";
  }
  return "early";
}

std::string_view to_string(dialog_error e) noexcept {
  switch (e) {
    case dialog_error::not_invite: return "not_invite";
    case dialog_error::no_dialog: return "no_dialog";
    case dialog_error::missing_to_tag: return "missing_to_tag";
    case dialog_error::missing_contact: return "missing_contact";
    case dialog_error::bad_contact: return "bad_contact";
    case dialog_error::mismatch: return "mismatch";
    case dialog_error::out_of_order: return "out_of_order";
    case dialog_error::terminated: return "terminated";
  }
  return "mismatch";
}

int response_status(dialog_error e) noexcept {
  switch (e) {
    case dialog_error::out_of_order: return 500;  // §12.2.2
    case dialog_error::missing_contact:
    case dialog_error::bad_contact: return 400;  // §8.1.1.8
    case dialog_error::mismatch:
    case dialog_error::terminated: return 481;  // §12.2.2
    case dialog_error::not_invite:
    case dialog_error::no_dialog:
    case dialog_error::missing_to_tag: return 500;
  }
  return 500;
}

void prepare_dialog_response(const message& request, message& response, const name_addr& contact) {
  // §12.1.1: "The UAS MUST copy all Record-Route header field values from the request into
  // the response (including the URIs, URI parameters, and any Record-Route header field
  // parameters, whether they are known or unknown to the UAS) and MUST maintain the order
  // of those values. The UAS MUST add a Contact header field to the response."
  response.record_routes = request.record_routes;
  response.contacts.assign(1, contact);
  response.contact_wildcard = false;
}

// --- creation ---------------------------------------------------------------------------

result<dialog, dialog_error> dialog::create_uas(const message& invite, const message& response, const peer& from) {
  if (!invite.is_request || invite.method_id != method::invite || response.is_request) {
    return refuse(dialog_error::not_invite);
  }
  // §12.1: only a 101-199 with a To tag or a 2xx creates a dialog.
  if (response.status <= 100 || response.status >= 300) return refuse(dialog_error::no_dialog);
  if (response.to.tag().empty()) return refuse(dialog_error::missing_to_tag);
  auto remote_target = single_contact(invite);
  if (!remote_target) return refuse(remote_target.error());
  // Our own Contact, from prepare_dialog_response().
  if (response.contacts.size() != 1) return refuse(dialog_error::missing_contact);

  dialog d;
  d.role_ = dialog_role::uas;
  d.state_ = response.status < 200 ? dialog_state::early : dialog_state::confirmed;
  // §12.1.1: "The remote sequence number MUST be set to the value of the sequence number
  // in the CSeq header field of the request. The local sequence number MUST be empty."
  d.remote_cseq_ = invite.cseq.number;
  d.invite_cseq_ = invite.cseq.number;
  // §12.1.1: call identifier from Call-ID, local tag from our To tag, remote tag from the
  // From tag (empty for an RFC 2543 UAC); remote URI = From, local URI = To.
  d.id_ = dialog_id{invite.call_id, std::string(response.to.tag()), std::string(invite.from.tag())};
  d.remote_uri_ = without_tag(invite.from);
  d.local_uri_ = without_tag(invite.to);
  d.local_target_ = response.contacts.front();
  d.remote_target_ = std::move(remote_target).value();
  // §12.1.1: "The route set MUST be set to the list of URIs in the Record-Route header
  // field from the request, taken in order and preserving all URI parameters."
  d.route_set_ = invite.record_routes;
  // §12.1.1: "If the request arrived over TLS, and the Request-URI contained a SIPS URI,
  // the "secure" flag is set to TRUE."
  d.secure_ = invite.request_uri.scheme == uri_scheme::sips && is_secure_transport(from);
  d.flow_ = from;
  return d;
}

result<dialog, dialog_error> dialog::create_uac(const message& invite, const message& response, const peer& to) {
  if (!invite.is_request || invite.method_id != method::invite || response.is_request ||
      response.cseq.method_id != method::invite) {
    return refuse(dialog_error::not_invite);
  }
  if (response.status <= 100 || response.status >= 300) return refuse(dialog_error::no_dialog);
  if (response.to.tag().empty()) return refuse(dialog_error::missing_to_tag);
  // Our own Contact: every INVITE carries one (§8.1.1.8).
  if (invite.contacts.size() != 1) return refuse(dialog_error::missing_contact);

  dialog d;
  if (!response.contacts.empty() || response.contact_wildcard || response.status >= 200) {
    // §12.1.2: "The remote target MUST be set to the URI from the Contact header field of
    // the response."
    auto target = single_contact(response);
    if (!target) return refuse(target.error());
    d.remote_target_ = std::move(target).value();
  } else {
    // A 1xx without Contact still creates the early dialog (the To tag identifies it); until
    // a response brings a Contact, requests go where the INVITE went.
    d.remote_target_ = invite.request_uri;
  }
  d.role_ = dialog_role::uac;
  d.state_ = response.status < 200 ? dialog_state::early : dialog_state::confirmed;
  // §12.1.2: "The local sequence number MUST be set to the value of the sequence number in
  // the CSeq header field of the request. The remote sequence number MUST be empty".
  d.local_cseq_ = invite.cseq.number;
  d.invite_cseq_ = invite.cseq.number;
  // §12.1.2: local tag = From tag of the request, remote tag = To tag of the response;
  // remote URI = To, local URI = From.
  d.id_ = dialog_id{invite.call_id, std::string(invite.from.tag()), std::string(response.to.tag())};
  d.local_uri_ = without_tag(invite.from);
  d.remote_uri_ = without_tag(invite.to);
  d.local_target_ = invite.contacts.front();
  // §12.1.2: "The route set MUST be set to the list of URIs in the Record-Route header
  // field from the response, taken in reverse order and preserving all URI parameters."
  d.route_set_.assign(response.record_routes.rbegin(), response.record_routes.rend());
  // §12.1.2: "If the request was sent over TLS, and the Request-URI in the request
  // contained a SIPS URI, the "secure" flag is set to TRUE."
  d.secure_ = invite.request_uri.scheme == uri_scheme::sips && is_secure_transport(to);
  d.flow_ = to;
  return d;
}

// --- where requests go -------------------------------------------------------------------

const uri& dialog::next_hop() const noexcept {
  // §8.1.2: with a route set the request goes to the first Route (strict or loose: for a
  // strict router that URI is the Request-URI as well); without one, to the Request-URI.
  return route_set_.empty() ? remote_target_ : route_set_.front().address;
}

std::optional<peer> dialog::request_target() const {
  if (route_set_.empty() && flow_ &&
      (flow_->transport == transport_kind::ws || flow_->transport == transport_kind::wss)) {
    // RFC 7118 §5: a WebSocket client's Contact host is not resolvable (often
    // "*.invalid") and it accepts no connections: its own connection is the way back.
    const auto t = uri_transport(remote_target_);
    if (t && (*t == transport_kind::ws || *t == transport_kind::wss)) return flow_;
  }
  auto p = peer_from_uri(next_hop());
  if (p && flow_ && p->transport == flow_->transport && p->address == flow_->address && p->port == flow_->port) {
    // §18.1.1 spirit: reuse the remote's connection (and our listener) when the target is
    // the very peer it spoke from.
    p->connection_id = flow_->connection_id;
    p->listener = flow_->listener;
  }
  return p;
}

// --- building requests -------------------------------------------------------------------

message dialog::base_request(std::string_view method_name, method m, std::uint32_t cseq) const {
  message req;
  req.is_request = true;
  req.method_name.assign(method_name);
  req.method_id = m;
  // §12.2.1.1: "The URI in the To field of the request MUST be set to the remote URI from
  // the dialog state. The tag in the To header field of the request MUST be set to the
  // remote tag of the dialog ID. The From URI of the request MUST be set to the local URI
  // from the dialog state. The tag in the From header field of the request MUST be set to
  // the local tag of the dialog ID." An empty tag is left out (RFC 2543 peer).
  req.to = remote_uri_;
  if (!id_.remote_tag.empty()) req.to.set_tag(id_.remote_tag);
  req.from = local_uri_;
  if (!id_.local_tag.empty()) req.from.set_tag(id_.local_tag);
  req.call_id = id_.call_id;
  req.cseq.number = cseq;
  req.cseq.method_name.assign(method_name);
  req.cseq.method_id = m;
  req.max_forwards = initial_max_forwards;

  if (route_set_.empty()) {
    // §12.2.1.1: "If the route set is empty, the UAC MUST place the remote target URI into
    // the Request-URI. The UAC MUST NOT add a Route header field to the request."
    req.request_uri = request_uri_from(remote_target_);
  } else if (route_set_.front().address.params.has("lr")) {
    // §12.2.1.1: "If the route set is not empty, and the first URI in the route set
    // contains the lr parameter, the UAC MUST place the remote target URI into the
    // Request-URI and MUST include a Route header field containing the route set values in
    // order, including all parameters."
    req.request_uri = request_uri_from(remote_target_);
    req.routes = route_set_;
  } else {
    // §12.2.1.1, strict routing: "the UAC MUST place the first URI from the route set into
    // the Request-URI, stripping any parameters that are not allowed in a Request-URI. The
    // UAC MUST add a Route header field containing the remainder of the route set values
    // in order, including all parameters. The UAC MUST then place the remote target URI
    // into the Route header field as the last value."
    req.request_uri = request_uri_from(route_set_.front().address);
    req.routes.assign(route_set_.begin() + 1, route_set_.end());
    name_addr last;
    last.address = remote_target_;
    req.routes.push_back(std::move(last));
  }
  return req;
}

message dialog::make_request(method m) {
  // ACK has its own builder (it takes the INVITE's CSeq); CANCEL is the transaction
  // layer's (it copies the INVITE's Via, §9.1).
  assert(m != method::ack && m != method::cancel);
  // §12.2.1.1: "Requests within a dialog MUST contain strictly monotonically increasing
  // and contiguous CSeq sequence numbers (increasing-by-one) in each direction". An empty
  // local sequence number (UAS) starts anywhere below 2**31 (§8.1.1.5): we start at 1.
  const std::uint32_t cseq = local_cseq_ ? *local_cseq_ + 1 : 1;
  local_cseq_ = cseq;
  message req = base_request(to_string(m), m, cseq);
  if (carries_contact(m) && !local_target_.empty()) req.contacts.assign(1, local_target_);
  // §15.1.1: "The UAC MUST consider the session terminated (and therefore stop sending or
  // listening for media) as soon as the BYE request is passed to the client transaction."
  if (m == method::bye) state_ = dialog_state::terminated;
  return req;
}

message dialog::make_ack(std::uint32_t invite_cseq) const {
  // §13.2.2.4: "The header fields of the ACK are constructed in the same way as for any
  // request sent within a dialog (see Section 12) with the exception of the CSeq and the
  // header fields related to authentication. The sequence number of the CSeq header field
  // MUST be the same as the INVITE being acknowledged, but the CSeq method MUST be ACK."
  return base_request("ACK", method::ack, invite_cseq);
}

// --- absorbing what arrives ----------------------------------------------------------------

result<void, dialog_error> dialog::on_request(const message& request, const peer& from) {
  if (request.call_id != id_.call_id || request.to.tag() != id_.local_tag || request.from.tag() != id_.remote_tag) {
    return fail(dialog_error::mismatch);
  }
  if (state_ == dialog_state::terminated) return fail(dialog_error::terminated);
  const method m = request.method_id;
  if (m == method::ack || m == method::cancel) {
    // §13.2.2.4, §9.1: they carry the INVITE's sequence number, which §12.2.2's ordering
    // rule would refuse once a later request has arrived; they never move it.
    flow_ = from;
    return {};
  }
  // §12.2.2: "If the remote sequence number was not empty, but the sequence number of the
  // request is lower than the remote sequence number, the request is out of order and MUST
  // be rejected with a 500 (Server Internal Error) response."
  if (remote_cseq_ && request.cseq.number < *remote_cseq_) return fail(dialog_error::out_of_order);
  std::optional<uri> new_target;
  if (is_target_refresh(m) && (!request.contacts.empty() || request.contact_wildcard)) {
    auto target = single_contact(request);
    if (!target) return fail(target.error());
    new_target = std::move(target).value();
  }
  // §12.2.2: "If the remote sequence number is empty, it MUST be set to the value of the
  // sequence number in the CSeq header field value in the request." Otherwise it moves up.
  remote_cseq_ = request.cseq.number;
  flow_ = from;
  // §12.2.2: "When a UAS receives a target refresh request, it MUST replace the dialog's
  // remote target URI with the URI from the Contact header field in that request, if
  // present." On receipt, not on success: RFC 6141 keeps the new target even when the
  // re-INVITE fails, since the old one may be gone.
  if (new_target) remote_target_ = std::move(*new_target);
  // §15.1.2: a BYE ends the session and the dialog; the call answers it 200.
  if (m == method::bye) state_ = dialog_state::terminated;
  return {};
}

result<void, dialog_error> dialog::on_response(const message& response) {
  if (response.call_id != id_.call_id || response.from.tag() != id_.local_tag || response.to.tag() != id_.remote_tag) {
    return fail(dialog_error::mismatch);
  }
  if (state_ == dialog_state::terminated) return fail(dialog_error::terminated);
  const int status = response.status;
  const method m = response.cseq.method_id;
  const bool creating_invite = role_ == dialog_role::uac && m == method::invite && response.cseq.number == invite_cseq_;

  if (creating_invite) {
    // A retransmitted 2xx or a late 1xx on a confirmed dialog changes nothing.
    if (state_ != dialog_state::early) return {};
    if (status >= 300) {
      // §12.3 (and §13.2.2.3): a non-2xx final response ends every early dialog of the
      // INVITE.
      state_ = dialog_state::terminated;
      return {};
    }
    if (status < 200) {
      // A later 1xx may bring (or change) the Contact; a broken one is ignored rather
      // than fatal to an otherwise good early dialog.
      if (!response.contacts.empty()) {
        if (auto target = single_contact(response)) remote_target_ = std::move(target).value();
      }
      return {};
    }
    auto target = single_contact(response);
    if (!target) return fail(target.error());
    remote_target_ = std::move(target).value();
    // §13.2.2.4: "the dialog MUST be transitioned to the "confirmed" state, and the route
    // set for the dialog MUST be recomputed based on the 2xx response using the procedures
    // of Section 12.2.1.2" (Record-Route of the response, reversed).
    route_set_.assign(response.record_routes.rbegin(), response.record_routes.rend());
    state_ = dialog_state::confirmed;
    return {};
  }

  // §12.2.1.2: "If the response for a request within a dialog is a 481 (Call/Transaction
  // Does Not Exist) or a 408 (Request Timeout), the UAC SHOULD terminate the dialog."
  if (status == 481 || status == 408) {
    state_ = dialog_state::terminated;
    return {};
  }
  if (status >= 200 && status < 300 && is_target_refresh(m) && !response.contacts.empty()) {
    // §12.2.1.2: "When a UAC receives a 2xx response to a target refresh request, it MUST
    // replace the dialog's remote target URI with the URI from the Contact header field
    // in that response, if present."
    auto target = single_contact(response);
    if (!target) return fail(target.error());
    remote_target_ = std::move(target).value();
  }
  return {};
}

void dialog::on_response_sent(const message& response) {
  if (role_ != dialog_role::uas || state_ != dialog_state::early) return;
  if (response.cseq.method_id != method::invite || response.cseq.number != invite_cseq_) return;
  // §12.1.1/§13.3.1.4: our 2xx confirms the dialog; §12.3: a non-2xx final ends it.
  if (response.status >= 200 && response.status < 300) {
    state_ = dialog_state::confirmed;
  } else if (response.status >= 300) {
    state_ = dialog_state::terminated;
  }
}

}  // namespace voxedge::sip
