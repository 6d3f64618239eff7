#pragma once
// Helpers shared by the SIP message tests.
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace voxedge::sip::test {

/// A file under tests/unit/sip/message/, as bytes.
inline std::string load_fixture(std::string_view relative) {
  std::ifstream in(std::string(VOXEDGE_SOURCE_DIR) + "/tests/unit/sip/message/" + std::string(relative),
                   std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes test messages readably: every "\n" becomes CRLF.
inline std::string crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace voxedge::sip::test
