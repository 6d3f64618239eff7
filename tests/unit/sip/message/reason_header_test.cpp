// The Reason header, RFC 3326: its own examples first.
#include "sip/message/reason_header.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

TEST(reason_header, rfc3326_examples) {
  // §2 (a CANCEL after the call was answered elsewhere) and §2's Q.850 example.
  const auto sip = parse_reason("SIP ;cause=200 ;text=\"Call completed elsewhere\"");
  ASSERT_TRUE(sip);
  EXPECT_EQ(*sip, (reason{reason::protocol::sip, 200, "Call completed elsewhere"}));
  const auto q850 = parse_reason("Q.850 ;cause=16 ;text=\"Terminated\"");
  ASSERT_TRUE(q850);
  EXPECT_EQ(*q850, (reason{reason::protocol::q850, 16, "Terminated"}));
  EXPECT_EQ(q850->to_string(), "Q.850;cause=16;text=\"Terminated\"");
}

TEST(reason_header, cause_is_required_and_other_parameters_are_ignored) {
  EXPECT_EQ(parse_reason("sip;cause=487")->to_string(), "SIP;cause=487;text=\"\"");
  EXPECT_EQ(parse_reason("SIP;cause=480;x-vendor=1;text=\"say \\\"hi\\\"\"")->text, "say \"hi\"");
  EXPECT_FALSE(parse_reason("SIP"));
  EXPECT_FALSE(parse_reason("SIP;text=\"cause=1\"")) << "a cause inside the text is no cause";
  EXPECT_FALSE(parse_reason("SIP;xcause=1"));
  EXPECT_FALSE(parse_reason("SIP;cause=abc"));
  EXPECT_FALSE(parse_reason("SIP;cause=123456"));
  EXPECT_FALSE(parse_reason("SIP;cause=1;text=\"unbalanced"));
  EXPECT_FALSE(parse_reason("SIP;cause=1 trailing"));
  EXPECT_FALSE(parse_reason("X-Vendor;cause=1"));
  EXPECT_FALSE(parse_reason(""));
}

TEST(reason_header, text_is_written_safely) {
  const reason r{reason::protocol::sip, 500, "a \"b\" \\ c\r\n"};
  EXPECT_EQ(r.to_string(), "SIP;cause=500;text=\"a \\\"b\\\" \\\\ c\"");
  const auto again = parse_reason(r.to_string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->text, "a \"b\" \\ c");
}

}  // namespace
}  // namespace voxedge::sip
