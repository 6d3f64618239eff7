#include "sip/message/method.hpp"

#include <array>
#include <utility>

namespace voxedge::sip {

namespace {

constexpr std::array<std::pair<std::string_view, method>, 14> methods = {{
    {"INVITE", method::invite},
    {"ACK", method::ack},
    {"BYE", method::bye},
    {"CANCEL", method::cancel},
    {"OPTIONS", method::options},
    {"REGISTER", method::register_},
    {"INFO", method::info},            // RFC 6086
    {"UPDATE", method::update},        // RFC 3311
    {"PRACK", method::prack},          // RFC 3262
    {"SUBSCRIBE", method::subscribe},  // RFC 6665
    {"NOTIFY", method::notify},        // RFC 6665
    {"REFER", method::refer},          // RFC 3515
    {"MESSAGE", method::message},      // RFC 3428
    {"PUBLISH", method::publish},      // RFC 3903
}};

}  // namespace

method method_from_string(std::string_view s) noexcept {
  for (const auto& [name, id] : methods) {
    if (name == s) return id;
  }
  return method::unknown;
}

std::string_view to_string(method m) noexcept {
  for (const auto& [name, id] : methods) {
    if (id == m) return name;
  }
  return "UNKNOWN";
}

}  // namespace voxedge::sip
