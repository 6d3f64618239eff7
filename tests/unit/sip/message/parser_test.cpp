#include "sip/message/parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sip/message/auth_header.hpp"
#include "test_support.hpp"

namespace voxedge::sip {
namespace {

using test::crlf;

// A header section written with "\n" plus a body; Content-Length is computed.
std::string with_body(std::string_view head, std::string_view body) {
  return crlf(head) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

const std::string& sdp() {
  static const std::string value = crlf(
      "v=0\n"
      "o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\n"
      "s=-\n"
      "c=IN IP4 192.0.2.101\n"
      "t=0 0\n"
      "m=audio 49172 RTP/AVP 0\n"
      "a=rtpmap:0 PCMU/8000\n");
  return value;
}

// RFC 3665 §3.8 F1 style.
const std::string& invite() {
  static const std::string value = with_body(
      "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
      "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
      "Max-Forwards: 70\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
      "To: Bob <sip:bob@biloxi.example.com>\n"
      "Call-ID: 3848276298220188511@atlanta.example.com\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n"
      "Content-Type: application/sdp\n",
      sdp());
  return value;
}

// A minimal valid OPTIONS to which tests add or change one header.
std::string options(std::string_view extra = {}, std::string_view first_line = "OPTIONS sip:b@example.com SIP/2.0") {
  return crlf(std::string(first_line) +
              "\n"
              "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc\n"
              "From: <sip:a@example.com>;tag=1\n"
              "To: <sip:b@example.com>\n"
              "Call-ID: c1@192.0.2.1\n"
              "CSeq: 1 OPTIONS\n" +
              std::string(extra) + "Content-Length: 0\n\n");
}

parse_failure parse_error_of(std::string_view bytes, const parse_limits& limits = {}) {
  auto r = parse_message(bytes, limits);
  EXPECT_FALSE(r.ok());
  return r.ok() ? parse_failure{} : r.error();
}

TEST(parser, rfc3665_invite_with_sdp) {
  auto r = parse_message(invite());
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  const auto& m = *r;
  EXPECT_TRUE(m.is_request);
  EXPECT_EQ(m.method_id, method::invite);
  EXPECT_EQ(m.method_name, "INVITE");
  EXPECT_EQ(m.request_uri.to_string(), "sip:bob@biloxi.example.com");
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].transport, "TCP");
  EXPECT_EQ(m.vias[0].port, 5060);
  EXPECT_TRUE(m.vias[0].rfc3261_branch());
  EXPECT_EQ(m.max_forwards, 70u);
  EXPECT_EQ(m.from.display_name, "Alice");
  EXPECT_EQ(m.from.tag(), "9fxced76sl");
  EXPECT_EQ(m.to.tag(), "");
  EXPECT_EQ(m.call_id, "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(m.cseq.number, 1u);
  EXPECT_EQ(m.transaction_method(), method::invite);
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.contacts[0].address.params.get("transport"), "tcp");
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].name, "Content-Type");
  EXPECT_EQ(m.body, sdp());
}

TEST(parser, rfc3665_200_ok_with_record_route) {
  const auto bytes = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111\n"
      "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\n"
      "Record-Route: <sip:ss1.atlanta.example.com;lr>\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
      "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
      "Call-ID: 3848276298220188511@atlanta.example.com\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\n"
      "Content-Type: application/sdp\n",
      sdp());
  auto r = parse_message(bytes);
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  EXPECT_FALSE(r->is_request);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  ASSERT_EQ(r->vias.size(), 2u);
  EXPECT_EQ(r->vias[0].received(), "192.0.2.111");
  ASSERT_EQ(r->record_routes.size(), 1u);
  EXPECT_TRUE(r->record_routes[0].address.params.has("lr"));
  EXPECT_EQ(r->to.tag(), "8321234356");
  EXPECT_EQ(r->transaction_method(), method::invite);
}

