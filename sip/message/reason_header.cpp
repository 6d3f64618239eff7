#include "sip/message/reason_header.hpp"

#include "base/text.hpp"
#include "sip/message/abnf.hpp"
#include "sip/message/param_list.hpp"

namespace voxedge::sip {

std::string reason::to_string() const {
  std::string out(proto == protocol::sip ? "SIP" : "Q.850");
  out += ";cause=";
  out += std::to_string(cause);
  out += ";text=\"";
  for (const char c : text) {
    if (abnf::is_ctl(c) || c == '\t') continue;  // a quoted-string holds no CTLs (RFC 3261 §25.1)
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::optional<reason> parse_reason(std::string_view value) {
  std::size_t pos = 0;
  abnf::skip_wsp(value, pos);
  const std::size_t length = abnf::span(value, pos, abnf::c_token);
  const std::string_view name = value.substr(pos, length);
  pos += length;
  reason r;
  if (text::iequals(name, "SIP")) {
    r.proto = reason::protocol::sip;
  } else if (text::iequals(name, "Q.850")) {
    r.proto = reason::protocol::q850;
  } else {
    return std::nullopt;
  }
  param_list params;
  if (!abnf::parse_generic_params(value, pos, params)) return std::nullopt;
  abnf::skip_wsp(value, pos);
  if (pos != value.size()) return std::nullopt;
  const auto cause = params.get("cause");
  if (!cause || cause->size() > 5) return std::nullopt;
  const auto number = abnf::parse_number(*cause, 99'999);
  if (!number) return std::nullopt;
  r.cause = static_cast<std::uint32_t>(*number);
  if (const auto t = params.get("text")) r.text = std::string(*t);
  return r;
}

}  // namespace voxedge::sip
