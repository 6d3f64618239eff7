#include "media/sdp/connection_data.hpp"

#include <arpa/inet.h>

#include <array>

#include "base/text.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

namespace {

bool is_ipv4(std::string_view s) noexcept {
  // inet_pton wants a NUL-terminated string; an IPv4 literal is at most 15 characters.
  if (s.empty() || s.size() > 15) return false;
  std::array<char, 16> buf{};
  s.copy(buf.data(), s.size());
  std::array<unsigned char, 4> out{};
  return ::inet_pton(AF_INET, buf.data(), out.data()) == 1;
}

bool is_ipv6(std::string_view s) noexcept {
  if (s.empty() || s.size() > 45) return false;
  std::array<char, 46> buf{};
  s.copy(buf.data(), s.size());
  std::array<unsigned char, 16> out{};
  return ::inet_pton(AF_INET6, buf.data(), out.data()) == 1;
}

// FQDN = 4*(alpha-numeric / "-" / ".") (RFC 8866 §9), read loosely: any length, '_'
// admitted (seen in the wild), but at least one letter so that a malformed dotted quad
// ("1.2.3", "300.1.1.1") is not mistaken for a name.
bool is_host_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') return false;
  bool letter = false;
  for (char c : s) {
    if (sdp_grammar::is_alpha(c)) {
      letter = true;
    } else if (!sdp_grammar::is_digit(c) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return letter;
}

}  // namespace

bool sdp_connection::is_ip4() const noexcept {
  return text::iequals(net_type, "IN") && text::iequals(addr_type, "IP4");
}

bool sdp_connection::is_ip6() const noexcept {
  return text::iequals(net_type, "IN") && text::iequals(addr_type, "IP6");
}

bool sdp_connection::is_unspecified() const noexcept {
  if (is_ip4()) return address == "0.0.0.0";
  if (!is_ip6() || !is_ipv6(address)) return false;
  std::array<char, 46> buf{};
  address.copy(buf.data(), address.size());
  std::array<unsigned char, 16> out{};
  if (::inet_pton(AF_INET6, buf.data(), out.data()) != 1) return false;
  for (auto b : out) {
    if (b != 0) return false;
  }
  return true;
}

void sdp_connection::append_to(std::string& out) const {
  out += net_type;
  out += ' ';
  out += addr_type;
  out += ' ';
  out += address;
  if (ttl) {
    out += '/';
    out += std::to_string(*ttl);
  }
  if (address_count) {
    out += '/';
    out += std::to_string(*address_count);
  }
}

std::string sdp_connection::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

sdp_connection make_connection(std::string address) {
  sdp_connection c;
  c.addr_type = address.find(':') != std::string::npos ? "IP6" : "IP4";
  c.address = std::move(address);
  return c;
}

address_kind classify_address(std::string_view s) noexcept {
  if (is_ipv4(s)) return address_kind::ipv4;
  if (s.find(':') != std::string_view::npos) return is_ipv6(s) ? address_kind::ipv6 : address_kind::invalid;
  return is_host_name(s) ? address_kind::fqdn : address_kind::invalid;
}

result<sdp_connection, std::string_view> parse_connection(std::string_view text, bool multicast_suffix) {
  const auto fields = sdp_grammar::split_fields(text);
  if (fields.size() != 3) return fail(std::string_view("expected <nettype> <addrtype> <address>"));
  sdp_connection c;
  if (!sdp_grammar::is_token(fields[0]) || !sdp_grammar::is_token(fields[1])) {
    return fail(std::string_view("bad nettype or addrtype"));
  }
  c.net_type.assign(fields[0]);
  c.addr_type.assign(fields[1]);
  auto addr = fields[2];
  if (!c.is_ip4() && !c.is_ip6()) {
    // Another network or address type (an IANA registry of RFC 8866 §8): kept opaque.
    if (!sdp_grammar::is_non_ws_string(addr)) return fail(std::string_view("bad address"));
    c.address.assign(addr);
    return c;
  }
  const auto slash = addr.find('/');
  if (slash != std::string_view::npos) {
    if (!multicast_suffix) return fail(std::string_view("unexpected '/' in a unicast address"));
    auto suffix = addr.substr(slash + 1);
    addr = addr.substr(0, slash);
    const auto second = suffix.find('/');
    const auto first_part = suffix.substr(0, second);
    const auto v1 = sdp_grammar::parse_number(first_part, UINT32_MAX);
    if (!v1) return fail(std::string_view("bad multicast TTL or address count"));
    if (c.is_ip4()) {
      // IP4: "/<ttl>[/<number of addresses>]"; the TTL is 0..255 (RFC 8866 §5.7).
      if (*v1 > 255) return fail(std::string_view("multicast TTL above 255"));
      c.ttl = static_cast<std::uint32_t>(*v1);
      if (second != std::string_view::npos) {
        const auto v2 = sdp_grammar::parse_number(suffix.substr(second + 1), UINT32_MAX);
        if (!v2 || *v2 == 0) return fail(std::string_view("bad multicast address count"));
        c.address_count = static_cast<std::uint32_t>(*v2);
      }
    } else {
      // IP6 has no TTL: "/<number of addresses>" only.
      if (second != std::string_view::npos || *v1 == 0) return fail(std::string_view("bad multicast address count"));
      c.address_count = static_cast<std::uint32_t>(*v1);
    }
  }
  const auto kind = classify_address(addr);
  if (kind == address_kind::invalid) return fail(std::string_view("bad address"));
  if (c.is_ip4() && kind == address_kind::ipv6) return fail(std::string_view("IPv6 address with addrtype IP4"));
  if (c.is_ip6() && kind == address_kind::ipv4) return fail(std::string_view("IPv4 address with addrtype IP6"));
  c.address.assign(addr);
  return c;
}

}  // namespace voxedge::media