TEST(parser, register_with_digest_credentials) {
  const auto bytes = options(
      "Authorization: Digest username=\"bob\", realm=\"atlanta.example.com\",\n"
      " nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\",\n"
      " uri=\"sips:ss2.biloxi.example.com\", response=\"dfe56131d1958046689d83306477ecc\"\n"
      "Expires: 7200\n",
      "REGISTER sips:ss2.biloxi.example.com SIP/2.0");
  auto r = parse_message(bytes);
  ASSERT_FALSE(r.ok());  // CSeq says OPTIONS
  EXPECT_EQ(r.error().reason, parse_error::cseq_method_mismatch);
  const auto fixed = bytes.substr(0, bytes.find("CSeq: 1 OPTIONS")) + "CSeq: 1 REGISTER" +
                     bytes.substr(bytes.find("CSeq: 1 OPTIONS") + 15);
  auto ok = parse_message(fixed);
  ASSERT_TRUE(ok.ok()) << ok.error().phrase;
  const auto auth = parse_auth_header(*ok->header_value("Authorization"));
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->params.get("nonce"), "ea9c8e88df84f1cec4341ae6cbe5a359");
  EXPECT_EQ(auth->params.get("opaque"), "");
  EXPECT_EQ(ok->header_value("Expires"), "7200");
}

TEST(parser, every_compact_form_maps_to_its_long_name) {
  const auto bytes = crlf(
      "MESSAGE sip:b@example.com SIP/2.0\n"
      "v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
      "f: <sip:a@example.com>;tag=1\n"
      "t: <sip:b@example.com>\n"
      "i: compact@h\n"
      "CSeq: 2 MESSAGE\n"
      "m: <sip:a@h.example.com>\n"
      "c: text/plain\n"
      "e: gzip\n"
      "k: timer\n"
      "s: hello\n"
      "o: presence\n"
      "u: dialog\n"
      "r: <sip:c@example.com>\n"
      "b: <sip:d@example.com>\n"
      "x: 1800;refresher=uac\n"
      "a: *;audio\n"
      "j: *;video\n"
      "d: proxy\n"
      "y: abc\n"
      "n: <https://example.com/cert>\n"
      "l: 2\n\nhi");
  auto r = parse_message(bytes);
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  EXPECT_EQ(r->vias.size(), 1u);
  EXPECT_EQ(r->from.tag(), "1");
  EXPECT_EQ(r->to.address.user, "b");
  EXPECT_EQ(r->call_id, "compact@h");
  EXPECT_EQ(r->contacts.size(), 1u);
  EXPECT_EQ(r->body, "hi");
  const std::pair<const char*, const char*> expected[] = {
      {"Content-Type", "text/plain"},
      {"Content-Encoding", "gzip"},
      {"Supported", "timer"},
      {"Subject", "hello"},
      {"Event", "presence"},
      {"Allow-Events", "dialog"},
      {"Refer-To", "<sip:c@example.com>"},
      {"Referred-By", "<sip:d@example.com>"},
      {"Session-Expires", "1800;refresher=uac"},
      {"Accept-Contact", "*;audio"},
      {"Reject-Contact", "*;video"},
      {"Request-Disposition", "proxy"},
      {"Identity", "abc"},
      {"Identity-Info", "<https://example.com/cert>"},
  };
  ASSERT_EQ(r->headers.size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(r->headers[i].name, expected[i].first);
    EXPECT_EQ(r->headers[i].value, expected[i].second);
  }
}

