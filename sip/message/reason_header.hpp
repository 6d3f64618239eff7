#pragma once
// The Reason header (RFC 3326 §2): `protocol *(SEMI reason-params)`, of which we read
// and write the SIP and Q.850 protocols with their cause and text. A reason that
// crosses from one leg to the other is parsed here and written afresh, so nothing but
// those three fields passes through.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxedge::sip {

struct reason {
  enum class protocol : std::uint8_t { sip, q850 };
  protocol proto = protocol::sip;
  std::uint32_t cause = 0;
  std::string text;

  /// `SIP;cause=486;text="Busy Here"`: the text quoted with '"' and '\' escaped and
  /// control characters dropped (it may come from the far side).
  std::string to_string() const;
  bool operator==(const reason&) const = default;
};

/// A Reason value with protocol SIP or Q.850 (case-insensitive) and a numeric cause of
/// at most five digits; other parameters are allowed and ignored. nullopt for another
/// protocol, a missing or non-numeric cause, a malformed parameter (unterminated quote)
/// or anything left after the parameters.
std::optional<reason> parse_reason(std::string_view value);

}  // namespace voxedge::sip
