#include "media/sdp/sdp_grammar.hpp"

#include "base/text.hpp"

namespace voxedge::media::sdp_grammar {

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

bool is_proto(std::string_view s) noexcept {
  if (s.empty()) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = s.find('/', start);
    if (!is_token(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool is_non_ws_string(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

bool is_base64(std::string_view s) noexcept {
  if (s.empty() || s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad != 0) return false;  // padding only at the end
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '/') return false;
  }
  return pad <= 2;
}

std::string_view next_field(std::string_view& rest) noexcept {
  std::size_t end = 0;
  while (end < rest.size() && !is_wsp(rest[end])) ++end;
  const auto field = rest.substr(0, end);
  while (end < rest.size() && is_wsp(rest[end])) ++end;
  rest.remove_prefix(end);
  return field;
}

std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty()) out.push_back(next_field(s));
  return out;
}

std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept {
  return text::parse_uint(s, max);
}

}  // namespace voxedge::media::sdp_grammar
