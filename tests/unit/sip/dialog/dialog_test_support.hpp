#pragma once
// Shared by the dialog tests: message parsing from readable text, peers, and the
// "session establishment through two proxies" flow of RFC 3665 §3.2 (Alice calls Bob
// through ss1.atlanta.example.com and ss2.biloxi.example.com, both record-routing), as
// the messages look at each end.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip::test {

/// Parses test text written with "\n" line ends (turned into CRLF; serialised text with
/// CRLF already is taken as is); fails the test when it does not parse.
inline message parse(std::string_view text) {
  std::string wire;
  for (char c : text) {
    if (c == '\n' && (wire.empty() || wire.back() != '\r')) wire += '\r';
    wire += c;
  }
  auto r = parse_message(wire);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().phrase) << "\n" << text;
  return r.ok() ? std::move(r).value() : message{};
}

/// What a message looks like after a trip over the wire. A request the dialog built has
/// no Via yet (the caller adds it); one is added so that it parses.
inline message round_trip(message m) {
  if (m.vias.empty()) {
    via v;
    v.host = "192.0.2.200";
    v.params.set("branch", "z9hG4bKroundtrip");
    m.vias.push_back(std::move(v));
  }
  auto r = parse_message(serialize(m));
  EXPECT_TRUE(r.ok()) << serialize(m);
  return r.ok() ? std::move(r).value() : message{};
}

inline peer make_peer(transport_kind t, std::string_view addr, std::uint16_t port, std::uint64_t connection = 0) {
  peer p;
  p.transport = t;
  p.address = boost::asio::ip::make_address(std::string(addr));
  p.port = port;
  p.connection_id = connection;
  return p;
}

// --- RFC 3665 §3.2 ------------------------------------------------------------------------

/// F1: the INVITE as Alice sends it to her proxy.
inline constexpr std::string_view alice_invite = R"(INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9
Max-Forwards: 70
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
To: Bob <sip:bob@biloxi.example.com>
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 1 INVITE
Contact: <sip:alice@client.atlanta.example.com;transport=tcp>
Content-Length: 0

)";

/// F6: the same INVITE as it reaches Bob, after both proxies record-routed.
inline constexpr std::string_view bob_invite = R"(INVITE sip:bob@client.biloxi.example.com SIP/2.0
Via: SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1
Via: SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101
Max-Forwards: 68
Record-Route: <sip:ss2.biloxi.example.com;lr>
Record-Route: <sip:ss1.atlanta.example.com;lr>
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
To: Bob <sip:bob@biloxi.example.com>
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 1 INVITE
Contact: <sip:alice@client.atlanta.example.com;transport=tcp>
Content-Length: 0

)";

/// F13 (180 Ringing) and F15 (200 OK) as they reach Alice: Record-Route in the order the
/// proxies added them (Bob's side first).
inline constexpr std::string_view alice_180 = R"(SIP/2.0 180 Ringing
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101
Record-Route: <sip:ss2.biloxi.example.com;lr>
Record-Route: <sip:ss1.atlanta.example.com;lr>
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
To: Bob <sip:bob@biloxi.example.com>;tag=314159
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 1 INVITE
Contact: <sip:bob@client.biloxi.example.com;transport=tcp>
Content-Length: 0

)";

inline constexpr std::string_view alice_200 = R"(SIP/2.0 200 OK
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101
Record-Route: <sip:ss2.biloxi.example.com;lr>
Record-Route: <sip:ss1.atlanta.example.com;lr>
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
To: Bob <sip:bob@biloxi.example.com>;tag=314159
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 1 INVITE
Contact: <sip:bob@client.biloxi.example.com;transport=tcp>
Content-Type: application/sdp
Content-Length: 0

)";

/// Bob's Contact, as his UA puts it in its responses.
inline constexpr std::string_view bob_contact = "<sip:bob@client.biloxi.example.com;transport=tcp>";

}  // namespace voxedge::sip::test
