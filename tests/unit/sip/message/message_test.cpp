#include "sip/message/message.hpp"

#include <gtest/gtest.h>

#include "sip/message/header_name.hpp"
#include "sip/message/method.hpp"

namespace voxedge::sip {
namespace {

TEST(message, generic_header_access) {
  message m;
  m.add_header("c", "text/plain");
  m.add_header("X-A", "1");
  m.add_header("x-a", "2");
  EXPECT_EQ(m.headers[0].name, "Content-Type");
  EXPECT_EQ(m.header_value("content-type"), "text/plain");
  EXPECT_EQ(m.header_value("C"), "text/plain");
  EXPECT_TRUE(m.has_header("X-A"));
  EXPECT_FALSE(m.has_header("X-B"));
  EXPECT_EQ(m.header_values("X-A"), (std::vector<std::string_view>{"1", "2"}));
  m.set_header("X-A", "3");
  EXPECT_EQ(m.header_values("x-a"), (std::vector<std::string_view>{"3"}));
  m.set_header("Subject", "new");
  EXPECT_EQ(m.header_value("s"), "new");
  m.remove_header("x-A");
  EXPECT_FALSE(m.has_header("X-A"));
  EXPECT_EQ(m.headers.size(), 2u);
}

TEST(message, transaction_method) {
  message req;
  req.method_id = method::bye;
  EXPECT_EQ(req.transaction_method(), method::bye);
  message resp;
  resp.is_request = false;
  resp.cseq.method_id = method::invite;
  EXPECT_EQ(resp.transaction_method(), method::invite);
  EXPECT_TRUE(resp.is_response());
}

TEST(header_names, canonical_forms) {
  const std::pair<const char*, const char*> cases[] = {
      {"i", "Call-ID"},
      {"I", "Call-ID"},
      {"call-id", "Call-ID"},
      {"m", "Contact"},
      {"e", "Content-Encoding"},
      {"l", "Content-Length"},
      {"c", "Content-Type"},
      {"f", "From"},
      {"s", "Subject"},
      {"k", "Supported"},
      {"t", "To"},
      {"v", "Via"},
      {"a", "Accept-Contact"},
      {"j", "Reject-Contact"},
      {"d", "Request-Disposition"},
      {"b", "Referred-By"},
      {"r", "Refer-To"},
      {"o", "Event"},
      {"u", "Allow-Events"},
      {"x", "Session-Expires"},
      {"y", "Identity"},
      {"n", "Identity-Info"},
      {"cseq", "CSeq"},
      {"WWW-AUTHENTICATE", "WWW-Authenticate"},
      {"max-forwards", "Max-Forwards"},
      {"record-route", "Record-Route"},
      {"rseq", "RSeq"},
      {"rack", "RAck"},
      {"p-asserted-identity", "P-Asserted-Identity"},
      {"mime-version", "MIME-Version"},
      {"sip-etag", "SIP-ETag"},
      {"X-Unknown", "X-Unknown"},
      {"q", "q"},
      {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(canonical_header_name(in), out) << in;
  EXPECT_EQ(find_header("Via")->id, header_id::via);
  EXPECT_EQ(find_header("l")->id, header_id::content_length);
  EXPECT_EQ(find_header("Subject")->id, header_id::other);
  EXPECT_EQ(find_header("1x"), nullptr);
}

TEST(method, names_are_case_sensitive) {
  EXPECT_EQ(method_from_string("INVITE"), method::invite);
  EXPECT_EQ(method_from_string("invite"), method::unknown);
  EXPECT_EQ(method_from_string("REGISTER"), method::register_);
  EXPECT_EQ(method_from_string("PUBLISH"), method::publish);
  for (auto m : {method::invite, method::ack, method::bye, method::cancel, method::options, method::register_,
                 method::info, method::update, method::prack, method::subscribe, method::notify, method::refer,
                 method::message, method::publish}) {
    EXPECT_EQ(method_from_string(to_string(m)), m);
  }
  EXPECT_EQ(to_string(method::unknown), "UNKNOWN");
}

}  // namespace
}  // namespace voxedge::sip
