#pragma once
// Small text helpers shared by the parsers: ASCII-only, locale-free, allocation-free
// unless they return a std::string.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxedge::text {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
constexpr char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

/// Strips SP and HTAB (and CR/LF) from both ends.
std::string_view trim(std::string_view s) noexcept;

/// Parses a decimal unsigned integer made only of digits that fits in `max`.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max = UINT64_MAX) noexcept;

/// Case-insensitive hash and equality for unordered containers keyed by header names.
struct ihash {
  std::size_t operator()(std::string_view s) const noexcept;
};
struct iequal {
  bool operator()(std::string_view a, std::string_view b) const noexcept { return iequals(a, b); }
};

}  // namespace voxedge::text