TEST(parser, header_names_are_case_insensitive_and_canonicalised) {
  auto r = parse_message(options("content-TYPE: text/plain\nX-Custom-Thing: 1\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers[0].name, "Content-Type");
  EXPECT_EQ(r->headers[1].name, "X-Custom-Thing");  // unknown: kept as received
  EXPECT_EQ(r->header_value("x-custom-thing"), "1");
}

TEST(parser, folding_joins_with_a_single_space) {
  auto r = parse_message(options("Subject: I know you're there,\n   \t pick up the phone\n\tand talk to me!\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->header_value("Subject"), "I know you're there, pick up the phone and talk to me!");
}

TEST(parser, folded_typed_header) {
  auto r = parse_message(options("Contact:\n <sip:a@h.example.com>\n ;expires=60\n"));
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  ASSERT_EQ(r->contacts.size(), 1u);
  EXPECT_EQ(r->contacts[0].params.get("expires"), "60");
}

TEST(parser, bare_lf_line_endings_are_accepted) {
  std::string lf = options("Subject: x\n folded\n");
  std::erase(lf, '\r');
  auto r = parse_message(lf + "body");
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  EXPECT_EQ(r->header_value("Subject"), "x folded");
  EXPECT_EQ(r->body, "");  // Content-Length: 0 wins over the trailing bytes
}

TEST(parser, whitespace_around_colon) {
  auto r = parse_message(options("Subject \t :   spaced  \n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->header_value("Subject"), "spaced");
}

TEST(parser, comma_separated_multi_value_headers) {
  auto r = parse_message(
      options("Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bK2, SIP/2.0/UDP p2.example.com;branch=z9hG4bK3\n"
              "Contact: \"A, B\" <sip:ab@h1>;q=0.5, <sip:c@h2>;expires=\"60\"\n"
              "Route: <sip:r1;lr>, <sip:r2;lr>\nRoute: <sip:r3;lr>\n"
              "Record-Route: <sip:rr1;lr>,<sip:rr2;lr>\n"
              "Allow: INVITE, ACK, BYE\n"));
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  ASSERT_EQ(r->vias.size(), 3u);
  EXPECT_EQ(r->vias[1].host, "p1.example.com");
  EXPECT_EQ(r->vias[2].host, "p2.example.com");
  ASSERT_EQ(r->contacts.size(), 2u);
  EXPECT_EQ(r->contacts[0].display_name, "A, B");
  EXPECT_EQ(r->contacts[1].params.get("expires"), "60");
  ASSERT_EQ(r->routes.size(), 3u);
  EXPECT_EQ(r->routes[2].address.host, "r3");
  ASSERT_EQ(r->record_routes.size(), 2u);
  EXPECT_EQ(r->header_value("Allow"), "INVITE, ACK, BYE");  // generic: raw
}

TEST(parser, content_length_framing_on_a_datagram) {
  auto longer = parse_message(options().substr(0, options().size() - 4) + "\r\n\r\nextra");
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->body, "");

  const auto head = crlf(
      "MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:b@h>\nCall-ID: x\nCSeq: 1 MESSAGE\n");
  auto truncated = parse_message(head + "Content-Length: 10\r\n\r\nshort");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().reason, parse_error::body_truncated);
  EXPECT_EQ(truncated.error().status, 400);

  auto cut = parse_message(head + "Content-Length: 3\r\n\r\nshort");
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->body, "sho");

  auto absent = parse_message(head + "\r\nall of\r\nthis");
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->body, "all of\r\nthis");

  auto bad = parse_error_of(head + "Content-Length: 1x\r\n\r\n");
  EXPECT_EQ(bad.reason, parse_error::bad_content_length);
  auto huge = parse_error_of(head + "Content-Length: 99999999999999999999999\r\n\r\n");
  EXPECT_EQ(huge.reason, parse_error::bad_content_length);
}

TEST(parser, contact_wildcard) {
  const auto reg = [](std::string_view contact) {
    return crlf(
               "REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=1\n"
               "To: <sip:a@example.com>\nCall-ID: r\nCSeq: 3 REGISTER\nExpires: 0\n") +
           std::string(contact) + "Content-Length: 0\r\n\r\n";
  };
  auto r = parse_message(reg("Contact: *\r\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->contact_wildcard);
  EXPECT_TRUE(r->contacts.empty());
  EXPECT_EQ(parse_error_of(reg("Contact: *\r\nContact: <sip:a@h>\r\n")).reason, parse_error::bad_contact);
  EXPECT_EQ(parse_error_of(reg("Contact: <sip:a@h>, *\r\n")).reason, parse_error::bad_contact);
}

TEST(parser, ipv6_in_request_uri_and_via) {
  auto r =
      parse_message(options("Via: SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bK7;received=2001:db8::9;rport=5061\n",
                            "OPTIONS sip:bob@[2001:db8::10]:5070;transport=tcp SIP/2.0"));
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  EXPECT_EQ(r->request_uri.host, "2001:db8::10");
  EXPECT_TRUE(r->request_uri.host_is_ipv6());
  EXPECT_EQ(r->request_uri.port, 5070);
  ASSERT_EQ(r->vias.size(), 2u);
  EXPECT_EQ(r->vias[1].host, "2001:db8::9");
  EXPECT_EQ(r->vias[1].port, 5061);
  EXPECT_EQ(r->vias[1].received(), "2001:db8::9");
  EXPECT_EQ(r->vias[1].rport(), 5061);

  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:[2001:db8:::10] SIP/2.0")).reason, parse_error::bad_request_uri);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:2001:db8::10 SIP/2.0")).reason, parse_error::bad_request_uri);
}

TEST(parser, tel_request_uri) {
  auto r = parse_message(options({}, "OPTIONS tel:+1-201-555-0123;phone-context=example.com SIP/2.0"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->request_uri.scheme, uri_scheme::tel);
  EXPECT_EQ(r->request_uri.user, "+1-201-555-0123");
}

TEST(parser, message_size_limit) {
  parse_limits limits;
  limits.max_message_bytes = 200;
  const auto f = parse_error_of(invite(), limits);
  EXPECT_EQ(f.reason, parse_error::too_large);
  EXPECT_EQ(f.status, 0);  // CSeq lies past the limit: an answer could not be matched

  limits.max_message_bytes = invite().size() - sdp().size() + 10;  // headers fit, body does not
  const auto g = parse_error_of(invite(), limits);
  EXPECT_EQ(g.reason, parse_error::too_large);
  EXPECT_EQ(g.status, 513);
  EXPECT_EQ(g.phrase, "Message Too Large");
  ASSERT_NE(g.partial, nullptr);
  EXPECT_EQ(g.partial->call_id, "3848276298220188511@atlanta.example.com");

  limits.max_message_bytes = invite().size();
  EXPECT_TRUE(parse_message(invite(), limits).ok());
}

TEST(parser, header_count_limit) {
  parse_limits limits;
  limits.max_headers = 6;  // the OPTIONS below has 5 headers + Content-Length
  EXPECT_TRUE(parse_message(options(), limits).ok());
  const auto f = parse_error_of(options("Subject: one too many\n"), limits);
  EXPECT_EQ(f.reason, parse_error::too_many_headers);
  EXPECT_EQ(f.status, 400);
  EXPECT_EQ(f.phrase, "Too Many Headers");

  std::string flood;
  for (int i = 0; i < 200; ++i) flood += "X-H: " + std::to_string(i) + "\n";
  EXPECT_EQ(parse_error_of(options(flood)).reason, parse_error::too_many_headers);
}

TEST(parser, missing_mandatory_headers) {
  const std::string full = options();
  const auto without = [&](std::string_view name) {
    const auto at = full.find(std::string(name) + ":");
    return full.substr(0, at) + full.substr(full.find("\r\n", at) + 2);
  };
  const auto call_id = parse_error_of(without("Call-ID"));
  EXPECT_EQ(call_id.reason, parse_error::missing_header);
  EXPECT_EQ(call_id.phrase, "Missing Call-ID Header");
  EXPECT_EQ(call_id.status, 400);
  EXPECT_EQ(parse_error_of(without("CSeq")).phrase, "Missing CSeq Header");
  EXPECT_EQ(parse_error_of(without("From")).phrase, "Missing From Header");
  EXPECT_EQ(parse_error_of(without("To")).phrase, "Missing To Header");
  // Without a Via there is nowhere to send an answer.
  const auto via = parse_error_of(without("Via"));
  EXPECT_EQ(via.phrase, "Missing Via Header");
  EXPECT_EQ(via.status, 0);
  EXPECT_EQ(via.partial, nullptr);
  // Max-Forwards is not mandatory on receipt.
  EXPECT_TRUE(parse_message(full).ok());
}

TEST(parser, responses_are_never_answered) {
  const auto f =
      parse_error_of(crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\n"
                          "Call-ID: x\nCSeq: 1 INVITE\n\n"));
  EXPECT_EQ(f.reason, parse_error::missing_header);
  EXPECT_EQ(f.status, 0);
  EXPECT_EQ(parse_error_of(crlf("SIP/3.0 200 OK\n\n")).reason, parse_error::bad_version);
  EXPECT_EQ(parse_error_of(crlf("SIP/2.0 99 Low\n\n")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(crlf("SIP/2.0 700 High\n\n")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(crlf("SIP/2.0 2000 OK\n\n")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(crlf("SIP/2.0 200 O\x01K\n\n")).reason, parse_error::bad_start_line);
}

TEST(parser, status_line_variants) {
  const auto tail = crlf(
      "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: x\n"
      "CSeq: 1 INVITE\n\n");
  auto no_reason = parse_message("SIP/2.0 180\r\n" + tail);
  ASSERT_TRUE(no_reason.ok());
  EXPECT_EQ(no_reason->status, 180);
  auto lower = parse_message("sip/2.0 486 Busy Here\r\n" + tail);
  ASSERT_TRUE(lower.ok());  // ABNF literals are case-insensitive
  EXPECT_EQ(lower->reason, "Busy Here");
}

TEST(parser, start_line_garbage_is_dropped) {
  EXPECT_EQ(parse_error_of("").status, 0);
  EXPECT_EQ(parse_error_of("\r\n\r\n").reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(std::string("\x16\x03\x01\x00\xa5\x01", 6)).status, 0);
  EXPECT_EQ(parse_error_of(crlf("IN VITE\n\n")).status, 0);
  EXPECT_EQ(parse_error_of(crlf("<html>\n\n")).status, 0);
}

TEST(parser, leading_crlf_before_start_line_is_ignored) {
  auto r = parse_message("\r\n\r\n" + options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method_id, method::options);
}

TEST(parser, request_line_errors) {
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@example.com SIP/2.1")).status, 505);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@example.com")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS  sip:b@example.com SIP/2.0")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@example.com  SIP/2.0")).reason, parse_error::bad_start_line);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@example.com?Subject=x SIP/2.0")).phrase, "Bad Request-URI");
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS mailto:b@example.com SIP/2.0")).status, 416);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@exa mple.com SIP/2.0")).reason, parse_error::bad_request_uri);
  EXPECT_EQ(parse_error_of(options({}, "OPTIONS sip:b@256.1.1.1 SIP/2.0")).reason, parse_error::bad_request_uri);
}

