#include "daemon/call/header_policy.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace voxedge::daemon {

namespace {

bool sdp_content_type(std::string_view value) {
  const auto semi = value.find(';');
  return text::iequals(text::trim(value.substr(0, semi)), "application/sdp");
}

}  // namespace

void copy_headers(const sip::message& from, sip::message& to, std::span<const std::string_view> allowed) {
  for (const auto& h : from.headers) {
    // `headers` hold canonical long names already (message.hpp).
    const bool ok =
        std::any_of(allowed.begin(), allowed.end(), [&](std::string_view a) { return text::iequals(a, h.name); });
    if (ok) to.add_header(h.name, h.value);
  }
}

bool has_sdp_body(const sip::message& m) {
  if (m.body.empty()) return false;
  const auto type = m.header_value("Content-Type");
  return !type || sdp_content_type(*type);
}

bool has_foreign_body(const sip::message& m) {
  if (m.body.empty()) return false;
  const auto type = m.header_value("Content-Type");
  return type && !sdp_content_type(*type);
}

}  // namespace voxedge::daemon
