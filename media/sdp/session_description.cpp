#include "media/sdp/session_description.hpp"

#include "base/text.hpp"
#include "media/sdp/rtp_payload_types.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

const sdp_attribute* find_attribute(const sdp_attribute_list& list, std::string_view name) noexcept {
  for (const auto& a : list) {
    if (text::iequals(a.name, name)) return &a;
  }
  return nullptr;
}

bool has_attribute(const sdp_attribute_list& list, std::string_view name) noexcept {
  return find_attribute(list, name) != nullptr;
}

std::optional<media_direction> find_direction(const sdp_attribute_list& list) noexcept {
  for (const auto& a : list) {
    if (auto d = direction_from_name(a.name)) return d;
  }
  return std::nullopt;
}

bool media_description::is_rtp() const noexcept {
  std::string_view p = proto;
  for (;;) {
    const auto slash = p.find('/');
    if (text::iequals(p.substr(0, slash), "RTP")) return true;
    if (slash == std::string_view::npos) return false;
    p.remove_prefix(slash + 1);
  }
}

bool media_description::uses_sdes() const noexcept {
  return text::iequals(proto, "RTP/SAVP") || text::iequals(proto, "RTP/SAVPF");
}

std::vector<std::uint8_t> media_description::payload_types() const {
  std::vector<std::uint8_t> out;
  out.reserve(formats.size());
  for (const auto& f : formats) {
    if (auto pt = sdp_grammar::parse_number(f, max_payload_type)) out.push_back(static_cast<std::uint8_t>(*pt));
  }
  return out;
}

const sdp_attribute* media_description::find_attribute(std::string_view name) const noexcept {
  return media::find_attribute(attributes, name);
}

bool media_description::has_attribute(std::string_view name) const noexcept {
  return media::has_attribute(attributes, name);
}

void media_description::add_attribute(std::string name, std::optional<std::string> value) {
  attributes.push_back(sdp_attribute{std::move(name), std::move(value)});
}

std::vector<rtpmap> media_description::rtpmaps() const {
  std::vector<rtpmap> out;
  for (const auto& a : attributes) {
    if (!a.value || !text::iequals(a.name, "rtpmap")) continue;
    if (auto m = parse_rtpmap(*a.value)) out.push_back(std::move(*m));
  }
  return out;
}

std::optional<rtpmap> media_description::find_rtpmap(std::uint8_t pt) const {
  for (const auto& a : attributes) {
    if (!a.value || !text::iequals(a.name, "rtpmap")) continue;
    auto m = parse_rtpmap(*a.value);
    // The first a=rtpmap for a payload type binds it; later duplicates are ignored.
    if (m && m->payload_type == pt) return m;
  }
  if (auto s = find_static_payload_type(pt)) {
    rtpmap m;
    m.payload_type = pt;
    m.encoding.assign(s->encoding);
    m.clock_rate = s->clock_rate;
    if (s->channels != 1) m.encoding_parameters = s->channels;
    return m;
  }
  return std::nullopt;
}

std::optional<std::string> media_description::fmtp(std::string_view format) const {
  for (const auto& a : attributes) {
    if (!a.value || !text::iequals(a.name, "fmtp")) continue;
    auto f = parse_fmtp(*a.value);
    if (f && f->format == format) return std::move(f->parameters);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> media_description::ptime() const {
  const auto* a = find_attribute("ptime");
  return a && a->value ? parse_packet_time(*a->value) : std::nullopt;
}

std::optional<std::uint32_t> media_description::maxptime() const {
  const auto* a = find_attribute("maxptime");
  return a && a->value ? parse_packet_time(*a->value) : std::nullopt;
}

std::optional<rtcp_attribute> media_description::rtcp() const {
  const auto* a = find_attribute("rtcp");
  return a && a->value ? parse_rtcp(*a->value) : std::nullopt;
}

std::vector<ssrc_attribute> media_description::ssrcs() const {
  std::vector<ssrc_attribute> out;
  for (const auto& a : attributes) {
    if (!a.value || !text::iequals(a.name, "ssrc")) continue;
    if (auto s = parse_ssrc(*a.value)) out.push_back(std::move(*s));
  }
  return out;
}

std::optional<std::string> media_description::mid() const {
  const auto* a = find_attribute("mid");
  if (!a || !a->value || !valid_mid(*a->value)) return std::nullopt;
  return *a->value;
}

std::vector<crypto_attribute> media_description::cryptos() const {
  std::vector<crypto_attribute> out;
  for (const auto& a : attributes) {
    if (!a.value || !text::iequals(a.name, "crypto")) continue;
    if (auto c = parse_crypto(*a.value)) out.push_back(std::move(*c));
  }
  return out;
}

std::optional<std::uint64_t> media_description::bandwidth(std::string_view type) const noexcept {
  for (const auto& b : bandwidths) {
    if (text::iequals(b.type, type)) return b.value;
  }
  return std::nullopt;
}

const sdp_attribute* session_description::find_attribute(std::string_view name) const noexcept {
  return media::find_attribute(attributes, name);
}

bool session_description::has_attribute(std::string_view name) const noexcept {
  return media::has_attribute(attributes, name);
}

void session_description::add_attribute(std::string name, std::optional<std::string> value) {
  attributes.push_back(sdp_attribute{std::move(name), std::move(value)});
}

const sdp_connection* session_description::connection_of(std::size_t index) const noexcept {
  if (index < media.size() && media[index].connection) return &*media[index].connection;
  return connection ? &*connection : nullptr;
}

media_direction session_description::direction_of(std::size_t index) const noexcept {
  if (index < media.size()) {
    if (auto d = media[index].direction()) return *d;
  }
  return find_direction(attributes).value_or(media_direction::sendrecv);
}

bool session_description::uses_ice(std::size_t index) const noexcept {
  if (index < media.size() && media[index].has_attribute("ice-ufrag")) return true;
  return has_attribute("ice-ufrag");
}

}  // namespace voxedge::media
