// The offer/answer examples of RFC 3264 §10 and RFC 4317, reconstructed exactly: our
// offers and answers must come out byte for byte as the RFCs print them (with s= holding
// the single space RFC 4317 §1 says the figures lose), and the answers must read back as
// the RFCs describe. Where an RFC figure departs from what RFC 3264 itself requires, the
// test says so and checks the RFC 3264 behaviour.
#include <gtest/gtest.h>

#include <string>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_writer.hpp"
#include "tests/unit/media/sdp/test_support.hpp"

namespace voxedge::media {
namespace {

using test::load_sdp;
using test::parse_ok;

codec_capability codec(std::string name, std::uint32_t rate, std::uint8_t pt) {
  return codec_capability{std::move(name), rate, 1, "", pt};
}

media_capability audio(std::vector<codec_capability> codecs) {
  media_capability m;
  m.codecs = std::move(codecs);
  return m;
}

media_capability video(std::vector<codec_capability> codecs) {
  media_capability m;
  m.media = "video";
  m.codecs = std::move(codecs);
  return m;
}

// The RFC agents write no a=sendrecv unless they mean it.
leg_capabilities rfc_agent(std::vector<media_capability> media) {
  leg_capabilities caps;
  caps.media = std::move(media);
  caps.explicit_sendrecv = false;
  return caps;
}

local_session local(std::string host, std::vector<std::uint16_t> ports) {
  local_session l;
  l.address = make_connection(std::move(host));
  l.session_name = " ";
  for (auto p : ports) l.streams.push_back(local_stream{p, std::nullopt, {}, {}});
  return l;
}

session_version origin(std::string user, std::uint64_t id, std::uint64_t version, std::string host) {
  return session_version(sdp_origin{std::move(user), std::to_string(id), version, make_connection(std::move(host))});
}

std::string without_line(std::string text, std::string_view line) {
  const auto at = text.find(std::string(line) + "\r\n");
  if (at != std::string::npos) text.erase(at, line.size() + 2);
  return text;
}

TEST(rfc3264, section_10_1_basic_exchange) {
  auto alice_version = origin("alice", 2890844526, 2890844526, "host.anywhere.com");
  auto bob_version = origin("bob", 2890844730, 2890844730, "host.example.com");

  const auto alice_offers =
      rfc_agent({audio({codec("PCMU", 8000, 0)}), video({codec("H261", 90000, 31)}), video({codec("MPV", 90000, 32)})});
  const auto offer = make_offer(alice_offers, local("host.anywhere.com", {49170, 51372, 53000}), alice_version);
  EXPECT_EQ(write_sdp(offer), load_sdp("rfc3264_10_1_offer.sdp"));

  // Bob does not do H.261: the first video stream is refused with port 0.
  const auto bob = rfc_agent({audio({codec("PCMU", 8000, 0)}), video({codec("MPV", 90000, 32)})});
  auto answer =
      make_answer(parse_ok(write_sdp(offer)), bob, local("host.example.com", {49920, 51000, 53000}), bob_version);
  ASSERT_TRUE(answer.ok()) << answer.error().reason;
  EXPECT_EQ(write_sdp(answer->sdp), load_sdp("rfc3264_10_1_answer.sdp"));
  const auto& bob_side = answer->negotiated.streams;
  ASSERT_EQ(bob_side.size(), 3u);
  EXPECT_EQ(bob_side[1].rejection, stream_rejection::no_common_codec);
  EXPECT_EQ(bob_side[0].codecs.at(0).encoding, "PCMU");
  EXPECT_EQ(bob_side[0].remote_rtp, (transport_address{"host.anywhere.com", 49170}));
  EXPECT_EQ(bob_side[0].remote_rtcp, (transport_address{"host.anywhere.com", 49171}));

  // Alice reads the answer.
  auto alice = process_answer(offer, parse_ok(load_sdp("rfc3264_10_1_answer.sdp")));
  ASSERT_TRUE(alice.ok()) << alice.error().reason;
  ASSERT_EQ(alice->streams.size(), 3u);
  EXPECT_EQ(alice->streams[0].codecs.at(0).remote_pt, 0);
  EXPECT_EQ(alice->streams[0].remote_rtp, (transport_address{"host.example.com", 49920}));
  EXPECT_EQ(alice->streams[0].direction, media_direction::sendrecv);
  EXPECT_EQ(alice->streams[1].rejection, stream_rejection::rejected_by_answerer);
  EXPECT_EQ(alice->streams[2].codecs.at(0).encoding, "MPV");
  EXPECT_EQ(alice->accepted_count(), 2u);

  // Bob moves his audio and adds a receive-only events stream; Alice accepts it
  // sendonly. ("telephone-events" is the RFC's spelling; to us it is just a codec name.)
  const auto alice_answers = rfc_agent({audio({codec("PCMU", 8000, 0), codec("telephone-events", 8000, 110)}),
                                        video({codec("H261", 90000, 31), codec("MPV", 90000, 32)})});
  auto second = make_answer(parse_ok(load_sdp("rfc3264_10_1_second_offer.sdp")), alice_answers,
                            local("host.anywhere.com", {49170, 51372, 53000, 53122}), alice_version);
  ASSERT_TRUE(second.ok()) << second.error().reason;
  // RFC 3264 prints an a=rtpmap under the refused video line; §6 needs none there and
  // we write the bare m= line.
  EXPECT_EQ(write_sdp(second->sdp), without_line(load_sdp("rfc3264_10_1_second_answer.sdp"), "a=rtpmap:31 H261/90000"));
  EXPECT_EQ(second->negotiated.streams[1].rejection, stream_rejection::disabled_by_offerer);
  EXPECT_EQ(second->negotiated.streams[3].direction, media_direction::sendonly);
  EXPECT_EQ(second->negotiated.streams[0].remote_rtp->port, 65422);

  // Bob reads Alice's answer as printed.
  auto bob_reads = process_answer(parse_ok(load_sdp("rfc3264_10_1_second_offer.sdp")),
                                  parse_ok(load_sdp("rfc3264_10_1_second_answer.sdp")));
  ASSERT_TRUE(bob_reads.ok());
  EXPECT_EQ(bob_reads->streams[3].direction, media_direction::recvonly);
  EXPECT_EQ(bob_reads->streams[3].codecs.at(0).local_pt, 110);
}

TEST(rfc3264, section_10_2_one_of_n_codecs) {
  auto alice_version = origin("alice", 2890844526, 2890844526, "host.anywhere.com");
  auto bob_version = origin("bob", 2890844730, 2890844731, "host.example.com");
  auto alice = rfc_agent({audio({codec("PCMU", 8000, 0), codec("G723", 8000, 4), codec("G729", 8000, 18)})});
  alice.direction = media_direction::inactive;  // no media until a codec is locked down
  const auto offer = make_offer(alice, local("host.anywhere.com", {62986}), alice_version);
  EXPECT_EQ(write_sdp(offer), load_sdp("rfc3264_10_2_offer.sdp"));

  // Bob can switch between PCMU and G.723 on the fly, so he answers both.
  auto bob = rfc_agent({audio({codec("PCMU", 8000, 0), codec("G723", 8000, 4)})});
  bob.single_codec_answer = false;
  auto answer = make_answer(offer, bob, local("host.example.com", {54344}), bob_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp), load_sdp("rfc3264_10_2_answer.sdp"));
  EXPECT_EQ(answer->negotiated.streams[0].direction, media_direction::inactive);

