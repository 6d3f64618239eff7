// Offers from real peers answered as each voxedge leg would: a browser through JsSIP
// (Chrome: ICE, DTLS-SRTP, rtcp-mux, BUNDLE), baresip with SDES, an Asterisk-style
// G.711 PBX and SIPp's default UAC.
#include <gtest/gtest.h>

#include <string>

#include "media/sdp/offer_answer.hpp"
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
const codec_capability g722{"G722", 8000, 1, "", 9};
const codec_capability opus{"opus", 48000, 2, "minptime=10;useinbandfec=1", 111};
const codec_capability te8k{"telephone-event", 8000, 1, "0-16", 101};
const codec_capability te48k{"telephone-event", 48000, 1, "0-16", 110};

local_session our_side(std::vector<std::uint16_t> ports) {
  local_session l;
  l.address = make_connection("198.51.100.10");
  for (auto p : ports) l.streams.push_back(local_stream{p, std::nullopt, {}, {}});
  l.random = [](std::span<std::uint8_t> out) {
    std::uint8_t n = 0;
    for (auto& b : out) b = n++;
  };
  return l;
}

session_version our_version() {
  return session_version(sdp_origin{"voxedge", "3735928559", 1, make_connection("198.51.100.10")});
}

TEST(real_world, chrome_webrtc_offer_answered_for_a_browser_leg) {
  leg_capabilities caps;
  media_capability audio;
  audio.protos = {"UDP/TLS/RTP/SAVPF"};
  audio.codecs = {opus, pcmu, pcma, te48k, te8k};
  caps.media.push_back(audio);
  caps.rtcp_mux = true;
  auto local = our_side({40000, 40002});
  // What the ICE-lite and DTLS layers contribute.
  local.session_attributes = {{"ice-lite", std::nullopt}, {"group", "BUNDLE 0"}};
  local.streams[0].extra_attributes = {
      {"ice-ufrag", "vxe1"},
      {"ice-pwd", "n0tAr3alPassw0rdButL0ng"},
      {"fingerprint",
       "sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA"},
      {"setup", "passive"},
      {"candidate", "1 1 udp 2130706431 198.51.100.10 40000 typ host"}};
  auto version = our_version();
  const auto offer = parse_ok(load_sdp("chrome_offer.sdp"));
  auto answer = make_answer(offer, caps, local, version);
  ASSERT_TRUE(answer.ok()) << answer.error().reason;
  EXPECT_EQ(write_sdp(answer->sdp),
            crlf("v=0\no=voxedge 3735928559 1 IN IP4 198.51.100.10\ns=-\nc=IN IP4 198.51.100.10\nt=0 0\n"
                 "a=ice-lite\na=group:BUNDLE 0\n"
                 "m=audio 40000 UDP/TLS/RTP/SAVPF 111 110\n"
                 "a=rtpmap:111 opus/48000/2\na=fmtp:111 minptime=10;useinbandfec=1\n"
                 "a=rtpmap:110 telephone-event/48000\na=fmtp:110 0-16\n"
                 "a=sendrecv\na=rtcp-mux\na=mid:0\n"
                 "a=ice-ufrag:vxe1\na=ice-pwd:n0tAr3alPassw0rdButL0ng\n"
                 "a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:"
                 "A5:5D:3A:37:AB:DD:02:AA\n"
                 "a=setup:passive\na=candidate:1 1 udp 2130706431 198.51.100.10 40000 typ host\n"
                 "m=video 0 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46\na=mid:1\n"));
  const auto& s = answer->negotiated.streams[0];
  EXPECT_EQ(s.codecs.at(0).encoding, "opus");
  EXPECT_EQ(s.codecs.at(0).channels, 2u);
  EXPECT_EQ(s.telephone_event->remote_pt, 110);
  EXPECT_TRUE(s.rtcp_mux);
  EXPECT_TRUE(s.ice);
  EXPECT_EQ(s.mid, "0");
  EXPECT_EQ(s.remote_rtp, (transport_address{"192.168.1.20", 54278}));
  EXPECT_EQ(s.remote_rtcp, s.remote_rtp);
  EXPECT_FALSE(s.remote_crypto);  // DTLS-SRTP: keys come from the handshake
  EXPECT_EQ(answer->negotiated.streams[1].rejection, stream_rejection::unsupported_media);
  // The browser would read our answer back.
  auto back = process_answer(offer, parse_ok(write_sdp(answer->sdp)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->streams[0].codecs.at(0).remote_pt, 111);
}

TEST(real_world, browser_leg_prefers_g711_to_avoid_transcoding) {
  leg_capabilities caps;
  media_capability audio;
  audio.protos = {"UDP/TLS/RTP/SAVPF"};
  audio.codecs = {pcmu, opus, te8k};
  caps.media.push_back(audio);
  caps.rtcp_mux = true;
  caps.preference = codec_preference::local;
  auto version = our_version();
  auto answer = make_answer(parse_ok(load_sdp("chrome_offer.sdp")), caps, our_side({40000}), version);
  ASSERT_TRUE(answer.ok());
  const auto& s = answer->negotiated.streams[0];
  EXPECT_EQ(s.codecs.at(0).encoding, "PCMU");
  EXPECT_EQ(s.telephone_event->remote_pt, 126);  // the 8000 Hz one goes with PCMU
  EXPECT_EQ(answer->sdp.media[0].formats, (std::vector<std::string>{"0", "126"}));
}

TEST(real_world, baresip_sdes_offer) {
  leg_capabilities caps;
  media_capability audio;
  audio.protos = {"RTP/SAVP"};
  audio.codecs = {pcma, pcmu, g722, te8k};
  audio.srtp_suites = {"AES_CM_128_HMAC_SHA1_80"};
  audio.ptime = 20;
  caps.media.push_back(audio);
  auto version = our_version();
  const auto offer = parse_ok(load_sdp("baresip_srtp.sdp"));
  auto answer = make_answer(offer, caps, our_side({40000}), version);
  ASSERT_TRUE(answer.ok()) << answer.error().reason;
  EXPECT_EQ(write_sdp(answer->sdp),
            crlf("v=0\no=voxedge 3735928559 1 IN IP4 198.51.100.10\ns=-\nc=IN IP4 198.51.100.10\nt=0 0\n"
                 "m=audio 40000 RTP/SAVP 9 101\na=rtpmap:9 G722/8000\na=rtpmap:101 telephone-event/8000\n"
                 "a=fmtp:101 0-16\na=ptime:20\na=sendrecv\n"
                 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n"));
  const auto& s = answer->negotiated.streams[0];
  EXPECT_EQ(s.remote_crypto->tag, 1u);
  EXPECT_EQ(s.remote_crypto->key_params.at(0).mki_length, 4u);  // handed on to the SRTP layer
  EXPECT_EQ(s.remote_rtcp, (transport_address{"192.168.10.21", 44107}));
  EXPECT_EQ(s.remote_ptime, 20u);
  // Logged, the answer shows no key.
  EXPECT_EQ(write_sdp_redacted(answer->sdp).find("AAECAwQF"), std::string::npos);
}

TEST(real_world, g711_pbx_offer) {
  leg_capabilities caps;
  media_capability audio;
  audio.codecs = {pcmu, pcma, te8k};
  audio.ptime = 20;
  caps.media.push_back(audio);
  auto version = our_version();
  auto answer = make_answer(parse_ok(load_sdp("pbx_g711.sdp")), caps, our_side({40000}), version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp),
            crlf("v=0\no=voxedge 3735928559 1 IN IP4 198.51.100.10\ns=-\nc=IN IP4 198.51.100.10\nt=0 0\n"
                 "m=audio 40000 RTP/AVP 8 101\na=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\n"
                 "a=fmtp:101 0-16\na=ptime:20\na=sendrecv\n"));
  const auto& s = answer->negotiated.streams[0];
  EXPECT_EQ(s.remote_rtp, (transport_address{"10.20.0.5", 18234}));
  EXPECT_EQ(s.remote_maxptime, 150u);
  EXPECT_EQ(s.telephone_event->remote_fmtp, "0-16");
}

TEST(real_world, sipp_default_uac_offer) {
  leg_capabilities caps;
  media_capability audio;
  audio.codecs = {pcma, pcmu, te8k};
  caps.media.push_back(audio);
  caps.explicit_sendrecv = false;
  auto version = our_version();
  auto answer = make_answer(parse_ok(load_sdp("sipp_uac.sdp")), caps, our_side({40000}), version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp),
            crlf("v=0\no=voxedge 3735928559 1 IN IP4 198.51.100.10\ns=-\nc=IN IP4 198.51.100.10\nt=0 0\n"
                 "m=audio 40000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n"));
  EXPECT_FALSE(answer->negotiated.streams[0].telephone_event);
}

TEST(real_world, offer_to_a_browser_leg) {
  leg_capabilities caps;
  media_capability audio;
  audio.protos = {"UDP/TLS/RTP/SAVPF"};
  audio.codecs = {opus, pcmu, te48k, te8k};
  caps.media.push_back(audio);
  caps.rtcp_mux = true;
  auto local = our_side({40000});
  local.streams[0].extra_attributes = {{"mid", "0"}, {"setup", "actpass"}};
  auto version = our_version();
  const auto offer = make_offer(caps, local, version);
  const auto text = write_sdp(offer);
  EXPECT_EQ(text.substr(text.find("m=")),
            crlf("m=audio 40000 UDP/TLS/RTP/SAVPF 111 0 110 101\na=rtpmap:111 opus/48000/2\n"
                 "a=fmtp:111 minptime=10;useinbandfec=1\na=rtpmap:0 PCMU/8000\n"
                 "a=rtpmap:110 telephone-event/48000\na=fmtp:110 0-16\na=rtpmap:101 telephone-event/8000\n"
                 "a=fmtp:101 0-16\na=sendrecv\na=rtcp-mux\na=mid:0\na=setup:actpass\n"));
  // What parses back is what was built.
  EXPECT_EQ(parse_ok(text), offer);
}

}  // namespace
}  // namespace voxedge::media
