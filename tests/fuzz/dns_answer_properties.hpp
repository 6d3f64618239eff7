#pragma once
// What the dns_answer_fuzz target checks on arbitrary bytes taken as a DNS message,
// beyond "no crash, no sanitizer report". The unit test
// tests/unit/daemon/dns/dns_answer_test.cpp replays the seed corpus (and every crasher
// kept there) through the same function.
//  - min_answer_ttl, for each record type the daemon asks for: at most 0x7FFFFFFF
//    (RFC 2181 §8); the same twice; cutting the message short only loses records, so a
//    prefix never gives a smaller TTL than the whole message, nor one where the whole
//    gives none.
//  - parse_a / parse_aaaa: the same twice; on success 1..max_addresses_per_family
//    addresses of the right family and a TTL of at most 0x7FFFFFFF.
//  - parse_srv / parse_naptr: the same twice; on success at least one record (never
//    more than the header's answer count), TTL equal to min_answer_ttl's, target and
//    replacement printable ASCII names ("." for the root), character-strings of at most
//    255 bytes; bad_response only when c-ares itself rejects the message (our TTL walk
//    never disagrees with c-ares about an answer c-ares accepted).
//  - every failure is one a parser can give (no_data, bad_response, other), never one
//    that only the network gives (nxdomain, timeout, server failure, refused): callers
//    treat nxdomain as definitive.
#include <ares.h>
#include <arpa/nameser.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/dns/dns_answer.hpp"

