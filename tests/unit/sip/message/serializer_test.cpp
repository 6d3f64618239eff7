#include "sip/message/serializer.hpp"

#include <gtest/gtest.h>

#include "sip/message/parser.hpp"
#include "test_support.hpp"

namespace voxedge::sip {
namespace {

using test::crlf;

message sample_request() {
  message m;
  m.method_name = "INVITE";
  m.method_id = method::invite;
  m.request_uri = parse_uri("sip:bob@[2001:db8::5]:5070;transport=tcp").value();
  via v;
  v.transport = "TLS";
  v.host = "2001:db8::1";
  v.port = 5061;
  v.params.set("branch", "z9hG4bKabc");
  v.params.set("rport");
  m.vias.push_back(v);
  m.max_forwards = 70;
  m.from = parse_name_addr("\"Alice \\\"A\\\"\" <sip:alice@atlanta.example.com>;tag=1928301774").value();
  m.to = parse_name_addr("Bob <sip:bob@biloxi.example.com>").value();
  m.call_id = "a84b4c76e66710@pc33.atlanta.example.com";
  m.cseq = {314159, "INVITE", method::invite};
  m.contacts.push_back(parse_name_addr("<sip:alice@pc33.atlanta.example.com>").value());
  m.record_routes.push_back(parse_name_addr("<sip:p1.example.com;lr>").value());
  m.routes.push_back(parse_name_addr("<sip:p2.example.com;lr>").value());
  m.add_header("c", "application/sdp");
  m.add_header("Subject", "lunch");
  m.body = "v=0\r\n";
  return m;
}

TEST(serializer, typed_headers_in_order_then_generic_then_length) {
  EXPECT_EQ(serialize(sample_request()),
            crlf("INVITE sip:bob@[2001:db8::5]:5070;transport=tcp SIP/2.0\n"
                 "Via: SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKabc;rport\n"
                 "Max-Forwards: 70\n"
                 "From: \"Alice \\\"A\\\"\" <sip:alice@atlanta.example.com>;tag=1928301774\n"
                 "To: \"Bob\" <sip:bob@biloxi.example.com>\n"
                 "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n"
                 "CSeq: 314159 INVITE\n"
                 "Contact: <sip:alice@pc33.atlanta.example.com>\n"
                 "Record-Route: <sip:p1.example.com;lr>\n"
                 "Route: <sip:p2.example.com;lr>\n"
                 "Content-Type: application/sdp\n"
                 "Subject: lunch\n"
                 "Content-Length: 5\n"
                 "\n"
                 "v=0\n"));
}

TEST(serializer, round_trip_is_a_fixed_point) {
  const auto wire = serialize(sample_request());
  auto m = parse_message(wire);
  ASSERT_TRUE(m.ok()) << m.error().phrase;
  EXPECT_EQ(serialize(*m), wire);
  EXPECT_EQ(m->from.display_name, "Alice \"A\"");
}

TEST(serializer, response_status_line) {
  message r;
  r.is_request = false;
  r.status = 180;
  r.reason = "Ringing";
  r.vias.push_back(parse_via_list("SIP/2.0/UDP h;branch=z9hG4bK1").value().front());
  r.from = parse_name_addr("<sip:a@h>;tag=1").value();
  r.to = parse_name_addr("<sip:b@h>;tag=2").value();
  r.call_id = "x";
  r.cseq = {1, "INVITE", method::invite};
  EXPECT_EQ(serialize(r), crlf("SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
                               "To: <sip:b@h>;tag=2\nCall-ID: x\nCSeq: 1 INVITE\nContent-Length: 0\n\n"));
}

TEST(serializer, wildcard_contact_and_multiple_vias) {
  message m;
  m.method_name = "REGISTER";
  m.request_uri = parse_uri("sip:example.com").value();
  m.vias = parse_via_list("SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2").value();
  m.contact_wildcard = true;
  const auto wire = serialize(m);
  EXPECT_NE(wire.find("Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\n"),
            std::string::npos);
  EXPECT_NE(wire.find("\r\nContact: *\r\n"), std::string::npos);
}

TEST(serializer, quotes_param_values_that_need_it) {
  message m = sample_request();
  m.contacts[0].params.set("+sip.instance", "<urn:uuid:1>");
  m.contacts[0].params.set("expires", "60");
  m.contacts[0].params.set("q", "", true);
  const auto wire = serialize(m);
  EXPECT_NE(
      wire.find("Contact: <sip:alice@pc33.atlanta.example.com>;+sip.instance=\"<urn:uuid:1>\";expires=60;q=\"\"\r\n"),
      std::string::npos)
      << wire;
}

TEST(serializer, never_emits_a_line_break_from_a_value) {
  message m = sample_request();
  m.add_header("X-Evil", "a\r\nVia: SIP/2.0/UDP evil");
  m.reason = "bad\r\n";
  m.from.display_name = "E\r\nvil";
  const auto wire = serialize(m);
  auto r = parse_message(wire);
  ASSERT_TRUE(r.ok()) << r.error().phrase << "\n" << wire;
  EXPECT_EQ(r->vias.size(), 1u);
  EXPECT_EQ(r->header_value("X-Evil"), "a  Via: SIP/2.0/UDP evil");
  m.call_id = "id\nX: y";
  EXPECT_NE(serialize(m).find("\r\nCall-ID: id X: y\r\n"), std::string::npos);
}

TEST(serializer, computed_content_length_wins) {
  message m = sample_request();
  m.add_header("Content-Length", "999");
  const auto wire = serialize(m);
  EXPECT_EQ(wire.find("999"), std::string::npos);
  EXPECT_TRUE(parse_message(wire).ok());
}

TEST(serializer, appends_to_existing_buffer) {
  std::string out = "prefix";
  serialize_to(sample_request(), out);
  EXPECT_EQ(out.rfind("prefixINVITE ", 0), 0u);
}

}  // namespace
}  // namespace voxedge::sip
