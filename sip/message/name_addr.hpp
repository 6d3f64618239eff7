#pragma once
// name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route,
// Refer-To, P-Asserted-Identity (RFC 3261 §20.10, §25.1).
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sip/message/uri.hpp"

namespace voxedge::sip {

struct name_addr {
  std::string display_name;  // unquoted; empty when absent
  uri address;
  param_list params;  // header params after the URI: ;tag=, ;expires=, ;q=, ...

  /// True for a default-constructed value (no URI was ever set or parsed).
  bool empty() const noexcept;

  std::string_view tag() const noexcept { return params.get("tag").value_or(std::string_view{}); }
  void set_tag(std::string_view t) { params.set("tag", t); }

  /// Always written in name-addr form ("Name" <uri>;params) so URI params never
  /// become header params.
  std::string to_string() const;
  void append_to(std::string& out) const;
};

result<name_addr, uri_error> parse_name_addr(std::string_view text);
/// A comma-separated list (Contact, Route, Record-Route); commas inside quotes or <> are
/// not separators.
result<std::vector<name_addr>, uri_error> parse_name_addr_list(std::string_view text);

}  // namespace voxedge::sip