  auto alice_reads = process_answer(offer, answer->sdp);
  ASSERT_TRUE(alice_reads.ok());
  ASSERT_EQ(alice_reads->streams[0].codecs.size(), 2u);
  EXPECT_EQ(alice_reads->streams[0].codecs[1].encoding, "G723");
  EXPECT_EQ(alice_reads->streams[0].direction, media_direction::inactive);

  // Alice locks G.723 down and activates the stream.
  auto locked = rfc_agent({audio({codec("G723", 8000, 4)})});
  locked.explicit_sendrecv = true;
  const auto second_offer = make_offer(locked, local("host.anywhere.com", {62986}), alice_version);
  EXPECT_EQ(write_sdp(second_offer), load_sdp("rfc3264_10_2_second_offer.sdp"));
  auto second_answer = make_answer(second_offer, bob, local("host.example.com", {54344}), bob_version);
  ASSERT_TRUE(second_answer.ok());
  EXPECT_EQ(write_sdp(second_answer->sdp), load_sdp("rfc3264_10_2_second_answer.sdp"));
}

TEST(rfc4317, section_2_1_audio_and_video) {
  auto bob_version = origin("bob", 2808844564, 2808844564, "host.biloxi.example.com");
  const auto bob = rfc_agent({audio({codec("PCMU", 8000, 0)}), video({codec("MPV", 90000, 32)})});
  auto answer = make_answer(parse_ok(load_sdp("rfc4317_2_1_offer.sdp")), bob,
                            local("host.biloxi.example.com", {49174, 49170}), bob_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp), load_sdp("rfc4317_2_1_answer.sdp"));
}

