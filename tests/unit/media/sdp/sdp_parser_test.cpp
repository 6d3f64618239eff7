#include "media/sdp/sdp_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/media/sdp/test_support.hpp"

namespace voxedge::media {
namespace {

using test::crlf;
using test::load_sdp;
using test::parse_ok;

TEST(sdp_parser, reads_every_field_of_rfc3264_offer) {
  const auto sd = parse_ok(load_sdp("rfc3264_10_1_offer.sdp"));
  EXPECT_EQ(sd.version, 0u);
  EXPECT_EQ(sd.origin.username, "alice");
  EXPECT_EQ(sd.origin.session_id, "2890844526");
  EXPECT_EQ(sd.origin.session_version, 2890844526u);
  EXPECT_EQ(sd.origin.connection.address, "host.anywhere.com");
  EXPECT_EQ(sd.session_name, " ");
  ASSERT_TRUE(sd.connection);
  EXPECT_TRUE(sd.connection->is_ip4());
  EXPECT_EQ(sd.connection->address, "host.anywhere.com");
  ASSERT_EQ(sd.timings.size(), 1u);
  EXPECT_EQ(sd.timings[0].start, 0u);
  ASSERT_EQ(sd.media.size(), 3u);
  EXPECT_EQ(sd.media[0].media, "audio");
  EXPECT_EQ(sd.media[0].port, 49170);
  EXPECT_EQ(sd.media[0].proto, "RTP/AVP");
  EXPECT_EQ(sd.media[0].formats, std::vector<std::string>{"0"});
  EXPECT_EQ(sd.media[2].media, "video");
  EXPECT_EQ(sd.media[2].port, 53000);
  const auto map = sd.media[2].find_rtpmap(32);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->encoding, "MPV");
  EXPECT_EQ(map->clock_rate, 90000u);
}

TEST(sdp_parser, accepts_lf_only_and_crlf_alike) {
  const std::string lf = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
  EXPECT_EQ(parse_ok(lf), parse_ok(crlf(lf)));
  // The last line may lack its line end.
  EXPECT_EQ(parse_ok(lf.substr(0, lf.size() - 1)), parse_ok(lf));
}

TEST(sdp_parser, typed_accessors) {
  const auto sd = parse_ok(load_sdp("baresip_srtp.sdp"));
  ASSERT_EQ(sd.media.size(), 1u);
  const auto& m = sd.media[0];
  EXPECT_TRUE(m.is_rtp());
  EXPECT_TRUE(m.uses_sdes());
  EXPECT_EQ(m.payload_types(), (std::vector<std::uint8_t>{96, 9, 0, 8, 101}));
  const auto opus = m.find_rtpmap(96);
  ASSERT_TRUE(opus);
  EXPECT_EQ(opus->encoding, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels(), 2u);
  EXPECT_EQ(m.fmtp("96"), "stereo=1;sprop-stereo=1");
  EXPECT_EQ(m.fmtp("101"), "0-15");
  EXPECT_FALSE(m.fmtp("9"));
  EXPECT_EQ(m.ptime(), 20u);
  EXPECT_FALSE(m.maxptime());
  EXPECT_EQ(m.direction(), media_direction::sendrecv);
  EXPECT_EQ(m.bandwidth("AS"), 125u);
  EXPECT_EQ(m.bandwidth("tias"), 125000u);
  const auto rtcp = m.rtcp();
  ASSERT_TRUE(rtcp);
  EXPECT_EQ(rtcp->port, 44107);
  ASSERT_TRUE(rtcp->connection);
  EXPECT_EQ(rtcp->connection->address, "192.168.10.21");
  EXPECT_FALSE(m.rtcp_mux());
  const auto ssrcs = m.ssrcs();
  ASSERT_EQ(ssrcs.size(), 1u);
  EXPECT_EQ(ssrcs[0].ssrc, 1451245337u);
  EXPECT_EQ(ssrcs[0].attribute, "cname");
  EXPECT_EQ(ssrcs[0].value, "a63c3c0f8f1f28e6");
  const auto cryptos = m.cryptos();
  ASSERT_EQ(cryptos.size(), 2u);
  EXPECT_EQ(cryptos[0].tag, 1u);
  EXPECT_EQ(cryptos[0].suite, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(cryptos[0].key_params.size(), 1u);
  EXPECT_EQ(cryptos[0].key_params[0].lifetime, "2^31");
  EXPECT_EQ(cryptos[0].key_params[0].mki_value, 1u);
  EXPECT_EQ(cryptos[0].key_params[0].mki_length, 4u);
  EXPECT_EQ(cryptos[1].suite, "AES_CM_128_HMAC_SHA1_32");
  // Attributes stay in received order, unknown ones included.
  ASSERT_NE(sd.find_attribute("tool"), nullptr);
  EXPECT_EQ(sd.find_attribute("tool")->value, "baresip 3.10.1");
  EXPECT_TRUE(m.has_attribute("rtcp-rsize"));
  EXPECT_FALSE(m.find_attribute("rtcp-rsize")->value);
  EXPECT_EQ(m.attributes[0].name, "rtpmap");
  EXPECT_EQ(m.attributes.back().name, "ptime");
}

TEST(sdp_parser, static_payload_types_need_no_rtpmap) {
  const auto sd =
      parse_ok(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                    "m=audio 4000 RTP/AVP 8 18 96\n"));
  const auto& m = sd.media[0];
  EXPECT_EQ(m.find_rtpmap(8)->encoding, "PCMA");
  EXPECT_EQ(m.find_rtpmap(18)->encoding, "G729");
  EXPECT_FALSE(m.find_rtpmap(96));  // dynamic without rtpmap: unbound
}

TEST(sdp_parser, media_direction_overrides_session_direction) {
  const auto sd =
      parse_ok(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\na=sendonly\n"
                    "m=audio 4000 RTP/AVP 0\nm=audio 4002 RTP/AVP 0\na=inactive\n"));
  EXPECT_EQ(sd.direction_of(0), media_direction::sendonly);
  EXPECT_EQ(sd.direction_of(1), media_direction::inactive);
  const auto plain =
      parse_ok(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                    "m=audio 4000 RTP/AVP 0\n"));
  EXPECT_EQ(plain.direction_of(0), media_direction::sendrecv);
}

