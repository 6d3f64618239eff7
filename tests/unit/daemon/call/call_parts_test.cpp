// The pure parts of the call: state names, failure mapping and Reason, the header
// allow-list, and the SDP bridging between legs.
#include <gtest/gtest.h>

#include "daemon/call/call_state.hpp"
#include "daemon/call/failure_mapping.hpp"
#include "daemon/call/header_policy.hpp"
#include "daemon/call/media_bridge.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "sip/message/parser.hpp"

namespace voxedge::daemon {
namespace {

media::session_description parse(const std::string& text) { return media::parse_sdp(text).value(); }

const std::string offer_text =
    "v=0\r\no=a 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
    "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
    "m=audio 40000 RTP/AVP 96 0 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendonly\r\n";

TEST(call_state, names_are_the_sdk_names) {
  EXPECT_EQ(to_string(call_state::none), "NONE");
  EXPECT_EQ(to_string(call_state::outgoing_initiated), "OUTGOING_INITIATED");
  EXPECT_EQ(to_string(call_state::early), "EARLY");
  EXPECT_EQ(to_string(call_state::ringing), "RINGING");
  EXPECT_EQ(to_string(call_state::connecting), "CONNECTING");
  EXPECT_EQ(to_string(call_state::incoming), "INCOMING");
  EXPECT_EQ(to_string(call_state::answering), "ANSWERING");
  EXPECT_EQ(to_string(call_state::established), "ESTABLISHED");
  EXPECT_EQ(to_string(call_state::media_disrupted), "MEDIA_DISRUPTED");
  EXPECT_EQ(to_string(call_state::renewing_media), "RENEWING_MEDIA");
  EXPECT_EQ(to_string(call_state::ending), "ENDING");
  EXPECT_EQ(to_string(call_state::ended), "ENDED");
  EXPECT_TRUE(is_answered(call_state::media_disrupted));
  EXPECT_FALSE(is_answered(call_state::connecting));
}

TEST(failure_mapping, callee_verdicts_pass_and_our_problems_do_not) {
  EXPECT_EQ(map_far_failure(486).status, 486);
  EXPECT_EQ(map_far_failure(404).status, 404);
  EXPECT_EQ(map_far_failure(603).status, 603);
  EXPECT_EQ(map_far_failure(487).status, 487);
  EXPECT_EQ(map_far_failure(488).status, 488);
  EXPECT_EQ(map_far_failure(401).status, 403);
  EXPECT_EQ(map_far_failure(407).status, 403);
  EXPECT_EQ(map_far_failure(503).status, 480);
  EXPECT_EQ(map_far_failure(301).status, 480);
  EXPECT_EQ(map_far_failure(481).status, 500);
  EXPECT_EQ(map_far_failure(408).status, 408);
  EXPECT_EQ(map_far_failure(499).status, 400) << "unknown codes as their class (RFC 3261 §8.1.3.2)";
  EXPECT_EQ(map_far_failure(699).status, 600);
  EXPECT_EQ(map_local_failure(local_failure::timeout).status, 408);
  EXPECT_EQ(map_local_failure(local_failure::transport_error).status, 503);
  EXPECT_EQ(map_far_failure(486).reason, "Busy Here");
}

TEST(failure_mapping, a_well_formed_reason_is_carried_and_others_are_not) {
  const auto with = [](std::string v) {
    sip::message m;
    m.add_header("Reason", std::move(v));
    return carried_reason(m);
  };
  // RFC 3326 §2 and the "call completed elsewhere" use (RFC 3326 §3.1 example).
  EXPECT_EQ(with("SIP;cause=200;text=\"Call completed elsewhere\""), "SIP;cause=200;text=\"Call completed elsewhere\"");
  // Written afresh: only protocol, cause and text cross.
  EXPECT_EQ(with("Q.850 ;cause=16 ;text=\"Terminated\""), "Q.850;cause=16;text=\"Terminated\"");
  EXPECT_EQ(with("sip;cause=487"), "SIP;cause=487;text=\"\"");
  EXPECT_EQ(with("SIP;cause=480;text=\"say \\\"hi\\\"\";x-vendor=1"), "SIP;cause=480;text=\"say \\\"hi\\\"\"");
  EXPECT_EQ(with("SIP;text=\"cause=1\""), "") << "a cause inside the text is no cause";
  EXPECT_EQ(with("SIP;xcause=1"), "");
  EXPECT_EQ(with("SIP;cause=1;text=\"unbalanced"), "");
  EXPECT_EQ(with("X-Vendor;cause=1"), "");
  EXPECT_EQ(with("SIP;text=\"no cause\""), "");
  EXPECT_EQ(with("SIP;cause=abc"), "");
  EXPECT_EQ(with("SIP"), "");
  EXPECT_EQ(with("SIP;cause=200;text=\"" + std::string(300, 'x') + "\""), "");
  EXPECT_EQ(carried_reason(sip::message{}), "");
}

TEST(failure_mapping, reason_header_is_quoted_safely) {
  EXPECT_EQ(sip_reason(486, "Busy Here"), "SIP;cause=486;text=\"Busy Here\"");
  EXPECT_EQ(sip_reason(500, "a \"b\" \\ c\r\n"), "SIP;cause=500;text=\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(q850_reason(16, "Normal call clearing"), "Q.850;cause=16;text=\"Normal call clearing\"");
}

TEST(header_policy, copies_only_what_is_listed) {
  auto m = sip::parse_message(
               "INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
               "To: <sip:x@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nSubject: s\r\npriority: urgent\r\n"
               "X-Secret: 1\r\nP-Asserted-Identity: <sip:a@10.0.0.1>\r\nContent-Length: 0\r\n\r\n")
               .value();
  sip::message out;
  copy_headers(m, out, invite_headers);
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.header_value("Subject"), "s");
  EXPECT_EQ(out.header_value("Priority"), "urgent");
}

TEST(header_policy, sdp_bodies) {
  sip::message m;
  m.body = "v=0";
  EXPECT_TRUE(has_sdp_body(m)) << "no Content-Type: taken as SDP";
  m.set_header("Content-Type", "Application/SDP; charset=x");
  EXPECT_TRUE(has_sdp_body(m));
  m.set_header("Content-Type", "multipart/mixed;boundary=x");
  EXPECT_FALSE(has_sdp_body(m));
  EXPECT_TRUE(has_foreign_body(m));
}

TEST(media_bridge, relayed_stream_is_the_first_audio_rtp_avp) {
  const auto sd = parse(offer_text);
  EXPECT_EQ(relayed_stream(sd), 1u);
  EXPECT_EQ(offered_direction(sd, 1), media::media_direction::sendonly);
  auto held = parse("v=0\r\no=a 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4 RTP/AVP 0\r\n");
  EXPECT_EQ(offered_direction(held, 0), media::media_direction::sendonly) << "RFC 2543 hold";
}

TEST(media_bridge, carried_offer_keeps_codecs_direction_and_ptime) {
  const auto caps = carried_offer(parse(offer_text), 1, nullptr);
  ASSERT_EQ(caps.media.size(), 1u);
  const auto& codecs = caps.media[0].codecs;
  ASSERT_EQ(codecs.size(), 3u);
  EXPECT_EQ(codecs[0].encoding, "opus");
  EXPECT_EQ(codecs[0].payload_type, 96);
  EXPECT_EQ(codecs[2].fmtp, "0-15");
  EXPECT_EQ(caps.direction, media::media_direction::sendonly);
  EXPECT_EQ(caps.media[0].ptime, 20u);
}

TEST(media_bridge, carried_offer_respects_numbers_already_bound_on_the_leg) {
  // Our previous SDP on that leg bound 96 to PCMU... no: 96 to G722/8000 and 101 to opus.
  const auto previous = parse(
      "v=0\r\no=v 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP 96 101\r\na=rtpmap:96 G722/8000\r\na=rtpmap:101 opus/48000/2\r\n");
  const auto caps = carried_offer(parse(offer_text), 1, &previous);
  const auto& codecs = caps.media[0].codecs;
  ASSERT_EQ(codecs.size(), 3u);
  EXPECT_EQ(codecs[0].encoding, "opus");
  EXPECT_EQ(codecs[0].payload_type, 101) << "opus keeps its number on that leg (RFC 3264 §8.3.2)";
  EXPECT_EQ(codecs[1].payload_type, 0);
  EXPECT_EQ(codecs[2].encoding, "telephone-event");
  EXPECT_NE(codecs[2].payload_type, 101);
  EXPECT_NE(codecs[2].payload_type, 96) << "96 is G722's there";
}

TEST(media_bridge, answer_and_rewrite_tables) {
  const auto a_offer = parse(
      "v=0\r\no=a 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n");
  media::session_version bv(media::make_connection("192.0.2.99"));
  const media_endpoints ports{"192.0.2.99", "192.0.2.99", 30000, 30001, 30002, 30003};
  const auto b_offer =
      media::make_offer(carried_offer(a_offer, 0, nullptr), local_media(ports, media_leg::b, 0, 1), bv);
  EXPECT_EQ(b_offer.media[0].port, 30002);
  const auto b_answer = parse(
      "v=0\r\no=b 1 1 IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\nt=0 0\r\n"
      "m=audio 50000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");
  const auto b = media::process_answer(b_offer, b_answer).value().streams[0];
  media::session_version av(media::make_connection("192.0.2.99"));
  const auto caps = answer_capabilities(b, offered_direction(b_answer, 0));
  const auto a = media::make_answer(a_offer, caps, local_media(ports, media_leg::a, 0, 1), av).value();
  EXPECT_EQ(a.sdp.media[0].formats, (std::vector<std::string>{"8", "96"}));
  EXPECT_EQ(a.sdp.direction_of(0), media::media_direction::recvonly);
  const auto& as = a.negotiated.streams[0];
  const auto up_a = leg_update(as, &b, false);
  const auto up_b = leg_update(b, &as, true);
  EXPECT_EQ(up_b.rewrite[96], 101) << "A's events go to B as 101";
  EXPECT_EQ(up_a.rewrite[96], 96) << "B's events (sent to us as our 96) go to A as 96";
  EXPECT_EQ(up_b.rewrite[8], 8);
  EXPECT_FALSE(up_b.receive) << "B answered recvonly: it sends nothing";
  EXPECT_TRUE(up_b.send);
  EXPECT_TRUE(up_b.strict_source);
  EXPECT_EQ(up_b.remote_rtp->port(), 50000);
  EXPECT_EQ(up_b.remote_rtcp->port(), 50001);
  EXPECT_EQ(up_a.clock_rates[8], 8000u);
}

TEST(media_bridge, keep_lines_preserves_the_m_lines_of_a_reoffer) {
  const auto previous = parse(offer_text);
  const auto caps = keep_lines(carried_offer(previous, 1, nullptr), &previous, 1);
  ASSERT_EQ(caps.media.size(), 2u);
  EXPECT_EQ(caps.media[0].media, "video");
  EXPECT_TRUE(caps.media[0].codecs.empty());
  EXPECT_EQ(caps.media[1].codecs.size(), 3u);
}

TEST(media_bridge, default_capabilities_for_late_offer) {
  const auto caps = default_capabilities();
  ASSERT_EQ(caps.media[0].codecs.size(), 3u);
  EXPECT_EQ(caps.media[0].codecs[0].encoding, "PCMU");
  EXPECT_EQ(caps.media[0].codecs[1].encoding, "PCMA");
  EXPECT_EQ(caps.media[0].codecs[2].payload_type, 101);
}

}  // namespace
}  // namespace voxedge::daemon
