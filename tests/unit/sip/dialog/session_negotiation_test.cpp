#include "sip/dialog/session_negotiation.hpp"

#include <gtest/gtest.h>

#include "dialog_test_support.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::sip {
namespace {

using namespace test;
using namespace std::chrono_literals;

message invite_with(std::string_view extra_headers) {
  std::string text = R"(INVITE sip:bob@192.0.2.4 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKst
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: timer-test
CSeq: 1 INVITE
Contact: <sip:alice@192.0.2.1>
)";
  text += extra_headers;
  text += "Content-Length: 0\n\n";
  return parse(text);
}

// --- UAS (RFC 4028 §9) ---------------------------------------------------------------------

TEST(SessionNegotiationUas, SupportingUacWithoutRefresherGetsOurChoiceAndRequire) {
  session_negotiation n;
  const auto answer = n.on_request(invite_with("Supported: timer\nSession-Expires: 1800\n"));
  EXPECT_EQ(answer.reject_status, 0);
  ASSERT_TRUE(answer.header.has_value());
  EXPECT_EQ(*answer.header, (session_expires{1800, refresher::uac}));  // default: the peer refreshes
  EXPECT_TRUE(answer.require_timer);
  message ok = make_response(invite_with(""), 200, {}, "b1");
  EXPECT_EQ(n.accept(answer, ok), (negotiated_session{1800s, false}));
  const message wire = round_trip(ok);
  EXPECT_EQ(wire.header_value("Session-Expires"), "1800;refresher=uac");
  EXPECT_EQ(wire.header_value("Require"), "timer");
  EXPECT_EQ(wire.header_value("Supported"), "timer");
  EXPECT_EQ(n.current(), (negotiated_session{1800s, false}));

  session_negotiation eager({.prefer_to_refresh = true});
  const auto mine = eager.on_request(invite_with("Supported: timer\nSession-Expires: 1800\n"));
  EXPECT_EQ(*mine.header, (session_expires{1800, refresher::uas}));
  EXPECT_EQ(mine.session, (negotiated_session{1800s, true}));
}

TEST(SessionNegotiationUas, RefresherNamedByTheUacIsKept) {
  session_negotiation n;
  const auto answer = n.on_request(invite_with("Supported: timer\nSession-Expires: 1200;refresher=uas\n"));
  EXPECT_EQ(*answer.header, (session_expires{1200, refresher::uas}));  // not increased to 1800
  EXPECT_TRUE(answer.require_timer);
  EXPECT_EQ(answer.session, (negotiated_session{1200s, true}));
}

TEST(SessionNegotiationUas, TooSmallFromASupportingUacIs422WithOurMinSe) {
  session_negotiation n({.min_se = 300});
  const auto answer = n.on_request(invite_with("Supported: timer\nSession-Expires: 120\n"));
  EXPECT_EQ(answer.reject_status, 422);
  EXPECT_EQ(answer.min_se, 300u);
  message too_small = make_response(invite_with(""), 422, answer.reason, "b1");
  session_negotiation::add_to_422(answer, too_small);
  EXPECT_EQ(round_trip(too_small).header_value("Min-SE"), "300");
  message ok = make_response(invite_with(""), 200);
  EXPECT_FALSE(n.accept(answer, ok).has_value());  // a refusal changes nothing
  EXPECT_FALSE(ok.has_header("Session-Expires"));
}

TEST(SessionNegotiationUas, TooSmallFromAUacWithoutSupportIsRaisedInstead) {
  session_negotiation n;
  // A proxy asked for 60 s on behalf of a UAC that cannot handle a 422.
  const auto answer = n.on_request(invite_with("Session-Expires: 60\n"));
  EXPECT_EQ(answer.reject_status, 0);
  EXPECT_EQ(*answer.header, (session_expires{90, refresher::uas}));
  EXPECT_FALSE(answer.require_timer);
  EXPECT_EQ(answer.session, (negotiated_session{90s, true}));
}

TEST(SessionNegotiationUas, NoSupportNoHeaderMeansWeRefresh) {
  session_negotiation n;
  const auto answer = n.on_request(invite_with(""));
  EXPECT_EQ(*answer.header, (session_expires{1800, refresher::uas}));
  EXPECT_FALSE(answer.require_timer);
  message ok = make_response(invite_with(""), 200, {}, "b1");
  n.accept(answer, ok);
  EXPECT_FALSE(ok.has_header("Require"));
  EXPECT_EQ(ok.header_value("Session-Expires"), "1800;refresher=uas");
}

TEST(SessionNegotiationUas, ReducesWithinTheRequestsMinSe) {
  session_negotiation n;  // we want 1800
  EXPECT_EQ(n.on_request(invite_with("Supported: timer\nSession-Expires: 7200\n")).header->seconds, 1800u);
  EXPECT_EQ(n.on_request(invite_with("Supported: timer\nSession-Expires: 7200\nMin-SE: 3600\n")).header->seconds,
            3600u);
  // No Session-Expires but a Min-SE: our interval, not below it.
  EXPECT_EQ(n.on_request(invite_with("Supported: timer\nMin-SE: 2000\n")).header->seconds, 2000u);
}

TEST(SessionNegotiationUas, MalformedHeadersAre400) {
  session_negotiation n;
  const auto bad_se = n.on_request(invite_with("Session-Expires: soon\n"));
  EXPECT_EQ(bad_se.reject_status, 400);
  EXPECT_EQ(bad_se.reason, "Bad Session-Expires");
  EXPECT_EQ(n.on_request(invite_with("Min-SE: -1\n")).reason, "Bad Min-SE");
}

