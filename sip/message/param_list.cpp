#include "sip/message/param_list.hpp"

#include <algorithm>

#include "base/text.hpp"
#include "sip/message/abnf.hpp"

namespace voxedge::sip {

namespace {

// URI header names and values (RFC 3261 §25.1 hname/hvalue): characters outside
// hnv-unreserved / unreserved / escaped are written %HH. A '%' is taken to start an
// escape already present in the stored value, which keeps parsed values as received.
void append_hnv(std::string& out, std::string_view s) {
  constexpr char digits[] = "0123456789ABCDEF";
  for (char c : s) {
    if (abnf::is(c, abnf::c_alnum | abnf::c_mark | abnf::c_hnv_unres) || c == '%') {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0x0f];
    }
  }
}

}  // namespace

bool param_list::has(std::string_view name) const noexcept {
  return std::any_of(items_.begin(), items_.end(), [name](const param& p) { return text::iequals(p.name, name); });
}

std::optional<std::string_view> param_list::get(std::string_view name) const noexcept {
  for (const auto& p : items_) {
    if (text::iequals(p.name, name)) return p.value ? std::string_view(*p.value) : std::string_view{};
  }
  return std::nullopt;
}

void param_list::set(std::string_view name, std::optional<std::string_view> value, bool quoted) {
  for (auto& p : items_) {
    if (text::iequals(p.name, name)) {
      p.value = value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
      p.quoted = quoted;
      return;
    }
  }
  items_.push_back(
      param{std::string(name), value ? std::optional<std::string>(std::string(*value)) : std::nullopt, quoted});
}

void param_list::erase(std::string_view name) {
  std::erase_if(items_, [name](const param& p) { return text::iequals(p.name, name); });
}

void param_list::append_to(std::string& out, char separator) const {
  if (separator == ';') {
    abnf::append_header_params(out, *this);
    return;
  }
  bool first = true;
  for (const auto& p : items_) {
    out += first ? '?' : separator;
    first = false;
    append_hnv(out, p.name);
    if (p.value) {
      out += '=';
      append_hnv(out, *p.value);
    }
  }
}

}  // namespace voxedge::sip
