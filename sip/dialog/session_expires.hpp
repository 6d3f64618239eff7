#pragma once
// The RFC 4028 header fields: Session-Expires (§4, compact form "x") and Min-SE (§5), and
// the "timer" option tag in Supported/Require (§3). Untrusted input: parsers return
// nullopt on anything malformed, never throw.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace voxedge::sip {

/// §4: "The absolute minimum for the Session-Expires header field is 90 seconds"; §5: the
/// Min-SE "MUST NOT be less than 90 seconds".
inline constexpr std::uint32_t session_expires_floor = 90;

/// Who refreshes the session, as the transaction roles of the request that carried it
/// (§4): "uac" is whoever sent that request, not whoever created the dialog.
enum class refresher : std::uint8_t { uac, uas };

std::string_view to_string(refresher r) noexcept;

/// Session-Expires = delta-seconds *(SEMI se-params), se-params = refresher-param /
/// generic-param (§4).
struct session_expires {
  std::uint32_t seconds = 0;
  std::optional<sip::refresher> refresher;  // absent: not decided yet

  friend bool operator==(const session_expires&, const session_expires&) = default;
};

/// Parses a Session-Expires value. An unknown refresher value ("refresher=foo") is read
/// as a generic parameter, i.e. absent.
std::optional<session_expires> parse_session_expires(std::string_view value);
/// "1800;refresher=uac".
std::string to_string(const session_expires& se);

/// Min-SE = delta-seconds *(SEMI generic-param) (§5).
std::optional<std::uint32_t> parse_min_se(std::string_view value);

/// The first Session-Expires / Min-SE of a message. `absent` and `malformed` differ: a
/// malformed one makes a request a 400.
enum class header_presence : std::uint8_t { absent, present, malformed };
header_presence find_session_expires(const message& m, session_expires& out);
header_presence find_min_se(const message& m, std::uint32_t& out);

/// Whether a Supported (or Require) header lists `tag` (option tags compare
/// case-insensitively, RFC 3261 §19.2 and §20.37).
bool has_option_tag(const message& m, std::string_view header_name, std::string_view tag);
/// §7.1/§9: the peer supports session timers: "timer" in Supported or in Require.
bool supports_timer(const message& m);
/// Adds `tag` to the message's (first) `header_name`, or adds the header, unless listed.
void add_option_tag(message& m, std::string_view header_name, std::string_view tag);

}  // namespace voxedge::sip
