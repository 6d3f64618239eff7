#pragma once
// Helpers shared by the SDP tests.
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "media/sdp/sdp_parser.hpp"

namespace voxedge::media::test {

/// Writes test descriptions readably: every "\n" becomes CRLF.
inline std::string crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

/// A golden description under tests/unit/media/sdp/data/ (stored with LF), with CRLF.
inline std::string load_sdp(std::string_view name) {
  std::ifstream in(std::string(VOXEDGE_SOURCE_DIR) + "/tests/unit/media/sdp/data/" + std::string(name),
                   std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return crlf(ss.str());
}

/// Parses text that the test expects to be valid.
inline session_description parse_ok(std::string_view text) {
  auto r = parse_sdp(text);
  if (!r) throw std::runtime_error("unexpected SDP parse error: " + r.error().to_string());
  return std::move(r).value();
}

}  // namespace voxedge::media::test
