#include "media/sdp/sdp_writer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "media/sdp/sdp_parser.hpp"
#include "tests/unit/media/sdp/test_support.hpp"

namespace voxedge::media {
namespace {

using test::crlf;
using test::load_sdp;
using test::parse_ok;

class golden_round_trip : public ::testing::TestWithParam<const char*> {};

// Every golden description is already in RFC 8866 order with CRLF, so writing what was
// parsed gives the same bytes, and parsing that gives an equal description.
TEST_P(golden_round_trip, parse_write_parse) {
  const auto text = load_sdp(GetParam());
  ASSERT_FALSE(text.empty());
  const auto sd = parse_ok(text);
  const auto written = write_sdp(sd);
  EXPECT_EQ(written, text);
  EXPECT_EQ(parse_ok(written), sd);
}

INSTANTIATE_TEST_SUITE_P(data, golden_round_trip,
                         ::testing::Values("rfc3264_10_1_offer.sdp", "rfc3264_10_1_answer.sdp",
                                           "rfc3264_10_1_second_offer.sdp", "rfc3264_10_1_second_answer.sdp",
                                           "rfc3264_10_2_offer.sdp", "rfc3264_10_2_answer.sdp",
                                           "rfc3264_10_2_second_offer.sdp", "rfc3264_10_2_second_answer.sdp",
                                           "rfc4317_2_1_offer.sdp", "rfc4317_2_1_answer.sdp", "rfc4317_2_3_answer.sdp",
                                           "rfc4317_2_4_offer.sdp", "rfc4317_2_4_answer.sdp", "rfc4317_2_6_offer.sdp",
                                           "rfc4317_2_6_answer.sdp", "rfc4317_2_8_answer.sdp", "rfc4317_3_1_offer.sdp",
                                           "rfc4317_3_1_answer.sdp", "rfc4317_3_1_second_offer.sdp",
                                           "rfc4317_3_1_second_answer.sdp", "rfc4317_3_2_second_offer.sdp",
                                           "rfc4317_3_2_second_answer.sdp", "sipp_uac.sdp", "pbx_g711.sdp",
                                           "baresip_srtp.sdp", "chrome_offer.sdp", "ipv6_multicast.sdp"));

TEST(sdp_writer, canonical_order_and_line_ends) {
  // Session lines out of RFC order, LF only, sloppy spacing: written in §5 order.
  const auto sd = parse_ok(
      "v=0\na=tool:x\nt=0 0\nc=IN IP4 192.0.2.1\ns=-\no=- 7 8 IN IP4 192.0.2.1\n"
      "m=audio  4000 RTP/AVP 0\na=sendonly\nb=AS:64\nc=IN IP4 192.0.2.2\n");
  EXPECT_EQ(write_sdp(sd), crlf("v=0\no=- 7 8 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\na=tool:x\n"
                                "m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.2\nb=AS:64\na=sendonly\n"));
}

TEST(sdp_writer, a_built_description) {
  session_description sd;
  sd.origin.session_id = "42";
  sd.origin.session_version = 1;
  sd.origin.connection = make_connection("2001:db8::1");
  sd.connection = make_connection("2001:db8::1");
  media_description m;
  m.port = 30000;
  m.formats = {"0", "101"};
  m.add_attribute("rtpmap", "101 telephone-event/8000");
  m.add_attribute("rtcp-mux");
  sd.media.push_back(m);
  // No t= given: "t=0 0" is written, as RFC 8866 §5.9 requires one.
  EXPECT_EQ(write_sdp(sd), crlf("v=0\no=- 42 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\n"
                                "m=audio 30000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=rtcp-mux\n"));
  std::string appended = "prefix";
  write_sdp(sd, appended);
  EXPECT_EQ(appended, "prefix" + write_sdp(sd));
}

TEST(sdp_writer, redacted_for_logs) {
  auto sd = parse_ok(load_sdp("baresip_srtp.sdp"));
  sd.key = "clear:secret";
  sd.media[0].add_attribute("ice-pwd", "BHqZz6AWQkQU2wdJCrVTqrvC");
  const auto text = write_sdp_redacted(sd);
  EXPECT_EQ(text.find("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"), std::string::npos);
  EXPECT_EQ(text.find("NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj"), std::string::npos);
  EXPECT_EQ(text.find("BHqZz6AWQkQU2wdJCrVTqrvC"), std::string::npos);
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_NE(text.find("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^31|1:4\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=ice-pwd:<redacted>\r\n"), std::string::npos);
  EXPECT_NE(text.find("k=<redacted>\r\n"), std::string::npos);
  // Everything else is as written.
  EXPECT_NE(text.find("a=rtpmap:96 opus/48000/2\r\n"), std::string::npos);
}

}  // namespace
}  // namespace voxedge::media
