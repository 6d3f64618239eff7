#include "sip/message/uri.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

using abnf::c_alnum;
using abnf::c_hnv_unres;
using abnf::c_mark;
using abnf::c_param_unres;
using abnf::c_passwd;
using abnf::c_user_unres;

constexpr std::uint16_t user_chars = c_alnum | c_mark | c_user_unres;
constexpr std::uint16_t password_chars = c_alnum | c_mark | c_passwd;
constexpr std::uint16_t param_chars = c_alnum | c_mark | c_param_unres;
constexpr std::uint16_t hnv_chars = c_alnum | c_mark | c_hnv_unres;

result<uri, uri_error> bad(const char* what) { return fail(uri_error{what}); }

// Length of the run starting at `pos` of characters in `cls` or '%' (escapes are
// validated separately). `extra` admits one more character.
std::size_t run(std::string_view s, std::size_t pos, std::uint16_t cls, char extra = '\0') {
  std::size_t i = pos;
  while (i < s.size() && (abnf::is(s[i], cls) || s[i] == '%' || (extra != '\0' && s[i] == extra))) ++i;
  return i - pos;
}

bool parse_port(std::string_view s, std::size_t& pos, std::optional<std::uint16_t>& port) {
  const std::size_t len = abnf::span(s, pos, abnf::c_alnum);
  const auto v = abnf::parse_number(s.substr(pos, len), 65535);
  if (!v) return false;
  port = static_cast<std::uint16_t>(*v);
  pos += len;
  return true;
}

// *( ";" uri-parameter ) with pname = 1*paramchar, pvalue = 1*paramchar.
bool parse_uri_params(std::string_view s, std::size_t& pos, param_list& out) {
  while (pos < s.size() && s[pos] == ';') {
    ++pos;
    const std::size_t name_len = run(s, pos, param_chars);
    if (name_len == 0) return false;
    param p;
    p.name.assign(s.substr(pos, name_len));
    pos += name_len;
    if (pos < s.size() && s[pos] == '=') {
      ++pos;
      const std::size_t value_len = run(s, pos, param_chars);
      if (value_len == 0) return false;
      p.value = std::string(s.substr(pos, value_len));
      pos += value_len;
    }
    if (!abnf::valid_escapes(p.name) || (p.value && !abnf::valid_escapes(*p.value))) return false;
    out.items().push_back(std::move(p));
  }
  return true;
}

// "?" hname "=" hvalue *( "&" hname "=" hvalue ).
bool parse_uri_headers(std::string_view s, std::size_t& pos, param_list& out) {
  if (pos >= s.size() || s[pos] != '?') return true;
  do {
    ++pos;
    const std::size_t name_len = run(s, pos, hnv_chars);
    if (name_len == 0) return false;
    param p;
    p.name.assign(s.substr(pos, name_len));
    pos += name_len;
    if (pos < s.size() && s[pos] == '=') {
      ++pos;
      const std::size_t value_len = run(s, pos, hnv_chars);
      p.value = std::string(s.substr(pos, value_len));
      pos += value_len;
    }
    if (!abnf::valid_escapes(p.name) || (p.value && !abnf::valid_escapes(*p.value))) return false;
    out.items().push_back(std::move(p));
  } while (pos < s.size() && s[pos] == '&');
  return true;
}

result<uri, uri_error> parse_sip(std::string_view s, uri u) {
  std::size_t pos = 0;
  // userinfo ends at the first '@': neither host, params nor headers may contain one
  // unescaped, while the user part may contain ';', '?' and '/' (RFC 3261 §25.1
  // user-unreserved, RFC 4475 §3.1.1.9).
  const auto at = s.find('@');
  if (at != std::string_view::npos) {
    const auto userinfo = s.substr(0, at);
    const auto colon = userinfo.find(':');
    const auto user = userinfo.substr(0, colon);
    // '#' is not allowed unescaped, but PBX feature codes ("*21#") send it raw.
    if (user.empty() || run(user, 0, user_chars, '#') != user.size() || !abnf::valid_escapes(user)) {
      return bad("Bad URI user");
    }
    u.user.assign(user);
    if (colon != std::string_view::npos) {
      const auto password = userinfo.substr(colon + 1);
      if (run(password, 0, password_chars) != password.size() || !abnf::valid_escapes(password)) {
        return bad("Bad URI password");
      }
      u.password.assign(password);
    }
    pos = at + 1;
  }
  if (!abnf::parse_host(s, pos, u.host)) return bad("Bad URI host");
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!parse_port(s, pos, u.port)) return bad("Bad URI port");
  }
  if (!parse_uri_params(s, pos, u.params)) return bad("Bad URI parameter");
  if (!parse_uri_headers(s, pos, u.headers)) return bad("Bad URI header");
  if (pos != s.size()) return bad("Bad URI");
  return u;
}

