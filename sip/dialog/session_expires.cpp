#include "sip/dialog/session_expires.hpp"

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

// delta-seconds = 1*DIGIT (RFC 3261 §25.1), then the parameters; returns the number and
// leaves the parameters in `params`.
std::optional<std::uint32_t> parse_delta_and_params(std::string_view value, param_list& params) {
  const std::string_view s = abnf::trim(value);
  std::size_t pos = 0;
  while (pos < s.size() && abnf::is_digit(s[pos])) ++pos;
  const auto seconds = abnf::parse_number(s.substr(0, pos), UINT32_MAX);
  if (!seconds) return std::nullopt;
  if (!abnf::parse_generic_params(s, pos, params) || pos != s.size()) return std::nullopt;
  return static_cast<std::uint32_t>(*seconds);
}

}  // namespace

std::string_view to_string(refresher r) noexcept { return r == refresher::uac ? "uac" : "uas"; }

std::optional<session_expires> parse_session_expires(std::string_view value) {
  param_list params;
  const auto seconds = parse_delta_and_params(value, params);
  if (!seconds) return std::nullopt;
  session_expires se;
  se.seconds = *seconds;
  // §4: refresher-param = "refresher" EQUAL ("uas" / "uac"); ABNF literals are
  // case-insensitive (RFC 5234 §2.3).
  if (const auto r = params.get("refresher")) {
    if (text::iequals(*r, "uac")) se.refresher = refresher::uac;
    if (text::iequals(*r, "uas")) se.refresher = refresher::uas;
  }
  return se;
}

std::string to_string(const session_expires& se) {
  std::string out = std::to_string(se.seconds);
  if (se.refresher) {
    out += ";refresher=";
    out += to_string(*se.refresher);
  }
  return out;
}

std::optional<std::uint32_t> parse_min_se(std::string_view value) {
  param_list params;
  return parse_delta_and_params(value, params);
}

header_presence find_session_expires(const message& m, session_expires& out) {
  // Single-valued (§4); the compact form "x" is canonicalised by the parser.
  const auto v = m.header_value("Session-Expires");
  if (!v) return header_presence::absent;
  const auto se = parse_session_expires(*v);
  if (!se) return header_presence::malformed;
  out = *se;
  return header_presence::present;
}

header_presence find_min_se(const message& m, std::uint32_t& out) {
  const auto v = m.header_value("Min-SE");
  if (!v) return header_presence::absent;
  const auto min = parse_min_se(*v);
  if (!min) return header_presence::malformed;
  out = *min;
  return header_presence::present;
}

bool has_option_tag(const message& m, std::string_view header_name, std::string_view tag) {
  for (const auto value : m.header_values(header_name)) {
    bool found = false;
    abnf::for_each_element(value, false, [&](std::string_view element) {
      found = text::iequals(element, tag);
      return !found;
    });
    if (found) return true;
  }
  return false;
}

bool supports_timer(const message& m) {
  // §7.1 has a supporting UAC list "timer" in Supported; one that Requires it supports it
  // as well.
  return has_option_tag(m, "Supported", "timer") || has_option_tag(m, "Require", "timer");
}

void add_option_tag(message& m, std::string_view header_name, std::string_view tag) {
  if (has_option_tag(m, header_name, tag)) return;
  for (auto& h : m.headers) {
    if (text::iequals(h.name, canonical_header_name(header_name))) {
      // "Supported:" may be empty (§20.37 allows no option tags).
      if (!abnf::trim(h.value).empty()) h.value += ", ";
      h.value += tag;
      return;
    }
  }
  m.add_header(header_name, tag);
}

}  // namespace voxedge::sip