TEST(parser, header_syntax_errors) {
  EXPECT_EQ(parse_error_of(options("No colon here\n")).phrase, "Bad Header Line");
  EXPECT_EQ(parse_error_of(options("Bad Name: x\n")).reason, parse_error::bad_header);
  EXPECT_EQ(parse_error_of(options(std::string("X-N\0ul: x\n", 10))).reason, parse_error::bad_header);
  EXPECT_EQ(parse_error_of(options("X-Cr: a\rb\n")).phrase, "Bad Line Ending");
  EXPECT_EQ(parse_error_of(crlf("OPTIONS sip:b@h SIP/2.0\n folded-first\n\n")).reason, parse_error::bad_header);
  // No empty line ends the header section.
  const auto o = options();
  EXPECT_EQ(parse_error_of(o.substr(0, o.size() - 2)).phrase, "Missing Empty Line After Headers");
  // A NUL inside a value is legal (RFC 4475 §3.1.1.2 quotes one); it is kept.
  auto nul = parse_message(options(std::string("X-Nul: a\0b\n", 11)));
  ASSERT_TRUE(nul.ok());
  EXPECT_EQ(nul->header_value("X-Nul")->size(), 3u);
}

TEST(parser, typed_header_errors_carry_specific_phrases) {
  const auto replace = [](std::string_view name, std::string_view value) {
    std::string m = options();
    const auto at = m.find(std::string(name) + ":");
    const auto end = m.find("\r\n", at);
    return m.substr(0, at) + std::string(name) + ": " + std::string(value) + m.substr(end);
  };
  EXPECT_EQ(parse_error_of(replace("CSeq", "1")).phrase, "Bad CSeq");
  EXPECT_EQ(parse_error_of(replace("CSeq", "x OPTIONS")).phrase, "Bad CSeq");
  EXPECT_EQ(parse_error_of(replace("CSeq", "4294967296 OPTIONS")).phrase, "Bad CSeq");
  EXPECT_TRUE(parse_message(replace("CSeq", "4294967295 OPTIONS")).ok());
  EXPECT_EQ(parse_error_of(replace("CSeq", "1 options")).reason, parse_error::cseq_method_mismatch);
  EXPECT_EQ(parse_error_of(replace("Call-ID", "has space")).phrase, "Bad Call-ID");
  EXPECT_EQ(parse_error_of(replace("Call-ID", "")).phrase, "Bad Call-ID");
  EXPECT_EQ(parse_error_of(replace("From", "<sip:a@h")).phrase, "Bad From");
  EXPECT_EQ(parse_error_of(replace("To", "sip:a@h?x=y")).phrase, "Bad To");
  EXPECT_EQ(parse_error_of(replace("Via", "SIP/2.0/UDP")).phrase, "Bad Via");
  EXPECT_EQ(parse_error_of(options("Route: sip:r1;lr>\n")).phrase, "Bad Route");
  EXPECT_EQ(parse_error_of(options("Record-Route: <sip:r1;lr\n")).phrase, "Bad Record-Route");
  EXPECT_EQ(parse_error_of(options("Max-Forwards: ten\n")).phrase, "Bad Max-Forwards");
  EXPECT_EQ(parse_error_of(options("Contact: <sip:a@h>;;\n")).phrase, "Bad Contact");
}

