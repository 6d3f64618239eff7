#pragma once
// The generic reading machinery: one value of the YAML document together with its path
// from the root ("listeners[1].port") and its position, so that each section reader says
// what it expects in one line per key and every complaint carries file:line:col and path
// without the section code tracking either. Nothing here throws; every read leaves its
// output untouched (at its default) unless the value is present and acceptable.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/read_context.hpp"

namespace voxedge::config {

/// Returns "" when the value is acceptable, otherwise the complaint (see value_syntax.hpp).
using string_check = std::string (*)(std::string_view value);

class field_reader {
 public:
  /// The document root; an undefined node reads as an empty document.
  field_reader(read_context& ctx, YAML::Node root);

  /// Defined and not null: `key:` with nothing after it means "use the default".
  bool present() const;
  const std::string& path() const noexcept { return path_; }
  location where() const noexcept { return at_; }
  void error(std::string message) const;

  /// The value under `key`, or an absent field (placed at this mapping) if there is none.
  field_reader operator[](std::string_view key) const;

  /// True when this is a mapping (absent counts as an empty one). Reports a non-mapping,
  /// keys that are not strings, repeated keys, and every key not in `allowed`, listing
  /// the allowed ones.
  bool expect_mapping(std::initializer_list<std::string_view> allowed) const;
  /// Reports `missing required key "key"` here when this mapping has no value for it.
  bool require(std::string_view key) const;

  /// Calls fn(item) for each item of a list; reports a non-list and empty items.
  /// Absent = no items.
  template <class F>
  void for_each_item(F&& fn) const {
    if (!expect_list()) return;
    for (std::size_t i = 0; i < node_.size(); ++i) {
      const field_reader it = item(i);
      if (it.present()) {
        fn(it);
      } else {
        it.error("empty list item");
      }
    }
  }

  bool read_string(std::string& out, string_check check = nullptr) const;
  bool read_bool(bool& out) const;
  /// Decimal integers only: YAML's octal and hex forms are more surprising than useful here.
  bool read_uint(std::uint64_t& out, std::uint64_t min, std::uint64_t max) const;
  template <class T>
  bool read_uint(T& out, std::uint64_t min, std::uint64_t max) const {
    std::uint64_t v = 0;
    if (!read_uint(v, min, max)) return false;
    out = static_cast<T>(v);
    return true;
  }
  /// One of `names` (see the *_names tables in config.hpp); the enumerator is its index.
  template <class E>
  bool read_enum(E& out, std::span<const std::string_view> names) const {
    std::size_t i = 0;
    if (!read_choice(i, names)) return false;
    out = static_cast<E>(i);
    return true;
  }
  /// A list of strings, each passing `check`; replaces `out` when the list is present.
  bool read_string_list(std::vector<std::string>& out, string_check check = nullptr) const;

 private:
  field_reader(read_context& ctx, YAML::Node node, std::string path, location at);

  bool expect_list() const;
  field_reader item(std::size_t i) const;
  bool read_choice(std::size_t& out, std::span<const std::string_view> names) const;
  /// "a mapping", "a list", "null" or the quoted scalar, for "expected X, got Y".
  std::string describe() const;

  read_context* ctx_;
  YAML::Node node_;
  std::string path_;
  location at_;
};

}  // namespace voxedge::config
