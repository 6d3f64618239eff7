#include "daemon/call/outbound_invite.hpp"

#include "daemon/transport_kind.hpp"

#include "daemon/call/header_policy.hpp"
#include "sip/dialog/peer_from_uri.hpp"

namespace voxedge::daemon {

result<outbound_target, std::string> resolve_target(const route_decision& decision, const leg_addressing& addressing) {
  const bool trunk = decision.trunk.has_value();
  const std::string label = (trunk ? "trunk:" : "endpoint:") + decision.target.name;
  const std::string& text = trunk ? decision.trunk->outbound.uri : decision.endpoint->uri;
  const auto transport = to_transport_kind(trunk ? decision.trunk->outbound.transport : decision.endpoint->transport);
  auto uri = sip::parse_uri(text);
  if (!uri) return fail("target " + label + ": bad URI " + text);
  auto peer = sip::peer_from_uri(*uri);
  if (!peer) return fail("target " + label + " unreachable: " + uri->host + " is not an IP address");
  // The configuration names the transport; the URI's port, else that transport's default.
  return target_at(decision, addressing, transport, peer->address, uri->port ? peer->port : sip::default_port(transport));
}

result<outbound_target, std::string> target_at(const route_decision& decision, const leg_addressing& addressing,
                                               sip::transport_kind transport, const boost::asio::ip::address& address,
                                               std::uint16_t port) {
  outbound_target t;
  t.trunk = decision.trunk.has_value();
  t.label = (t.trunk ? "trunk:" : "endpoint:") + decision.target.name;
  const std::string& text = t.trunk ? decision.trunk->outbound.uri : decision.endpoint->uri;
  auto uri = sip::parse_uri(text);
  if (!uri) return fail("target " + t.label + ": bad URI " + text);
  sip::peer peer;
  peer.transport = transport;
  peer.address = address;
  peer.port = port;
  const auto side = t.trunk ? config::listener_side::trunk : config::listener_side::inside;
  auto local = addressing.for_target(peer, side, t.trunk ? decision.trunk->bind_address : std::string());
  if (!local) {
    return fail("target " + t.label + " unreachable: no " + std::string(sip::to_string(transport)) +
                " listener to send from");
  }
  peer.listener = local->listener;
  // TLS towards a trunk: its own client identity (SNI, verification, client certificate).
  if (t.trunk && transport == sip::transport_kind::tls) peer.tls_identity = decision.trunk->name;
  uri->user = decision.called.number;
  uri->headers = sip::param_list{};
  t.request_uri = std::move(uri).value();
  t.peer = peer;
  t.local = std::move(local).value();
  return t;
}

sip::message make_outbound_invite(const sip::message& incoming, const route_decision& decision,
                                  const outbound_target& target, const outbound_identity& identity) {
  sip::message m;
  m.is_request = true;
  m.method_name = "INVITE";
  m.method_id = sip::method::invite;
  m.request_uri = target.request_uri;
  m.vias.push_back(identity.via);
  const std::uint32_t mf = incoming.max_forwards.value_or(70);
  m.max_forwards = mf > 0 ? mf - 1 : 0;
  const std::string& host = target.local.host;
  const bool asserted = target.trunk && decision.caller_id && !decision.caller_id->number.empty();
  m.from.display_name = incoming.from.display_name;
  m.from.address.user = asserted ? decision.caller_id->number : incoming.from.address.user;
  m.from.address.host = host;
  m.from.set_tag(identity.from_tag);
  m.to.address = target.request_uri;
  m.to.address.params = sip::param_list{};
  m.call_id = identity.call_id;
  m.cseq = sip::cseq{1, "INVITE", sip::method::invite};
  m.contacts.push_back(identity.contact);
  m.add_header("Allow", call_allow);
  m.add_header("User-Agent", identity.user_agent);
  copy_headers(incoming, m, invite_headers);
  if (decision.add_pai && asserted) {
    // RFC 3325 §9.1: the identity we vouch for towards the trunk.
    m.add_header("P-Asserted-Identity", "<sip:" + decision.caller_id->number + "@" + host + ">");
  } else if (identity.trusted_source) {
    if (const auto pai = incoming.header_value("P-Asserted-Identity")) {
      auto parsed = sip::parse_name_addr(*pai);
      if (parsed && parsed->address.scheme != sip::uri_scheme::other) {
        if (parsed->address.scheme != sip::uri_scheme::tel) {
          // Re-hosted: the user part is the identity, the host would be topology.
          parsed->address.host = host;
          parsed->address.port.reset();
          parsed->address.params = sip::param_list{};
        }
        parsed->params = sip::param_list{};
        m.add_header("P-Asserted-Identity", parsed->to_string());
      }
    }
  }
  return m;
}

}  // namespace voxedge::daemon
