#include "daemon/routing/number_normalizer.hpp"

#include <utility>

#include "base/text.hpp"
#include "config/value_syntax.hpp"

namespace voxedge::daemon {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// RFC 3966 §3 visual-separator is "-", ".", "(" and ")"; spaces come from people typing
// numbers and from PBX exports, so they are separators too.
bool is_visual_separator(char c) noexcept {
  return c == '-' || c == '.' || c == '(' || c == ')' || c == ' ' || c == '\t';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %HH -> the byte (RFC 3261 §19.1.2: "%2B44..." is "+44..."). A '%' without two hex digits
// is kept: the SIP parser refuses such URIs already, and a dial string never has one.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// The value of the phone-context parameter in ";a=b;phone-context=x" (names compare
// case-insensitively, RFC 3966 §3), or "".
std::string_view find_phone_context(std::string_view params) {
  while (!params.empty()) {
    if (params.front() == ';') params.remove_prefix(1);
    const auto end = params.find(';');
    const auto item = params.substr(0, end);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && text::iequals(text::trim(item.substr(0, eq)), "phone-context")) {
      return text::trim(item.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    params.remove_prefix(end);
  }
  return {};
}

// A dial string: an optional leading '+', then digits, '*', '#' and visual separators,
// with at least one digit, '*' or '#'. "alice.smith" is not one, so its '.' stays.
bool is_dial_string(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  bool any = false;
  for (const char c : s) {
    if (is_digit(c) || c == '*' || c == '#') {
      any = true;
    } else if (!is_visual_separator(c)) {
      return false;
    }
  }
  return any;
}

std::string strip_separators(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (!is_visual_separator(c)) out += c;
  }
  return out;
}

// "+44 (0)20 7946 0958": the parenthesised national prefix in a global number means
// "dial this only from inside the country" (a habit ITU-T E.123 §2.6 advises against but
// that is everywhere), so it is dropped rather than kept as a digit.
std::string drop_parenthesised_prefix(std::string_view s, std::string_view national_prefix) {
  std::string out(s);
  if (national_prefix.empty()) return out;
  const std::string group = "(" + std::string(national_prefix) + ")";
  const auto at = out.find(group);
  if (at != std::string::npos) out.erase(at, group.size());
  return out;
}

bool all_digits(std::string_view s) noexcept {
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<uri_number> number_from_uri(const sip::uri& u) {
  switch (u.scheme) {
    case sip::uri_scheme::tel: {
      uri_number out{unescape(u.user), {}};
      if (const auto ctx = u.params.get("phone-context")) out.phone_context = unescape(*ctx);
      return out;
    }
    case sip::uri_scheme::sip:
    case sip::uri_scheme::sips: {
      if (u.user.empty()) return std::nullopt;
      // Split before decoding: an escaped ";" (%3B) is a character of the number, not a
      // parameter separator.
      const std::string_view user = u.user;
      const auto semi = user.find(';');
      uri_number out{unescape(user.substr(0, semi)), {}};
      if (semi != std::string_view::npos) out.phone_context = unescape(find_phone_context(user.substr(semi)));
      return out;
    }
    case sip::uri_scheme::other: break;
  }
  return std::nullopt;
}

number_normalizer::number_normalizer(config::numbering_settings numbering) : numbering_(std::move(numbering)) {}

normalized_number number_normalizer::normalize(std::string_view text) const {
  const auto t = text::trim(text);
  if (text::istarts_with(t, "sip:") || text::istarts_with(t, "sips:") || text::istarts_with(t, "tel:")) {
    auto u = sip::parse_uri(t);
    if (u.ok()) return normalize(*u);
    // Not a URI after all: nothing in it can be trusted to be a number.
    return normalized_number{std::string(t), std::string(t), false};
  }
  const auto semi = t.find(';');
  const auto context = semi == std::string_view::npos ? std::string_view{} : find_phone_context(t.substr(semi));
  return normalize(t.substr(0, semi), context);
}

normalized_number number_normalizer::normalize(const sip::uri& u) const {
  const auto n = number_from_uri(u);
  if (!n) return {};
  return normalize(n->number, n->phone_context);
}

normalized_number number_normalizer::normalize(std::string_view number, std::string_view phone_context) const {
  const auto n = text::trim(number);
  normalized_number out;
  if (!is_dial_string(n)) {
    out.number = out.dialled = std::string(n);
    return out;
  }
  const bool global = n.front() == '+';
  out.dialled = strip_separators(global ? drop_parenthesised_prefix(n, numbering_.national_prefix) : std::string(n));
  out.number = out.dialled;

  const std::string_view d = out.dialled;
  const std::string& cc = numbering_.country_code;
  const std::string& national = numbering_.national_prefix;
  const std::string& international = numbering_.international_prefix;
  std::string candidate;
  if (d.find_first_of("*#") != std::string_view::npos) {
    // Service codes (*21#, #31#) are local by nature (RFC 3966 §5.1.4 admits them only
    // in local numbers): never E.164.
  } else if (global) {
    // A global number needs no context; RFC 3966 §5.1.4 forbids one, so any is ignored.
    candidate = d;
  } else if (!phone_context.empty() && phone_context.front() == '+') {
    // RFC 3966 §5.1.5: a local number whose context is a global number prefix. Joining
    // the two is what IMS trunks mean by it (3GPP TS 24.229 puts "+<country code>" there
    // for numbers in national format), though the RFC warns it is not guaranteed; the
    // length check below catches the nonsense. A national prefix is dropped when the
    // context is our own country code, since we know what that prefix is.
    const auto ctx = strip_separators(phone_context.substr(1));
    if (!ctx.empty() && all_digits(ctx)) {
      const bool ours = !cc.empty() && ctx == cc && !national.empty() && d.starts_with(national);
      candidate = "+" + ctx + std::string(ours ? d.substr(national.size()) : d);
    }
  } else if (!international.empty() && d.starts_with(international)) {
    // Checked before the national prefix, which it usually begins with ("00" vs "0").
    candidate = "+" + std::string(d.substr(international.size()));
  } else if (!cc.empty() && !national.empty() && d.starts_with(national)) {
    candidate = "+" + cc + std::string(d.substr(national.size()));
  }
  // With no national prefix in the plan (or no country code), a bare national number
  // cannot be told from an extension without knowing national number lengths: it stays
  // as dialled. A domain phone-context ("pbx.example.com") falls through to the plan
  // above, since the only dialling plan we know is ours.
  if (!candidate.empty() && config::is_e164(candidate)) {
    out.number = std::move(candidate);
    out.e164 = true;
  }
  return out;
}

}  // namespace voxedge::daemon
