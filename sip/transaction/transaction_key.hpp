#pragma once
// How a message finds its transaction: RFC 3261 §17.1.3 (responses to client
// transactions), §17.2.3 (requests to server transactions, including the RFC 2543
// fallback for branches without the magic cookie) and §9.2 (the INVITE a CANCEL refers
// to). Keys are plain strings for hash maps; RFC 2543 requests, which carry no usable
// key, are compared field by field.
#include <string>
#include <string_view>

#include "sip/message/message.hpp"
#include "sip/message/via.hpp"

namespace voxedge::sip {

/// The method a request is matched under: an ACK matches the INVITE transaction it
/// acknowledges (§17.2.3); every other method, CANCEL included, its own.
std::string_view matching_method(const message& request) noexcept;

/// §17.1.3: the top Via branch of the request, and its method (the CSeq method of a
/// response). The method keeps a CANCEL, which shares the INVITE's branch (§9.1), apart
/// from the INVITE.
std::string client_transaction_key(std::string_view branch, std::string_view method);

/// §17.2.3 for magic-cookie branches: branch, sent-by (host case-insensitively, port as
/// written) and matching_method().
std::string server_transaction_key(const via& top, std::string_view method);

/// §17.2.3, RFC 2543 fallback: does `incoming` belong to the server transaction that
/// `original` created? Request-URI, From tag, Call-ID, CSeq and top Via (sent-protocol,
/// sent-by, branch) must match; the To tag must equal the original's, except for an ACK
/// (CSeq number only, original an INVITE), whose To tag must equal that of the response
/// the transaction sent (`response_to_tag`).
bool legacy_request_matches(const message& original, std::string_view response_to_tag, const message& incoming);

/// §9.2 with the same RFC 2543 rules: does `cancel` refer to `invite`? As for an ACK, but
/// the To tag is not compared: the CANCEL was built from the INVITE, before any tag.
bool legacy_cancel_matches(const message& invite, const message& cancel);

}  // namespace voxedge::sip
