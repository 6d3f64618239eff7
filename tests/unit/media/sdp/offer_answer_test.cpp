// Offer/answer policy: codec choice, telephone-event and CN pairing, direction table,
// RTCP address, SDES, refusals (488) and reading answers.
#include "media/sdp/offer_answer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"
#include "tests/unit/media/sdp/test_support.hpp"

namespace voxedge::media {
namespace {

using test::crlf;
using test::load_sdp;
using test::parse_ok;

const codec_capability pcmu{"PCMU", 8000, 1, "", 0};
const codec_capability pcma{"PCMA", 8000, 1, "", 8};
const codec_capability opus{"opus", 48000, 2, "minptime=10;useinbandfec=1", 111};
const codec_capability te8k{"telephone-event", 8000, 1, "0-16", 101};
const codec_capability te48k{"telephone-event", 48000, 1, "0-16", 110};
const codec_capability cn{"CN", 8000, 1, "", 13};

leg_capabilities caps_of(std::vector<codec_capability> codecs, std::vector<std::string> protos = {"RTP/AVP"}) {
  leg_capabilities caps;
  media_capability audio;
  audio.codecs = std::move(codecs);
  audio.protos = std::move(protos);
  caps.media.push_back(std::move(audio));
  return caps;
}

local_session ports(std::vector<std::uint16_t> list) {
  local_session l;
  l.address = make_connection("198.51.100.10");
  for (auto p : list) l.streams.push_back(local_stream{p, std::nullopt, {}, {}});
  // Deterministic SDES keys: 0x00, 0x01, ...
  l.random = [](std::span<std::uint8_t> out) {
    std::uint8_t n = 0;
    for (auto& b : out) b = n++;
  };
  return l;
}

session_version version() { return session_version(sdp_origin{"-", "1", 1, make_connection("198.51.100.10")}); }

std::string offer_text(std::string_view media_section, std::string_view session_extra = "") {
  return crlf("v=0\no=- 5 5 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n" + std::string(session_extra) +
              std::string(media_section));
}

result<sdp_answer, negotiation_error> answer(std::string_view media_section, const leg_capabilities& caps,
                                             std::string_view session_extra = "") {
  auto v = version();
  return make_answer(parse_ok(offer_text(media_section, session_extra)), caps, ports({40000, 40002, 40004}), v);
}

std::string media_of(const sdp_answer& a) {
  const auto text = write_sdp(a.sdp);
  return text.substr(text.find("m="));
}

TEST(make_answer, offerer_order_by_default_local_order_on_request) {
  auto caps = caps_of({pcmu, pcma});
  auto a = answer("m=audio 5000 RTP/AVP 8 0\n", caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(media_of(*a), crlf("m=audio 40000 RTP/AVP 8\na=rtpmap:8 PCMA/8000\n"));
  caps.preference = codec_preference::local;
  a = answer("m=audio 5000 RTP/AVP 8 0\n", caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[0].codecs.at(0).encoding, "PCMU");
  caps.single_codec_answer = false;
  a = answer("m=audio 5000 RTP/AVP 8 0\n", caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media[0].formats, (std::vector<std::string>{"0", "8"}));
}

TEST(make_answer, mirrors_dynamic_payload_types_and_answers_our_fmtp) {
  auto a = answer(
      "m=audio 5000 RTP/AVP 109 100\na=rtpmap:109 OPUS/48000/2\na=fmtp:109 stereo=1\n"
      "a=rtpmap:100 telephone-event/48000\na=fmtp:100 0-15\n",
      caps_of({opus, te48k}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(media_of(*a), crlf("m=audio 40000 RTP/AVP 109 100\na=rtpmap:109 OPUS/48000/2\n"
                               "a=fmtp:109 minptime=10;useinbandfec=1\na=rtpmap:100 telephone-event/48000\n"
                               "a=fmtp:100 0-16\n"));
  const auto& s = a->negotiated.streams[0];
  EXPECT_EQ(s.codecs.at(0).local_pt, 109);
  EXPECT_EQ(s.codecs.at(0).remote_pt, 109);
  EXPECT_EQ(s.codecs.at(0).remote_fmtp, "stereo=1");
  EXPECT_EQ(s.codecs.at(0).local_fmtp, "minptime=10;useinbandfec=1");
  ASSERT_TRUE(s.telephone_event);
  EXPECT_EQ(s.telephone_event->remote_pt, 100);
  EXPECT_EQ(s.payload_types.entries().size(), 2u);
}

TEST(make_answer, telephone_event_follows_the_chosen_codec_clock_rate) {
  const std::string offer =
      "m=audio 5000 RTP/AVP 111 0 110 126 13\na=rtpmap:111 opus/48000/2\na=rtpmap:110 telephone-event/48000\n"
      "a=rtpmap:126 telephone-event/8000\n";
  // PCMU chosen: events at 8000, whatever rate our own telephone-event entry has.
  auto a = answer(offer, caps_of({pcmu, te48k, cn}));
  ASSERT_TRUE(a.ok());
  const auto& s = a->negotiated.streams[0];
  EXPECT_EQ(s.codecs.at(0).encoding, "PCMU");
  ASSERT_TRUE(s.telephone_event);
  EXPECT_EQ(s.telephone_event->remote_pt, 126);
  ASSERT_TRUE(s.comfort_noise);
  EXPECT_EQ(s.comfort_noise->remote_pt, 13);
  EXPECT_EQ(a->sdp.media[0].formats, (std::vector<std::string>{"0", "126", "13"}));
  // opus chosen: events at 48000; CN/8000 does not go with opus.
  a = answer(offer, caps_of({opus, pcmu, te8k, cn}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[0].telephone_event->remote_pt, 110);
  EXPECT_FALSE(a->negotiated.streams[0].comfort_noise);
  EXPECT_EQ(a->sdp.media[0].formats, (std::vector<std::string>{"111", "110"}));
  // No telephone-event support: none answered.
  a = answer(offer, caps_of({pcmu}));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->negotiated.streams[0].telephone_event);
  EXPECT_EQ(a->sdp.media[0].formats, (std::vector<std::string>{"0"}));
}

TEST(make_answer, redundancy_formats_are_never_answered) {
  auto a =
      answer("m=audio 5000 RTP/AVP 63 111\na=rtpmap:63 red/48000/2\na=fmtp:63 111/111\na=rtpmap:111 opus/48000/2\n",
             caps_of({opus, {"red", 48000, 2, "", 63}}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media[0].formats, (std::vector<std::string>{"111"}));
}

TEST(make_answer, fmtp_that_changes_the_bitstream_must_agree) {
  codec_capability amr{"AMR", 8000, 1, "octet-align=1", 96};
  auto a = answer("m=audio 5000 RTP/AVP 96\na=rtpmap:96 AMR/8000\n", caps_of({amr}));
  ASSERT_FALSE(a.ok());  // bandwidth-efficient offered, octet-aligned wanted
  EXPECT_EQ(a.error().code, negotiation_errc::no_common_codec);
  a = answer("m=audio 5000 RTP/AVP 96\na=rtpmap:96 AMR/8000\na=fmtp:96 mode-set=7; octet-align=1\n", caps_of({amr}));
  ASSERT_TRUE(a.ok());
}

TEST(make_answer, no_common_codec_is_488) {
  auto a = answer("m=audio 5000 RTP/AVP 18 96\na=rtpmap:96 AMR-WB/16000\n", caps_of({pcmu, pcma, te8k}));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, negotiation_errc::no_common_codec);
  EXPECT_EQ(negotiation_error::sip_status, 488);
  EXPECT_EQ(a.error().streams, std::vector<stream_rejection>{stream_rejection::no_common_codec});
  EXPECT_EQ(to_string(a.error().code), "no_common_codec");
  // Events alone cannot stand in for the audio the offer asked for.
  a = answer("m=audio 5000 RTP/AVP 18 101\na=rtpmap:101 telephone-event/8000\n", caps_of({pcmu, te8k}));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, negotiation_errc::no_common_codec);
}

TEST(make_answer, unsupported_media_and_transport) {
  auto a = answer("m=image 5000 udptl t38\n", caps_of({pcmu}));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, negotiation_errc::no_acceptable_stream);
  EXPECT_EQ(a.error().streams, std::vector<stream_rejection>{stream_rejection::unsupported_media});
  a = answer(
      "m=audio 5000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\n",
      caps_of({pcmu}));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().streams, std::vector<stream_rejection>{stream_rejection::unsupported_proto});
  // A refused stream beside an accepted one is answered with port 0 and its formats.
  a = answer("m=audio 5000 RTP/AVP 0\nm=video 5002 RTP/AVP 31\na=mid:v\n", caps_of({pcmu}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media[1].port, 0);
  EXPECT_EQ(a->sdp.media[1].formats, std::vector<std::string>{"31"});
  EXPECT_EQ(a->sdp.media[1].mid(), "v");
  EXPECT_EQ(a->negotiated.streams[1].rejection, stream_rejection::unsupported_media);
}

TEST(make_answer, streams_without_ports) {
  const auto offer = parse_ok(offer_text("m=audio 5000 RTP/AVP 0\nm=audio 5002 RTP/AVP 0\nm=video 5004 RTP/AVP 31\n"));
  const auto caps = caps_of({pcmu});
  EXPECT_EQ(streams_to_accept(offer, caps), (std::vector<bool>{true, true, false}));
  auto v = version();
  auto a = make_answer(offer, caps, ports({40000}), v);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[1].rejection, stream_rejection::no_local_port);
  EXPECT_EQ(a->negotiated.accepted_count(), 1u);
  a = make_answer(offer, caps, ports({}), v);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, negotiation_errc::no_acceptable_stream);
}

TEST(make_answer, every_stream_disabled_by_the_offerer_is_a_valid_answer) {
  auto a = answer("m=audio 0 RTP/AVP 0\n", caps_of({pcmu}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media.at(0).port, 0);
  EXPECT_EQ(a->negotiated.accepted_count(), 0u);
}

struct direction_case {
  const char* offered;  // attribute line, or "" for none
  media_direction local;
  media_direction answered;
};

class answer_direction : public ::testing::TestWithParam<direction_case> {};

// RFC 3264 §6.1, narrowed by our own wish (hold).
TEST_P(answer_direction, table) {
  const auto& c = GetParam();
  auto caps = caps_of({pcmu});
  caps.direction = c.local;
  auto a = answer("m=audio 5000 RTP/AVP 0\n" + std::string(c.offered), caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[0].direction, c.answered);
  EXPECT_EQ(a->sdp.direction_of(0), c.answered);
}

INSTANTIATE_TEST_SUITE_P(
    rfc3264, answer_direction,
    ::testing::Values(direction_case{"", media_direction::sendrecv, media_direction::sendrecv},
                      direction_case{"a=sendrecv\n", media_direction::sendrecv, media_direction::sendrecv},
                      direction_case{"a=sendonly\n", media_direction::sendrecv, media_direction::recvonly},
                      direction_case{"a=recvonly\n", media_direction::sendrecv, media_direction::sendonly},
                      direction_case{"a=inactive\n", media_direction::sendrecv, media_direction::inactive},
                      direction_case{"", media_direction::sendonly, media_direction::sendonly},
                      direction_case{"", media_direction::inactive, media_direction::inactive},
                      direction_case{"a=sendonly\n", media_direction::sendonly, media_direction::inactive},
                      direction_case{"a=recvonly\n", media_direction::recvonly, media_direction::inactive},
                      direction_case{"a=sendonly\n", media_direction::recvonly, media_direction::recvonly}));

TEST(make_answer, session_level_direction_and_old_style_hold) {
  auto a = answer("m=audio 5000 RTP/AVP 0\n", caps_of({pcmu}), "a=sendonly\n");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[0].direction, media_direction::recvonly);
  // RFC 3264 §8.4: c=0.0.0.0 — send nothing there.
  auto v1 = version();
  auto hold = make_answer(parse_ok(crlf("v=0\no=- 5 6 IN IP4 192.0.2.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\n"
                                        "m=audio 5000 RTP/AVP 0\n")),
                          caps_of({pcmu}), ports({40000}), v1);
  ASSERT_TRUE(hold.ok());
  EXPECT_EQ(hold->negotiated.streams[0].direction, media_direction::recvonly);
  EXPECT_EQ(hold->sdp.direction_of(0), media_direction::recvonly);
  // With ICE, 0.0.0.0 only means "no candidate yet" (trickle): not a hold.
  auto v2 = version();
  auto ice = make_answer(parse_ok(crlf("v=0\no=- 5 6 IN IP4 192.0.2.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\n"
                                       "m=audio 9 RTP/AVP 0\na=ice-ufrag:abcd\na=ice-pwd:0123456789abcdefghijkl\n")),
                         caps_of({pcmu}), ports({40000}), v2);
  ASSERT_TRUE(ice.ok());
  EXPECT_EQ(ice->negotiated.streams[0].direction, media_direction::sendrecv);
  EXPECT_TRUE(ice->negotiated.streams[0].ice);
}

TEST(make_answer, rtcp_address_and_mux) {
  auto caps = caps_of({pcmu});
  // Default: RTP port + 1 (RFC 3550 §11).
  auto a = answer("m=audio 5000 RTP/AVP 0\n", caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->negotiated.streams[0].remote_rtcp, (transport_address{"192.0.2.1", 5001}));
  EXPECT_FALSE(a->negotiated.streams[0].rtcp_mux);
  // a=rtcp (RFC 3605), with and without an address.
  a = answer("m=audio 5000 RTP/AVP 0\na=rtcp:6000 IN IP4 192.0.2.9\n", caps);
  EXPECT_EQ(a->negotiated.streams[0].remote_rtcp, (transport_address{"192.0.2.9", 6000}));
  a = answer("m=audio 5000 RTP/AVP 0\na=rtcp:6000\n", caps);
  EXPECT_EQ(a->negotiated.streams[0].remote_rtcp, (transport_address{"192.0.2.1", 6000}));
  // No RTCP port above 65535.
  a = answer("m=audio 65535 RTP/AVP 0\n", caps);
  EXPECT_FALSE(a->negotiated.streams[0].remote_rtcp);
  // rtcp-mux offered but not wanted: not answered (RFC 5761 §5.1.1).
  a = answer("m=audio 5000 RTP/AVP 0\na=rtcp-mux\n", caps);
  EXPECT_FALSE(a->sdp.media[0].rtcp_mux());
  EXPECT_FALSE(a->negotiated.streams[0].rtcp_mux);
  caps.rtcp_mux = true;
  a = answer("m=audio 5000 RTP/AVP 0\na=rtcp-mux\n", caps);
  EXPECT_TRUE(a->sdp.media[0].rtcp_mux());
  EXPECT_TRUE(a->negotiated.streams[0].rtcp_mux);
  EXPECT_EQ(a->negotiated.streams[0].remote_rtcp, (transport_address{"192.0.2.1", 5000}));
  // Our own RTCP port, when it is not RTP + 1.
  auto l = ports({40000});
  l.streams[0].rtcp_port = 40007;
  auto v = version();
  auto b = make_answer(parse_ok(offer_text("m=audio 5000 RTP/AVP 0\n")), caps_of({pcmu}), l, v);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sdp.media[0].rtcp()->port, 40007);
}

