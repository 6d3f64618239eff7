#include "media/sdp/sdp_attributes.hpp"

#include "base/text.hpp"
#include "media/sdp/rtp_payload_types.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

namespace g = sdp_grammar;

std::string_view to_string(media_direction d) noexcept {
  switch (d) {
    case media_direction::sendrecv: return "sendrecv";
    case media_direction::sendonly: return "sendonly";
    case media_direction::recvonly: return "recvonly";
    case media_direction::inactive: return "inactive";
  }
  return "sendrecv";
}

std::optional<media_direction> direction_from_name(std::string_view name) noexcept {
  if (text::iequals(name, "sendrecv")) return media_direction::sendrecv;
  if (text::iequals(name, "sendonly")) return media_direction::sendonly;
  if (text::iequals(name, "recvonly")) return media_direction::recvonly;
  if (text::iequals(name, "inactive")) return media_direction::inactive;
  return std::nullopt;
}

std::string rtpmap::to_value() const {
  std::string out = std::to_string(payload_type);
  out += ' ';
  out += encoding;
  out += '/';
  out += std::to_string(clock_rate);
  if (encoding_parameters) {
    out += '/';
    out += std::to_string(*encoding_parameters);
  }
  return out;
}

std::optional<rtpmap> parse_rtpmap(std::string_view value) {
  auto rest = text::trim(value);
  const auto pt = g::parse_number(g::next_field(rest), max_payload_type);
  if (!pt || rest.empty()) return std::nullopt;
  // <encoding name>/<clock rate>[/<encoding parameters>]: one field.
  const auto spec = g::next_field(rest);
  if (!rest.empty()) return std::nullopt;
  rtpmap m;
  m.payload_type = static_cast<std::uint8_t>(*pt);
  const auto slash = spec.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto name = spec.substr(0, slash);
  if (!g::is_token(name)) return std::nullopt;
  m.encoding.assign(name);
  auto tail = spec.substr(slash + 1);
  const auto slash2 = tail.find('/');
  const auto rate = g::parse_number(tail.substr(0, slash2), UINT32_MAX);
  if (!rate || *rate == 0) return std::nullopt;
  m.clock_rate = static_cast<std::uint32_t>(*rate);
  if (slash2 != std::string_view::npos) {
    const auto params = g::parse_number(tail.substr(slash2 + 1), UINT32_MAX);
    if (!params || *params == 0) return std::nullopt;
    m.encoding_parameters = static_cast<std::uint32_t>(*params);
  }
  return m;
}

std::optional<fmtp> parse_fmtp(std::string_view value) {
  auto rest = value;
  const auto format = g::next_field(rest);
  if (!g::is_token(format)) return std::nullopt;
  // The parameters are format-specific text (RFC 8866 §6.15); kept as received, minus
  // surrounding white space. "a=fmtp:101" without parameters is tolerated.
  return fmtp{std::string(format), std::string(text::trim(rest))};
}

std::optional<std::string_view> fmtp_parameter(std::string_view parameters, std::string_view name) noexcept {
  while (!parameters.empty()) {
    const auto semi = parameters.find(';');
    const auto item = text::trim(parameters.substr(0, semi));
    const auto eq = item.find('=');
    if (text::iequals(text::trim(item.substr(0, eq)), name)) {
      return eq == std::string_view::npos ? std::string_view() : text::trim(item.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    parameters.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

bool valid_packet_time(std::string_view value) noexcept {
  // non-zero-int-or-real (RFC 8866 §9): digits, optionally "." digits, not all zero.
  const auto dot = value.find('.');
  const auto whole = value.substr(0, dot);
  if (!g::is_digits(whole) || whole.size() > 9) return false;
  bool nonzero = whole.find_first_not_of('0') != std::string_view::npos;
  if (dot != std::string_view::npos) {
    const auto frac = value.substr(dot + 1);
    if (!g::is_digits(frac)) return false;
    nonzero = nonzero || frac.find_first_not_of('0') != std::string_view::npos;
  }
  return nonzero;
}

std::optional<std::uint32_t> parse_packet_time(std::string_view value) noexcept {
  value = text::trim(value);
  if (!valid_packet_time(value)) return std::nullopt;
  const auto ms = g::parse_number(value.substr(0, value.find('.')), UINT32_MAX);
  if (!ms || *ms == 0) return std::nullopt;
  return static_cast<std::uint32_t>(*ms);
}

std::string rtcp_attribute::to_value() const {
  std::string out = std::to_string(port);
  if (connection) {
    out += ' ';
    connection->append_to(out);
  }
  return out;
}

std::optional<rtcp_attribute> parse_rtcp(std::string_view value) {
  auto rest = text::trim(value);
  const auto port = g::parse_number(g::next_field(rest), 65535);
  if (!port) return std::nullopt;
  rtcp_attribute a;
  a.port = static_cast<std::uint16_t>(*port);
  if (!rest.empty()) {
    auto c = parse_connection(rest, false);
    if (!c) return std::nullopt;
    a.connection = std::move(*c);
  }
  return a;
}

std::optional<ssrc_attribute> parse_ssrc(std::string_view value) {
  auto rest = text::trim(value);
  const auto id = g::parse_number(g::next_field(rest), UINT32_MAX);
  if (!id) return std::nullopt;
  ssrc_attribute a;
  a.ssrc = static_cast<std::uint32_t>(*id);
  if (rest.empty()) return a;
  const auto colon = rest.find(':');
  const auto name = rest.substr(0, colon);
  if (!g::is_token(name)) return std::nullopt;
  a.attribute.assign(name);
  if (colon != std::string_view::npos) a.value = std::string(rest.substr(colon + 1));
  return a;
}

bool valid_mid(std::string_view value) noexcept { return g::is_token(value); }

}  // namespace voxedge::media