TEST(rfc4317, section_2_3_answerer_renumbers_a_dynamic_payload_type) {
  auto r = process_answer(parse_ok(load_sdp("rfc4317_2_1_offer.sdp")), parse_ok(load_sdp("rfc4317_2_3_answer.sdp")));
  ASSERT_TRUE(r.ok());
  const auto& s = r->streams[0];
  ASSERT_EQ(s.codecs.size(), 1u);
  EXPECT_EQ(s.codecs[0].encoding, "iLBC");
  EXPECT_EQ(s.codecs[0].local_pt, 97);   // Alice receives iLBC as 97
  EXPECT_EQ(s.codecs[0].remote_pt, 99);  // and sends it to Bob as 99
  ASSERT_NE(s.payload_types.by_local(97), nullptr);
  EXPECT_EQ(s.payload_types.by_local(97)->remote_pt, 99);
  EXPECT_EQ(r->streams[1].codecs.at(0).encoding, "H261");
}

TEST(rfc4317, section_2_4_two_audio_streams) {
  auto bob_version = origin("bob", 2808844564, 2808844564, "host.biloxi.example.com");
  const auto bob = rfc_agent({audio({codec("iLBC", 8000, 97), codec("telephone-event", 8000, 101)})});
  const auto offer = parse_ok(load_sdp("rfc4317_2_4_offer.sdp"));
  auto answer = make_answer(offer, bob, local("host.biloxi.example.com", {49172, 49174}), bob_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp), load_sdp("rfc4317_2_4_answer.sdp"));
  const auto& events = answer->negotiated.streams[1];
  EXPECT_TRUE(events.codecs.empty());
  ASSERT_TRUE(events.telephone_event);
  EXPECT_EQ(events.telephone_event->remote_pt, 98);
  EXPECT_EQ(events.direction, media_direction::recvonly);

  auto alice = process_answer(offer, answer->sdp);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->streams[1].direction, media_direction::sendonly);
  EXPECT_TRUE(alice->streams[1].telephone_event);
}

