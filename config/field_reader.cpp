#include "config/field_reader.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace voxedge::config {
namespace {

location to_location(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};  // yaml-cpp counts from 0, editors from 1
}

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out = parent;
  out += '.';
  out += key;
  return out;
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (!n.IsScalar()) return "null";
  // A stray block scalar can be pages long; the start is enough to recognise it.
  constexpr std::size_t max_shown = 60;
  const std::string& s = n.Scalar();
  if (s.size() <= max_shown) return '"' + s + '"';
  return '"' + s.substr(0, max_shown) + "...\"";
}

template <class Range>
std::string join(const Range& words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace

field_reader::field_reader(read_context& ctx, YAML::Node root)
    : field_reader(ctx, root, std::string(), root.IsDefined() ? to_location(root.Mark()) : location{}) {
  ctx.record(path_, at_);
}

field_reader::field_reader(read_context& ctx, YAML::Node node, std::string path, location at)
    : ctx_(&ctx), node_(std::move(node)), path_(std::move(path)), at_(at) {}

bool field_reader::present() const { return node_.IsDefined() && !node_.IsNull(); }

void field_reader::error(std::string message) const { ctx_->report(at_, path_, std::move(message)); }

std::string field_reader::describe() const { return config::describe(node_); }

field_reader field_reader::operator[](std::string_view key) const {
  std::string path = child_path(path_, key);
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      if (!kv.first.IsScalar() || kv.first.Scalar() != key) continue;
      // A null value (`key:` and nothing) has no useful position of its own; its key does.
      location at = to_location(kv.second.Mark());
      if (kv.second.IsNull() || at.line == 0) at = to_location(kv.first.Mark());
      ctx_->record(path, at);
      return field_reader(*ctx_, kv.second, std::move(path), at);
    }
  }
  return field_reader(*ctx_, YAML::Node(), std::move(path), at_);
}

bool field_reader::expect_mapping(std::initializer_list<std::string_view> allowed) const {
  if (!present()) return true;
  if (!node_.IsMap()) {
    error("expected a mapping, got " + describe());
    return false;
  }
  std::vector<std::string_view> seen;
  for (const auto& kv : node_) {
    const location at = to_location(kv.first.Mark());
    if (!kv.first.IsScalar()) {
      ctx_->report(at, path_, "expected a key string, got " + config::describe(kv.first));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      ctx_->report(at, child_path(path_, key), "unknown key \"" + key + "\"; expected one of: " + join(allowed));
    } else if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      // yaml-cpp keeps both entries and lookups see the first; say so rather than guess.
      ctx_->report(at, child_path(path_, key), "duplicate key \"" + key + "\"");
    } else {
      seen.push_back(key);
    }
  }
  return true;
}

bool field_reader::require(std::string_view key) const {
  if ((*this)[key].present()) return true;
  // Only complain inside a real mapping: a non-mapping has been reported already.
  if (present() && !node_.IsMap()) return false;
  error("missing required key \"" + std::string(key) + "\"");
  return false;
}

bool field_reader::expect_list() const {
  if (!present()) return false;
  if (!node_.IsSequence()) {
    error("expected a list, got " + describe());
    return false;
  }
  return true;
}

field_reader field_reader::item(std::size_t i) const {
  std::string path = path_ + '[' + std::to_string(i) + ']';
  const YAML::Node n = node_[i];
  location at = to_location(n.Mark());
  if (at.line == 0) at = at_;
  ctx_->record(path, at);
  return field_reader(*ctx_, n, std::move(path), at);
}

bool field_reader::read_string(std::string& out, string_check check) const {
  if (!present()) return false;
  if (!node_.IsScalar()) {
    error("expected a string, got " + describe());
    return false;
  }
  const std::string& value = node_.Scalar();
  if (check != nullptr) {
    if (std::string complaint = check(value); !complaint.empty()) {
      error(std::move(complaint));
      return false;
    }
  }
  out = value;
  return true;
}

bool field_reader::read_bool(bool& out) const {
  if (!present()) return false;
  // Only true/false: YAML 1.1's yes/no/on/off are the source of too many surprises.
  if (node_.IsScalar()) {
    const std::string& value = node_.Scalar();
    if (text::iequals(value, "true") || text::iequals(value, "false")) {
      out = text::iequals(value, "true");
      return true;
    }
  }
  error("expected a boolean (true or false), got " + describe());
  return false;
}

bool field_reader::read_uint(std::uint64_t& out, std::uint64_t min, std::uint64_t max) const {
  if (!present()) return false;
  if (node_.IsScalar()) {
    if (const auto v = text::parse_uint(node_.Scalar()); v && *v >= min && *v <= max) {
      out = *v;
      return true;
    }
  }
  error("expected an integer in " + std::to_string(min) + ".." + std::to_string(max) + ", got " + describe());
  return false;
}

bool field_reader::read_choice(std::size_t& out, std::span<const std::string_view> names) const {
  if (!present()) return false;
  if (node_.IsScalar()) {
    const auto it = std::find(names.begin(), names.end(), node_.Scalar());
    if (it != names.end()) {
      out = static_cast<std::size_t>(it - names.begin());
      return true;
    }
    error("unknown value " + describe() + "; expected one of: " + join(names));
  } else {
    error("expected one of: " + join(names) + "; got " + describe());
  }
  return false;
}

bool field_reader::read_string_list(std::vector<std::string>& out, string_check check) const {
  if (!expect_list()) return false;
  std::vector<std::string> values;
  for_each_item([&](const field_reader& item) {
    std::string value;
    if (item.read_string(value, check)) values.push_back(std::move(value));
  });
  out = std::move(values);
  return true;
}

}  // namespace voxedge::config