TEST(sdp_parser, ipv6_multicast_and_every_session_field) {
  const auto sd = parse_ok(load_sdp("ipv6_multicast.sdp"));
  EXPECT_TRUE(sd.origin.connection.is_ip6());
  EXPECT_EQ(sd.session_name, "Call to John Smith");
  EXPECT_EQ(sd.information, "SDP Offer #1");
  EXPECT_EQ(sd.uri, "http://www.jdoe.example.com/home.html");
  EXPECT_EQ(sd.emails, std::vector<std::string>{"Jane Doe <jane@jdoe.example.com>"});
  EXPECT_EQ(sd.phones, std::vector<std::string>{"+1 617 555-6011"});
  ASSERT_TRUE(sd.connection);
  EXPECT_TRUE(sd.connection->is_ip6());
  EXPECT_EQ(sd.connection->address, "2001:db8::101");
  EXPECT_EQ(sd.bandwidths, (std::vector<sdp_bandwidth>{{"CT", 1000}}));
  ASSERT_EQ(sd.timings.size(), 1u);
  EXPECT_EQ(sd.timings[0].start, 3724394400u);
  EXPECT_EQ(sd.timings[0].repeats, std::vector<std::string>{"604800 3600 0 90000"});
  EXPECT_EQ(sd.zone_adjustments, "2882844526 -1h 2898848070 0");
  EXPECT_EQ(sd.direction_of(0), media_direction::recvonly);
  const auto* v6 = sd.connection_of(1);
  ASSERT_NE(v6, nullptr);
  EXPECT_EQ(v6->address, "ff1e:db8::1");
  EXPECT_FALSE(v6->ttl);
  EXPECT_EQ(v6->address_count, 3u);
  const auto* v4 = sd.connection_of(2);
  EXPECT_EQ(v4->address, "233.252.0.1");
  EXPECT_EQ(v4->ttl, 127u);
  EXPECT_EQ(v4->address_count, 2u);
  EXPECT_EQ(sd.connection_of(0), &*sd.connection);
  EXPECT_EQ(sd.media[2].proto, "udp");
  EXPECT_EQ(sd.media[2].formats, std::vector<std::string>{"wb"});
  EXPECT_FALSE(sd.media[2].is_rtp());
}

