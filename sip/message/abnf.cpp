#include "sip/message/abnf.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "base/text.hpp"

namespace voxedge::sip::abnf {

namespace {

constexpr bool is_value_char(char c) noexcept {
  // gen-value = token / host / quoted-string; host adds ':' and the brackets of an
  // IPv6 reference, and an IPv6address is also accepted bare (Via received, RFC 5118).
  return is_token_char(c) || c == ':' || c == '[' || c == ']';
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr bool is_reserved(char c) noexcept {
  // RFC 3261 §25.1: reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
  switch (c) {
    case ';':
    case '/':
    case '?':
    case ':':
    case '@':
    case '&':
    case '=':
    case '+':
    case '$':
    case ',': return true;
    default: return false;
  }
}

void append_escape(std::string& out, unsigned char b) {
  constexpr char digits[] = "0123456789ABCDEF";
  out += '%';
  out += digits[b >> 4];
  out += digits[b & 0x0f];
}

}  // namespace

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

std::string_view ltrim(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_wsp(s[i])) ++i;
  return s.substr(i);
}

std::string_view rtrim(std::string_view s) noexcept {
  std::size_t n = s.size();
  while (n > 0 && is_wsp(s[n - 1])) --n;
  return s.substr(0, n);
}

std::size_t skip_wsp(std::string_view s, std::size_t& pos) noexcept {
  const std::size_t start = pos;
  while (pos < s.size() && is_wsp(s[pos])) ++pos;
  return pos - start;
}

std::size_t span(std::string_view s, std::size_t pos, std::uint16_t cls) noexcept {
  std::size_t i = pos;
  while (i < s.size() && is(s[i], cls)) ++i;
  return i - pos;
}

std::optional<std::size_t> quoted_string_end(std::string_view s, std::size_t pos) noexcept {
  std::size_t i = pos + 1;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\') {
      // quoted-pair: the backslash escapes exactly one following octet.
      if (i + 1 >= s.size()) return std::nullopt;
      i += 2;
    } else if (c == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

std::string unquote(std::string_view inner) {
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out += inner[i];
  }
  return out;
}

void append_quoted(std::string& out, std::string_view raw) {
  out += '"';
  for (char c : raw) {
    if (c == '\r' || c == '\n') {
      out += ' ';
    } else if (c == '"' || c == '\\' || is_ctl(c)) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  out += '"';
}

bool valid_escapes(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
    i += 2;
  }
  return true;
}

std::string normalize_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      const auto b = static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      const char d = static_cast<char>(b);
      // An escaped reserved character (or '%') keeps its meaning only while escaped.
      if (is_unreserved(d)) {
        out += d;
      } else {
        append_escape(out, b);
      }
      i += 2;
    } else if (is_unreserved(c) || is_reserved(c)) {
      out += c;
    } else {
      append_escape(out, static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept {
  if (s.empty()) return std::nullopt;
  // Stops as soon as the value passes `max`, so with max < 2**60 nothing can overflow.
  const std::uint64_t limit = max < (std::uint64_t{1} << 60) ? max : (std::uint64_t{1} << 60);
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > limit) return std::nullopt;
  }
  return v;
}

bool is_ipv4(std::string_view s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    const std::size_t dot = std::min(s.find('.', i), s.size());
    if (dot - i > 3 || !parse_number(s.substr(i, dot - i), 255)) return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

bool parse_ipv6(std::string_view s, std::array<unsigned char, 16>& bytes) noexcept {
  // inet_pton implements the RFC 4291 text form exactly, which RFC 5118 §4 asks for.
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  return inet_pton(AF_INET6, buf, bytes.data()) == 1;
}

bool parse_host(std::string_view s, std::size_t& pos, std::string& host) {
  if (pos < s.size() && s[pos] == '[') {
    const auto close = s.find(']', pos);
    if (close == std::string_view::npos) return false;
    const auto v6 = s.substr(pos + 1, close - pos - 1);
    std::array<unsigned char, 16> bytes{};
    if (!parse_ipv6(v6, bytes)) return false;
    host.assign(v6);
    pos = close + 1;
    return true;
  }
  const std::size_t len = span(s, pos, c_host);
  if (len == 0) return false;
  const auto h = s.substr(pos, len);
  // All digits and dots can only be an IPv4address: a hostname's top label starts with
  // a letter.
  if (h.find_first_not_of("0123456789.") == std::string_view::npos && !is_ipv4(h)) return false;
  host.assign(h);
  pos += len;
  return true;
}

bool is_plain_value(std::string_view v) noexcept {
  if (v.empty()) return false;
  for (char c : v) {
    if (!is_value_char(c)) return false;
  }
  return true;
}

bool split_list(std::string_view s, std::vector<std::string_view>& out, bool angle_brackets) {
  return for_each_element(s, angle_brackets, [&out](std::string_view e) {
    out.push_back(e);
    return true;
  });
}

bool parse_generic_params(std::string_view s, std::size_t& pos, param_list& out) {
  for (;;) {
    std::size_t p = pos;
    skip_wsp(s, p);
    if (p >= s.size() || s[p] != ';') {
      pos = p;
      return true;
    }
    ++p;
    skip_wsp(s, p);
    const std::size_t name_len = span(s, p, c_token);
    if (name_len == 0) return false;
    param item;
    item.name.assign(s.substr(p, name_len));
    p += name_len;
    std::size_t q = p;
    skip_wsp(s, q);
    if (q < s.size() && s[q] == '=') {
      ++q;
      skip_wsp(s, q);
      if (q < s.size() && s[q] == '"') {
        const auto end = quoted_string_end(s, q);
        if (!end) return false;
        item.value = unquote(s.substr(q + 1, *end - q - 2));
        item.quoted = true;
        p = *end;
      } else {
        std::size_t e = q;
        while (e < s.size() && is_value_char(s[e])) ++e;
        if (e == q) return false;
        item.value = std::string(s.substr(q, e - q));
        p = e;
      }
    }
    out.items().push_back(std::move(item));
    pos = p;
  }
}

void append_header_params(std::string& out, const param_list& params) {
  for (const auto& p : params.items()) {
    out += ';';
    out += p.name;
    if (!p.value) continue;
    out += '=';
    if (p.quoted || !is_plain_value(*p.value)) {
      append_quoted(out, *p.value);
    } else {
      out += *p.value;
    }
  }
}

}  // namespace voxedge::sip::abnf
