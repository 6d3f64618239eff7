#include "sip/message/header_name.hpp"

#include <array>

#include "base/text.hpp"
#include "sip/message/message.hpp"

namespace voxedge::sip {

namespace {

struct entry {
  std::string_view key;  // compact letter or long name, any case
  header_info info;
};

constexpr header_info h(std::string_view canonical, header_id id = header_id::other) { return {canonical, id}; }

// Sorted by the lower-cased first letter of `key` so lookups scan one bucket only.
// Compact forms: RFC 3261 §7.3.3 (c e f i k l m s t v), RFC 3841 (a d j), RFC 3892 (b),
// RFC 4474 (n y), RFC 6665 (o u), RFC 3515 (r), RFC 4028 (x).
constexpr std::array entries = {
    entry{"a", h("Accept-Contact")},
    entry{"Accept", h("Accept")},
    entry{"Accept-Contact", h("Accept-Contact")},
    entry{"Accept-Encoding", h("Accept-Encoding")},
    entry{"Accept-Language", h("Accept-Language")},
    entry{"Accept-Resource-Priority", h("Accept-Resource-Priority")},
    entry{"Alert-Info", h("Alert-Info")},
    entry{"Allow", h("Allow")},
    entry{"Allow-Events", h("Allow-Events")},
    entry{"Answer-Mode", h("Answer-Mode")},
    entry{"Authentication-Info", h("Authentication-Info")},
    entry{"Authorization", h("Authorization")},
    entry{"b", h("Referred-By")},
    entry{"c", h("Content-Type")},
    entry{"Call-ID", h("Call-ID", header_id::call_id)},
    entry{"Call-Info", h("Call-Info")},
    entry{"Contact", h("Contact", header_id::contact)},
    entry{"Content-Disposition", h("Content-Disposition")},
    entry{"Content-Encoding", h("Content-Encoding")},
    entry{"Content-Language", h("Content-Language")},
    entry{"Content-Length", h("Content-Length", header_id::content_length)},
    entry{"Content-Type", h("Content-Type")},
    entry{"CSeq", h("CSeq", header_id::cseq)},
    entry{"d", h("Request-Disposition")},
    entry{"Date", h("Date")},
    entry{"Diversion", h("Diversion")},
    entry{"e", h("Content-Encoding")},
    entry{"Error-Info", h("Error-Info")},
    entry{"Event", h("Event")},
    entry{"Expires", h("Expires")},
    entry{"f", h("From", header_id::from)},
    entry{"Flow-Timer", h("Flow-Timer")},
    entry{"From", h("From", header_id::from)},
    entry{"Geolocation", h("Geolocation")},
    entry{"Geolocation-Error", h("Geolocation-Error")},
    entry{"Geolocation-Routing", h("Geolocation-Routing")},
    entry{"History-Info", h("History-Info")},
    entry{"i", h("Call-ID", header_id::call_id)},
    entry{"Identity", h("Identity")},
    entry{"Identity-Info", h("Identity-Info")},
    entry{"In-Reply-To", h("In-Reply-To")},
    entry{"Info-Package", h("Info-Package")},
    entry{"j", h("Reject-Contact")},
    entry{"Join", h("Join")},
    entry{"k", h("Supported")},
    entry{"l", h("Content-Length", header_id::content_length)},
    entry{"m", h("Contact", header_id::contact)},
    entry{"Max-Breadth", h("Max-Breadth")},
    entry{"Max-Forwards", h("Max-Forwards", header_id::max_forwards)},
    entry{"MIME-Version", h("MIME-Version")},
    entry{"Min-Expires", h("Min-Expires")},
    entry{"Min-SE", h("Min-SE")},
    entry{"n", h("Identity-Info")},
    entry{"o", h("Event")},
    entry{"Organization", h("Organization")},
    entry{"P-Access-Network-Info", h("P-Access-Network-Info")},
    entry{"P-Asserted-Identity", h("P-Asserted-Identity")},
    entry{"P-Associated-URI", h("P-Associated-URI")},
    entry{"P-Called-Party-ID", h("P-Called-Party-ID")},
    entry{"P-Charging-Function-Addresses", h("P-Charging-Function-Addresses")},
    entry{"P-Charging-Vector", h("P-Charging-Vector")},
    entry{"P-Early-Media", h("P-Early-Media")},
    entry{"P-Preferred-Identity", h("P-Preferred-Identity")},
    entry{"P-Visited-Network-ID", h("P-Visited-Network-ID")},
    entry{"Path", h("Path")},
    entry{"Priority", h("Priority")},
    entry{"Privacy", h("Privacy")},
    entry{"Proxy-Authenticate", h("Proxy-Authenticate")},
    entry{"Proxy-Authorization", h("Proxy-Authorization")},
    entry{"Proxy-Require", h("Proxy-Require")},
    entry{"r", h("Refer-To")},
    entry{"RAck", h("RAck")},
    entry{"Reason", h("Reason")},
    entry{"Record-Route", h("Record-Route", header_id::record_route)},
    entry{"Recv-Info", h("Recv-Info")},
    entry{"Refer-Sub", h("Refer-Sub")},
    entry{"Refer-To", h("Refer-To")},
    entry{"Referred-By", h("Referred-By")},
    entry{"Reject-Contact", h("Reject-Contact")},
    entry{"Remote-Party-ID", h("Remote-Party-ID")},
    entry{"Replaces", h("Replaces")},
    entry{"Reply-To", h("Reply-To")},
    entry{"Request-Disposition", h("Request-Disposition")},
    entry{"Require", h("Require")},
    entry{"Resource-Priority", h("Resource-Priority")},
    entry{"Retry-After", h("Retry-After")},
    entry{"Route", h("Route", header_id::route)},
    entry{"RSeq", h("RSeq")},
    entry{"s", h("Subject")},
    entry{"Security-Client", h("Security-Client")},
    entry{"Security-Server", h("Security-Server")},
    entry{"Security-Verify", h("Security-Verify")},
    entry{"Server", h("Server")},
    entry{"Service-Route", h("Service-Route")},
    entry{"Session-Expires", h("Session-Expires")},
    entry{"Session-ID", h("Session-ID")},
    entry{"SIP-ETag", h("SIP-ETag")},
    entry{"SIP-If-Match", h("SIP-If-Match")},
    entry{"Subject", h("Subject")},
    entry{"Subscription-State", h("Subscription-State")},
    entry{"Supported", h("Supported")},
    entry{"t", h("To", header_id::to)},
    entry{"Target-Dialog", h("Target-Dialog")},
    entry{"Timestamp", h("Timestamp")},
    entry{"To", h("To", header_id::to)},
    entry{"u", h("Allow-Events")},
    entry{"Unsupported", h("Unsupported")},
    entry{"User-Agent", h("User-Agent")},
    entry{"User-to-User", h("User-to-User")},
    entry{"v", h("Via", header_id::via)},
    entry{"Via", h("Via", header_id::via)},
    entry{"Warning", h("Warning")},
    entry{"WWW-Authenticate", h("WWW-Authenticate")},
    entry{"x", h("Session-Expires")},
    entry{"y", h("Identity")},
};

constexpr int bucket_of(char c) noexcept {
  const char l = text::ascii_lower(c);
  return (l >= 'a' && l <= 'z') ? l - 'a' : -1;
}

// bucket_begin[b] .. bucket_begin[b + 1] are the entries whose key starts with letter b.
constexpr std::array<std::size_t, 27> make_buckets() {
  std::array<std::size_t, 27> begin{};
  std::size_t i = 0;
  for (int b = 0; b < 26; ++b) {
    begin[static_cast<std::size_t>(b)] = i;
    while (i < entries.size() && bucket_of(entries[i].key[0]) == b) ++i;
  }
  begin[26] = i;
  return begin;
}
constexpr auto bucket_begin = make_buckets();
static_assert(bucket_begin[26] == entries.size(), "header table must be sorted by first letter");

}  // namespace

const header_info* find_header(std::string_view name) noexcept {
  if (name.empty()) return nullptr;
  const int b = bucket_of(name[0]);
  if (b < 0) return nullptr;
  for (std::size_t i = bucket_begin[static_cast<std::size_t>(b)]; i < bucket_begin[static_cast<std::size_t>(b) + 1];
       ++i) {
    if (entries[i].key.size() == name.size() && text::iequals(entries[i].key, name)) return &entries[i].info;
  }
  return nullptr;
}

std::string canonical_header_name(std::string_view name) {
  const auto* info = find_header(name);
  return std::string(info ? info->canonical : name);
}

}  // namespace voxedge::sip
