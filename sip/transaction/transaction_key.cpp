#include "sip/transaction/transaction_key.hpp"

#include "base/text.hpp"
#include "sip/message/uri.hpp"

namespace voxedge::sip {

namespace {

// A separator that cannot occur in a token, a host or a method.
constexpr char sep = '\x1f';

// §20.42 compares sent-protocol and sent-by; the branch is what RFC 2543 peers vary
// per transaction when they set one at all. received/rport are left out: they are
// stamped by our transport from the source address and may differ between
// retransmissions that crossed a NAT rebinding.
bool same_top_via(const message& a, const message& b) {
  if (a.vias.empty() || b.vias.empty()) return false;
  const via& x = a.vias.front();
  const via& y = b.vias.front();
  return text::iequals(x.protocol, y.protocol) && text::iequals(x.transport, y.transport) &&
         text::iequals(x.host, y.host) && x.port == y.port && x.branch() == y.branch();
}

// The fields every RFC 2543 rule compares, whatever the method.
bool same_origin(const message& original, const message& incoming) {
  return incoming.call_id == original.call_id && incoming.cseq.number == original.cseq.number &&
         incoming.from.tag() == original.from.tag() && same_top_via(original, incoming) &&
         uri_equivalent(original.request_uri, incoming.request_uri);
}

}  // namespace

std::string_view matching_method(const message& request) noexcept {
  if (request.method_id == method::ack) return "INVITE";
  return request.method_name;
}

std::string client_transaction_key(std::string_view branch, std::string_view method) {
  std::string key;
  key.reserve(branch.size() + method.size() + 1);
  key.append(branch);
  key += sep;
  key.append(method);
  return key;
}

std::string server_transaction_key(const via& top, std::string_view method) {
  const std::string_view branch = top.branch();
  std::string key;
  key.reserve(branch.size() + top.host.size() + method.size() + 10);
  key.append(branch);
  key += sep;
  for (char c : top.host) key += text::ascii_lower(c);
  key += ':';
  if (top.port) key += std::to_string(*top.port);
  key += sep;
  key.append(method);
  return key;
}

bool legacy_request_matches(const message& original, std::string_view response_to_tag, const message& incoming) {
  if (!same_origin(original, incoming)) return false;
  if (incoming.method_id == method::ack) {
    return original.method_id == method::invite && incoming.to.tag() == response_to_tag;
  }
  return incoming.cseq.method_name == original.cseq.method_name && incoming.to.tag() == original.to.tag();
}

bool legacy_cancel_matches(const message& invite, const message& cancel) {
  return invite.method_id == method::invite && same_origin(invite, cancel);
}

}  // namespace voxedge::sip
