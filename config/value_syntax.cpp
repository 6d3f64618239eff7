#include "config/value_syntax.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <regex>

#include "base/text.hpp"

namespace voxedge::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

// inet_pton wants a NUL-terminated string; the literal is copied once.
struct ip_bytes {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  std::size_t size = 0;
};

std::optional<ip_bytes> parse_ip(std::string_view s) {
  const std::string text(s);
  ip_bytes out;
  if (inet_pton(AF_INET, text.c_str(), out.bytes.data()) == 1) {
    out.family = AF_INET;
    out.size = 4;
    return out;
  }
  if (inet_pton(AF_INET6, text.c_str(), out.bytes.data()) == 1) {
    out.family = AF_INET6;
    out.size = 16;
    return out;
  }
  return std::nullopt;
}

enum class cidr_problem { none, syntax, host_bits };

cidr_problem check_cidr(std::string_view s) {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) return cidr_problem::syntax;
  const auto ip = parse_ip(s.substr(0, slash));
  if (!ip) return cidr_problem::syntax;
  const auto bits = text::parse_uint(s.substr(slash + 1), ip->size * 8);
  if (!bits) return cidr_problem::syntax;
  // Host bits set usually means the wrong prefix length was typed, so refuse to guess.
  for (std::size_t bit = *bits; bit < ip->size * 8; ++bit) {
    if (ip->bytes[bit / 8] & (0x80U >> (bit % 8))) return cidr_problem::host_bits;
  }
  return cidr_problem::none;
}

}  // namespace

std::optional<std::string> canonical_ip(std::string_view s) {
  const auto ip = parse_ip(s);
  if (!ip) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (inet_ntop(ip->family, ip->bytes.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
  return std::string(buf.data());
}

bool is_ip_literal(std::string_view s) { return parse_ip(s).has_value(); }

bool is_cidr(std::string_view s) { return check_cidr(s) == cidr_problem::none; }

bool is_host_name(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);  // absolute form
  if (s.empty() || s.size() > 253) return false;
  std::string_view last;
  while (!s.empty()) {
    const auto dot = s.find('.');
    const auto label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
    if (s.empty()) return false;  // "a..b" or a trailing dot after the first strip
  }
  return !all_digits(last);
}

bool is_sip_uri(std::string_view s) {
  for (std::string_view scheme : {"sip:", "sips:"}) {
    if (text::istarts_with(s, scheme)) return s.size() > scheme.size();
  }
  return false;
}

bool is_e164(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s.front() != '+') return false;
  return all_digits(s.substr(1));
}

std::string check_non_empty(std::string_view s) { return s.empty() ? "expected a non-empty string" : ""; }

std::string check_ip(std::string_view s) {
  return is_ip_literal(s) ? "" : "expected an IPv4 or IPv6 address, got " + quoted(s);
}

std::string check_optional_ip(std::string_view s) { return s.empty() ? "" : check_ip(s); }

std::string check_source_pattern(std::string_view s) {
  if (s.find('/') != std::string_view::npos) {
    switch (check_cidr(s)) {
      case cidr_problem::none:
        return "";
      case cidr_problem::host_bits:
        return "CIDR " + quoted(s) + " has bits set after the prefix length";
      case cidr_problem::syntax:
        return "expected a CIDR such as 203.0.113.0/24 or 2001:db8::/32, got " + quoted(s);
    }
  }
  if (is_ip_literal(s) || is_host_name(s)) return "";
  return "expected a CIDR, an IP address or a host name, got " + quoted(s);
}

std::string check_sip_uri(std::string_view s) {
  return is_sip_uri(s) ? "" : "expected a sip: or sips: URI, got " + quoted(s);
}

std::string check_dns_server(std::string_view s) {
  const std::string problem = "expected a DNS server as ip, ip:port or [ipv6]:port, got " + quoted(s);
  if (is_ip_literal(s)) return "";
  std::string_view host;
  std::string_view port;
  if (s.starts_with('[')) {
    const auto close = s.find("]:");
    if (close == std::string_view::npos) return problem;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return problem;
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || s.find(':') != colon) return problem;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (!is_ip_literal(host) || port.empty() || port.size() > 5 || !all_digits(port)) return problem;
  const auto n = std::stoul(std::string(port));
  return n >= 1 && n <= 65535 ? "" : problem;
}

std::string check_e164(std::string_view s) {
  return is_e164(s) ? "" : "expected an E.164 number ('+' then 8 to 15 digits), got " + quoted(s);
}

std::string check_digits(std::string_view s) {
  return all_digits(s) ? "" : "expected digits only, got " + quoted(s);
}

std::string check_number_prefix(std::string_view s) {
  const auto digits = !s.empty() && s.front() == '+' ? s.substr(1) : s;
  return !digits.empty() && all_digits(digits) ? "" : "expected digits with an optional leading '+', got " + quoted(s);
}

std::string check_regex(std::string_view s) {
  try {
    const std::regex compiled(s.begin(), s.end(), std::regex::ECMAScript);
    return "";
  } catch (const std::regex_error& e) {
    return "invalid regular expression " + quoted(s) + ": " + e.what();
  }
}

std::optional<route_source> parse_route_source(std::string_view s) {
  if (s == "any") return route_source{route_source::kind::any, {}};
  if (s == "user") return route_source{route_source::kind::user, {}};
  if (const auto t = parse_route_target(s)) {
    return route_source{t->type == route_target::kind::trunk ? route_source::kind::trunk : route_source::kind::endpoint,
                        t->name};
  }
  return std::nullopt;
}

std::optional<route_target> parse_route_target(std::string_view s) {
  constexpr std::string_view trunk_prefix = "trunk:";
  constexpr std::string_view endpoint_prefix = "endpoint:";
  if (s.starts_with(trunk_prefix) && s.size() > trunk_prefix.size()) {
    return route_target{route_target::kind::trunk, std::string(s.substr(trunk_prefix.size()))};
  }
  if (s.starts_with(endpoint_prefix) && s.size() > endpoint_prefix.size()) {
    return route_target{route_target::kind::endpoint, std::string(s.substr(endpoint_prefix.size()))};
  }
  return std::nullopt;
}

}  // namespace voxedge::config