TEST(sdp_parser, chrome_offer_with_ice_and_dtls) {
  const auto sd = parse_ok(load_sdp("chrome_offer.sdp"));
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_FALSE(sd.connection);
  EXPECT_EQ(sd.origin.session_id, "4611731400430051336");
  // A value keeps its leading space: "a=msid-semantic: WMS ..." writes back unchanged.
  EXPECT_EQ(sd.find_attribute("msid-semantic")->value, " WMS 5e3a9d0c-4f5b-4c3e-9d7e-2b1f0c6a8e11");
  const auto& audio = sd.media[0];
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_TRUE(audio.is_rtp());
  EXPECT_FALSE(audio.uses_sdes());
  EXPECT_TRUE(audio.rtcp_mux());
  EXPECT_EQ(audio.mid(), "0");
  EXPECT_TRUE(sd.uses_ice(0));
  EXPECT_EQ(audio.find_rtpmap(126)->encoding, "telephone-event");
  EXPECT_EQ(audio.rtcp()->connection->address, "0.0.0.0");
  EXPECT_EQ(audio.ssrcs().size(), 2u);
  EXPECT_EQ(sd.media[1].fmtp("102"), "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  EXPECT_EQ(sd.media[1].rtpmaps().size(), 6u);
}

TEST(sdp_parser, leniencies_seen_from_real_peers) {
  // Trailing white space, blank lines, two spaces between fields, a tab, session lines
  // out of RFC order, no s=, no t=.
  const auto sd =
      parse_ok(crlf("v=0  \n"
                    "o=-  1  1 IN IP4 192.0.2.1\n"
                    "\n"
                    "a=tool:x\n"
                    "c=IN IP4\t192.0.2.1 \n"
                    "m=audio  4000 RTP/AVP 0  8 \n"
                    "a=rtpmap:0 PCMU/8000 \n"
                    "a=ptime:20.5\n"
                    "\n"));
  EXPECT_EQ(sd.session_name, "-");
  ASSERT_EQ(sd.timings.size(), 1u);
  EXPECT_EQ(sd.timings[0].stop, 0u);
  EXPECT_EQ(sd.media[0].formats, (std::vector<std::string>{"0", "8"}));
  EXPECT_EQ(sd.media[0].find_attribute("rtpmap")->value, "0 PCMU/8000");
  EXPECT_EQ(sd.media[0].ptime(), 20u);
  // An empty s= (as RFC 3264 prints it) and a rejected stream without c= or formats.
  const auto rejected = parse_ok(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=\nt=0 0\nm=video 0 RTP/AVP\n"));
  EXPECT_EQ(rejected.session_name, "");
  EXPECT_TRUE(rejected.media[0].formats.empty());
  // A private or odd o= address names the session only and is kept.
  const auto origin = parse_ok(crlf("v=0\no=- 1 1 IN IP4 localhost.localdomain\ns=-\nt=0 0\n"));
  EXPECT_EQ(origin.origin.connection.address, "localhost.localdomain");
}

struct reject_case {
  const char* name;
  std::string sdp;
  sdp_errc code;
  std::size_t line;
};

std::string base(std::string_view tail) {
  return crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n" + std::string(tail));
}

class sdp_reject : public ::testing::TestWithParam<reject_case> {};

TEST_P(sdp_reject, names_line_and_reason) {
  const auto& c = GetParam();
  auto r = parse_sdp(c.sdp);
  ASSERT_FALSE(r.ok()) << c.name;
  EXPECT_EQ(r.error().code, c.code) << c.name << ": " << r.error().to_string();
  EXPECT_EQ(r.error().line, c.line) << c.name << ": " << r.error().to_string();
  EXPECT_FALSE(r.error().reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    cases, sdp_reject,
    ::testing::Values(
        reject_case{"empty", "", sdp_errc::missing_field, 0},
        reject_case{"not_sdp", "INVITE sip:x SIP/2.0\r\n", sdp_errc::bad_line, 1},
        reject_case{"v_not_first", crlf("o=- 1 1 IN IP4 192.0.2.1\nv=0\n"), sdp_errc::bad_version, 1},
        reject_case{"v_1", crlf("v=1\n"), sdp_errc::bad_version, 1},
        reject_case{"no_origin", crlf("v=0\ns=-\nt=0 0\n"), sdp_errc::missing_field, 0},
        reject_case{"m_before_origin", crlf("v=0\nm=audio 1 RTP/AVP 0\n"), sdp_errc::missing_field, 2},
        reject_case{"origin_fields", crlf("v=0\no=- 1 IN IP4 192.0.2.1\n"), sdp_errc::bad_origin, 2},
        reject_case{"origin_version", crlf("v=0\no=- 1 x IN IP4 192.0.2.1\n"), sdp_errc::bad_origin, 2},
        reject_case{"two_origins", base("o=- 1 1 IN IP4 192.0.2.1\n"), sdp_errc::duplicate_field, 6},
        reject_case{"two_names", base("s=again\n"), sdp_errc::duplicate_field, 6},
        reject_case{"unknown_type", base("y=0123456789\n"), sdp_errc::unknown_field, 6},
        reject_case{"uppercase_type", base("A=sendrecv\n"), sdp_errc::bad_line, 6},
        reject_case{"space_before_equals", base("a =sendrecv\n"), sdp_errc::bad_line, 6},
        reject_case{"no_equals", base("garbage\n"), sdp_errc::bad_line, 6},
        reject_case{"nul", base(std::string("a=x\0y\n", 6)), sdp_errc::bad_line, 6},
        reject_case{"bare_cr", base("a=x\ry\n"), sdp_errc::bad_line, 6},
        reject_case{"m_port_text", base("m=audio abc RTP/AVP 0\n"), sdp_errc::bad_media, 6},
        reject_case{"m_port_range", base("m=audio 65536 RTP/AVP 0\n"), sdp_errc::bad_media, 6},
        reject_case{"m_port_count_zero", base("m=audio 4000/0 RTP/AVP 0\n"), sdp_errc::bad_media, 6},
        reject_case{"m_no_proto", base("m=audio 4000\n"), sdp_errc::bad_media, 6},
        reject_case{"m_bad_proto", base("m=audio 4000 RTP//AVP 0\n"), sdp_errc::bad_media, 6},
        reject_case{"m_no_format", base("m=audio 4000 RTP/AVP\n"), sdp_errc::bad_media, 6},
        reject_case{"m_format_text", base("m=audio 4000 RTP/AVP PCMU\n"), sdp_errc::bad_media, 6},
        reject_case{"m_format_128", base("m=audio 4000 RTP/AVP 0 128\n"), sdp_errc::bad_media, 6},
        reject_case{"m_format_twice", base("m=audio 4000 RTP/AVP 0 8 0\n"), sdp_errc::bad_media, 6},
        reject_case{"c_bad_ipv4", base("m=audio 4000 RTP/AVP 0\nc=IN IP4 999.1.1.1\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_short_ipv4", base("m=audio 4000 RTP/AVP 0\nc=IN IP4 1.2.3\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_v6_as_ip4", base("m=audio 4000 RTP/AVP 0\nc=IN IP4 ::1\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_v4_as_ip6", base("m=audio 4000 RTP/AVP 0\nc=IN IP6 192.0.2.1\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_bad_ipv6", base("m=audio 4000 RTP/AVP 0\nc=IN IP6 2001:db8:::1\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_no_address", base("m=audio 4000 RTP/AVP 0\nc=IN IP4\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_ttl_range", base("m=audio 4000 RTP/AVP 0\nc=IN IP4 233.252.0.1/300\n"), sdp_errc::bad_connection,
                    7},
        reject_case{"c_ip6_ttl", base("m=audio 4000 RTP/AVP 0\nc=IN IP6 ff1e::1/127/3\n"), sdp_errc::bad_connection, 7},
        reject_case{"c_twice_session", base("c=IN IP4 192.0.2.2\n"), sdp_errc::duplicate_field, 6},
        reject_case{"c_twice_media", base("m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.2\nc=IN IP4 192.0.2.3\n"),
                    sdp_errc::duplicate_field, 8},
        reject_case{"missing_connection",
                    crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 0 RTP/AVP 0\nm=audio 4000 RTP/AVP 0\n"),
                    sdp_errc::missing_connection, 6},
        reject_case{"b_no_colon", base("b=AS64\n"), sdp_errc::bad_bandwidth, 6},
        reject_case{"b_not_number", base("b=AS:lots\n"), sdp_errc::bad_bandwidth, 6},
        reject_case{"t_one_field", base("t=0\n"), sdp_errc::bad_timing, 6},
        reject_case{"r_before_t", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nr=1 2 3\n"), sdp_errc::misplaced_field, 4},
        reject_case{"t_in_media", base("m=audio 4000 RTP/AVP 0\nt=0 0\n"), sdp_errc::misplaced_field, 7},
        reject_case{"second_v", base("m=audio 4000 RTP/AVP 0\nv=0\n"), sdp_errc::misplaced_field, 7},
        reject_case{"empty_uri", base("u=\n"), sdp_errc::bad_field, 6},
        reject_case{"bad_attribute_name", base("a=na me:x\n"), sdp_errc::bad_attribute, 6},
        reject_case{"bad_rtpmap", base("m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_rtpmap_pt", base("m=audio 4000 RTP/AVP 0\na=rtpmap:300 X/8000\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_rtpmap_rate", base("m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/0\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_ptime", base("m=audio 4000 RTP/AVP 0\na=ptime:0\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_rtcp", base("m=audio 4000 RTP/AVP 0\na=rtcp:70000\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_crypto", base("m=audio 4000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:!!\n"),
                    sdp_errc::bad_attribute, 7},
        reject_case{"bad_ssrc", base("m=audio 4000 RTP/AVP 0\na=ssrc:x cname:y\n"), sdp_errc::bad_attribute, 7},
        reject_case{"bad_mid", base("m=audio 4000 RTP/AVP 0\na=mid:\n"), sdp_errc::bad_attribute, 7}));

TEST(sdp_parser, limits) {
  sdp_limits small;
  small.max_lines = 8;
  auto lines = parse_sdp(base("a=1\na=2\na=3\na=4\n"), small);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.error().code, sdp_errc::too_many_lines);
  EXPECT_EQ(lines.error().line, 9u);

  small = {};
  small.max_line_length = 40;
  auto length = parse_sdp(base("a=" + std::string(39, 'x') + "\n"), small);
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(length.error().code, sdp_errc::line_too_long);

  small = {};
  small.max_media = 2;
  auto media = parse_sdp(base("m=audio 1 RTP/AVP 0\nm=audio 2 RTP/AVP 0\nm=audio 3 RTP/AVP 0\n"), small);
  ASSERT_FALSE(media.ok());
  EXPECT_EQ(media.error().code, sdp_errc::too_many_media);
  EXPECT_EQ(media.error().line, 8u);

  small = {};
  small.max_attributes = 3;
  auto attrs = parse_sdp(base("a=1\nm=audio 1 RTP/AVP 0\na=2\na=3\na=4\n"), small);
  ASSERT_FALSE(attrs.ok());
  EXPECT_EQ(attrs.error().code, sdp_errc::too_many_attributes);

  small = {};
  small.max_formats = 3;
  auto formats = parse_sdp(base("m=audio 1 RTP/AVP 0 8 9 18\n"), small);
  ASSERT_FALSE(formats.ok());
  EXPECT_EQ(formats.error().code, sdp_errc::too_many_formats);

  small = {};
  small.max_bytes = 64;
  auto large = parse_sdp(base("a=" + std::string(100, 'x') + "\n"), small);
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().code, sdp_errc::too_large);
  EXPECT_EQ(large.error().line, 0u);

  // The default limits take a long real offer with room to spare.
  EXPECT_TRUE(parse_sdp(load_sdp("chrome_offer.sdp")).ok());
}

TEST(sdp_parser, error_text_has_line_and_reason_but_never_the_line) {
  const std::string key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
  auto r = parse_sdp(base("m=audio 4000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|x|y\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string(), "line 7: bad a=crypto value");
  EXPECT_EQ(r.error().to_string().find(key), std::string::npos);
  EXPECT_EQ(to_string(r.error().code), "bad_attribute");
}

}  // namespace
}  // namespace voxedge::media
