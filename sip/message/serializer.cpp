#include "sip/message/serializer.hpp"

#include <charconv>

#include "base/text.hpp"

namespace voxedge::sip {

namespace {

// Header values come from parsed input (never CR/LF) or from application code; a CR or
// LF from the latter would start a new header line, so it is written as SP.
void append_safe(std::string& out, std::string_view s) {
  if (s.find_first_of("\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
}

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void append_name_addr(std::string& out, std::string_view name, const name_addr& na) {
  out += name;
  out += ": ";
  na.append_to(out);
  out += "\r\n";
}

std::size_t estimate(const message& m) {
  std::size_t n = 256 + m.body.size() + m.call_id.size() +
                  160 * (m.vias.size() + m.contacts.size() + m.routes.size() + m.record_routes.size());
  for (const auto& h : m.headers) n += h.name.size() + h.value.size() + 4;
  return n;
}

}  // namespace

void serialize_to(const message& m, std::string& out) {
  out.reserve(out.size() + estimate(m));
  // Start line (RFC 3261 §7.1, §7.2).
  if (m.is_request) {
    out += m.method_name.empty() ? to_string(m.method_id) : std::string_view(m.method_name);
    out += ' ';
    m.request_uri.append_to(out);
    out += " SIP/2.0\r\n";
  } else {
    out += "SIP/2.0 ";
    append_number(out, static_cast<std::uint64_t>(m.status < 0 ? 0 : m.status));
    out += ' ';
    append_safe(out, m.reason);
    out += "\r\n";
  }
  // Typed headers, each Via on its own line: the relative order of Via values is what
  // matters (RFC 3261 §7.3.1), and one per line keeps them easy to strip.
  for (const auto& v : m.vias) {
    out += "Via: ";
    v.append_to(out);
    out += "\r\n";
  }
  if (m.max_forwards) {
    out += "Max-Forwards: ";
    append_number(out, *m.max_forwards);
    out += "\r\n";
  }
  // An empty From/To/Call-ID/CSeq only occurs in an error response built from a partial
  // request; the raw value, if any, is then among the generic headers.
  if (!m.from.empty()) append_name_addr(out, "From", m.from);
  if (!m.to.empty()) append_name_addr(out, "To", m.to);
  if (!m.call_id.empty()) {
    out += "Call-ID: ";
    append_safe(out, m.call_id);
    out += "\r\n";
  }
  if (!m.cseq.method_name.empty() || m.cseq.method_id != method::unknown) {
    out += "CSeq: ";
    append_number(out, m.cseq.number);
    out += ' ';
    out += m.cseq.method_name.empty() ? to_string(m.cseq.method_id) : std::string_view(m.cseq.method_name);
    out += "\r\n";
  }
  if (m.contact_wildcard) out += "Contact: *\r\n";
  for (const auto& c : m.contacts) append_name_addr(out, "Contact", c);
  for (const auto& r : m.record_routes) append_name_addr(out, "Record-Route", r);
  for (const auto& r : m.routes) append_name_addr(out, "Route", r);
  for (const auto& h : m.headers) {
    // Content-Length is computed below, never copied.
    if (text::iequals(h.name, "Content-Length") || text::iequals(h.name, "l")) continue;
    out += h.name;
    out += ": ";
    append_safe(out, h.value);
    out += "\r\n";
  }
  out += "Content-Length: ";
  append_number(out, m.body.size());
  out += "\r\n\r\n";
  out += m.body;
}

std::string serialize(const message& m) {
  std::string out;
  serialize_to(m, out);
  return out;
}

}  // namespace voxedge::sip
