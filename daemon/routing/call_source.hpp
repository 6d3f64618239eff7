#pragma once
// Who a call comes from, as the source classifier (by IP) or the registrar (by
// authentication) determined it; routes match on it (config::route_source).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace voxedge::daemon {

struct call_source {
  // `unknown` is a source nobody vouched for: no trunk or endpoint allow list matched and
  // it did not authenticate as a user. The router never routes it (see router.hpp).
  enum class kind { unknown, trunk, endpoint, user };
  kind type = kind::unknown;
  std::string name;  ///< the trunk, endpoint or user name; empty for unknown

  bool operator==(const call_source&) const = default;
};

inline constexpr std::array<std::string_view, 4> call_source_kind_names{"unknown", "trunk", "endpoint", "user"};

constexpr std::string_view to_string(call_source::kind k) noexcept {
  return call_source_kind_names[static_cast<std::size_t>(k)];
}

/// "trunk:carrier", "user:alice", "unknown": the form routes and logs use.
inline std::string to_string(const call_source& s) {
  std::string out(to_string(s.type));
  if (s.type != call_source::kind::unknown) {
    out += ':';
    out += s.name;
  }
  return out;
}

}  // namespace voxedge::daemon
