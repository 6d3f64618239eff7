// The operator-facing explanations of provider answers (issue 4 item 5).
#include "daemon/trunk/provider_hints.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

using ::testing::HasSubstr;

TEST(provider_hints, each_provider_error_says_what_to_check) {
  EXPECT_THAT(provider_hint(401), HasSubstr("credentials"));
  EXPECT_THAT(provider_hint(407), HasSubstr("password_file"));
  EXPECT_THAT(provider_hint(403, "198.51.100.10"), HasSubstr("source address not whitelisted on the trunk?"));
  EXPECT_THAT(provider_hint(403, "198.51.100.10"), HasSubstr("198.51.100.10"));
  EXPECT_THAT(provider_hint(404), HasSubstr("E.164"));
  EXPECT_THAT(provider_hint(503), HasSubstr("Retry-After"));
  EXPECT_THAT(provider_hint(488), HasSubstr("srtp"));
  EXPECT_THAT(provider_hint(302), HasSubstr("redirect"));
}

TEST(provider_hints, callee_answers_need_no_hint) {
  EXPECT_EQ(provider_hint(200), "");
  EXPECT_EQ(provider_hint(486), "");
  EXPECT_EQ(provider_hint(487), "");
  EXPECT_EQ(provider_hint(603), "");
}

TEST(provider_hints, unreachable_targets) {
  EXPECT_THAT(unreachable_hint(true), HasSubstr("firewall"));
  EXPECT_THAT(unreachable_hint(false), HasSubstr("TLS handshake"));
}

}  // namespace
}  // namespace voxedge::daemon
