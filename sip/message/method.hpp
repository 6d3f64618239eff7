#pragma once
#include <string_view>

namespace voxedge::sip {

enum class method {
  invite,
  ack,
  bye,
  cancel,
  options,
  register_,
  info,
  update,
  prack,
  subscribe,
  notify,
  refer,
  message,
  publish,
  unknown
};

/// Methods are case-sensitive (RFC 3261 §7.1): "invite" is an unknown extension method.
method method_from_string(std::string_view s) noexcept;
std::string_view to_string(method m) noexcept;

}  // namespace voxedge::sip
