#pragma once
// The basic rules of the SIP grammar (RFC 3261 §25.1): character classes, linear white
// space, quoted strings, escapes and generic parameters, shared by the URI, name-addr,
// Via, auth and message parsers. Everything here works on string_views into the input
// and never allocates unless it returns a std::string.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message/param_list.hpp"

namespace voxedge::sip::abnf {

enum char_class : std::uint16_t {
  c_alnum = 1 << 0,
  c_mark = 1 << 1,         // - _ . ! ~ * ' ( )
  c_token = 1 << 2,        // alphanum - . ! % * _ + ` ' ~
  c_user_unres = 1 << 3,   // & = + $ , ; ? /
  c_passwd = 1 << 4,       // & = + $ ,
  c_param_unres = 1 << 5,  // [ ] / : & + $
  c_hnv_unres = 1 << 6,    // [ ] / ? : + $
  c_hex = 1 << 7,
  c_host = 1 << 8,  // alphanum - . and '_' (seen in the wild in host names)
  c_wsp = 1 << 9,   // SP HTAB
};

namespace detail {
constexpr std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> t{};
  auto add = [&t](std::string_view chars, std::uint16_t cls) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= cls;
  };
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (digit || alpha) t[static_cast<std::size_t>(c)] |= c_alnum | c_token | c_host;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) t[static_cast<std::size_t>(c)] |= c_hex;
  }
  add("-_.!~*'()", c_mark);
  add("-.!%*_+`'~", c_token);
  add("&=+$,;?/", c_user_unres);
  add("&=+$,", c_passwd);
  add("[]/:&+$", c_param_unres);
  add("[]/?:+$", c_hnv_unres);
  add("-._", c_host);
  add(" \t", c_wsp);
  return t;
}
inline constexpr std::array<std::uint16_t, 256> table = make_table();
}  // namespace detail

constexpr bool is(char c, std::uint16_t cls) noexcept {
  return (detail::table[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_token_char(char c) noexcept { return is(c, c_token); }
constexpr bool is_unreserved(char c) noexcept { return is(c, c_alnum | c_mark); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/// Control characters that may never appear raw in a header value (HTAB excepted).
constexpr bool is_ctl(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7f;
}

bool is_token(std::string_view s) noexcept;

std::string_view ltrim(std::string_view s) noexcept;
std::string_view rtrim(std::string_view s) noexcept;
inline std::string_view trim(std::string_view s) noexcept { return rtrim(ltrim(s)); }

/// Advances `pos` over SP/HTAB; returns how many were skipped.
std::size_t skip_wsp(std::string_view s, std::size_t& pos) noexcept;
/// Length of the run of characters of class `cls` starting at `pos`.
std::size_t span(std::string_view s, std::size_t pos, std::uint16_t cls) noexcept;

/// `s[pos]` is '"': returns the index just past the closing quote, honouring
/// quoted-pairs (RFC 3261 §25.1), or nullopt when the string is unterminated.
std::optional<std::size_t> quoted_string_end(std::string_view s, std::size_t pos) noexcept;
/// The content of a quoted string (without the quotes), with quoted-pairs resolved.
std::string unquote(std::string_view inner);
/// Writes `raw` as a quoted-string, escaping '"', '\' and control characters with
/// quoted-pairs. CR and LF cannot be represented (RFC 3261 §25.1 quoted-pair excludes
/// them) and are written as SP, so no value can ever inject a header line.
void append_quoted(std::string& out, std::string_view raw);

/// Every '%' is followed by two hex digits (RFC 3261 §25.1 `escaped`).
bool valid_escapes(std::string_view s) noexcept;
/// Decodes %HH escapes of characters outside the `reserved` set and upper-cases the hex
/// of those kept, so that two spellings of the same URI component compare equal
/// (RFC 3261 §19.1.4: "characters other than those in the reserved set are equivalent
/// to their % HEX HEX encoding").
std::string normalize_escapes(std::string_view s);

/// A decimal number made only of digits, not above `max`; leading zeros allowed. Cheaper
/// than text::parse_uint (no division per digit) for the many small numbers in SIP.
std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept;

/// IPv4address (RFC 3261 §25.1): four decimal octets.
bool is_ipv4(std::string_view s) noexcept;
/// IPv6address in RFC 4291 text form (RFC 5118 §4); `bytes` receives the address.
bool parse_ipv6(std::string_view s, std::array<unsigned char, 16>& bytes) noexcept;
/// host = hostname / IPv4address / IPv6reference at `pos`; stores IPv6 without brackets
/// and advances `pos`. Host names may also contain '_' (seen in the wild).
bool parse_host(std::string_view s, std::size_t& pos, std::string& host);

/// A gen-value that can be written without quotes: token, host or IPv6 reference.
bool is_plain_value(std::string_view v) noexcept;

/// Calls `f(element)` for each element of a comma-separated header value (RFC 3261
/// §7.3.1), ignoring commas inside quoted strings and, when `angle_brackets`, inside
/// <...>. Elements are trimmed. Stops and returns false when `f` returns false or on an
/// unterminated quoted string or bracket. Allocates nothing.
template <class F>
bool for_each_element(std::string_view s, bool angle_brackets, F&& f) {
  std::size_t start = 0;
  std::size_t i = 0;
  bool in_angle = false;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      const auto end = quoted_string_end(s, i);
      if (!end) return false;
      i = *end;
      continue;
    }
    if (angle_brackets && c == '<') {
      in_angle = true;
    } else if (angle_brackets && c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      if (!f(trim(s.substr(start, i - start)))) return false;
      start = i + 1;
    }
    ++i;
  }
  if (in_angle) return false;
  return f(trim(s.substr(start)));
}

/// for_each_element collecting the elements into `out`.
bool split_list(std::string_view s, std::vector<std::string_view>& out, bool angle_brackets);

/// Parses `*( SEMI generic-param )` starting at `pos` (RFC 3261 §25.1: SEMI and EQUAL
/// allow surrounding LWS; gen-value = token / host / quoted-string). Stops at the first
/// character that cannot start another parameter and leaves `pos` there. Returns false
/// on a malformed parameter (empty name, empty value, unterminated quote).
bool parse_generic_params(std::string_view s, std::size_t& pos, param_list& out);

/// Writes ";name=value" for each header parameter, quoting values that were quoted or
/// that need it.
void append_header_params(std::string& out, const param_list& params);

}  // namespace voxedge::sip::abnf
