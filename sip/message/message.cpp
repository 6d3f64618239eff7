#include "sip/message/message.hpp"

#include <algorithm>
#include <iterator>

#include "base/text.hpp"
#include "sip/message/header_name.hpp"

namespace voxedge::sip {

namespace {

// Generic headers are stored under their canonical name when well known, so a lookup
// by compact form or in another case goes through the same canonicalisation.
std::string_view lookup_name(std::string_view name) noexcept {
  const auto* info = find_header(name);
  return info ? info->canonical : name;
}

}  // namespace

std::optional<std::string_view> message::header_value(std::string_view name) const noexcept {
  const auto key = lookup_name(name);
  for (const auto& h : headers) {
    if (text::iequals(h.name, key)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> message::header_values(std::string_view name) const {
  const auto key = lookup_name(name);
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (text::iequals(h.name, key)) out.emplace_back(h.value);
  }
  return out;
}

void message::add_header(std::string_view name, std::string_view value) {
  headers.push_back(header{std::string(lookup_name(name)), std::string(value)});
}

void message::set_header(std::string_view name, std::string_view value) {
  const auto key = lookup_name(name);
  auto it = headers.begin();
  while (it != headers.end() && !text::iequals(it->name, key)) ++it;
  if (it == headers.end()) {
    headers.push_back(header{std::string(key), std::string(value)});
    return;
  }
  it->value.assign(value);
  headers.erase(
      std::remove_if(std::next(it), headers.end(), [key](const header& h) { return text::iequals(h.name, key); }),
      headers.end());
}

void message::remove_header(std::string_view name) {
  const auto key = lookup_name(name);
  std::erase_if(headers, [key](const header& h) { return text::iequals(h.name, key); });
}

}  // namespace voxedge::sip
