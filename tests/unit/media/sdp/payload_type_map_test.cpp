#include "media/sdp/payload_type_map.hpp"

#include <gtest/gtest.h>

#include "media/sdp/offer_answer.hpp"
#include "tests/unit/media/sdp/test_support.hpp"

namespace voxedge::media {
namespace {

using test::crlf;
using test::parse_ok;

TEST(payload_type_map, lookups) {
  payload_type_map map;
  map.add({"PCMU", 8000, 1, 0, 0});
  map.add({"telephone-event", 8000, 1, 101, 96});
  map.add({"pcmu", 8000, 1, 5, 5});    // same codec again: ignored
  map.add({"PCMA", 8000, 1, 101, 8});  // our 101 is taken: ignored
  EXPECT_EQ(map.entries().size(), 2u);
  EXPECT_EQ(map.by_local(101)->remote_pt, 96);
  EXPECT_EQ(map.by_remote(96)->local_pt, 101);
  EXPECT_EQ(map.find("Telephone-Event", 8000)->local_pt, 101);
  EXPECT_EQ(map.by_local(8), nullptr);
  EXPECT_EQ(map.find("telephone-event", 48000), nullptr);
}

// A call from a SIPp-like caller (leg A) to a trunk (leg B) that renumbers
// telephone-event: the relay's tables rewrite 101 <-> 96 and pass PCMU unchanged.
TEST(payload_type_map, rewrite_tables_between_two_legs) {
  leg_capabilities caps;
  media_capability audio;
  audio.codecs = {{"PCMU", 8000, 1, "", 0}, {"PCMA", 8000, 1, "", 8}, {"telephone-event", 8000, 1, "0-15", 101}};
  caps.media.push_back(audio);
  local_session local;
  local.address = make_connection("198.51.100.10");
  local.streams.push_back(local_stream{40000, std::nullopt, {}, {}});

  session_version va(sdp_origin{"-", "1", 1, local.address});
  auto a = make_answer(parse_ok(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                                     "m=audio 6000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n")),
                       caps, local, va);
  ASSERT_TRUE(a.ok());
  const auto& leg_a = a->negotiated.streams[0].payload_types;

  session_version vb(sdp_origin{"-", "2", 1, local.address});
  const auto offer = make_offer(caps, local, vb);
  auto b = process_answer(offer, parse_ok(crlf("v=0\no=t 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\n"
                                               "t=0 0\nm=audio 20000 RTP/AVP 0 96\n"
                                               "a=rtpmap:96 telephone-event/8000\n")));
  ASSERT_TRUE(b.ok());
  const auto& leg_b = b->streams[0].payload_types;

  const auto a_to_b = make_rewrite_table(leg_a, leg_b);
  EXPECT_EQ(a_to_b[0], 0);
  EXPECT_EQ(a_to_b[101], 96);
  EXPECT_EQ(a_to_b[8], -1);  // never negotiated on A
  const auto b_to_a = make_rewrite_table(leg_b, leg_a);
  EXPECT_EQ(b_to_a[0], 0);
  EXPECT_EQ(b_to_a[101], 101);  // B sends us events as our 101; A expects its 101
  EXPECT_EQ(b_to_a[96], -1);    // 96 is B's number, never arrives from B
}

}  // namespace
}  // namespace voxedge::media
