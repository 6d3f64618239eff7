#include "sip/message/stream_framer.hpp"

#include <gtest/gtest.h>

#include "sip/message/parser.hpp"
#include "test_support.hpp"

namespace voxedge::sip {
namespace {

using test::crlf;
using status = stream_framer::status;

std::string msg(std::string_view body, std::string_view length_header = "Content-Length") {
  return crlf(
             "MESSAGE sip:b@h SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>\n"
             "Call-ID: s1\nCSeq: 1 MESSAGE\n") +
         std::string(length_header) + ": " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

TEST(stream_framer, one_complete_message) {
  stream_framer f;
  std::string frame;
  f.append(msg("hello"));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("hello"));
  EXPECT_TRUE(parse_message(frame).ok());
  EXPECT_EQ(f.next(frame), status::need_more);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(stream_framer, byte_by_byte) {
  stream_framer f;
  std::string frame;
  const auto m = msg("body bytes");
  for (std::size_t i = 0; i + 1 < m.size(); ++i) {
    f.append(m.substr(i, 1));
    ASSERT_EQ(f.next(frame), status::need_more) << i;
  }
  f.append(m.substr(m.size() - 1));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, m);
}

TEST(stream_framer, pipelined_messages_and_compact_length) {
  stream_framer f;
  std::string frame;
  f.append(msg("one") + msg("two", "l") + msg("", "content-length") + msg("fo").substr(0, 20));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("one"));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("two", "l"));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("", "content-length"));
  EXPECT_EQ(f.next(frame), status::need_more);
  f.append(msg("fo").substr(20));
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("fo"));
}

TEST(stream_framer, keepalive_ping_and_pong) {
  stream_framer f;
  std::string frame;
  f.append("\r\n\r\n");
  EXPECT_EQ(f.next(frame), status::keepalive);
  EXPECT_EQ(f.next(frame), status::need_more);
  f.append("\r\n");
  EXPECT_EQ(f.next(frame), status::pong);
  f.append("\r\n\r\n\r\n" + msg("x"));
  EXPECT_EQ(f.next(frame), status::keepalive);
  EXPECT_EQ(f.next(frame), status::pong);
  EXPECT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, msg("x"));
  f.append("\r\n\r");
  EXPECT_EQ(f.next(frame), status::need_more);
  f.append("\n");
  EXPECT_EQ(f.next(frame), status::keepalive);
}

TEST(stream_framer, missing_content_length_is_fatal) {
  stream_framer f;
  std::string frame;
  f.append(crlf("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/TCP h\n\n"));
  EXPECT_EQ(f.next(frame), status::error);
  EXPECT_EQ(f.error_reason(), "missing Content-Length on a stream");
  EXPECT_EQ(f.next(frame), status::error);  // stays broken: close the connection
}

TEST(stream_framer, invalid_or_conflicting_content_length) {
  std::string frame;
  stream_framer a;
  a.append(crlf("OPTIONS sip:b@h SIP/2.0\nContent-Length: -1\n\n"));
  EXPECT_EQ(a.next(frame), status::error);
  stream_framer b;
  b.append(crlf("OPTIONS sip:b@h SIP/2.0\nContent-Length: 1\nl: 2\n\nxx"));
  EXPECT_EQ(b.next(frame), status::error);
  stream_framer c;
  c.append(crlf("OPTIONS sip:b@h SIP/2.0\nContent-Length:\n 2\n\nxx"));  // folded
  EXPECT_EQ(c.next(frame), status::message);
}

TEST(stream_framer, size_limits) {
  std::string frame;
  stream_framer headers(100);
  headers.append(std::string(101, 'a'));
  EXPECT_EQ(headers.next(frame), status::error);
  EXPECT_EQ(headers.error_reason(), "header section over the size limit");

  stream_framer body(300);
  body.append(msg(std::string(400, 'b')).substr(0, 250));
  EXPECT_EQ(body.next(frame), status::error);
  EXPECT_EQ(body.error_reason(), "message over the size limit");

  const auto exact = msg("12345");
  stream_framer fits(exact.size());
  fits.append(exact);
  EXPECT_EQ(fits.next(frame), status::message);
}

TEST(stream_framer, bare_lf_header_end) {
  stream_framer f;
  std::string frame;
  std::string m = msg("xy");
  std::erase(m, '\r');
  f.append(m);
  ASSERT_EQ(f.next(frame), status::message);
  EXPECT_EQ(frame, m);
}

TEST(stream_framer, stray_cr_between_messages) {
  stream_framer f;
  std::string frame;
  f.append("\rX");
  EXPECT_EQ(f.next(frame), status::error);
}

TEST(stream_framer, long_lived_connection_buffer_stays_bounded) {
  stream_framer f;
  std::string frame;
  const auto m = msg(std::string(500, 'z'));
  for (int i = 0; i < 1000; ++i) {
    f.append(m);
    f.append(m.substr(0, 100));
    ASSERT_EQ(f.next(frame), status::message);
    ASSERT_EQ(f.next(frame), status::need_more);
    f.append(m.substr(100));
    ASSERT_EQ(f.next(frame), status::message);
    ASSERT_EQ(frame, m);
  }
  EXPECT_EQ(f.buffered(), 0u);
}

}  // namespace
}  // namespace voxedge::sip
