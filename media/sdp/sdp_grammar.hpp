#pragma once
// The lexical rules of the SDP grammar (RFC 8866 §9) shared by the parser, the typed
// attributes and the connection data: token characters, digits, base64, and splitting a
// line into its space-separated fields. ASCII only, locale-free.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace voxedge::media::sdp_grammar {

/// token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
constexpr bool is_token_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2a || u == 0x2b || u == 0x2d || u == 0x2e ||
         (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x5e && u <= 0x7e);
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_token(std::string_view s) noexcept;
/// proto = token *("/" token) (RFC 8866 §9).
bool is_proto(std::string_view s) noexcept;
bool is_digits(std::string_view s) noexcept;
/// non-ws-string: visible characters, at least one.
bool is_non_ws_string(std::string_view s) noexcept;
/// 1*(base64 group) with "=" padding only at the end (RFC 4648 §4).
bool is_base64(std::string_view s) noexcept;

/// Cuts the first field off `rest` and skips the white space after it. RFC 8866 separates
/// fields with one SP; peers sometimes send two or a tab, which is tolerated.
std::string_view next_field(std::string_view& rest) noexcept;
/// All fields of `s`, split on runs of SP/HTAB.
std::vector<std::string_view> split_fields(std::string_view s);

/// A decimal number that fits in `max`.
std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept;

}  // namespace voxedge::media::sdp_grammar
