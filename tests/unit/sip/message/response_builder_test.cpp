#include "sip/message/response_builder.hpp"

#include <gtest/gtest.h>

#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "test_support.hpp"

namespace voxedge::sip {
namespace {

using test::crlf;

message request(std::string_view to = "Bob <sip:bob@biloxi.example.com>") {
  auto r =
      parse_message(crlf("INVITE sip:bob@biloxi.example.com SIP/2.0\n"
                         "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\n"
                         "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK2;received=192.0.2.1\n"
                         "Max-Forwards: 69\n"
                         "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
                         "To: " +
                         std::string(to) +
                         "\n"
                         "Call-ID: a84b4c76e66710\n"
                         "CSeq: 314159 INVITE\n"
                         "Contact: <sip:alice@pc33.atlanta.example.com>\n"
                         "Record-Route: <sip:p1.example.com;lr>\n"
                         "Timestamp: 54.2 0.1\n"
                         "Subject: hi\n"
                         "Content-Length: 0\n\n"));
  EXPECT_TRUE(r.ok());
  return r.ok() ? std::move(r).value() : message{};
}

TEST(response_builder, copies_the_rfc3261_8_2_6_headers) {
  const auto req = request();
  const auto r = make_response(req, 486, {}, "totag1");
  EXPECT_FALSE(r.is_request);
  EXPECT_EQ(r.status, 486);
  EXPECT_EQ(r.reason, "Busy Here");
  ASSERT_EQ(r.vias.size(), 2u);
  EXPECT_EQ(r.vias[1].received(), "192.0.2.1");
  EXPECT_EQ(r.from.tag(), "1928301774");
  EXPECT_EQ(r.to.tag(), "totag1");
  EXPECT_EQ(r.call_id, req.call_id);
  EXPECT_EQ(r.cseq.number, 314159u);
  EXPECT_EQ(r.cseq.method_id, method::invite);
  EXPECT_FALSE(r.max_forwards);
  EXPECT_TRUE(r.contacts.empty());
  EXPECT_TRUE(r.record_routes.empty());
  EXPECT_TRUE(r.headers.empty());  // no Timestamp except on 100
  EXPECT_TRUE(parse_message(serialize(r)).ok());
}

TEST(response_builder, trying_has_no_to_tag_and_echoes_timestamp) {
  const auto r = make_response(request(), 100, {}, "ignored");
  EXPECT_EQ(r.reason, "Trying");
  EXPECT_TRUE(r.to.tag().empty());
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "Timestamp");
  EXPECT_EQ(r.headers[0].value, "54.2 0.1");
}

TEST(response_builder, existing_to_tag_is_kept) {
  const auto r = make_response(request("<sip:bob@biloxi.example.com>;tag=existing"), 200, "Fine", "new");
  EXPECT_EQ(r.to.tag(), "existing");
  EXPECT_EQ(r.reason, "Fine");
}

TEST(response_builder, default_reasons) {
  EXPECT_EQ(default_reason(100), "Trying");
  EXPECT_EQ(default_reason(180), "Ringing");
  EXPECT_EQ(default_reason(183), "Session Progress");
  EXPECT_EQ(default_reason(200), "OK");
  EXPECT_EQ(default_reason(401), "Unauthorized");
  EXPECT_EQ(default_reason(407), "Proxy Authentication Required");
  EXPECT_EQ(default_reason(416), "Unsupported URI Scheme");
  EXPECT_EQ(default_reason(422), "Session Interval Too Small");
  EXPECT_EQ(default_reason(481), "Call/Transaction Does Not Exist");
  EXPECT_EQ(default_reason(487), "Request Terminated");
  EXPECT_EQ(default_reason(491), "Request Pending");
  EXPECT_EQ(default_reason(503), "Service Unavailable");
  EXPECT_EQ(default_reason(505), "Version Not Supported");
  EXPECT_EQ(default_reason(513), "Message Too Large");
  EXPECT_EQ(default_reason(603), "Decline");
  EXPECT_EQ(default_reason(607), "Unwanted");
  EXPECT_EQ(default_reason(608), "Rejected");
  EXPECT_EQ(default_reason(199), "Early Dialog Terminated");
  EXPECT_EQ(default_reason(204), "No Notification");
  for (int code :
       {199, 204, 412, 417, 421, 422, 423, 428, 429, 433, 437, 439, 469, 470, 489, 491, 493, 494, 580, 603, 607, 608}) {
    EXPECT_NE(default_reason(code), "Unknown") << code;
  }
  EXPECT_EQ(default_reason(299), "Unknown");
  EXPECT_EQ(default_reason(0), "Unknown");
}

TEST(response_builder, error_response_from_partial_echoes_raw_headers) {
  auto f =
      parse_message(crlf("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK9\nFrom: <sip:a@h>;tag=1\n"
                         "To: <sip:b@h\nCall-ID: c\nCSeq: 7 OPTIONS\n\n"));
  ASSERT_FALSE(f.ok());
  ASSERT_NE(f.error().partial, nullptr);
  const auto r = make_response(*f.error().partial, f.error().status, f.error().phrase, "t");
  EXPECT_EQ(serialize(r), crlf("SIP/2.0 400 Bad To\nVia: SIP/2.0/UDP h;branch=z9hG4bK9\nFrom: <sip:a@h>;tag=1\n"
                               "Call-ID: c\nCSeq: 7 OPTIONS\nTo: <sip:b@h\nContent-Length: 0\n\n"));
}

}  // namespace
}  // namespace voxedge::sip