result<uri, uri_error> parse_tel(std::string_view s, uri u) {
  // RFC 3966 §3: global or local number; visual separators and hex digits allowed.
  const auto semi = std::min(s.find(';'), s.size());
  const auto number = s.substr(0, semi);
  if (number.empty() || number.find_first_not_of("0123456789abcdefABCDEF*#+-.()%") != std::string_view::npos ||
      !abnf::valid_escapes(number)) {
    return bad("Bad tel URI");
  }
  u.user.assign(number);
  std::size_t pos = semi;
  if (!parse_uri_params(s, pos, u.params) || pos != s.size()) return bad("Bad tel URI parameter");
  return u;
}

result<uri, uri_error> parse_other(std::string_view scheme, std::string_view s, uri u) {
  // absoluteURI (RFC 3261 §25.1, RFC 2396): kept opaque, but only with URI characters,
  // so it can be written back inside <...> unchanged.
  if (s.empty()) return bad("Bad URI");
  for (char c : s) {
    if (!abnf::is(c, c_alnum | c_mark | c_user_unres | c_param_unres) && c != '%' && c != '@' && c != '#') {
      return bad("Bad URI");
    }
  }
  if (!abnf::valid_escapes(s)) return bad("Bad URI");
  u.scheme = uri_scheme::other;
  u.scheme_name.assign(scheme);
  u.opaque.assign(s);
  return u;
}

void append_escaped(std::string& out, std::string_view s, std::uint16_t cls, char extra = '\0') {
  constexpr char digits[] = "0123456789ABCDEF";
  for (char c : s) {
    if (abnf::is(c, cls) || c == '%' || (extra != '\0' && c == extra)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0x0f];
    }
  }
}

void append_uri_params(std::string& out, const param_list& params) {
  for (const auto& p : params.items()) {
    out += ';';
    append_escaped(out, p.name, param_chars);
    if (p.value) {
      out += '=';
      append_escaped(out, *p.value, param_chars);
    }
  }
}

// A parameter or header list in a canonical form for comparison: names lower-cased and
// unescaped, values unescaped (and lower-cased when `fold_values`), sorted by name, the
// first occurrence of a name winning.
using normalized = std::vector<std::pair<std::string, std::optional<std::string>>>;

normalized normalize(const param_list& list, bool fold_values) {
  normalized out;
  out.reserve(list.size());
  for (const auto& p : list.items()) {
    std::optional<std::string> value;
    if (p.value)
      value = fold_values ? text::to_lower(abnf::normalize_escapes(*p.value)) : abnf::normalize_escapes(*p.value);
    out.emplace_back(text::to_lower(abnf::normalize_escapes(p.name)), std::move(value));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first == y.first; }),
            out.end());
  return out;
}

bool hosts_equal(const uri& a, const uri& b) {
  if (a.host_is_ipv6() && b.host_is_ipv6()) {
    std::array<unsigned char, 16> x{};
    std::array<unsigned char, 16> y{};
    if (abnf::parse_ipv6(a.host, x) && abnf::parse_ipv6(b.host, y)) return x == y;
  }
  return text::iequals(a.host, b.host);
}

// RFC 3261 §19.1.4: parameters present in both must match; user, ttl, method and maddr
// must be present in both or neither. transport is treated the same way, as the RFC's
// own example "sip:bob@biloxi.com" vs "sip:bob@biloxi.com;transport=udp" requires.
bool sip_params_equal(const param_list& a, const param_list& b) {
  static constexpr std::array<std::string_view, 5> must_match = {"user", "ttl", "method", "maddr", "transport"};
  const auto na = normalize(a, true);
  const auto nb = normalize(b, true);
  auto ia = na.begin();
  auto ib = nb.begin();
  auto only_one = [](const std::string& name) {
    return std::find(must_match.begin(), must_match.end(), name) != must_match.end();
  };
  while (ia != na.end() || ib != nb.end()) {
    if (ib == nb.end() || (ia != na.end() && ia->first < ib->first)) {
      if (only_one(ia->first)) return false;
      ++ia;
    } else if (ia == na.end() || ib->first < ia->first) {
      if (only_one(ib->first)) return false;
      ++ib;
    } else {
      if (ia->second != ib->second) return false;
      ++ia;
      ++ib;
    }
  }
  return true;
}