TEST(make_answer, ptime_both_ways_and_extra_attributes) {
  auto caps = caps_of({pcmu});
  caps.media[0].ptime = 20;
  caps.media[0].maxptime = 40;
  auto l = ports({40000});
  l.streams[0].extra_attributes.push_back({"label", "1"});
  l.session_attributes.push_back({"ice-lite", std::nullopt});
  auto v = version();
  auto a = make_answer(parse_ok(offer_text("m=audio 5000 RTP/AVP 0\na=ptime:30\na=maxptime:60\n")), caps, l, v);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media[0].ptime(), 20u);
  EXPECT_EQ(a->sdp.media[0].maxptime(), 40u);
  EXPECT_EQ(a->sdp.media[0].attributes.back(), (sdp_attribute{"label", "1"}));
  EXPECT_TRUE(a->sdp.has_attribute("ice-lite"));
  const auto& s = a->negotiated.streams[0];
  EXPECT_EQ(s.local_ptime, 20u);
  EXPECT_EQ(s.remote_ptime, 30u);
  EXPECT_EQ(s.remote_maxptime, 60u);
}

TEST(make_answer, sdes_picks_the_first_acceptable_key_and_answers_with_ours) {
  auto caps = caps_of({pcmu}, {"RTP/SAVP"});
  caps.media[0].srtp_suites = {"AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80"};
  const std::string section =
      "m=audio 5000 RTP/SAVP 0\n"
      "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRPS1uQCVeeCFCanVmcjkpPyw=\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe|2^20\n"  // too short a key
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1\n"
      "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20\n"
      "a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\n";
  auto a = answer(section, caps);
  ASSERT_TRUE(a.ok()) << a.error().reason;
  const auto& s = a->negotiated.streams[0];
  ASSERT_TRUE(s.remote_crypto && s.local_crypto);
  // The offerer's order decides (RFC 4568 §7.1.1); 1 is a suite we lack, 2 a short key, 3
  // has a session parameter.
  EXPECT_EQ(s.remote_crypto->tag, 4u);
  EXPECT_EQ(s.local_crypto->tag, 4u);
  EXPECT_EQ(s.local_crypto->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(s.local_crypto->key_params.at(0).key_salt, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd");
  EXPECT_EQ(a->sdp.media[0].cryptos(), std::vector<crypto_attribute>{*s.local_crypto});
  // A key handed in is used again (a re-answer keeps its key).
  auto l = ports({40000});
  l.streams[0].crypto.push_back(
      *parse_crypto("9 AES_CM_128_HMAC_SHA1_80 inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNE"));
  auto v = version();
  auto again = make_answer(parse_ok(offer_text(section)), caps, l, v);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->negotiated.streams[0].local_crypto->tag, 4u);
  EXPECT_EQ(again->negotiated.streams[0].local_crypto->key_params.at(0).key_salt,
            "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNE");
  // No acceptable key at all.
  caps.media[0].srtp_suites = {"AEAD_AES_256_GCM"};
  a = answer(section, caps);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, negotiation_errc::no_common_crypto);
}

