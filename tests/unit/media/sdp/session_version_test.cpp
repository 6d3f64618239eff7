#include "media/sdp/session_version.hpp"

#include <gtest/gtest.h>

namespace voxedge::media {
namespace {

session_description body(std::uint16_t port) {
  session_description sd;
  sd.connection = make_connection("192.0.2.1");
  media_description m;
  m.port = port;
  m.formats = {"0"};
  sd.media.push_back(m);
  return sd;
}

TEST(session_version, fresh_origin_fits_a_signed_64_bit_integer) {
  session_version a(make_connection("192.0.2.1"));
  session_version b(make_connection("2001:db8::1"), "voxedge");
  EXPECT_EQ(a.origin().username, "-");
  EXPECT_EQ(b.origin().username, "voxedge");
  EXPECT_TRUE(b.origin().connection.is_ip6());
  EXPECT_NE(a.origin().session_id, b.origin().session_id);
  EXPECT_LT(std::stoull(a.origin().session_id), std::uint64_t{1} << 62);
  EXPECT_LT(a.origin().session_version, (std::uint64_t{1} << 62) - 1);  // RFC 3264 §5
}

TEST(session_version, increments_only_on_change) {
  session_version v(sdp_origin{"-", "42", 7, make_connection("192.0.2.1")});
  auto sd = body(4000);
  v.stamp(sd);
  EXPECT_EQ(sd.origin.session_version, 7u);
  EXPECT_EQ(sd.origin.session_id, "42");
  // A session refresh sends the same description: same version (RFC 3264 §8).
  auto same = body(4000);
  v.stamp(same);
  EXPECT_EQ(same.origin.session_version, 7u);
  auto moved = body(4002);
  v.stamp(moved);
  EXPECT_EQ(moved.origin.session_version, 8u);
  auto held = body(4002);
  held.media[0].add_attribute("sendonly");
  v.stamp(held);
  EXPECT_EQ(held.origin.session_version, 9u);
  auto resumed = body(4002);
  v.stamp(resumed);
  EXPECT_EQ(resumed.origin.session_version, 10u);
  EXPECT_EQ(v.origin().session_version, 10u);
  // Whatever o= the description carried is replaced and does not count as a change.
  auto again = body(4002);
  again.origin.username = "someone-else";
  v.stamp(again);
  EXPECT_EQ(again.origin.session_version, 10u);
  EXPECT_EQ(again.origin.username, "-");
}

}  // namespace
}  // namespace voxedge::media
