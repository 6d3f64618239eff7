#include "daemon/cdr/cdr_record.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace voxedge::daemon {
namespace {

using json = nlohmann::ordered_json;  // keys in the order written: readable with `tail -f`

template <class T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json leg_json(const cdr_leg& l) {
  json j;
  j["role"] = l.role;
  j["sip_call_id"] = l.sip_call_id;
  j["codec"] = l.codec;
  j["packets"] = l.packets;
  j["bytes"] = l.bytes;
  j["loss_percent"] = l.loss_percent;
  j["jitter_ms"] = l.jitter_ms;
  j["rtt_ms"] = optional_value(l.rtt_ms);
  j["mos"] = optional_value(l.mos);
  return j;
}

std::int64_t ms_between(cdr_record::time_point from, cdr_record::time_point to) noexcept {
  return std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

}  // namespace

std::string_view to_string(call_direction d) noexcept {
  switch (d) {
    case call_direction::inbound: return "inbound";
    case call_direction::outbound: return "outbound";
  }
  return "unknown";
}

std::string_view to_string(hangup_party p) noexcept {
  switch (p) {
    case hangup_party::caller: return "caller";
    case hangup_party::callee: return "callee";
    case hangup_party::system: return "system";
  }
  return "unknown";
}

double duration_s(const cdr_record& r) noexcept {
  if (!r.answer) return 0;
  return static_cast<double>(ms_between(*r.answer, r.end)) / 1000.0;
}

std::int64_t setup_ms(const cdr_record& r) noexcept { return ms_between(r.start, r.answer.value_or(r.end)); }

std::string format_rfc3339(cdr_record::time_point t) {
  // floor, not truncation toward zero, so that times before 1970 still format right.
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch());
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  const auto frac = (ms - secs).count();
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::array<char, 40> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(frac));
  return std::string(buf.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string to_json_line(const cdr_record& r) {
  json j;
  j["call_id"] = r.call_id;
  j["direction"] = to_string(r.direction);
  j["from"] = r.from;
  j["to"] = r.to;
  j["source"] = r.source;
  j["target"] = r.target;
  j["route"] = r.route;
  j["start"] = format_rfc3339(r.start);
  j["answer"] = r.answer ? json(format_rfc3339(*r.answer)) : json(nullptr);
  j["end"] = format_rfc3339(r.end);
  j["duration_s"] = duration_s(r);
  j["setup_ms"] = setup_ms(r);
  j["end_reason"] = r.end_reason;
  j["sip_code"] = optional_value(r.sip_code);
  j["hangup_by"] = to_string(r.hangup_by);
  j["final_state"] = r.final_state;
  json legs = json::array();
  for (const auto& l : r.legs) legs.push_back(leg_json(l));
  j["legs"] = std::move(legs);
  // replace: SIP text is untrusted bytes; the default (strict) handler would throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace voxedge::daemon