// Found by the fuzzer: tag 0 is a valid tag (1*9DIGIT) and must be echoed, not
// answered with an empty a=crypto.
TEST(make_answer, sdes_tag_zero) {
  auto caps = caps_of({pcmu}, {"RTP/SAVP"});
  caps.media[0].srtp_suites = {"AES_CM_128_HMAC_SHA1_80"};
  auto a = answer(
      "m=audio 5000 RTP/SAVP 0\na=crypto:0 AES_CM_128_HMAC_SHA1_80 "
      "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:4\n",
      caps);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sdp.media[0].find_attribute("crypto")->value,
            "0 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd");
  EXPECT_TRUE(parse_sdp(write_sdp(a->sdp)).ok());
}

TEST(make_offer, trunk_offer_with_sdes_and_its_answer) {
  leg_capabilities caps = caps_of({pcma, pcmu, te8k}, {"RTP/SAVP"});
  caps.media[0].ptime = 20;
  caps.media[0].srtp_suites = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"};
  auto l = ports({40000});
  auto v = session_version(sdp_origin{"voxedge", "7", 100, make_connection("198.51.100.10")});
  const auto offer = make_offer(caps, l, v);
  EXPECT_EQ(write_sdp(offer),
            crlf("v=0\no=voxedge 7 100 IN IP4 198.51.100.10\ns=-\nc=IN IP4 198.51.100.10\nt=0 0\n"
                 "m=audio 40000 RTP/SAVP 8 0 101\na=rtpmap:8 PCMA/8000\na=rtpmap:0 PCMU/8000\n"
                 "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\na=ptime:20\na=sendrecv\n"
                 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n"
                 "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n"));
  // The same offer again: same version (RFC 3264 §8). Keys handed back keep it so.
  l.streams[0].crypto = offer.media[0].cryptos();
  EXPECT_EQ(make_offer(caps, l, v).origin.session_version, 100u);
  // Hold: the version goes up by one.
  caps.direction = media_direction::sendonly;
  const auto hold = make_offer(caps, l, v);
  EXPECT_EQ(hold.origin.session_version, 101u);
  EXPECT_EQ(hold.direction_of(0), media_direction::sendonly);

  // The trunk answers PCMU with the 32-bit tag and renumbers telephone-event.
  const auto trunk =
      parse_ok(crlf("v=0\no=trunk 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\nt=0 0\n"
                    "m=audio 20000 RTP/SAVP 0 96\na=rtpmap:96 telephone-event/8000\na=ptime:30\n"
                    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNE\n"));
  auto r = process_answer(offer, trunk);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const auto& s = r->streams[0];
  EXPECT_EQ(s.codecs.at(0).encoding, "PCMU");
  EXPECT_EQ(s.telephone_event->local_pt, 101);
  EXPECT_EQ(s.telephone_event->remote_pt, 96);
  EXPECT_EQ(s.local_crypto->tag, 2u);
  EXPECT_EQ(s.local_crypto->suite, "AES_CM_128_HMAC_SHA1_32");
  EXPECT_EQ(s.remote_crypto->key_params.at(0).key_salt, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNE");
  EXPECT_EQ(s.remote_rtp, (transport_address{"203.0.113.5", 20000}));
  EXPECT_EQ(s.local_ptime, 20u);
  EXPECT_EQ(s.remote_ptime, 30u);
  EXPECT_EQ(s.payload_types.by_remote(96)->encoding, "telephone-event");

  // An answer whose key matches none of ours is unusable.
  auto bad = process_answer(offer, parse_ok(crlf("v=0\no=trunk 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\n"
                                                 "t=0 0\nm=audio 20000 RTP/SAVP 0\na=crypto:7 AES_CM_128_HMAC_SHA1_32 "
                                                 "inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNE\n")));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, negotiation_errc::no_common_crypto);
}

TEST(process_answer, refuses_answers_that_do_not_match_the_offer) {
  const auto offer = parse_ok(load_sdp("rfc4317_2_1_offer.sdp"));
  auto r = process_answer(offer, parse_ok(load_sdp("sipp_uac.sdp")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, negotiation_errc::answer_mismatch);
  auto swapped = parse_ok(load_sdp("rfc4317_2_1_answer.sdp"));
  std::swap(swapped.media[0], swapped.media[1]);
  r = process_answer(offer, swapped);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, negotiation_errc::answer_mismatch);
  // A codec we never offered is ignored; with nothing else the stream is unusable.
  auto foreign = parse_ok(load_sdp("rfc4317_2_1_answer.sdp"));
  foreign.media[0].formats = {"18"};
  foreign.media[0].attributes.clear();
  foreign.media[1].port = 0;
  r = process_answer(offer, foreign);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, negotiation_errc::no_common_codec);
  EXPECT_EQ(r.error().streams,
            (std::vector<stream_rejection>{stream_rejection::no_common_codec, stream_rejection::rejected_by_answerer}));
}

TEST(process_answer, old_style_hold_in_an_answer) {
  const auto offer = parse_ok(load_sdp("rfc4317_3_1_offer.sdp"));
  auto answer = parse_ok(load_sdp("rfc4317_2_1_answer.sdp"));
  answer.media.resize(1);
  answer.connection = make_connection("0.0.0.0");
  auto r = process_answer(offer, answer);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->streams[0].direction, media_direction::recvonly);
}

}  // namespace
}  // namespace voxedge::media
