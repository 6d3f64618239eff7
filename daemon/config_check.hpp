#pragma once
// `voxedge --check-config FILE`: every problem as file:line:col: path: message on stderr,
// then a one-line verdict; exit status 0 when the file is usable, 1 when not.
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace voxedge::daemon {

int check_config(const std::string& path);

/// Loads and validates `path` beyond the schema: certificate and key files load.
/// Used by --check-config and by SIGHUP reloads so both judge a file the same way.
result<config::config, std::vector<std::string>> load_and_verify(const std::string& path);

/// The directory for generated state: node.state_dir, else $STATE_DIRECTORY (systemd),
/// else $XDG_STATE_HOME/voxedge, else ~/.local/state/voxedge.
std::string state_directory(const config::config& cfg);

}  // namespace voxedge::daemon
