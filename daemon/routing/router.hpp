#pragma once
// Chooses where a new call goes: the first route of the configuration, in file order,
// whose match accepts the call's source and called number. Built from a configuration
// and immutable afterwards; on reload a new router is built and swapped in (it only
// copies the routing sections and compiles the regexes).
//
// Matching, per route (every condition that is set must hold):
//   source         any: every source except `unknown`; user: any authenticated user;
//                  trunk:x / endpoint:x: that trunk or endpoint.
//   called_prefix  "+44": the normalised number (E.164) starts with it. A prefix without
//                  '+' ("9", "0800", "12") is about how the number was dialled: it also
//                  matches when the dialled digits, before any prefix rewrite, start with
//                  it, so "0" catches national dialling and "1" a 1xxx extension range.
//                  An E.164 number always starts with '+', so "44" never matches "+44...".
//   called_regex   std::regex (ECMAScript), compiled once here, regex_match against the
//                  whole normalised number: write "\+44[0-9]{10}", no anchors needed.
#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "daemon/routing/call_source.hpp"
#include "daemon/routing/number_normalizer.hpp"

namespace voxedge::daemon {

enum class route_failure {
  no_route,  ///< nothing matched: answer 404 (the router has logged source and number)
};

/// The SIP status a failure is answered with.
constexpr int sip_status(route_failure f) noexcept {
  switch (f) {
    case route_failure::no_route: return 404;
  }
  return 500;
}

struct route_decision {
  std::string route;  ///< the matching route's name, for logs and CDRs
  config::route_target target;
  /// The target's configuration, copied so that a call outlives a reload that changes it.
  std::optional<config::trunk> trunk;        ///< set exactly for trunk targets
  std::optional<config::endpoint> endpoint;  ///< set exactly for endpoint targets
  normalized_number called;
  /// Trunk targets only: the number to present (From user part). The trunk's configured
  /// caller_id.number (the number mapped at the provider) when there is one, else the
  /// normalised calling number; its `e164` says whether the provider will accept it.
  std::optional<normalized_number> caller_id;
  /// Trunk targets only: also send P-Asserted-Identity (RFC 3325) with caller_id.
  bool add_pai = false;
};

class router {
 public:
  /// Fails only for a configuration that validation would have refused: a regex that
  /// does not compile, or a route target naming no trunk or endpoint.
  static result<router, std::string> build(const config::config& cfg);

  /// `called_number` and `calling_number`: a sip:/sips:/tel: URI or a dial string, as
  /// number_normalizer::normalize takes them. Never throws.
  result<route_decision, route_failure> route(const call_source& src, std::string_view called_number,
                                              std::string_view calling_number = {}) const;

  const number_normalizer& normalizer() const noexcept { return normalizer_; }

  /// Longest normalised number a called_regex is tried on. libstdc++'s std::regex
  /// recurses per character and can exhaust the stack on a long subject; a telephone
  /// number is at most 15 digits, so anything longer is not one and only prefixes apply.
  static constexpr std::size_t max_regex_subject = 64;

 private:
  struct compiled_route {
    config::route spec;
    std::optional<std::regex> regex;
    std::size_t target_index = 0;  ///< into trunks_ or endpoints_, per spec.target.type
  };

  explicit router(config::numbering_settings numbering);
  static bool source_matches(const config::route_source& want, const call_source& src);
  bool called_matches(const compiled_route& r, const normalized_number& called) const;

  number_normalizer normalizer_;
  std::vector<config::trunk> trunks_;
  std::vector<config::endpoint> endpoints_;
  std::vector<compiled_route> routes_;
};

}  // namespace voxedge::daemon
