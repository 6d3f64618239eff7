#pragma once
// Syntax checks for the string values of the configuration: addresses, address patterns,
// URIs, telephone numbers. Each check_* returns "" when the value is acceptable and
// otherwise the complaint, worded for an operator reading a diagnostic.
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace voxedge::config {

/// The canonical text of an IPv4 or IPv6 literal ("0:0::1" -> "::1"), or nothing.
std::optional<std::string> canonical_ip(std::string_view s);

bool is_ip_literal(std::string_view s);
/// "203.0.113.0/24" or "2001:db8::/32" with no host bits set.
bool is_cidr(std::string_view s);
/// A DNS name (RFC 1123 labels; the last one not all digits, so a mistyped IPv4
/// address is not taken for a host name).
bool is_host_name(std::string_view s);
/// Scheme sip or sips (any case), ':', then something: the SIP parser does the rest.
bool is_sip_uri(std::string_view s);
/// '+' then 8 to 15 digits (ITU-T E.164 allows at most 15).
bool is_e164(std::string_view s);

std::string check_non_empty(std::string_view s);
std::string check_ip(std::string_view s);
/// Empty, or an IP literal (for keys whose empty value means "not set").
std::string check_optional_ip(std::string_view s);
/// A CIDR, a bare IP or a host name, as trunk and endpoint allow lists take.
std::string check_source_pattern(std::string_view s);
std::string check_sip_uri(std::string_view s);
/// "ip", "ip:port" or "[v6]:port": a DNS server to ask.
std::string check_dns_server(std::string_view s);
std::string check_e164(std::string_view s);
/// Only digits, possibly none.
std::string check_digits(std::string_view s);
/// Digits with an optional leading '+', at least one digit.
std::string check_number_prefix(std::string_view s);
/// Compiles as a std::regex ECMAScript expression; the complaint carries the reason.
std::string check_regex(std::string_view s);

/// "any", "user", "trunk:<name>" or "endpoint:<name>".
std::optional<route_source> parse_route_source(std::string_view s);
/// "trunk:<name>" or "endpoint:<name>".
std::optional<route_target> parse_route_target(std::string_view s);

}  // namespace voxedge::config
