#pragma once
// Loading the configuration file: parse the YAML, read it into config.hpp's structs and
// check it, collecting every problem in one pass so an operator fixes a file in one go.
// Nothing here throws.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace voxedge::config {

using load_result = result<config, std::vector<diagnostic>>;

/// Reads and loads the file at `path`; diagnostics name the file as `path` was written.
load_result load_file(const std::string& path);

/// Loads YAML text; `file_name` is what diagnostics call it.
load_result load_string(std::string_view yaml, std::string_view file_name);

/// The built-in configuration: exactly what an empty document loads as.
config default_config();

}  // namespace voxedge::config
