#pragma once
// Shorthands for the config tests: load YAML text as "test.yaml" and look at the result
// as the strings an operator would read.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"

namespace voxedge::config::testing {

/// Every diagnostic as "file:line:col: path: message"; empty when the load succeeded.
inline std::vector<std::string> load_errors(std::string_view yaml) {
  const auto r = load_string(yaml, "test.yaml");
  std::vector<std::string> out;
  if (!r) {
    for (const auto& d : r.error()) out.push_back(d.to_string());
  }
  return out;
}

/// The loaded configuration; fails the test (and returns the defaults) on diagnostics.
inline config load_ok(std::string_view yaml) {
  auto r = load_string(yaml, "test.yaml");
  if (!r) {
    for (const auto& d : r.error()) ADD_FAILURE() << d.to_string();
    return default_config();
  }
  return std::move(r).value();
}

inline std::string data_file(std::string_view name) {
  return std::string(VOXEDGE_SOURCE_DIR) + "/tests/unit/config/data/" + std::string(name);
}

}  // namespace voxedge::config::testing