TEST(SessionNegotiationUas, DisabledIgnoresTheExtension) {
  session_negotiation n({.enabled = false});
  const auto answer = n.on_request(invite_with("Supported: timer\nSession-Expires: 30\n"));
  EXPECT_EQ(answer.reject_status, 0);
  EXPECT_FALSE(answer.header.has_value());
  message ok = make_response(invite_with(""), 200, {}, "b1");
  EXPECT_FALSE(n.accept(answer, ok).has_value());
  EXPECT_TRUE(ok.headers.empty());
}

// --- UAC (RFC 4028 §7) ---------------------------------------------------------------------

TEST(SessionNegotiationUac, InitialRequestAsksForTheConfiguredInterval) {
  session_negotiation n;
  message invite = invite_with("Supported: 100rel\n");
  n.add_to_request(invite);
  const message wire = round_trip(invite);
  EXPECT_EQ(wire.header_value("Supported"), "100rel, timer");
  EXPECT_EQ(wire.header_value("Session-Expires"), "1800");
  EXPECT_EQ(wire.header_value("Min-SE"), "90");

  session_negotiation eager({.interval = 600, .prefer_to_refresh = true});
  message other = invite_with("");
  eager.add_to_request(other);
  EXPECT_EQ(other.header_value("Session-Expires"), "600;refresher=uac");
}

TEST(SessionNegotiationUac, TwoHundredDecidesWhoRefreshes) {
  session_negotiation n;
  message invite = invite_with("");
  n.add_to_request(invite);
  message ok = make_response(invite, 200, {}, "b1");
  ok.set_header("Session-Expires", "1200;refresher=uac");
  ok.set_header("Require", "timer");
  EXPECT_EQ(n.on_2xx(ok), (negotiated_session{1200s, true}));

  n.add_to_request(invite);
  ok.set_header("Session-Expires", "1200;refresher=uas");
  EXPECT_EQ(n.on_2xx(ok), (negotiated_session{1200s, false}));

  // A peer that names nobody leaves it to us; one that asks for 10 s gets 90.
  n.add_to_request(invite);
  ok.set_header("Session-Expires", "10");
  EXPECT_EQ(n.on_2xx(ok), (negotiated_session{90s, true}));
}

TEST(SessionNegotiationUac, UasWithoutSupportLeavesUsTheRefresher) {
  session_negotiation n;
  message invite = invite_with("");
  n.add_to_request(invite);
  // §7.2: no Session-Expires in the 2xx: we refresh with what we asked.
  EXPECT_EQ(n.on_2xx(make_response(invite, 200, {}, "b1")), (negotiated_session{1800s, true}));
  // A 2xx to a request we did not decorate, without the header: no session expiration.
  EXPECT_FALSE(n.on_2xx(make_response(invite, 200, {}, "b1")).has_value());
  EXPECT_FALSE(n.current().has_value());
}

TEST(SessionNegotiationUac, Retries422WithTheLargerMinSe) {
  session_negotiation n;
  message invite = invite_with("");
  n.add_to_request(invite);
  message too_small = make_response(invite, 422, {}, "b1");
  too_small.set_header("Min-SE", "2400");
  ASSERT_TRUE(n.on_422(too_small));
  message retry = invite_with("");
  n.add_to_request(retry);
  EXPECT_EQ(retry.header_value("Session-Expires"), "2400");
  EXPECT_EQ(retry.header_value("Min-SE"), "2400");  // §7.3: MUST carry the 422's Min-SE
  // Asking for what we already offered would loop; so would no Min-SE at all.
  EXPECT_FALSE(n.on_422(too_small));
  n.add_to_request(retry);
  too_small.remove_header("Min-SE");
  EXPECT_FALSE(n.on_422(too_small));
  n.add_to_request(retry);
  too_small.set_header("Min-SE", "999999");
  EXPECT_FALSE(n.on_422(too_small));
}

TEST(SessionNegotiationUac, RefreshKeepsTheIntervalAndTheRefresher) {
  session_negotiation n;
  message invite = invite_with("");
  n.add_to_request(invite);
  message ok = make_response(invite, 200, {}, "b1");
  ok.set_header("Session-Expires", "900;refresher=uas");
  ASSERT_TRUE(n.on_2xx(ok).has_value());
  // We send a re-INVITE (say, hold) while the peer is the refresher: it stays so.
  message reinvite = invite_with("");
  n.add_to_request(reinvite);
  EXPECT_EQ(reinvite.header_value("Session-Expires"), "900;refresher=uas");
}

TEST(SessionNegotiation, UacAndUasAgreeOverTheWire) {
  // A B2BUA leg talking to another instance of itself, the 422 round included.
  session_negotiation uac({.interval = 100});
  session_negotiation uas({.min_se = 600});
  message invite = invite_with("");
  uac.add_to_request(invite);
  auto answer = uas.on_request(round_trip(invite));
  ASSERT_EQ(answer.reject_status, 422);
  message too_small = make_response(invite, 422, {}, "b1");
  session_negotiation::add_to_422(answer, too_small);
  ASSERT_TRUE(uac.on_422(round_trip(too_small)));

  uac.add_to_request(invite);
  answer = uas.on_request(round_trip(invite));
  ASSERT_EQ(answer.reject_status, 0);
  message ok = make_response(invite, 200, {}, "b1");
  const auto uas_view = uas.accept(answer, ok);
  const auto uac_view = uac.on_2xx(round_trip(ok));
  ASSERT_TRUE(uas_view && uac_view);
  EXPECT_EQ(uas_view->interval, 600s);
  EXPECT_EQ(uac_view->interval, 600s);
  EXPECT_NE(uas_view->we_refresh, uac_view->we_refresh);  // exactly one side refreshes
  EXPECT_TRUE(uac_view->we_refresh);
}

}  // namespace
}  // namespace voxedge::sip
