#pragma once
// Cuts a TCP/TLS byte stream into SIP messages by Content-Length (RFC 3261 §18.3),
// tolerating partial reads, pipelined messages and CRLF keepalives (RFC 5626 §4.4.1).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voxedge::sip {

class stream_framer {
 public:
  explicit stream_framer(std::size_t max_message_bytes = 65535) : max_(max_message_bytes) {}

  enum class status {
    need_more,  // no complete message yet
    message,    // `frame` holds one complete message (header + body)
    keepalive,  // a CRLFCRLF ping was consumed; answer with CRLF (pong)
    pong,       // a lone CRLF (keepalive response) was consumed. A CRLF with nothing
                // after it yet is taken as a pong rather than waiting: a ping split
                // across two reads is far rarer than a pong arriving alone.
    error,      // framing is broken (no/invalid Content-Length, or over the limit); close
  };

  void append(std::string_view bytes) { buffer_.append(bytes); }
  /// Extracts the next event from the buffered bytes. Call until need_more.
  status next(std::string& frame);
  /// Bytes received but not yet handed out.
  std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }
  /// For status::error: why.
  std::string_view error_reason() const noexcept { return error_; }

 private:
  status fail(std::string_view why);
  void consume(std::size_t n);
  /// Content-Length of the complete header section `head`, or nullopt (sets error_).
  std::optional<std::size_t> content_length(std::string_view head);

  std::string buffer_;
  std::size_t consumed_ = 0;     // bytes of buffer_ already handed out
  std::size_t scan_ = 0;         // where the search for the empty line resumes
  std::size_t header_end_ = 0;   // end of the current message's header section, 0 = unknown
  std::size_t message_len_ = 0;  // header section + body, once header_end_ is known
  std::size_t max_;
  std::string error_;
};

}  // namespace voxedge::sip
