#pragma once
// Which header fields cross the B2BUA, by allow-list: topology hiding by construction.
// A request or response we send on one leg is built fresh (Call-ID, tags, CSeq, Via,
// Contact, Max-Forwards, Route are the leg's own); only the fields named here are copied
// from what arrived on the other leg. Never copied, whatever the list says: Via, Route,
// Record-Route, Contact, Call-ID, From/To tags, CSeq, Max-Forwards, Content-Length, and
// anything an allow-list does not name (User-Agent/Server, Warning, Diversion,
// History-Info, X-* ...: they carry host names, addresses or internal numbers).
//
// Decisions:
//   - Subject, Priority, Organization, Privacy (RFC 3323) and Accept-Language describe the
//     call, not the network: copied on the initial INVITE.
//   - Allow and Supported are ours (what voxedge handles on this leg), never relayed:
//     relaying them would promise the far side extensions (100rel, replaces) that the
//     B2BUA does not carry across. Session-Expires/Min-SE are negotiated per leg (RFC 4028).
//   - P-Asserted-Identity (RFC 3325) only from a trusted source (a configured trunk or
//     endpoint, never `unknown`), and only when the route does not set its own.
//   - Reason (RFC 3326) crosses on BYE and CANCEL; Retry-After on failure responses.
//   - INFO (DTMF, RFC 6086): Content-Type, Content-Disposition, Info-Package and the body.
#include <span>
#include <string_view>

#include "sip/message/message.hpp"

namespace voxedge::daemon {

/// Copied from A's INVITE into B's INVITE.
inline constexpr std::string_view invite_headers[] = {"Subject", "Priority", "Organization", "Privacy",
                                                      "Accept-Language"};
/// Copied from a final failure response of the B side into ours to A.
inline constexpr std::string_view failure_response_headers[] = {"Retry-After"};
/// Copied between legs on BYE and CANCEL.
inline constexpr std::string_view termination_headers[] = {"Reason"};
/// Copied on relayed INFO requests and their responses.
inline constexpr std::string_view info_headers[] = {"Content-Type", "Content-Disposition", "Info-Package"};

/// Copies every header of `from` named in `allowed` (compared case-insensitively,
/// compact forms expanded), in their order in `from`, to the end of `to`.
void copy_headers(const sip::message& from, sip::message& to, std::span<const std::string_view> allowed);

/// The methods the B2BUA handles in a call, for Allow (RFC 3261 §20.5).
inline constexpr std::string_view call_allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE";

/// A body of type application/sdp (RFC 3261 §20.15; parameters and case ignored); an
/// absent Content-Type with a body counts as SDP too, as peers in the wild send it.
bool has_sdp_body(const sip::message& m);
/// A body of another type (multipart, ISUP ...) that we do not read: answer 415.
bool has_foreign_body(const sip::message& m);

}  // namespace voxedge::daemon
