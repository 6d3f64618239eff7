#include "sip/message/auth_header.hpp"

#include <array>

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

result<auth_header, uri_error> bad(const char* what) { return fail(uri_error{what}); }

// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="  (RFC 7235
// §2.1), the form of Bearer credentials (RFC 6750 §2.1).
bool is_token68(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && (abnf::is(s[i], abnf::c_alnum) || s[i] == '-' || s[i] == '.' || s[i] == '_' || s[i] == '~' ||
                          s[i] == '+' || s[i] == '/')) {
    ++i;
  }
  if (i == 0) return false;
  while (i < s.size() && s[i] == '=') ++i;
  return i == s.size();
}

// Digest parameters whose values RFC 7616 §3.3-§3.5 (and RFC 3261 §25.1) write as
// quoted-strings.
bool always_quoted(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 9> names = {"realm",  "nonce",  "uri",      "response", "cnonce",
                                                            "opaque", "domain", "username", "nextnonce"};
  for (auto n : names) {
    if (text::iequals(n, name)) return true;
  }
  return text::iequals(name, "rspauth");
}

bool never_quoted(std::string_view name) noexcept {
  return text::iequals(name, "algorithm") || text::iequals(name, "nc") || text::iequals(name, "stale") ||
         text::iequals(name, "charset") || text::iequals(name, "userhash");
}

// auth-param *(COMMA auth-param); auth-param = name EQUAL ( token / quoted-string ).
// Empty list elements are skipped (RFC 7235 §2.1 #rule), and so is folding left in a
// value not taken from the parser. Unquoted values are read up to the next comma or
// white space: some clients send uri=sip:... unquoted.
bool parse_params(std::string_view s, param_list& out) {
  std::size_t pos = 0;
  for (;;) {
    while (pos < s.size() && (abnf::is_wsp(s[pos]) || s[pos] == ',' || s[pos] == '\r' || s[pos] == '\n')) ++pos;
    if (pos >= s.size()) return true;
    const std::size_t name_len = abnf::span(s, pos, abnf::c_token);
    if (name_len == 0) return false;
    param p;
    p.name.assign(s.substr(pos, name_len));
    pos += name_len;
    abnf::skip_wsp(s, pos);
    if (pos >= s.size() || s[pos] != '=') return false;
    ++pos;
    abnf::skip_wsp(s, pos);
    if (pos < s.size() && s[pos] == '"') {
      const auto end = abnf::quoted_string_end(s, pos);
      if (!end) return false;
      p.value = abnf::unquote(s.substr(pos + 1, *end - pos - 2));
      p.quoted = true;
      pos = *end;
    } else {
      const std::size_t start = pos;
      while (pos < s.size() && s[pos] != ',' && !abnf::is_wsp(s[pos]) && !abnf::is_ctl(s[pos]) && s[pos] != '"') ++pos;
      p.value = std::string(s.substr(start, pos - start));
    }
    out.items().push_back(std::move(p));
    abnf::skip_wsp(s, pos);
    if (pos < s.size() && s[pos] != ',') return false;
  }
}

}  // namespace

std::string auth_header::to_string() const {
  std::string out = scheme;
  if (!token.empty()) {
    out += ' ';
    out += token;
    return out;
  }
  // qop is a quoted list in a challenge but a bare token in credentials, which are the
  // ones carrying a response (RFC 7616 §3.3 vs §3.4).
  const bool credentials = params.has("response");
  bool first = true;
  for (const auto& p : params.items()) {
    out += first ? " " : ", ";
    first = false;
    out += p.name;
    out += '=';
    const std::string_view v = p.value ? std::string_view(*p.value) : std::string_view{};
    bool quote = p.quoted || !abnf::is_token(v);
    if (always_quoted(p.name)) quote = true;
    if (text::iequals(p.name, "qop")) quote = !credentials || !abnf::is_token(v);
    if (never_quoted(p.name) && abnf::is_token(v)) quote = false;
    if (quote) {
      abnf::append_quoted(out, v);
    } else {
      out += v;
    }
  }
  return out;
}

result<auth_header, uri_error> parse_auth_header(std::string_view text) {
  const auto s = abnf::trim(text);
  auth_header h;
  const std::size_t scheme_len = abnf::span(s, 0, abnf::c_token);
  if (scheme_len == 0) return bad("Bad auth scheme");
  h.scheme.assign(s.substr(0, scheme_len));
  if (scheme_len == s.size()) return h;
  if (!abnf::is_wsp(s[scheme_len])) return bad("Bad auth scheme");
  const auto rest = abnf::trim(s.substr(scheme_len));
  if (!text::iequals(h.scheme, "Digest") && is_token68(rest)) {
    h.token.assign(rest);
    return h;
  }
  if (!parse_params(rest, h.params)) return bad("Bad auth parameter");
  return h;
}

}  // namespace voxedge::sip
