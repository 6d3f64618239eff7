#pragma once
// The B2BUA's counters, plain data on the control thread (docs/architecture.md,
// "Metrics"): the metrics exporter reads them at scrape time (call_metrics.hpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace voxedge::daemon {

/// Which way a call goes: inbound = from a trunk, outbound = to a trunk, internal =
/// neither (endpoint to endpoint).
enum class call_kind : std::uint8_t { inbound, outbound, internal };

constexpr std::string_view to_string(call_kind k) noexcept {
  switch (k) {
    case call_kind::inbound: return "inbound";
    case call_kind::outbound: return "outbound";
    case call_kind::internal: return "internal";
  }
  return "internal";
}

/// Call setup time (INVITE received to our 2xx sent) in fixed buckets, cumulative like a
/// Prometheus histogram.
struct setup_time_histogram {
  static constexpr std::array<double, 11> bounds{0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60};  // seconds
  std::array<std::uint64_t, bounds.size()> buckets{};  // observations <= bounds[i]
  std::uint64_t count = 0;
  double sum = 0;

  void observe(double seconds) noexcept {
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      if (seconds <= bounds[i]) ++buckets[i];
    }
    ++count;
    sum += seconds;
  }
};

struct call_stats {
  /// Calls the B2BUA took on (each gets a CDR), and those refused before: over the
  /// max_calls limit (503), or a merged/looped INVITE (482).
  std::uint64_t started = 0;
  std::uint64_t rejected_capacity = 0;
  std::uint64_t rejected_loop = 0;
  /// Finished calls by direction (call_kind: inbound, outbound, internal).
  std::array<std::uint64_t, 3> finished_by_direction{};
  /// Finished calls by trunk/endpoint ("trunk:carrier", "endpoint:pbx", "unknown") and
  /// result ("answered", "busy", "no_answer", "cancelled", "rejected", "no_route",
  /// "forbidden", "unreachable", "failed").
  std::map<std::string, std::map<std::string, std::uint64_t>> finished_by_peer;
  setup_time_histogram setup_time;
};

/// Live figures, computed when asked (b2bua::live()).
struct call_gauges {
  std::size_t active = 0;
  std::array<std::size_t, 3> active_by_direction{};
  std::array<std::size_t, 12> active_by_state{};  // indexed by call_state
};

}  // namespace voxedge::daemon
