#include "daemon/routing/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace voxedge::daemon {
namespace {

template <class T>
std::optional<std::size_t> index_by_name(const std::vector<T>& items, const std::string& name) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  if (it == items.end()) return std::nullopt;
  return static_cast<std::size_t>(it - items.begin());
}

// The called number is untrusted and may hold anything an escape can encode (%0A
// included), so what goes into a log line is printable and bounded.
std::string loggable(std::string_view s) {
  constexpr std::size_t max = 80;
  std::string out;
  for (const char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace

router::router(config::numbering_settings numbering) : normalizer_(std::move(numbering)) {}

result<router, std::string> router::build(const config::config& cfg) {
  router r(cfg.numbering);
  r.trunks_ = cfg.trunks;
  r.endpoints_ = cfg.endpoints;
  r.routes_.reserve(cfg.routes.size());
  for (const auto& spec : cfg.routes) {
    compiled_route c{spec, std::nullopt, 0};
    const bool to_trunk = spec.target.type == config::route_target::kind::trunk;
    const auto index =
        to_trunk ? index_by_name(r.trunks_, spec.target.name) : index_by_name(r.endpoints_, spec.target.name);
    if (!index) {
      return fail("route \"" + spec.name + "\": unknown " + (to_trunk ? "trunk" : "endpoint") + " \"" +
                  spec.target.name + "\"");
    }
    c.target_index = *index;
    if (!spec.match.called_regex.empty()) {
      try {
        // optimize: compiled once here and run per call, so favour matching speed.
        c.regex.emplace(spec.match.called_regex, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        return fail("route \"" + spec.name + "\": called_regex: " + e.what());
      }
    }
    r.routes_.push_back(std::move(c));
  }
  return r;
}

bool router::source_matches(const config::route_source& want, const call_source& src) {
  using want_kind = config::route_source::kind;
  using src_kind = call_source::kind;
  switch (want.type) {
    // A source nobody vouched for never reaches a route, "any" included: an open route to
    // a trunk would be toll fraud waiting to happen.
    case want_kind::any: return src.type != src_kind::unknown;
    case want_kind::user: return src.type == src_kind::user;
    case want_kind::trunk: return src.type == src_kind::trunk && src.name == want.name;
    case want_kind::endpoint: return src.type == src_kind::endpoint && src.name == want.name;
  }
  return false;
}

bool router::called_matches(const compiled_route& r, const normalized_number& called) const {
  const std::string& prefix = r.spec.match.called_prefix;
  if (!prefix.empty()) {
    const bool on_number = called.number.starts_with(prefix);
    const bool on_dialled = prefix.front() != '+' && called.dialled.starts_with(prefix);
    if (!on_number && !on_dialled) return false;
  }
  if (r.regex) {
    if (called.number.size() > max_regex_subject) return false;
    try {
      if (!std::regex_match(called.number, *r.regex)) return false;
    } catch (const std::regex_error& e) {
      // error_complexity / error_stack: the subject is untrusted, so this is a miss.
      spdlog::warn("routing: route \"{}\": called_regex gave up on \"{}\": {}", r.spec.name, loggable(called.number),
                   e.what());
      return false;
    }
  }
  return true;
}

result<route_decision, route_failure> router::route(const call_source& src, std::string_view called_number,
                                                    std::string_view calling_number) const {
  normalized_number called = normalizer_.normalize(called_number);
  for (const auto& r : routes_) {
    if (!source_matches(r.spec.match.source, src) || !called_matches(r, called)) continue;

    route_decision d;
    d.route = r.spec.name;
    d.target = r.spec.target;
    d.called = std::move(called);
    if (r.spec.target.type == config::route_target::kind::endpoint) {
      d.endpoint = endpoints_[r.target_index];
      return d;
    }
    const config::trunk& t = trunks_[r.target_index];
    d.trunk = t;
    // Providers accept only a caller ID mapped to the account (else 403/404), so the
    // configured number wins over whatever the caller sent.
    if (t.caller_id && !t.caller_id->number.empty()) {
      d.caller_id = normalizer_.normalize(t.caller_id->number);
    } else {
      d.caller_id = normalizer_.normalize(calling_number);
    }
    d.add_pai = t.caller_id && t.caller_id->pai;
    return d;
  }
  spdlog::info("routing: no route from {} for \"{}\" (normalised \"{}\"): 404", loggable(to_string(src)),
               loggable(called_number), loggable(called.number));
  return fail(route_failure::no_route);
}

}  // namespace voxedge::daemon
