#include "daemon/dns/dns_answer.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

namespace voxedge::daemon::dns {

namespace {

// --- TTLs of the answer section ------------------------------------------------------
// c-ares 1.18 returns SRV and NAPTR records without their TTLs; this walks the answer
// section (RFC 1035 §4.1) for the smallest TTL among records of `type` in class IN.

std::uint16_t read_u16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

std::uint32_t read_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// Steps over an encoded name (labels, ending in a zero length or a compression pointer).
bool skip_name(const unsigned char* buf, std::size_t len, std::size_t& pos) {
  while (pos < len) {
    const unsigned char b = buf[pos];
    if (b == 0) {
      ++pos;
      return true;
    }
    if ((b & 0xC0) == 0xC0) {
      pos += 2;
      return pos <= len;
    }
    if ((b & 0xC0) != 0) return false;  // the 01/10 label types are not in use
    pos += 1u + b;
  }
  return false;
}

std::uint32_t clamp_ttl(int ttl) { return ttl < 0 ? 0u : static_cast<std::uint32_t>(ttl); }

std::string host_name(const char* s) {
  std::string_view v = s == nullptr ? std::string_view{} : std::string_view{s};
  // A root-terminated name loses its final dot; a backslash-escaped one (c-ares's
  // spelling of a dot inside a label) is part of the label and stays.
  if (v.size() > 1 && v.back() == '.' && v[v.size() - 2] != '\\') v.remove_suffix(1);
  return v.empty() ? std::string(".") : std::string(v);
}

std::string text_of(const unsigned char* s) { return s == nullptr ? std::string{} : reinterpret_cast<const char*>(s); }

}  // namespace

dns_error from_ares(int status) noexcept {
  switch (status) {
    case ARES_ENOTFOUND: return dns_error::nxdomain;
    case ARES_ENODATA: return dns_error::no_data;
    case ARES_ETIMEOUT: return dns_error::timeout;
    case ARES_ESERVFAIL:
    // c-ares 1.18 moves on to the next server after SERVFAIL, REFUSED or NOTIMP and, when
    // none is left, reports ECONNREFUSED, as for an unreachable server: it cannot tell
    // them apart, so neither can we.
    case ARES_ECONNREFUSED: return dns_error::server_failure;
    case ARES_EREFUSED:
    case ARES_ENOTIMP: return dns_error::refused;
    case ARES_EBADRESP:
    case ARES_EFORMERR: return dns_error::bad_response;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return dns_error::cancelled;
    default: return dns_error::other;
  }
}

std::optional<std::uint32_t> min_answer_ttl(const unsigned char* buf, int length, int type) {
  if (buf == nullptr || length < 12) return std::nullopt;
  const auto len = static_cast<std::size_t>(length);
  const unsigned qdcount = read_u16(buf + 4);
  const unsigned ancount = read_u16(buf + 6);
  std::size_t pos = 12;
  for (unsigned i = 0; i < qdcount; ++i) {
    if (!skip_name(buf, len, pos) || pos + 4 > len) return std::nullopt;
    pos += 4;
  }
  std::optional<std::uint32_t> smallest;
  for (unsigned i = 0; i < ancount; ++i) {
    if (!skip_name(buf, len, pos) || pos + 10 > len) return smallest;
    const std::uint16_t rr_type = read_u16(buf + pos);
    const std::uint16_t rr_class = read_u16(buf + pos + 2);
    std::uint32_t ttl = read_u32(buf + pos + 4);
    const std::uint16_t rdlength = read_u16(buf + pos + 8);
    pos += 10u + rdlength;
    if (pos > len) return smallest;
    if (ttl > 0x7FFFFFFFu) ttl = 0;  // RFC 2181 §8: a TTL with the top bit set means zero
    if (rr_type == type && rr_class == ns_c_in) smallest = std::min(smallest.value_or(ttl), ttl);
  }
  return smallest;
}

// --- reply parsing -------------------------------------------------------------------

namespace {

// ares_parse_a_reply and ares_parse_aaaa_reply differ only in their record type and how
// an address is read out of it.
template <class Record, class Parse, class ToAddress>
result<address_answer, dns_error> parse_addresses(const unsigned char* buf, int len, Parse parse, ToAddress to_address) {
  std::array<Record, max_addresses_per_family> ttls{};
  int n = max_addresses_per_family;
  const int rc = parse(buf, len, nullptr, ttls.data(), &n);
  if (rc != ARES_SUCCESS) return fail(from_ares(rc));
  if (n <= 0) return fail(dns_error::no_data);
  address_answer out;
  out.ttl = clamp_ttl(ttls[0].ttl);
  for (int i = 0; i < n; ++i) {
    const auto& t = ttls[static_cast<std::size_t>(i)];
    out.addresses.emplace_back(to_address(t));
    out.ttl = std::min(out.ttl, clamp_ttl(t.ttl));
  }
  return out;
}

}  // namespace

result<address_answer, dns_error> parse_a(const unsigned char* buf, int len) {
  return parse_addresses<ares_addrttl>(buf, len, ares_parse_a_reply, [](const ares_addrttl& t) {
    return boost::asio::ip::address(boost::asio::ip::address_v4(ntohl(t.ipaddr.s_addr)));
  });
}

result<address_answer, dns_error> parse_aaaa(const unsigned char* buf, int len) {
  return parse_addresses<ares_addr6ttl>(buf, len, ares_parse_aaaa_reply, [](const ares_addr6ttl& t) {
    boost::asio::ip::address_v6::bytes_type bytes{};
    std::memcpy(bytes.data(), t.ip6addr._S6_un._S6_u8, bytes.size());
    return boost::asio::ip::address(boost::asio::ip::address_v6(bytes));
  });
}

result<srv_answer, dns_error> parse_srv(const unsigned char* buf, int len) {
  ares_srv_reply* head = nullptr;
  const int rc = ares_parse_srv_reply(buf, len, &head);
  if (rc != ARES_SUCCESS) return fail(from_ares(rc));
  srv_answer out;
  for (const ares_srv_reply* r = head; r != nullptr; r = r->next) {
    out.records.push_back(srv_record{r->priority, r->weight, r->port, host_name(r->host)});
  }
  ares_free_data(head);
  if (out.records.empty()) return fail(dns_error::no_data);
  const auto ttl = min_answer_ttl(buf, len, ns_t_srv);
  if (!ttl) return fail(dns_error::bad_response);
  out.ttl = *ttl;
  return out;
}

result<naptr_answer, dns_error> parse_naptr(const unsigned char* buf, int len) {
  ares_naptr_reply* head = nullptr;
  const int rc = ares_parse_naptr_reply(buf, len, &head);
  if (rc != ARES_SUCCESS) return fail(from_ares(rc));
  naptr_answer out;
  for (const ares_naptr_reply* r = head; r != nullptr; r = r->next) {
    out.records.push_back(naptr_record{r->order, r->preference, text_of(r->flags), text_of(r->service),
                                       text_of(r->regexp), host_name(r->replacement)});
  }
  ares_free_data(head);
  if (out.records.empty()) return fail(dns_error::no_data);
  const auto ttl = min_answer_ttl(buf, len, ns_t_naptr);
  if (!ttl) return fail(dns_error::bad_response);
  out.ttl = *ttl;
  return out;
}

}  // namespace voxedge::daemon::dns
