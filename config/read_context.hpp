#pragma once
// The state of reading one configuration document: the problems found so far and where
// each value sat in the file. Keeping positions by path lets the checks that run after
// reading (duplicates, references between sections) point at the offending line while
// the schema structs stay plain data.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/diagnostic.hpp"

namespace voxedge::config {

/// A 1-based position; {0, 0} means "the whole file".
struct location {
  int line = 0;
  int column = 0;
};

class read_context {
 public:
  explicit read_context(std::string file) : file_(std::move(file)) {}

  const std::string& file() const noexcept { return file_; }

  void report(location at, std::string path, std::string message);

  /// Remembers where the value at `path` was found.
  void record(const std::string& path, location at);

  /// Where `path` was found or, for a value left at its default, where its nearest
  /// enclosing mapping or list was; {0, 0} if none of them was in the file.
  location where(std::string_view path) const;

  /// True when nothing was reported at or below `path`, so later checks can skip values
  /// already known to be wrong instead of piling a second complaint on the same line.
  bool clean(std::string_view path) const;

  bool failed() const noexcept { return !diagnostics_.empty(); }

  /// The problems in file order (whole-file problems first).
  std::vector<diagnostic> take_diagnostics();

 private:
  std::string file_;
  std::vector<diagnostic> diagnostics_;
  std::unordered_map<std::string, location> locations_;
};

/// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string_view parent_path(std::string_view path) noexcept;

}  // namespace voxedge::config
