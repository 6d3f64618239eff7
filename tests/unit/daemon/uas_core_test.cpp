#include "daemon/uas_core.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/timer_queue.hpp"
#include "config/loader.hpp"
#include "sip/message/parser.hpp"

namespace voxedge::daemon {
namespace {

struct recording_sender final : sip::message_sender {
  void send(const std::string& bytes, const sip::peer& to) override { sent.emplace_back(bytes, to); }
  std::vector<std::pair<std::string, sip::peer>> sent;
};

class uas_core_test : public ::testing::Test {
 protected:
  uas_core_test() : uas_(config::default_config()), layer_(timers_, sender_, uas_) { uas_.attach(layer_); }

  sip::message last_response() {
    EXPECT_FALSE(sender_.sent.empty());
    auto r = sip::parse_message(sender_.sent.back().first);
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  }

  void deliver(const std::string& text) {
    auto r = sip::parse_message(text);
    ASSERT_TRUE(r.ok()) << text;
    from_.transport = sip::transport_kind::udp;
    from_.address = boost::asio::ip::make_address("127.0.0.1");
    from_.port = 5070;
    layer_.on_message(std::move(r).value(), from_);
  }

  static std::string request(const std::string& method, const std::string& extra = {},
                             const std::string& to_tag = {}, const std::string& ruri = "sip:voxedge@127.0.0.1") {
    const auto n = std::to_string(++counter);
    return method + " " + ruri + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK" + method + n + "\r\n" +
           "Max-Forwards: 70\r\n"
           "From: <sip:a@127.0.0.1>;tag=1\r\n"
           "To: <sip:voxedge@127.0.0.1>" +
           (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n" + "Call-ID: c" + n +
           "\r\n"
           "CSeq: 1 " +
           method + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
  }

  static inline int counter = 0;
  manual_timer_service timers_;
  recording_sender sender_;
  uas_core uas_;
  sip::transaction_layer layer_;
  sip::peer from_;
};

TEST_F(uas_core_test, options_gets_200_with_capabilities) {
  deliver(request("OPTIONS"));
  auto r = last_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header_value("Allow"), "OPTIONS");
  EXPECT_EQ(r.header_value("Accept"), "application/sdp");
  EXPECT_TRUE(r.has_header("Supported"));
  EXPECT_FALSE(r.to.tag().empty()) << "a final response carries a To tag (RFC 3261 §8.2.6.2)";
  EXPECT_EQ(uas_.stats().options_answered, 1u);
}

TEST_F(uas_core_test, unknown_method_is_501) {
  deliver(request("PING"));
  EXPECT_EQ(last_response().status, 501);
}

TEST_F(uas_core_test, known_but_unserved_method_is_405_with_allow) {
  deliver(request("SUBSCRIBE"));
  auto r = last_response();
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header_value("Allow"), "OPTIONS");
}

TEST_F(uas_core_test, in_dialog_request_without_dialog_is_481) {
  deliver(request("INFO", {}, "xyz"));
  EXPECT_EQ(last_response().status, 481);
  deliver(request("BYE"));
  EXPECT_EQ(last_response().status, 481);
}

TEST_F(uas_core_test, max_forwards_zero_is_483_except_options) {
  auto req = request("MESSAGE");
  req.replace(req.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  deliver(req);
  EXPECT_EQ(last_response().status, 483);
  auto opt = request("OPTIONS");
  opt.replace(opt.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  deliver(opt);
  EXPECT_EQ(last_response().status, 200);
}

TEST_F(uas_core_test, require_lists_every_unsupported_extension) {
  deliver(request("OPTIONS", "Require: 100rel\r\nRequire: foo\r\n"));
  auto r = last_response();
  EXPECT_EQ(r.status, 420);
  EXPECT_EQ(r.header_value("Unsupported"), "100rel, foo");
}

TEST_F(uas_core_test, tel_uri_is_416) {
  deliver(request("OPTIONS", {}, {}, "tel:+15551234567"));
  EXPECT_EQ(last_response().status, 416);
}

TEST_F(uas_core_test, ack_without_transaction_is_ignored) {
  deliver(request("ACK", {}, "tag1"));
  EXPECT_TRUE(sender_.sent.empty());
  EXPECT_EQ(uas_.stats().acks_ignored, 1u);
}

}  // namespace
}  // namespace voxedge::daemon
