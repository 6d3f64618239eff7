#pragma once
// Turns a telephone number as a PBX, a client or a trunk sends it into E.164 ("+" and up
// to 15 digits), using the numbering plan of the configuration: the international prefix
// ("00", "011") and the national (trunk) prefix ("0"; "1" in the NANP) with the country
// code. Anything that is not recognisably a number in that plan (extensions, short codes
// such as 999 or *21#, user names) is left as it came and reported as not E.164, so the
// router can still match it with a route of its own.
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "sip/message/uri.hpp"

namespace voxedge::daemon {

struct normalized_number {
  /// E.164 ("+442079460958") when `e164`; otherwise `dialled`.
  std::string number;
  /// The number as dialled with visual separators and parameters removed and no prefix
  /// rewritten ("02079460958", "1234", "*21#"); a text that is not a dial string at all
  /// ("alice", "alice.smith") is kept as given, only trimmed of surrounding blanks.
  std::string dialled;
  bool e164 = false;

  bool operator==(const normalized_number&) const = default;
};

/// The telephone number a URI carries, unescaped, with its RFC 3966 phone-context.
struct uri_number {
  std::string number;         ///< "+44-20-7946-0958", "7946", "alice"
  std::string phone_context;  ///< "+44-20", "pbx.example.com", or empty
};

/// sip/sips: the user part (RFC 3261 §19.1.6 lets it be an RFC 3966 telephone-subscriber
/// with ";phone-context=" inside it), %HH escapes decoded; tel: the number and its
/// phone-context parameter. Nothing for a URI without a user part or of another scheme.
std::optional<uri_number> number_from_uri(const sip::uri& u);

class number_normalizer {
 public:
  explicit number_normalizer(config::numbering_settings numbering);

  /// `text` is a sip:, sips: or tel: URI (scheme compared case-insensitively) or a dial
  /// string, which may carry RFC 3966 parameters ("7946-0958;phone-context=+44-20").
  normalized_number normalize(std::string_view text) const;
  normalized_number normalize(const sip::uri& u) const;
  /// The core: `number` without parameters, `phone_context` as in uri_number.
  normalized_number normalize(std::string_view number, std::string_view phone_context) const;

  const config::numbering_settings& numbering() const noexcept { return numbering_; }

 private:
  config::numbering_settings numbering_;
};

}  // namespace voxedge::daemon
