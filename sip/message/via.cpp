#include "sip/message/via.hpp"

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

result<via, uri_error> bad(const char* what) { return fail(uri_error{what}); }

// Reads a token after optional LWS. SLASH and COLON allow LWS on both sides (RFC 3261
// §25.1), which RFC 4475 §3.1.1.1 exercises ("SIP  /   2.0 /UDP").
std::string_view token_at(std::string_view s, std::size_t& pos) {
  abnf::skip_wsp(s, pos);
  const std::size_t len = abnf::span(s, pos, abnf::c_token);
  const auto t = s.substr(pos, len);
  pos += len;
  return t;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  abnf::skip_wsp(s, pos);
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// via-parm = sent-protocol LWS sent-by *( SEMI via-params )   (RFC 3261 §20.42, §25.1)
result<via, uri_error> parse_one(std::string_view s) {
  via v;
  std::size_t pos = 0;
  const auto name = token_at(s, pos);
  if (name.empty() || !expect(s, pos, '/')) return bad("Bad Via protocol");
  const auto version = token_at(s, pos);
  if (version.empty() || !expect(s, pos, '/')) return bad("Bad Via protocol");
  const auto transport = token_at(s, pos);
  if (transport.empty()) return bad("Bad Via transport");
  v.protocol.reserve(name.size() + version.size() + 1);
  v.protocol.assign(name).append("/").append(version);
  v.transport = text::to_upper(transport);
  if (abnf::skip_wsp(s, pos) == 0) return bad("Bad Via sent-by");
  // sent-by = host [ COLON port ]
  if (!abnf::parse_host(s, pos, v.host)) return bad("Bad Via host");
  std::size_t p = pos;
  abnf::skip_wsp(s, p);
  if (p < s.size() && s[p] == ':') {
    ++p;
    abnf::skip_wsp(s, p);
    const std::size_t len = abnf::span(s, p, abnf::c_alnum);
    const auto port = abnf::parse_number(s.substr(p, len), 65535);
    if (!port) return bad("Bad Via port");
    v.port = static_cast<std::uint16_t>(*port);
    pos = p + len;
  }
  if (!abnf::parse_generic_params(s, pos, v.params)) return bad("Bad Via parameter");
  if (pos != s.size()) return bad("Bad Via");
  return v;
}

}  // namespace

bool via::rfc3261_branch() const noexcept {
  const auto b = branch();
  return b.size() > branch_magic_cookie.size() && b.substr(0, branch_magic_cookie.size()) == branch_magic_cookie;
}

std::optional<std::uint16_t> via::rport() const noexcept {
  const auto v = params.get("rport");
  if (!v || v->empty()) return std::nullopt;
  const auto value = abnf::parse_number(*v, 65535);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

void via::append_to(std::string& out) const {
  out += protocol;
  out += '/';
  out += transport;
  out += ' ';
  if (host.find(':') != std::string::npos) {
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
  abnf::append_header_params(out, params);
}

std::string via::to_string() const {
  std::string out;
  out.reserve(protocol.size() + host.size() + 64);
  append_to(out);
  return out;
}

result<std::vector<via>, uri_error> parse_via_list(std::string_view text) {
  std::vector<via> out;
  uri_error error{"Unterminated quoted string in Via"};
  const bool ok = abnf::for_each_element(text, false, [&](std::string_view part) {
    auto v = parse_one(part);
    if (!v) {
      error = std::move(v).error();
      return false;
    }
    out.push_back(std::move(v).value());
    return true;
  });
  if (!ok) return fail(std::move(error));
  return out;
}

}  // namespace voxedge::sip
