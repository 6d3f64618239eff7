#include "sip/dialog/session_expires.hpp"

#include <gtest/gtest.h>

#include "dialog_test_support.hpp"

namespace voxedge::sip {
namespace {

using namespace test;

TEST(SessionExpires, ParsesIntervalAndRefresher) {
  EXPECT_EQ(parse_session_expires("1800"), (session_expires{1800, std::nullopt}));
  EXPECT_EQ(parse_session_expires("4000;refresher=uac"), (session_expires{4000, refresher::uac}));
  EXPECT_EQ(parse_session_expires(" 90 ; refresher = UAS "), (session_expires{90, refresher::uas}));
  EXPECT_EQ(parse_session_expires("1800;x=y;refresher=uas"), (session_expires{1800, refresher::uas}));
  // An unknown refresher value is a generic parameter (RFC 4028 §4 grammar).
  EXPECT_EQ(parse_session_expires("1800;refresher=proxy"), (session_expires{1800, std::nullopt}));
}

TEST(SessionExpires, RefusesMalformedValues) {
  for (const auto* bad : {"", "abc", "-5", "1800x", "1800;", "99999999999", "1800;refresher=\"uac"}) {
    EXPECT_FALSE(parse_session_expires(bad).has_value()) << bad;
  }
}

TEST(SessionExpires, Emits) {
  EXPECT_EQ(to_string(session_expires{1800, std::nullopt}), "1800");
  EXPECT_EQ(to_string(session_expires{90, refresher::uas}), "90;refresher=uas");
}

TEST(MinSe, ParsesWithParameters) {
  EXPECT_EQ(parse_min_se("90"), 90u);
  EXPECT_EQ(parse_min_se("3600;foo=bar"), 3600u);
  EXPECT_FALSE(parse_min_se("ninety").has_value());
}

TEST(SessionExpires, CompactFormAndPresenceInMessages) {
  const message m = parse(R"(INVITE sip:bob@192.0.2.4 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1
From: <sip:alice@example.com>;tag=a
To: <sip:bob@example.com>
Call-ID: st1
CSeq: 1 INVITE
x: 1200;refresher=uac
Min-SE: bogus
k: 100rel, Timer
Content-Length: 0

)");
  session_expires se;
  EXPECT_EQ(find_session_expires(m, se), header_presence::present);
  EXPECT_EQ(se, (session_expires{1200, refresher::uac}));
  std::uint32_t min = 0;
  EXPECT_EQ(find_min_se(m, min), header_presence::malformed);
  EXPECT_TRUE(supports_timer(m));  // option tags compare case-insensitively
  EXPECT_FALSE(has_option_tag(m, "Require", "timer"));
  message empty;
  EXPECT_EQ(find_session_expires(empty, se), header_presence::absent);
  EXPECT_FALSE(supports_timer(empty));
}

TEST(OptionTags, AddAppendsOnceToTheExistingHeader) {
  message m;
  add_option_tag(m, "Supported", "timer");
  EXPECT_EQ(m.header_value("Supported"), "timer");
  m.set_header("Supported", "100rel");
  add_option_tag(m, "Supported", "timer");
  add_option_tag(m, "Supported", "timer");
  EXPECT_EQ(m.header_value("Supported"), "100rel, timer");
  m.set_header("Require", "");
  add_option_tag(m, "Require", "timer");
  EXPECT_EQ(m.header_value("Require"), "timer");
}

}  // namespace
}  // namespace voxedge::sip
