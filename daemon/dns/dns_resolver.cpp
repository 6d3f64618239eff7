#include "daemon/dns/dns_resolver.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace voxedge::daemon::dns {

std::string_view to_string(dns_error e) noexcept {
  switch (e) {
    case dns_error::nxdomain: return "NXDOMAIN";
    case dns_error::no_data: return "no data";
    case dns_error::timeout: return "timeout";
    case dns_error::server_failure: return "server failure (SERVFAIL, REFUSED or unreachable)";
    case dns_error::refused: return "REFUSED";
    case dns_error::bad_response: return "bad response";
    case dns_error::cancelled: return "cancelled";
    case dns_error::other: return "resolver error";
  }
  return "resolver error";
}

std::optional<boost::asio::ip::address> parse_ip_literal(std::string_view name) {
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
    if (name.find(':') == std::string_view::npos) return std::nullopt;
  }
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(name), ec);
  if (ec) return std::nullopt;
  return a;
}

std::string normalize_name(std::string_view name) {
  if (!name.empty() && name.back() == '.' && name.size() > 1) name.remove_suffix(1);
  return text::to_lower(name);
}

result<address_answer, dns_error> combine_families(const result<address_answer, dns_error>& ipv4,
                                                   const result<address_answer, dns_error>& ipv6) {
  if (ipv4.ok() && ipv6.ok()) {
    address_answer both = ipv4.value();
    both.addresses.insert(both.addresses.end(), ipv6->addresses.begin(), ipv6->addresses.end());
    both.ttl = std::min(ipv4->ttl, ipv6->ttl);
    both.ipv4_failure.reset();
    both.ipv6_failure.reset();
    return both;
  }
  if (ipv4.ok() || ipv6.ok()) {
    address_answer one = ipv4.ok() ? ipv4.value() : ipv6.value();
    const dns_error other = ipv4.ok() ? ipv6.error() : ipv4.error();
    // NXDOMAIN for one family and data for the other cannot both be true; trust the data.
    if (!is_definitive(other)) (ipv4.ok() ? one.ipv6_failure : one.ipv4_failure) = other;
    return one;
  }
  const dns_error e4 = ipv4.error();
  const dns_error e6 = ipv6.error();
  if (e4 == dns_error::nxdomain || e6 == dns_error::nxdomain) return fail(dns_error::nxdomain);
  if (is_definitive(e4) && is_definitive(e6)) return fail(dns_error::no_data);
  return fail(is_definitive(e4) ? e6 : e4);
}

}  // namespace voxedge::daemon::dns
