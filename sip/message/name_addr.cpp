#include "sip/message/name_addr.hpp"

#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

result<name_addr, uri_error> bad(const char* what) { return fail(uri_error{what}); }

// display-name = *(token LWS) / quoted-string (RFC 3261 §25.1): an unquoted display
// name is a sequence of tokens; separators (a comma, RFC 4475 §3.1.2.15) must be quoted.
// Non-ASCII bytes are tolerated: phones send unquoted UTF-8 names ("Müller <sip:...>"),
// and they cannot be mistaken for any delimiter.
bool is_token_sequence(std::string_view s) {
  for (char c : s) {
    if (!abnf::is_token_char(c) && !abnf::is_wsp(c) && static_cast<unsigned char>(c) < 0x80) return false;
  }
  return true;
}

}  // namespace

bool name_addr::empty() const noexcept {
  return display_name.empty() && params.empty() && address.scheme == uri_scheme::sip && address.user.empty() &&
         address.host.empty() && address.params.empty() && address.headers.empty();
}

void name_addr::append_to(std::string& out) const {
  if (!display_name.empty()) {
    abnf::append_quoted(out, display_name);
    out += ' ';
  }
  out += '<';
  address.append_to(out);
  out += '>';
  abnf::append_header_params(out, params);
}

std::string name_addr::to_string() const {
  std::string out;
  out.reserve(display_name.size() + address.host.size() + address.user.size() + 48);
  append_to(out);
  return out;
}

result<name_addr, uri_error> parse_name_addr(std::string_view text) {
  const auto s = abnf::trim(text);
  if (s.empty()) return bad("Empty address");
  name_addr na;
  std::size_t pos = 0;
  std::size_t lt = std::string_view::npos;
  if (s[0] == '"') {
    const auto end = abnf::quoted_string_end(s, 0);
    if (!end) return bad("Unterminated quoted display name");
    na.display_name = abnf::unquote(s.substr(1, *end - 2));
    pos = *end;
    abnf::skip_wsp(s, pos);
    if (pos >= s.size() || s[pos] != '<') return bad("Bad address after display name");
    lt = pos;
  } else {
    // Which form is it? The first of '<', '"' or ';' decides: an addr-spec holds no '<'
    // and its header parameters start at the first ';' (RFC 3261 §20.10).
    const auto first = s.find_first_of("<\";");
    if (first != std::string_view::npos && s[first] == '<') {
      const auto display = abnf::rtrim(s.substr(0, first));
      if (!is_token_sequence(display)) return bad("Bad display name");
      na.display_name.assign(display);
      lt = first;
    } else if (first != std::string_view::npos && s[first] == '"') {
      return bad("Bad display name");
    }
  }
  if (lt != std::string_view::npos) {
    const auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) return bad("Unterminated <URI>");
    // No LWS is allowed inside the brackets (RFC 4475 §3.1.2.14): parse_uri refuses it.
    auto u = parse_uri(s.substr(lt + 1, gt - lt - 1));
    if (!u) return fail(std::move(u).error());
    na.address = std::move(u).value();
    pos = gt + 1;
  } else {
    std::size_t end = 0;
    while (end < s.size() && s[end] != ';' && !abnf::is_wsp(s[end])) ++end;
    const auto spec = s.substr(0, end);
    // A URI with headers, or with ',' or ';' of its own, must be in name-addr form
    // (RFC 3261 §20, RFC 4475 §3.1.2.13).
    if (spec.find_first_of("?,") != std::string_view::npos) return bad("addr-spec needs <...>");
    auto u = parse_uri(spec);
    if (!u) return fail(std::move(u).error());
    na.address = std::move(u).value();
    pos = end;
  }
  if (!abnf::parse_generic_params(s, pos, na.params)) return bad("Bad header parameter");
  if (pos != s.size()) return bad("Trailing characters after address");
  return na;
}

result<std::vector<name_addr>, uri_error> parse_name_addr_list(std::string_view text) {
  std::vector<name_addr> out;
  uri_error error{"Unbalanced quotes or brackets"};
  const bool ok = abnf::for_each_element(text, true, [&](std::string_view part) {
    auto na = parse_name_addr(part);
    if (!na) {
      error = std::move(na).error();
      return false;
    }
    out.push_back(std::move(na).value());
    return true;
  });
  if (!ok) return fail(std::move(error));
  return out;
}

}  // namespace voxedge::sip
