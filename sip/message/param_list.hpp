#pragma once
// Generic ;name[=value] parameters as found on URIs, Via, and name-addr headers.
// Names compare case-insensitively (RFC 3261 §7.3.1); values are kept as received,
// except that quoted-string values are stored unquoted (and re-quoted on output when
// needed).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxedge::sip {

struct param {
  std::string name;
  std::optional<std::string> value;  // nullopt for a flag such as ;lr or ;rport
  bool quoted = false;               // value was (and will be written as) a quoted-string
};

class param_list {
 public:
  bool has(std::string_view name) const noexcept;
  /// The value, or an empty optional when absent; a flag parameter yields "".
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  void set(std::string_view name, std::optional<std::string_view> value = std::nullopt, bool quoted = false);
  void erase(std::string_view name);
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }

  const std::vector<param>& items() const noexcept { return items_; }
  std::vector<param>& items() noexcept { return items_; }

  /// Appends ";a=b;c" (leading ';' for each) — or, with separator '&' and a leading '?',
  /// URI headers.
  void append_to(std::string& out, char separator = ';') const;

 private:
  std::vector<param> items_;
};

}  // namespace voxedge::sip
