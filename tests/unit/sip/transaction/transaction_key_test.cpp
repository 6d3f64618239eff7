#include "sip/transaction/transaction_key.hpp"

#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace voxedge::sip {
namespace {

using test::make_request;
using test::request_spec;

TEST(TransactionKey, ClientKeySeparatesCancelFromInvite) {
  // §17.1.3 / §9.1: a CANCEL shares the INVITE's branch but is its own transaction.
  EXPECT_NE(client_transaction_key("z9hG4bK1", "INVITE"), client_transaction_key("z9hG4bK1", "CANCEL"));
  EXPECT_EQ(client_transaction_key("z9hG4bK1", "INVITE"), client_transaction_key("z9hG4bK1", "INVITE"));
  EXPECT_NE(client_transaction_key("z9hG4bK1", "INVITE"), client_transaction_key("z9hG4bK2", "INVITE"));
}

TEST(TransactionKey, AckMatchesUnderInvite) {
  EXPECT_EQ(matching_method(make_request("ACK")), "INVITE");
  EXPECT_EQ(matching_method(make_request("CANCEL")), "CANCEL");
  EXPECT_EQ(matching_method(make_request("BYE")), "BYE");
}

TEST(TransactionKey, ServerKeyUsesBranchSentByAndMethod) {
  request_spec s;
  s.sent_by = "Host.Example.com:5070";
  const message a = make_request(s);
  s.sent_by = "host.example.COM:5070";
  const message b = make_request(s);
  s.sent_by = "host.example.com:5071";
  const message c = make_request(s);
  s.sent_by = "host.example.com";
  const message d = make_request(s);
  const auto key = [](const message& m) { return server_transaction_key(m.vias[0], matching_method(m)); };
  EXPECT_EQ(key(a), key(b));  // hosts compare case-insensitively
  EXPECT_NE(key(a), key(c));  // §17.2.3: sent-by includes the port
  EXPECT_NE(key(c), key(d));
  EXPECT_NE(server_transaction_key(a.vias[0], "INVITE"), server_transaction_key(a.vias[0], "CANCEL"));
}

class LegacyMatching : public ::testing::Test {
 protected:
  request_spec spec(std::string method) {
    request_spec s;
    s.method = std::move(method);
    s.branch = "";  // RFC 2543: no branch at all
    s.cseq = 7;
    return s;
  }
};

TEST_F(LegacyMatching, RetransmittedInviteMatches) {
  const message inv = make_request(spec("INVITE"));
  EXPECT_TRUE(legacy_request_matches(inv, "", make_request(spec("INVITE"))));
}

TEST_F(LegacyMatching, EveryComparedFieldMatters) {
  const message inv = make_request(spec("INVITE"));
  auto s = spec("INVITE");
  s.cseq = 8;
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.call_id = "other";
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.from_tag = "other";
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.request_uri = "sip:carol@example.com";
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.sent_by = "192.0.2.99:5060";
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.to_tag = "sometag";
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
  s = spec("INVITE");
  s.branch = "oldstyle1";  // a non-cookie branch is part of the top Via
  EXPECT_FALSE(legacy_request_matches(inv, "", make_request(s)));
}

TEST_F(LegacyMatching, AckMatchesByCSeqNumberAndTheResponseToTag) {
  const message inv = make_request(spec("INVITE"));
  auto s = spec("ACK");
  s.to_tag = "uas1";
  const message ack = make_request(s);
  EXPECT_TRUE(legacy_request_matches(inv, "uas1", ack));
  EXPECT_FALSE(legacy_request_matches(inv, "uas2", ack));
  EXPECT_FALSE(legacy_request_matches(make_request(spec("OPTIONS")), "uas1", ack));
}

TEST_F(LegacyMatching, NonInviteMatchesIncludingTheMethod) {
  const message bye = make_request(spec("BYE"));
  EXPECT_TRUE(legacy_request_matches(bye, "", make_request(spec("BYE"))));
  EXPECT_FALSE(legacy_request_matches(bye, "", make_request(spec("INFO"))));
}

TEST_F(LegacyMatching, CancelIgnoresTheToTag) {
  const message inv = make_request(spec("INVITE"));
  auto s = spec("CANCEL");
  s.to_tag = "whatever";
  EXPECT_TRUE(legacy_cancel_matches(inv, make_request(s)));
  s.cseq = 9;
  EXPECT_FALSE(legacy_cancel_matches(inv, make_request(s)));
  EXPECT_FALSE(legacy_cancel_matches(make_request(spec("BYE")), make_request(spec("CANCEL"))));
}

}  // namespace
}  // namespace voxedge::sip