TEST(rfc4317, section_2_6_first_stream_declined) {
  auto r = process_answer(parse_ok(load_sdp("rfc4317_2_6_offer.sdp")), parse_ok(load_sdp("rfc4317_2_6_answer.sdp")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->streams[0].rejection, stream_rejection::rejected_by_answerer);
  EXPECT_TRUE(r->streams[0].codecs.empty());
  EXPECT_EQ(r->streams[1].codecs.at(0).encoding, "iLBC");
  ASSERT_TRUE(r->streams[1].telephone_event);
  EXPECT_EQ(r->streams[1].telephone_event->remote_pt, 101);
  EXPECT_EQ(r->first_accepted(), &r->streams[1]);

  // Bob's side: allocating a port only for the stream he wants gives his answer, but
  // with the bare m= line for the declined stream (RFC 4317 repeats its a=rtpmap).
  auto bob_version = origin("bob", 2808844564, 2808844564, "host.biloxi.example.com");
  const auto bob =
      rfc_agent({audio({codec("PCMU", 8000, 0), codec("iLBC", 8000, 97), codec("telephone-event", 8000, 101)})});
  const auto offer = parse_ok(load_sdp("rfc4317_2_6_offer.sdp"));
  EXPECT_EQ(streams_to_accept(offer, bob), (std::vector<bool>{true, true}));
  auto answer = make_answer(offer, bob, local("host.biloxi.example.com", {0, 49170}), bob_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->negotiated.streams[0].rejection, stream_rejection::no_local_port);
  EXPECT_EQ(write_sdp(answer->sdp), without_line(load_sdp("rfc4317_2_6_answer.sdp"), "a=rtpmap:0 PCMU/8000"));
}

TEST(rfc4317, section_2_8_video_to_another_host) {
  auto r = process_answer(parse_ok(load_sdp("rfc4317_2_1_offer.sdp")), parse_ok(load_sdp("rfc4317_2_8_answer.sdp")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->streams[0].remote_rtp, (transport_address{"host.biloxi.example.com", 49174}));
  EXPECT_EQ(r->streams[1].remote_rtp, (transport_address{"otherhost.biloxi.example.com", 49172}));
  EXPECT_EQ(r->streams[1].remote_rtcp, (transport_address{"otherhost.biloxi.example.com", 49173}));
}

TEST(rfc4317, section_3_1_hold_and_unhold) {
  auto alice_version = origin("alice", 2890844526, 2890844526, "host.atlanta.example.com");
  auto bob_version = origin("bob", 2808844564, 2808844564, "host.biloxi.example.com");
  const auto alice = rfc_agent({audio({codec("PCMU", 8000, 0), codec("iLBC", 8000, 97)})});
  const auto offer = make_offer(alice, local("host.atlanta.example.com", {49170}), alice_version);
  EXPECT_EQ(write_sdp(offer), load_sdp("rfc4317_3_1_offer.sdp"));

  // Bob answers and holds Alice at once.
  auto bob = rfc_agent({audio({codec("iLBC", 8000, 97)})});
  bob.direction = media_direction::sendonly;
  auto answer = make_answer(offer, bob, local("placeholder.biloxi.example.com", {49172}), bob_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp), load_sdp("rfc4317_3_1_answer.sdp"));
  EXPECT_EQ(answer->negotiated.streams[0].direction, media_direction::sendonly);
  auto held = process_answer(offer, answer->sdp);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->streams[0].direction, media_direction::recvonly);

  // Bob takes Alice off hold with a new offer; the version goes up by one.
  bob.direction = media_direction::sendrecv;
  const auto unhold = make_offer(bob, local("host.biloxi.example.com", {49170}), bob_version);
  EXPECT_EQ(write_sdp(unhold), load_sdp("rfc4317_3_1_second_offer.sdp"));
  auto resumed = make_answer(unhold, alice, local("host.atlanta.example.com", {49178}), alice_version);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(write_sdp(resumed->sdp), load_sdp("rfc4317_3_1_second_answer.sdp"));
  EXPECT_EQ(resumed->negotiated.streams[0].direction, media_direction::sendrecv);
}

TEST(rfc4317, section_3_2_hold_one_of_two_streams) {
  // Bob holds the audio stream but not the tone stream. RFC 4317 prints Alice's answer
  // as a copy of her first offer: PCMU (which this offer no longer lists) and no
  // direction for a stream offered sendonly. RFC 3264 §6.1 requires an answer within the
  // offered formats and recvonly for sendonly, which is what we answer.
  auto alice_version = origin("alice", 2890844526, 2890844527, "host.atlanta.example.com");
  const auto alice =
      rfc_agent({audio({codec("PCMU", 8000, 0), codec("iLBC", 8000, 97), codec("telephone-event", 8000, 98)})});
  auto answer = make_answer(parse_ok(load_sdp("rfc4317_3_2_second_offer.sdp")), alice,
                            local("host.atlanta.example.com", {49170, 49172}), alice_version);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(write_sdp(answer->sdp),
            test::crlf("v=0\no=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\ns= \n"
                       "c=IN IP4 host.atlanta.example.com\nt=0 0\n"
                       "m=audio 49170 RTP/AVP 97\na=rtpmap:97 iLBC/8000\na=recvonly\n"
                       "m=audio 49172 RTP/AVP 98\na=rtpmap:98 telephone-event/8000\na=sendonly\n"));
  EXPECT_EQ(answer->negotiated.streams[0].direction, media_direction::recvonly);
  EXPECT_EQ(answer->negotiated.streams[1].direction, media_direction::sendonly);
}

}  // namespace
}  // namespace voxedge::media
