#include "sip/dialog/dialog.hpp"

#include <gtest/gtest.h>

#include "dialog_test_support.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::sip {
namespace {

using namespace test;

name_addr contact_of(std::string_view text) {
  auto r = parse_name_addr(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(r).value() : name_addr{};
}

std::vector<std::string> route_strings(const std::vector<name_addr>& routes) {
  std::vector<std::string> out;
  for (const auto& r : routes) out.push_back(r.address.to_string());
  return out;
}

const peer alice_flow = make_peer(transport_kind::tcp, "192.0.2.101", 5060, 7);
const peer bob_flow = make_peer(transport_kind::tcp, "192.0.2.222", 5060, 9);

// Bob answers F6 as RFC 3665 §3.2 F8/F9 do: To tag 314159, his Contact, Record-Route
// copied.
message bob_response(const message& invite, int status) {
  message r = make_response(invite, status, {}, "314159");
  prepare_dialog_response(invite, r, contact_of(bob_contact));
  return r;
}

dialog bob_dialog(int status = 180) {
  const auto invite = parse(bob_invite);
  auto d = dialog::create_uas(invite, bob_response(invite, status), alice_flow);
  EXPECT_TRUE(d.ok());
  return std::move(d).value();
}

dialog alice_dialog(std::string_view response = alice_200) {
  auto d = dialog::create_uac(parse(alice_invite), parse(response), bob_flow);
  EXPECT_TRUE(d.ok());
  return std::move(d).value();
}

// --- §12.1.1: UAS -------------------------------------------------------------------------

TEST(DialogUas, CreatedFromInviteAndOurRingingIsEarlyWithTheRequestsRouteSetInOrder) {
  const dialog d = bob_dialog(180);
  EXPECT_EQ(d.state(), dialog_state::early);
  EXPECT_EQ(d.role(), dialog_role::uas);
  EXPECT_FALSE(d.call_id_owner());
  EXPECT_EQ(d.id().call_id, "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(d.id().local_tag, "314159");
  EXPECT_EQ(d.id().remote_tag, "9fxced76sl");
  EXPECT_EQ(d.remote_cseq(), 1u);
  EXPECT_FALSE(d.local_cseq().has_value());  // §12.1.1: "MUST be empty"
  EXPECT_EQ(d.remote_target().to_string(), "sip:alice@client.atlanta.example.com;transport=tcp");
  EXPECT_EQ(d.remote_uri().address.to_string(), "sip:alice@atlanta.example.com");
  EXPECT_EQ(d.remote_uri().display_name, "Alice");
  EXPECT_TRUE(d.remote_uri().tag().empty());
  EXPECT_EQ(d.local_uri().address.to_string(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(route_strings(d.route_set()),
            (std::vector<std::string>{"sip:ss2.biloxi.example.com;lr", "sip:ss1.atlanta.example.com;lr"}));
  EXPECT_FALSE(d.secure());
  EXPECT_EQ(d.flow()->connection_id, 7u);
}

TEST(DialogUas, PrepareDialogResponseCopiesRecordRouteAndSetsContact) {
  const auto invite = parse(bob_invite);
  const message r = round_trip(bob_response(invite, 200));
  EXPECT_EQ(route_strings(r.record_routes),
            (std::vector<std::string>{"sip:ss2.biloxi.example.com;lr", "sip:ss1.atlanta.example.com;lr"}));
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(r.contacts[0].address.to_string(), "sip:bob@client.biloxi.example.com;transport=tcp");
}

TEST(DialogUas, OurTwoHundredConfirmsAndANonTwoHundredFinalTerminates) {
  const auto invite = parse(bob_invite);
  dialog d = bob_dialog(180);
  d.on_response_sent(bob_response(invite, 200));
  EXPECT_EQ(d.state(), dialog_state::confirmed);

  dialog e = bob_dialog(183);
  e.on_response_sent(bob_response(invite, 486));
  EXPECT_EQ(e.state(), dialog_state::terminated);

  EXPECT_EQ(bob_dialog(200).state(), dialog_state::confirmed);
}

TEST(DialogUas, RefusesWhatCreatesNoDialog) {
  const auto invite = parse(bob_invite);
  EXPECT_EQ(dialog::create_uas(invite, bob_response(invite, 100), alice_flow).error(), dialog_error::no_dialog);
  EXPECT_EQ(dialog::create_uas(invite, bob_response(invite, 404), alice_flow).error(), dialog_error::no_dialog);
  message untagged = make_response(invite, 180);
  prepare_dialog_response(invite, untagged, contact_of(bob_contact));
  EXPECT_EQ(dialog::create_uas(invite, untagged, alice_flow).error(), dialog_error::missing_to_tag);

  message no_contact = invite;
  no_contact.contacts.clear();
  EXPECT_EQ(dialog::create_uas(no_contact, bob_response(invite, 180), alice_flow).error(),
            dialog_error::missing_contact);
  message two = invite;
  two.contacts.push_back(two.contacts[0]);
  EXPECT_EQ(dialog::create_uas(two, bob_response(invite, 180), alice_flow).error(), dialog_error::bad_contact);
  message tel = invite;
  tel.contacts[0] = contact_of("<tel:+15551234>");
  EXPECT_EQ(dialog::create_uas(tel, bob_response(invite, 180), alice_flow).error(), dialog_error::bad_contact);
  EXPECT_EQ(response_status(dialog_error::bad_contact), 400);
}

TEST(DialogUas, SecureOnlyForSipsOverTls) {
  auto invite = parse(bob_invite);
  invite.request_uri.scheme = uri_scheme::sips;
  const auto tls = make_peer(transport_kind::tls, "192.0.2.101", 5061, 3);
  EXPECT_TRUE(dialog::create_uas(invite, bob_response(invite, 200), tls)->secure());
  EXPECT_FALSE(dialog::create_uas(invite, bob_response(invite, 200), alice_flow)->secure());
}

TEST(DialogUas, ByeFollowsTheRouteSetAsIsAndStartsTheLocalCSeq) {
  dialog d = bob_dialog(200);
  EXPECT_TRUE(d.make_ack(1).vias.empty());  // the caller adds its Via
  const message bye = round_trip(d.make_request(method::bye));
  // RFC 3665 §3.2 F16: Bob's BYE.
  EXPECT_EQ(bye.method_name, "BYE");
  EXPECT_EQ(bye.request_uri.to_string(), "sip:alice@client.atlanta.example.com;transport=tcp");
  EXPECT_EQ(route_strings(bye.routes),
            (std::vector<std::string>{"sip:ss2.biloxi.example.com;lr", "sip:ss1.atlanta.example.com;lr"}));
  EXPECT_EQ(bye.from.address.to_string(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(bye.from.tag(), "314159");
  EXPECT_EQ(bye.to.address.to_string(), "sip:alice@atlanta.example.com");
  EXPECT_EQ(bye.to.tag(), "9fxced76sl");
  EXPECT_EQ(bye.call_id, "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(bye.cseq.number, 1u);
  EXPECT_EQ(bye.cseq.method_name, "BYE");
  EXPECT_EQ(bye.max_forwards, 70u);
  EXPECT_TRUE(bye.contacts.empty());
  EXPECT_EQ(d.state(), dialog_state::terminated);  // §15.1.1
  EXPECT_EQ(d.next_hop().to_string(), "sip:ss2.biloxi.example.com;lr");
}

// --- §12.1.2: UAC -------------------------------------------------------------------------

TEST(DialogUac, CreatedFromTwoHundredWithTheRouteSetReversed) {
  const dialog d = alice_dialog(alice_200);
  EXPECT_EQ(d.state(), dialog_state::confirmed);
  EXPECT_EQ(d.role(), dialog_role::uac);
  EXPECT_TRUE(d.call_id_owner());
  EXPECT_EQ(d.id().local_tag, "9fxced76sl");
  EXPECT_EQ(d.id().remote_tag, "314159");
  EXPECT_EQ(d.local_cseq(), 1u);
  EXPECT_FALSE(d.remote_cseq().has_value());  // §12.1.2: "MUST be empty"
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@client.biloxi.example.com;transport=tcp");
  EXPECT_EQ(d.local_uri().address.to_string(), "sip:alice@atlanta.example.com");
  EXPECT_EQ(d.remote_uri().address.to_string(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(d.local_target().address.to_string(), "sip:alice@client.atlanta.example.com;transport=tcp");
  EXPECT_EQ(route_strings(d.route_set()),
            (std::vector<std::string>{"sip:ss1.atlanta.example.com;lr", "sip:ss2.biloxi.example.com;lr"}));
}

TEST(DialogUac, AckForTheTwoHundredKeepsTheInviteCSeq) {
  dialog d = alice_dialog(alice_200);
  const message ack = round_trip(d.make_ack(1));
  // RFC 3665 §3.2 F12 / RFC 3261 §13.2.2.4.
  EXPECT_EQ(ack.method_name, "ACK");
  EXPECT_EQ(ack.request_uri.to_string(), "sip:bob@client.biloxi.example.com;transport=tcp");
  EXPECT_EQ(route_strings(ack.routes),
            (std::vector<std::string>{"sip:ss1.atlanta.example.com;lr", "sip:ss2.biloxi.example.com;lr"}));
  EXPECT_EQ(ack.cseq.number, 1u);
  EXPECT_EQ(ack.cseq.method_name, "ACK");
  EXPECT_EQ(ack.to.tag(), "314159");
  EXPECT_EQ(ack.from.tag(), "9fxced76sl");
  EXPECT_EQ(d.local_cseq(), 1u);  // the ACK does not move it

  const message info = d.make_request(method::info);
  EXPECT_EQ(info.cseq.number, 2u);
  EXPECT_EQ(d.make_ack(2).cseq.number, 2u);  // a re-INVITE's ACK uses the re-INVITE's number
  EXPECT_EQ(d.make_request(method::invite).cseq.number, 3u);
}

TEST(DialogUac, EarlyFromRingingThenConfirmedWithTheRouteSetRecomputedFromTheTwoHundred) {
  dialog d = alice_dialog(alice_180);
  EXPECT_EQ(d.state(), dialog_state::early);
  auto ok = parse(alice_200);
  ok.record_routes.erase(ok.record_routes.begin());  // the 2xx took a different path
  ok.contacts[0] = contact_of("<sip:bob@192.0.2.4>");
  ASSERT_TRUE(d.on_response(ok).ok());
  EXPECT_EQ(d.state(), dialog_state::confirmed);
  EXPECT_EQ(route_strings(d.route_set()), (std::vector<std::string>{"sip:ss1.atlanta.example.com;lr"}));
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@192.0.2.4");
  // A retransmitted 2xx changes nothing.
  ASSERT_TRUE(d.on_response(parse(alice_200)).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@192.0.2.4");
}

TEST(DialogUac, FinalFailureTerminatesTheEarlyDialog) {
  dialog d = alice_dialog(alice_180);
  auto busy = parse(alice_180);
  busy.status = 486;
  busy.reason = "Busy Here";
  ASSERT_TRUE(d.on_response(busy).ok());
  EXPECT_EQ(d.state(), dialog_state::terminated);
}

TEST(DialogUac, RingingWithoutContactStillCreatesTheEarlyDialogButTwoHundredNeedsOne) {
  auto ringing = parse(alice_180);
  ringing.contacts.clear();
  auto d = dialog::create_uac(parse(alice_invite), ringing, bob_flow);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->remote_target().to_string(), "sip:bob@biloxi.example.com");  // the Request-URI
  auto ok = parse(alice_200);
  ok.contacts.clear();
  EXPECT_EQ(d->on_response(ok).error(), dialog_error::missing_contact);
  EXPECT_EQ(dialog::create_uac(parse(alice_invite), ok, bob_flow).error(), dialog_error::missing_contact);
}

TEST(DialogUac, ForkingGivesOneEarlyDialogPerToTag) {
  const auto invite = parse(alice_invite);
  auto first = parse(alice_180);
  auto second = parse(alice_180);
  second.to.set_tag("fork2");
  second.contacts[0] = contact_of("<sip:bob@192.0.2.5>");
  auto a = dialog::create_uac(invite, first, bob_flow);
  auto b = dialog::create_uac(invite, second, bob_flow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->id(), b->id());
  EXPECT_EQ(a->id().local_tag, b->id().local_tag);
  EXPECT_EQ(b->remote_target().to_string(), "sip:bob@192.0.2.5");
  // A response of one fork is a mismatch for the other.
  EXPECT_EQ(a->on_response(second).error(), dialog_error::mismatch);
  EXPECT_EQ(a->state(), dialog_state::early);
  EXPECT_EQ(b->state(), dialog_state::early);
}

// --- §12.2.1.1: building requests ---------------------------------------------------------

TEST(DialogRequests, StrictRouterGetsTheRequestUriAndTheRemoteTargetGoesLast) {
  auto ok = parse(alice_200);
  // Reversed by the UAC: [strict.example.com (no lr), ss2;lr].
  ok.record_routes = {contact_of("<sip:ss2.biloxi.example.com;lr>"),
                      contact_of("<sip:strict.example.com;maddr=192.0.2.50;method=INVITE>")};
  dialog d = alice_dialog(serialize(ok));
  const message bye = round_trip(d.make_request(method::bye));
  // §12.2.1.1: Request-URI = first route, stripped of what a Request-URI may not carry
  // (method, §19.1.1); Route = the rest, then the remote target.
  EXPECT_EQ(bye.request_uri.to_string(), "sip:strict.example.com;maddr=192.0.2.50");
  EXPECT_EQ(route_strings(bye.routes), (std::vector<std::string>{"sip:ss2.biloxi.example.com;lr",
                                                                 "sip:bob@client.biloxi.example.com;transport=tcp"}));
  EXPECT_EQ(d.next_hop().host, "strict.example.com");
  // maddr names the peer (RFC 3263 §4.1).
  const auto target = d.request_target();
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->address.to_string(), "192.0.2.50");
}

TEST(DialogRequests, LooseRoutingStripsMethodAndHeadersFromTheRemoteTarget) {
  auto ok = parse(alice_200);
  ok.contacts[0] = contact_of("<sip:bob@192.0.2.4;method=INVITE;transport=udp?subject=hi>");
  dialog d = alice_dialog(serialize(ok));
  const message info = round_trip(d.make_request(method::info));
  EXPECT_EQ(info.request_uri.to_string(), "sip:bob@192.0.2.4;transport=udp");
}

TEST(DialogRequests, ContactOnlyInTargetRefreshAndUsageRequests) {
  dialog d = alice_dialog(alice_200);
  for (const method m : {method::invite, method::update, method::refer, method::notify, method::subscribe}) {
    const auto req = d.make_request(m);
    ASSERT_EQ(req.contacts.size(), 1u) << to_string(m);
    EXPECT_EQ(req.contacts[0].address.to_string(), "sip:alice@client.atlanta.example.com;transport=tcp");
  }
  for (const method m : {method::info, method::message, method::options}) {
    EXPECT_TRUE(d.make_request(m).contacts.empty()) << to_string(m);
  }
  d.set_local_target(contact_of("<sip:alice@192.0.2.101:5062>"));
  EXPECT_EQ(d.make_request(method::invite).contacts[0].address.to_string(), "sip:alice@192.0.2.101:5062");
  EXPECT_EQ(d.local_cseq(), 10u);
}

TEST(DialogRequests, NoRouteSetMeansNoRouteHeader) {
  auto ok = parse(alice_200);
  ok.record_routes.clear();
  dialog d = alice_dialog(serialize(ok));
  const message bye = d.make_request(method::bye);
  EXPECT_TRUE(bye.routes.empty());
  EXPECT_EQ(d.next_hop().to_string(), "sip:bob@client.biloxi.example.com;transport=tcp");
}

// --- §12.2.2: incoming requests -----------------------------------------------------------

message alice_request(const dialog& bob, std::string_view method_name, std::uint32_t cseq) {
  // What Alice sends to Bob within the dialog.
  message m = parse(bob_invite);
  m.method_name.assign(method_name);
  m.method_id = method_from_string(method_name);
  m.cseq.number = cseq;
  m.cseq.method_name.assign(method_name);
  m.cseq.method_id = m.method_id;
  m.to.set_tag(bob.id().local_tag);
  m.record_routes.clear();
  if (m.method_id != method::invite) m.contacts.clear();
  return m;
}

TEST(DialogIncoming, LowerCSeqIsRefusedWith500AndEqualOrHigherMovesTheRemoteCSeq) {
  dialog d = bob_dialog(200);
  ASSERT_TRUE(d.on_request(alice_request(d, "INFO", 5), alice_flow).ok());
  EXPECT_EQ(d.remote_cseq(), 5u);
  const auto late = d.on_request(alice_request(d, "INFO", 3), alice_flow);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error(), dialog_error::out_of_order);
  EXPECT_EQ(response_status(late.error()), 500);
  EXPECT_EQ(d.remote_cseq(), 5u);
  EXPECT_TRUE(d.on_request(alice_request(d, "UPDATE", 5), alice_flow).ok());
  // The ACK of the first INVITE arrives late: never refused, never moves the number.
  EXPECT_TRUE(d.on_request(alice_request(d, "ACK", 1), alice_flow).ok());
  EXPECT_EQ(d.remote_cseq(), 5u);
}

TEST(DialogIncoming, RemoteCSeqIsSetByTheFirstRequestOnAUacDialog) {
  dialog d = alice_dialog(alice_200);
  message bye = alice_request(bob_dialog(), "BYE", 77);  // shape only; fix the ids
  bye.from = d.remote_uri();
  bye.from.set_tag(d.id().remote_tag);
  bye.to = d.local_uri();
  bye.to.set_tag(d.id().local_tag);
  ASSERT_TRUE(d.on_request(bye, bob_flow).ok());
  EXPECT_EQ(d.remote_cseq(), 77u);
  EXPECT_EQ(d.state(), dialog_state::terminated);  // §15.1.2
  EXPECT_EQ(d.on_request(bye, bob_flow).error(), dialog_error::terminated);
  EXPECT_EQ(response_status(dialog_error::terminated), 481);
}

TEST(DialogIncoming, ReInviteRefreshesTheRemoteTargetAndTheFlow) {
  dialog d = bob_dialog(200);
  message reinvite = alice_request(d, "INVITE", 2);
  reinvite.contacts[0] = contact_of("<sip:alice@198.51.100.7:5070;transport=tcp>");
  const auto moved = make_peer(transport_kind::tcp, "198.51.100.7", 5070, 12);
  ASSERT_TRUE(d.on_request(reinvite, moved).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:alice@198.51.100.7:5070;transport=tcp");
  EXPECT_EQ(d.flow()->connection_id, 12u);
  // A non-refresh request's Contact is ignored; a refresh without Contact keeps the target.
  message info = alice_request(d, "INFO", 3);
  info.contacts = {contact_of("<sip:elsewhere@192.0.2.99>")};
  ASSERT_TRUE(d.on_request(info, moved).ok());
  ASSERT_TRUE(d.on_request(alice_request(d, "UPDATE", 4), moved).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:alice@198.51.100.7:5070;transport=tcp");
  // A refresh with two Contacts is a 400 and changes nothing.
  message bad = alice_request(d, "UPDATE", 5);
  bad.contacts = {contact_of("<sip:a@192.0.2.1>"), contact_of("<sip:b@192.0.2.2>")};
  EXPECT_EQ(d.on_request(bad, moved).error(), dialog_error::bad_contact);
  EXPECT_EQ(d.remote_cseq(), 4u);
}

TEST(DialogIncoming, MismatchedIdsAreRefused) {
  dialog d = bob_dialog(200);
  message other = alice_request(d, "INFO", 2);
  other.from.set_tag("someone-else");
  EXPECT_EQ(d.on_request(other, alice_flow).error(), dialog_error::mismatch);
  EXPECT_EQ(response_status(dialog_error::mismatch), 481);
}

// --- responses to our in-dialog requests (§12.2.1.2) --------------------------------------

TEST(DialogResponses, TwoHundredToReInviteRefreshesTheTargetAnd481Terminates) {
  dialog d = alice_dialog(alice_200);
  const message reinvite = d.make_request(method::invite);
  message ok = make_response(reinvite, 200);
  ok.contacts = {contact_of("<sip:bob@203.0.113.9>")};
  ASSERT_TRUE(d.on_response(ok).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@203.0.113.9");
  // A 2xx to a non-refresh request leaves the target alone.
  const message info = d.make_request(method::info);
  message info_ok = make_response(info, 200);
  info_ok.contacts = {contact_of("<sip:bob@203.0.113.10>")};
  ASSERT_TRUE(d.on_response(info_ok).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@203.0.113.9");
  // A non-2xx to a re-INVITE changes nothing either.
  message rejected = make_response(d.make_request(method::invite), 488);
  rejected.contacts = {contact_of("<sip:bob@203.0.113.11>")};
  ASSERT_TRUE(d.on_response(rejected).ok());
  EXPECT_EQ(d.remote_target().to_string(), "sip:bob@203.0.113.9");
  EXPECT_EQ(d.state(), dialog_state::confirmed);
  ASSERT_TRUE(d.on_response(make_response(d.make_request(method::info), 481)).ok());
  EXPECT_EQ(d.state(), dialog_state::terminated);
}

TEST(DialogResponses, TimeoutEquivalent408Terminates) {
  dialog d = bob_dialog(200);
  ASSERT_TRUE(d.on_response(make_response(d.make_request(method::update), 408)).ok());
  EXPECT_EQ(d.state(), dialog_state::terminated);
}

// --- where requests go ---------------------------------------------------------------------

TEST(DialogTarget, IpLiteralTargetReusesTheFlowConnection) {
  auto ok = parse(alice_200);
  ok.record_routes.clear();
  ok.contacts[0] = contact_of("<sip:bob@192.0.2.222;transport=tcp>");
  dialog d = alice_dialog(serialize(ok));
  const auto t = d.request_target();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->to_string(), "tcp:192.0.2.222:5060#9");
}

TEST(DialogTarget, HostNameNeedsResolution) {
  const dialog d = alice_dialog(alice_200);
  EXPECT_FALSE(d.request_target().has_value());  // ss1.atlanta.example.com: RFC 3263
}

TEST(DialogTarget, WebSocketClientIsReachedOnItsOwnConnection) {
  auto invite = parse(bob_invite);
  invite.record_routes.clear();
  invite.contacts[0] = contact_of("<sip:x7k2@df7jal23ls0d.invalid;transport=ws>");
  const auto wss = make_peer(transport_kind::wss, "198.51.100.20", 53211, 42);
  auto d = dialog::create_uas(invite, bob_response(invite, 200), wss);
  ASSERT_TRUE(d.ok());
  const auto t = d->request_target();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->to_string(), "wss:198.51.100.20:53211#42");
}

}  // namespace
}  // namespace voxedge::sip
