#include "sip/message/stream_framer.hpp"

#include <algorithm>
#include <utility>

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

// Bytes already handed out are dropped once they are most of the buffer, so a long-lived
// connection's buffer stays bounded without a memmove per message.
constexpr std::size_t compact_threshold = 4096;

}  // namespace

void stream_framer::consume(std::size_t n) {
  consumed_ += n;
  scan_ = consumed_;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
    scan_ = 0;
  }
}

stream_framer::status stream_framer::fail(std::string_view why) {
  error_.assign(why);
  return status::error;
}

std::optional<std::size_t> stream_framer::content_length(std::string_view head) {
  std::optional<std::size_t> length;
  std::size_t pos = head.find('\n');  // skip the start line
  while (pos != std::string_view::npos && pos + 1 < head.size()) {
    const std::size_t begin = pos + 1;
    pos = head.find('\n', begin);
    auto line = head.substr(begin, (pos == std::string_view::npos ? head.size() : pos) - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || abnf::is_wsp(line.front())) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = abnf::rtrim(line.substr(0, colon));
    // The compact form "l" counts too (RFC 3261 §7.3.3).
    if (!text::iequals(name, "Content-Length") && !text::iequals(name, "l")) continue;
    std::string value(abnf::trim(line.substr(colon + 1)));
    // Join continuation lines (RFC 3261 §7.3.1), however unlikely on this header.
    while (pos != std::string_view::npos && pos + 1 < head.size() && abnf::is_wsp(head[pos + 1])) {
      const std::size_t next = head.find('\n', pos + 1);
      auto cont = head.substr(pos + 1, (next == std::string_view::npos ? head.size() : next) - pos - 1);
      if (!cont.empty() && cont.back() == '\r') cont.remove_suffix(1);
      cont = abnf::trim(cont);
      value.append(cont);
      pos = next;
    }
    const auto v = text::parse_uint(value);
    if (!v) {
      error_ = "invalid Content-Length";
      return std::nullopt;
    }
    if (length && *length != *v) {
      error_ = "conflicting Content-Length";
      return std::nullopt;
    }
    length = static_cast<std::size_t>(*v);
  }
  // RFC 3261 §18.3: on a stream the header MUST be present; without it the message end
  // cannot be found and the connection is beyond repair.
  if (!length) error_ = "missing Content-Length on a stream";
  return length;
}

stream_framer::status stream_framer::next(std::string& frame) {
  if (!error_.empty()) return status::error;
  if (consumed_ > compact_threshold && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    scan_ -= std::min(scan_, consumed_);
    if (header_end_ != 0) header_end_ -= consumed_;
    consumed_ = 0;
  }
  const std::string_view data = std::string_view(buffer_).substr(consumed_);
  if (data.empty()) return status::need_more;

  if (header_end_ == 0) {
    // Keepalives between messages (RFC 5626 §4.4.1): CRLFCRLF is a ping, CRLF a pong.
    if (data.front() == '\r' || data.front() == '\n') {
      if (data.substr(0, 4) == "\r\n\r\n") {
        consume(4);
        return status::keepalive;
      }
      if (data == "\r" || data == "\r\n\r") return status::need_more;
      if (data.substr(0, 2) == "\r\n") {
        consume(2);
        return status::pong;
      }
      if (data.front() == '\n') {
        consume(1);
        return status::pong;
      }
      return fail("stray CR between messages");
    }
    // Find the empty line that ends the header section, resuming where the last call
    // stopped so a slowly arriving header costs linear time.
    std::size_t line = std::max(scan_, consumed_);
    for (;;) {
      const std::size_t nl = buffer_.find('\n', line);
      if (nl == std::string::npos) {
        scan_ = line;
        if (buffer_.size() - consumed_ > max_) return fail("header section over the size limit");
        return status::need_more;
      }
      const std::size_t len = nl - line;
      if (line > consumed_ && (len == 0 || (len == 1 && buffer_[line] == '\r'))) {
        header_end_ = nl + 1;
        break;
      }
      line = nl + 1;
      if (line - consumed_ > max_) return fail("header section over the size limit");
    }
    const auto length = content_length(std::string_view(buffer_).substr(consumed_, header_end_ - consumed_));
    if (!length) return status::error;
    if (*length > max_ || header_end_ - consumed_ > max_ - *length) return fail("message over the size limit");
    message_len_ = header_end_ - consumed_ + *length;
  }
  if (buffer_.size() - consumed_ < message_len_) return status::need_more;
  frame.assign(buffer_, consumed_, message_len_);
  header_end_ = 0;
  consume(std::exchange(message_len_, 0));
  return status::message;
}

}  // namespace voxedge::sip
