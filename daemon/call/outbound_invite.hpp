#pragma once
// The INVITE a call sends to the B side: where it goes (the routed target, resolved) and
// what it says. Built from nothing but the routing decision, our own address on that leg
// and header_policy's allow-list of A's INVITE, so nothing of the A side's topology
// (Call-ID, Via, Contact, Record-Route, host names) can leak into it.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/routing/router.hpp"
#include "sip/message/message.hpp"

namespace voxedge::daemon {

/// Where the B leg goes.
struct outbound_target {
  sip::uri request_uri;  // the target's URI with the called number as its user part
  sip::peer peer;        // with the listener to leave from
  local_address local;   // our Via/Contact there
  bool trunk = false;
  std::string label;  // "trunk:carrier" / "endpoint:pbx"
};

/// RFC 3263 §4 for the configured target URI (its transport from the configuration);
/// the target must be an IP literal for now. The error is a sentence for the log.
result<outbound_target, std::string> resolve_target(const route_decision& decision, const leg_addressing& addressing);

/// The same for a trunk whose targets were located already (RFC 3263 §4.4): the
/// Request-URI is still the configured URI (with its host name), the message goes to
/// `transport`/`address`/`port`.
result<outbound_target, std::string> target_at(const route_decision& decision, const leg_addressing& addressing,
                                               sip::transport_kind transport, const boost::asio::ip::address& address,
                                               std::uint16_t port);

struct outbound_identity {
  std::string call_id;   // fresh (§8.1.1.4)
  std::string from_tag;  // fresh (§19.3)
  sip::via via;          // ours on that leg
  sip::name_addr contact;
  std::string user_agent;
  /// The source is a configured trunk or endpoint: its P-Asserted-Identity may cross
  /// (re-hosted) when the route does not assert one itself (RFC 3325 §5).
  bool trusted_source = false;
};

/// The INVITE (CSeq 1, no body yet) for `incoming` routed by `decision` to `target`:
/// From = the caller ID to present (the trunk's number, else A's user part, with A's
/// display name) at our host; To = the target URI; Max-Forwards one less than A's (a
/// B2BUA still must not let a loop run forever, §16.6 step 3); Allow and User-Agent
/// ours; header_policy's invite_headers copied.
sip::message make_outbound_invite(const sip::message& incoming, const route_decision& decision,
                                  const outbound_target& target, const outbound_identity& identity);

}  // namespace voxedge::daemon
