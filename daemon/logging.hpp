#pragma once
// Logging to stderr, where journald picks it up. Under systemd (JOURNAL_STREAM set) each
// line starts with a syslog priority prefix "<N>" (sd-daemon(3)) so `journalctl -p`
// filters by level; otherwise lines carry a timestamp.
#include <string_view>

#include "config/config.hpp"

namespace voxedge::daemon {

void setup_logging(config::log_level level, config::log_format format);
/// Applies a new level/format from a reloaded configuration.
void apply_logging(config::log_level level, config::log_format format);

}  // namespace voxedge::daemon
