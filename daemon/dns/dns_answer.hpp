#pragma once
// Parsing of DNS answers as they come from the network (untrusted bytes): the answer
// types of dns_resolver.hpp from a raw DNS message. The record parsers wrap c-ares 1.18's;
// the TTL walk is our own. Pure functions, no I/O and no channel: cares_resolver calls
// them, and tests/fuzz/dns_answer_fuzz.cpp feeds them arbitrary bytes.
#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "daemon/dns/dns_resolver.hpp"

namespace voxedge::daemon::dns {

/// More than this many addresses of one family for one name is not a SIP server; the
/// rest are ignored.
inline constexpr int max_addresses_per_family = 64;

/// The dns_error for a c-ares status code (ARES_ENOTFOUND, ...).
dns_error from_ares(int status) noexcept;

/// The smallest TTL among the answer records of `type` in class IN (RFC 1035 §4.1), as
/// c-ares 1.18 returns SRV and NAPTR records without their TTLs. A TTL with the top bit
/// set counts as zero (RFC 2181 §8), so the result is at most 0x7FFFFFFF. A message cut
/// short inside the answer section gives the smallest TTL seen before the cut; nullopt
/// when no such record was seen (or the header or question section is malformed).
std::optional<std::uint32_t> min_answer_ttl(const unsigned char* buf, int length, int type);

/// A and AAAA answers: every address in answer order (at most max_addresses_per_family),
/// TTL the smallest among them (c-ares caps it by the CNAME chain's).
result<address_answer, dns_error> parse_a(const unsigned char* buf, int len);
result<address_answer, dns_error> parse_aaaa(const unsigned char* buf, int len);

/// SRV and NAPTR answers: the records in answer order, TTL from min_answer_ttl().
/// no_data when the answer has no such record; bad_response when it does not parse.
result<srv_answer, dns_error> parse_srv(const unsigned char* buf, int len);
result<naptr_answer, dns_error> parse_naptr(const unsigned char* buf, int len);

}  // namespace voxedge::daemon::dns