namespace voxedge::daemon::dns::fuzz {

inline constexpr std::uint32_t max_ttl = 0x7FFFFFFFu;

inline bool printable_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

inline bool parser_error(dns_error e) {
  return e == dns_error::no_data || e == dns_error::bad_response || e == dns_error::other;
}

inline unsigned answer_count(std::span<const unsigned char> m) {
  return m.size() < 12 ? 0u : static_cast<unsigned>((m[6] << 8) | m[7]);
}

inline const char* check_min_answer_ttl(std::span<const unsigned char> m, int type) {
  const int len = static_cast<int>(m.size());
  const auto ttl = min_answer_ttl(m.data(), len, type);
  if (ttl && *ttl > max_ttl) return "min_answer_ttl above 0x7FFFFFFF";
  if (min_answer_ttl(m.data(), len, type) != ttl) return "min_answer_ttl not deterministic";
  // Two cuts: one byte short, and halfway.
  for (const int cut : {len - 1, len / 2}) {
    if (cut < 0) continue;
    const std::vector<unsigned char> prefix(m.begin(), m.begin() + cut);  // exact size, for ASan
    const auto p = min_answer_ttl(prefix.data(), cut, type);
    if (p && (!ttl || *p < *ttl)) return "min_answer_ttl of a prefix below that of the whole message";
  }
  return nullptr;
}

inline const char* check_addresses(const result<address_answer, dns_error>& r,
                                   const result<address_answer, dns_error>& again, bool v4) {
  if (r.ok() != again.ok()) return "address parse not deterministic";
  if (!r) {
    if (r.error() != again.error()) return "address parse error not deterministic";
    if (!parser_error(r.error())) return "address parse failed with a network-only error";
    return nullptr;
  }
  if (r->addresses != again->addresses || r->ttl != again->ttl) return "address parse not deterministic";
  if (r->addresses.empty()) return "address parse succeeded without addresses";
  if (r->addresses.size() > static_cast<std::size_t>(max_addresses_per_family)) return "too many addresses";
  if (r->ttl > max_ttl) return "address TTL above 0x7FFFFFFF";
  if (r->ipv4_failure || r->ipv6_failure) return "a single-family parse sets a family failure";
  for (const auto& a : r->addresses) {
    if (a.is_v4() != v4) return "address of the wrong family";
  }
  return nullptr;
}

inline bool cares_accepts_srv(std::span<const unsigned char> m) {
  ares_srv_reply* head = nullptr;
  const int rc = ares_parse_srv_reply(m.data(), static_cast<int>(m.size()), &head);
  const bool any = rc == ARES_SUCCESS && head != nullptr;
  if (head != nullptr) ares_free_data(head);
  return any;
}

inline bool cares_accepts_naptr(std::span<const unsigned char> m) {
  ares_naptr_reply* head = nullptr;
  const int rc = ares_parse_naptr_reply(m.data(), static_cast<int>(m.size()), &head);
  const bool any = rc == ARES_SUCCESS && head != nullptr;
  if (head != nullptr) ares_free_data(head);
  return any;
}

inline const char* check_srv(std::span<const unsigned char> m) {
  const int len = static_cast<int>(m.size());
  const auto r = parse_srv(m.data(), len);
  const auto again = parse_srv(m.data(), len);
  if (r.ok() != again.ok()) return "SRV parse not deterministic";
  if (!r) {
    if (r.error() != again.error()) return "SRV parse error not deterministic";
    if (!parser_error(r.error())) return "SRV parse failed with a network-only error";
    if (r.error() == dns_error::bad_response && cares_accepts_srv(m)) {
      return "SRV: c-ares accepted the answer but the TTL walk found no SRV record";
    }
    return nullptr;
  }
  if (r->records != again->records || r->ttl != again->ttl) return "SRV parse not deterministic";
  if (r->records.empty()) return "SRV parse succeeded without records";
  if (r->records.size() > answer_count(m)) return "more SRV records than answers";
  if (r->ttl > max_ttl) return "SRV TTL above 0x7FFFFFFF";
  if (min_answer_ttl(m.data(), len, ns_t_srv) != std::optional<std::uint32_t>(r->ttl)) {
    return "SRV TTL differs from min_answer_ttl";
  }
  for (const auto& rec : r->records) {
    if (!printable_name(rec.target)) return "SRV target not a printable name";
  }
  return nullptr;
}

inline const char* check_naptr(std::span<const unsigned char> m) {
  const int len = static_cast<int>(m.size());
  const auto r = parse_naptr(m.data(), len);
  const auto again = parse_naptr(m.data(), len);
  if (r.ok() != again.ok()) return "NAPTR parse not deterministic";
  if (!r) {
    if (r.error() != again.error()) return "NAPTR parse error not deterministic";
    if (!parser_error(r.error())) return "NAPTR parse failed with a network-only error";
    if (r.error() == dns_error::bad_response && cares_accepts_naptr(m)) {
      return "NAPTR: c-ares accepted the answer but the TTL walk found no NAPTR record";
    }
    return nullptr;
  }
  if (r->records != again->records || r->ttl != again->ttl) return "NAPTR parse not deterministic";
  if (r->records.empty()) return "NAPTR parse succeeded without records";
  if (r->records.size() > answer_count(m)) return "more NAPTR records than answers";
  if (r->ttl > max_ttl) return "NAPTR TTL above 0x7FFFFFFF";
  if (min_answer_ttl(m.data(), len, ns_t_naptr) != std::optional<std::uint32_t>(r->ttl)) {
    return "NAPTR TTL differs from min_answer_ttl";
  }
  for (const auto& rec : r->records) {
    if (!printable_name(rec.replacement)) return "NAPTR replacement not a printable name";
    if (rec.flags.size() > 255 || rec.service.size() > 255 || rec.regexp.size() > 255) {
      return "NAPTR character-string longer than 255 bytes";
    }
  }
  return nullptr;
}

/// nullptr when every property holds, otherwise what failed.
inline const char* check_dns_answer_properties(std::span<const unsigned char> m) {
  if (m.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return nullptr;
  for (const int type : {ns_t_a, ns_t_aaaa, ns_t_cname, ns_t_srv, ns_t_naptr}) {
    if (const char* why = check_min_answer_ttl(m, type)) return why;
  }
  const int len = static_cast<int>(m.size());
  if (const char* why = check_addresses(parse_a(m.data(), len), parse_a(m.data(), len), true)) return why;
  if (const char* why = check_addresses(parse_aaaa(m.data(), len), parse_aaaa(m.data(), len), false)) return why;
  if (const char* why = check_srv(m)) return why;
  if (const char* why = check_naptr(m)) return why;
  return nullptr;
}

}  // namespace voxedge::daemon::dns::fuzz