std::string tel_number_key(std::string_view number) {
  // RFC 3966 §4: visual separators are ignored; hex digits compare case-insensitively.
  std::string out;
  for (char c : number) {
    if (c != '-' && c != '.' && c != '(' && c != ')') out += text::ascii_lower(c);
  }
  return out;
}

}  // namespace

std::string uri::host_for_wire() const {
  if (!host_is_ipv6()) return host;
  std::string out;
  out.reserve(host.size() + 2);
  out += '[';
  out += host;
  out += ']';
  return out;
}

void uri::append_to(std::string& out) const {
  switch (scheme) {
    case uri_scheme::other:
      out += scheme_name;
      out += ':';
      out += opaque;
      return;
    case uri_scheme::tel:
      out += "tel:";
      out += user;
      append_uri_params(out, params);
      return;
    case uri_scheme::sip:
    case uri_scheme::sips: break;
  }
  out += scheme == uri_scheme::sips ? "sips:" : "sip:";
  if (!user.empty()) {
    append_escaped(out, user, user_chars, '#');
    if (!password.empty()) {
      out += ':';
      append_escaped(out, password, password_chars);
    }
    out += '@';
  }
  if (host_is_ipv6()) {
    out += '[';
    out += host;
    out += ']';
  } else {
    out += host;
  }
  if (port) {
    out += ':';
    out += std::to_string(*port);
  }
  append_uri_params(out, params);
  headers.append_to(out, '&');
}

std::string uri::to_string() const {
  std::string out;
  out.reserve(host.size() + user.size() + 32);
  append_to(out);
  return out;
}

bool uri_equivalent(const uri& a, const uri& b) {
  if (a.scheme != b.scheme) return false;
  switch (a.scheme) {
    case uri_scheme::other: return text::iequals(a.scheme_name, b.scheme_name) && a.opaque == b.opaque;
    case uri_scheme::tel:
      return tel_number_key(a.user) == tel_number_key(b.user) && normalize(a.params, true) == normalize(b.params, true);
    case uri_scheme::sip:
    case uri_scheme::sips: break;
  }
  // userinfo is case-sensitive; everything else is not (RFC 3261 §19.1.4).
  if (abnf::normalize_escapes(a.user) != abnf::normalize_escapes(b.user)) return false;
  if (abnf::normalize_escapes(a.password) != abnf::normalize_escapes(b.password)) return false;
  if (!hosts_equal(a, b)) return false;
  // "A URI omitting any component with a default value will not match a URI explicitly
  // containing that component with its default value" — so an absent port is not 5060.
  if (a.port != b.port) return false;
  if (!sip_params_equal(a.params, b.params)) return false;
  // Header components are never ignored: both must carry the same set.
  return normalize(a.headers, false) == normalize(b.headers, false);
}

result<uri, uri_error> parse_uri(std::string_view text) {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  std::size_t i = 0;
  while (i < text.size() && (abnf::is(text[i], c_alnum) || text[i] == '+' || text[i] == '-' || text[i] == '.')) ++i;
  if (i == 0 || i >= text.size() || text[i] != ':' || !abnf::is_alpha(text[0])) return bad("Bad URI scheme");
  const auto scheme = text.substr(0, i);
  const auto rest = text.substr(i + 1);
  uri u;
  if (text::iequals(scheme, "sip")) {
    u.scheme = uri_scheme::sip;
    return parse_sip(rest, std::move(u));
  }
  if (text::iequals(scheme, "sips")) {
    u.scheme = uri_scheme::sips;
    return parse_sip(rest, std::move(u));
  }
  if (text::iequals(scheme, "tel")) {
    u.scheme = uri_scheme::tel;
    return parse_tel(rest, std::move(u));
  }
  return parse_other(scheme, rest, std::move(u));
}

}  // namespace voxedge::sip
