#include "config/read_context.hpp"

#include <algorithm>

namespace voxedge::config {

void read_context::report(location at, std::string path, std::string message) {
  diagnostics_.push_back(diagnostic{file_, at.line, at.column, std::move(path), std::move(message)});
}

void read_context::record(const std::string& path, location at) { locations_.insert_or_assign(path, at); }

location read_context::where(std::string_view path) const {
  for (;;) {
    if (const auto it = locations_.find(std::string(path)); it != locations_.end()) return it->second;
    if (path.empty()) return {};
    path = parent_path(path);
  }
}

bool read_context::clean(std::string_view path) const {
  return std::none_of(diagnostics_.begin(), diagnostics_.end(), [path](const diagnostic& d) {
    if (!d.path.starts_with(path)) return false;
    if (d.path.size() == path.size() || path.empty()) return true;
    const char next = d.path[path.size()];
    return next == '.' || next == '[';
  });
}

std::vector<diagnostic> read_context::take_diagnostics() {
  // Stable: problems on the same spot keep the order in which they were found.
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const diagnostic& a, const diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(diagnostics_);
}

std::string_view parent_path(std::string_view path) noexcept {
  const auto cut = path.find_last_of(".[");
  return cut == std::string_view::npos ? std::string_view{} : path.substr(0, cut);
}

}  // namespace voxedge::config
