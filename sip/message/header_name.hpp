#pragma once
// Header field names: compact forms and canonical spellings (RFC 3261 §7.3.1, §7.3.3 and
// the IANA "Header Fields" registry), and which of them the message model types.
#include <cstdint>
#include <string_view>

namespace voxedge::sip {

/// The headers `message` holds in typed fields; everything else is `other`.
enum class header_id : std::uint8_t {
  other,
  via,
  from,
  to,
  call_id,
  cseq,
  max_forwards,
  contact,
  route,
  record_route,
  content_length,
};

struct header_info {
  std::string_view canonical;  // "Call-ID"
  header_id id;
};

/// Looks a name up case-insensitively, compact forms included ("i" -> Call-ID).
/// nullptr for names that are not well known.
const header_info* find_header(std::string_view name) noexcept;

}  // namespace voxedge::sip
