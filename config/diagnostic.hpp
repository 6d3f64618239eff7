#pragma once
// One problem found in a configuration file, pointing at where an editor should jump.
#include <string>

namespace voxedge::config {

struct diagnostic {
  std::string file;
  int line = 0;    ///< 1-based; 0 when the problem concerns the whole file
  int column = 0;  ///< 1-based; 0 when the problem concerns the whole file
  std::string path;  ///< e.g. "listeners[1].port"; empty for the document itself
  std::string message;

  /// "file:line:col: path: message", the form compilers use so editors and CI
  /// annotators pick it up; "file: path: message" when there is no position.
  std::string to_string() const;

  bool operator==(const diagnostic&) const = default;
};

}  // namespace voxedge::config
