#pragma once
// A SIP request or response (RFC 3261 §7).
//
// The headers every layer needs (Via, From, To, Call-ID, CSeq, Max-Forwards, Contact,
// Route, Record-Route) are parsed once into typed fields, which are authoritative: the
// serializer writes them from the fields, in that order, followed by every other header
// in the order received (`headers`, with long-form canonical names). Content-Length is
// never stored; it is computed from `body` when serialising.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message/cseq.hpp"
#include "sip/message/method.hpp"
#include "sip/message/name_addr.hpp"
#include "sip/message/uri.hpp"
#include "sip/message/via.hpp"

namespace voxedge::sip {

struct header {
  std::string name;   // canonical long form, e.g. "Content-Type" for "c"
  std::string value;  // raw value, leading/trailing whitespace stripped, folding joined
};

class message {
 public:
  // --- start line -------------------------------------------------------------------
  bool is_request = true;
  std::string method_name;  // request only; as on the wire
  sip::method method_id = sip::method::unknown;
  uri request_uri;
  int status = 0;      // response only
  std::string reason;  // response only

  // --- typed headers (authoritative) --------------------------------------------------
  std::vector<sip::via> vias;  // topmost first
  name_addr from;
  name_addr to;
  std::string call_id;
  sip::cseq cseq;
  std::optional<std::uint32_t> max_forwards;
  std::vector<name_addr> contacts;
  bool contact_wildcard = false;  // "Contact: *" (REGISTER only)
  std::vector<name_addr> routes;
  std::vector<name_addr> record_routes;

  // --- everything else ----------------------------------------------------------------
  std::vector<header> headers;
  std::string body;

  bool is_response() const noexcept { return !is_request; }
  /// The method a transaction is about: the request's, or the CSeq method for responses.
  sip::method transaction_method() const noexcept { return is_request ? method_id : cseq.method_id; }

  /// First value of a generic header (case-insensitive, compact forms accepted).
  std::optional<std::string_view> header_value(std::string_view name) const noexcept;
  std::vector<std::string_view> header_values(std::string_view name) const;
  bool has_header(std::string_view name) const noexcept { return header_value(name).has_value(); }
  void add_header(std::string_view name, std::string_view value);
  /// Replaces every occurrence with a single one.
  void set_header(std::string_view name, std::string_view value);
  void remove_header(std::string_view name);
};

/// Expands a compact header name (RFC 3261 §7.3.3, RFC 3841, RFC 3515, RFC 4028 ...) to
/// its canonical long form, and canonicalises the case of well-known names
/// ("content-type" -> "Content-Type"). Unknown names are returned unchanged.
std::string canonical_header_name(std::string_view name);

}  // namespace voxedge::sip