TEST(parser, max_forwards_range) {
  auto zero = parse_message(options("Max-Forwards: 0\n"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->max_forwards, 0u);
  auto big = parse_message(options("Max-Forwards: 256\n"));  // RFC 4475 §3.1.2.4: as if absent
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->max_forwards);
  auto huge = parse_message(options("Max-Forwards: 123456789012345678901234567890\n"));
  ASSERT_TRUE(huge.ok());
  EXPECT_FALSE(huge->max_forwards);
}

TEST(parser, duplicate_single_headers) {
  EXPECT_TRUE(parse_message(options("From: <sip:a@example.com>;tag=1\n")).ok());  // identical: harmless
  const auto f = parse_error_of(options("From: <sip:z@example.com>;tag=2\n"));
  EXPECT_EQ(f.reason, parse_error::duplicate_header);
  EXPECT_EQ(f.phrase, "Conflicting From");
  EXPECT_EQ(parse_error_of(options("i: other\n")).phrase, "Conflicting Call-ID");
  EXPECT_EQ(parse_error_of(options("Max-Forwards: 1\nMax-Forwards: 2\n")).phrase, "Conflicting Max-Forwards");
}

TEST(parser, partial_request_supports_error_response) {
  const auto f = parse_error_of(options("Max-Forwards: x\nTimestamp: 54\n"));
  ASSERT_NE(f.partial, nullptr);
  EXPECT_EQ(f.partial->method_id, method::options);
  EXPECT_EQ(f.partial->vias.size(), 1u);
  EXPECT_EQ(f.partial->from.tag(), "1");
  EXPECT_EQ(f.partial->call_id, "c1@192.0.2.1");
  EXPECT_EQ(f.partial->cseq.number, 1u);
}

TEST(parser, unknown_method_is_kept) {
  std::string m = options({}, "FOO sip:b@example.com SIP/2.0");
  m.replace(m.find("CSeq: 1 OPTIONS"), 15, "CSeq: 1 FOO");
  auto r = parse_message(m);
  ASSERT_TRUE(r.ok()) << r.error().phrase;
  EXPECT_EQ(r->method_id, method::unknown);
  EXPECT_EQ(r->method_name, "FOO");
}

TEST(parser, parse_error_names) {
  EXPECT_EQ(to_string(parse_error::too_large), "too_large");
  EXPECT_EQ(to_string(parse_error::duplicate_header), "duplicate_header");
  EXPECT_EQ(to_string(parse_error::cseq_method_mismatch), "cseq_method_mismatch");
}

}  // namespace
}  // namespace voxedge::sip
