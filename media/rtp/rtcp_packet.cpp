#include "media/rtp/rtcp_packet.hpp"

#include <cassert>

#include "media/rtp/byte_io.hpp"

namespace voxedge::media {

using byte_io::load_be16;
using byte_io::load_be24;
using byte_io::load_be32;

std::string_view to_string(rtcp_error e) noexcept {
  switch (e) {
    case rtcp_error::too_short: return "too_short";
    case rtcp_error::bad_version: return "bad_version";
    case rtcp_error::bad_padding: return "bad_padding";
    case rtcp_error::wrong_type: return "wrong_type";
    case rtcp_error::truncated_report: return "truncated_report";
    case rtcp_error::bad_sdes: return "bad_sdes";
    case rtcp_error::bad_bye: return "bad_bye";
    case rtcp_error::bad_app: return "bad_app";
    case rtcp_error::buffer_too_small: return "buffer_too_small";
    case rtcp_error::value_too_long: return "value_too_long";
    case rtcp_error::too_many_sources: return "too_many_sources";
  }
  return "unknown";
}

result<rtcp_packet, rtcp_error> read_rtcp_packet(std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.size() < rtcp_header_size) return fail(rtcp_error::too_short);
  if ((bytes[0] >> 6) != 2) return fail(rtcp_error::bad_version);
  // §6.4.1: "length ... in 32-bit words minus one, including the header and any padding".
  const std::size_t size = (std::size_t{load_be16(&bytes[2])} + 1) * 4;
  if (size > bytes.size()) return fail(rtcp_error::too_short);
  const auto packet = bytes.first(size);
  std::size_t body_end = size;
  if ((bytes[0] & 0x20U) != 0) {
    // §6.4.1: the last octet counts the padding, itself included, so it is at least 1
    // and never reaches into the header. A.2 expects padding only on the last packet
    // of a compound; like libwebrtc we accept it anywhere, since the length field
    // still delimits every packet.
    const std::size_t padding = packet.back();
    if (padding == 0 || padding > size - rtcp_header_size) return fail(rtcp_error::bad_padding);
    body_end -= padding;
  }
  return rtcp_packet(packet, packet.subspan(rtcp_header_size, body_end - rtcp_header_size));
}

namespace {

result<void, rtcp_error> check_body(const rtcp_packet& p) noexcept {
  switch (p.type()) {
    case rtcp_type::sender_report:
    case rtcp_type::receiver_report: {
      auto r = report_view::parse(p);
      if (!r) return fail(r.error());
      return {};
    }
    case rtcp_type::source_description: {
      auto r = sdes_view::parse(p);
      if (!r) return fail(r.error());
      return {};
    }
    case rtcp_type::goodbye: {
      auto r = bye_view::parse(p);
      if (!r) return fail(r.error());
      return {};
    }
    case rtcp_type::application: {
      auto r = app_view::parse(p);
      if (!r) return fail(r.error());
      return {};
    }
    default:
      // Feedback, XR and types not yet assigned: the common header was sound, and
      // that is all a reader that skips them relies on.
      return {};
  }
}

}  // namespace

result<rtcp_compound, rtcp_error> parse_rtcp_compound(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.empty()) return fail(rtcp_error::too_short);
  std::size_t pos = 0;
  std::size_t count = 0;
  // A.2: the lengths must add up to the datagram exactly; trailing bytes (fewer than a
  // header, or a header whose length overruns) reject the whole compound.
  while (pos < datagram.size()) {
    auto p = read_rtcp_packet(datagram.subspan(pos));
    if (!p) return fail(p.error());
    if (auto body = check_body(*p); !body) return fail(body.error());
    pos += p->bytes().size();
    ++count;
  }
  return rtcp_compound(datagram, count);
}

rtcp_compound::iterator::iterator(std::span<const std::uint8_t> rest) noexcept : rest_(rest), current_({}, {}) {
  if (!rest_.empty()) {
    auto p = read_rtcp_packet(rest_);
    assert(p.ok());  // the compound was validated whole
    current_ = *p;
  }
}

rtcp_compound::iterator& rtcp_compound::iterator::operator++() noexcept {
  *this = iterator(rest_.subspan(current_.bytes().size()));
  return *this;
}

// --- SR / RR ---------------------------------------------------------------------

result<report_view, rtcp_error> report_view::parse(const rtcp_packet& p) noexcept {
  report_view v;
  if (p.type() == rtcp_type::sender_report) {
    v.sender_ = true;
  } else if (p.type() != rtcp_type::receiver_report) {
    return fail(rtcp_error::wrong_type);
  }
  // §6.4.1/§6.4.2: reporter SSRC, the 20-byte sender info for an SR, then RC blocks.
  const std::size_t fixed = 4 + (v.sender_ ? sender_info_size : 0);
  const std::size_t blocks = std::size_t{p.count()} * report_block_size;
  if (p.body().size() < fixed + blocks) return fail(rtcp_error::truncated_report);
  v.body_ = p.body();
  v.blocks_ = v.body_.subspan(fixed, blocks);
  v.extension_ = v.body_.subspan(fixed + blocks);
  return v;
}

std::uint32_t report_view::ssrc() const noexcept { return load_be32(&body_[0]); }

std::optional<sender_info> report_view::sender_info() const noexcept {
  if (!sender_) return std::nullopt;
  media::sender_info s;
  s.ntp.seconds = load_be32(&body_[4]);
  s.ntp.fraction = load_be32(&body_[8]);
  s.rtp_timestamp = load_be32(&body_[12]);
  s.packet_count = load_be32(&body_[16]);
  s.octet_count = load_be32(&body_[20]);
  return s;
}

report_block report_view::block(std::size_t i) const noexcept {
  assert(i < block_count());
  const std::uint8_t* b = &blocks_[i * report_block_size];
  report_block r;
  r.ssrc = load_be32(b);
  r.fraction_lost = b[4];
  // Sign-extend the 24-bit two's complement cumulative loss.
  const std::uint32_t raw = load_be24(b + 5);
  r.cumulative_lost = static_cast<std::int32_t>(raw ^ 0x800000U) - 0x800000;
  r.extended_highest_sequence = load_be32(b + 8);
  r.jitter = load_be32(b + 12);
  r.last_sr = load_be32(b + 16);
  r.delay_since_last_sr = load_be32(b + 20);
  return r;
}

// --- SDES ------------------------------------------------------------------------

result<sdes_view, rtcp_error> sdes_view::parse(const rtcp_packet& p) noexcept {
  if (p.type() != rtcp_type::source_description) return fail(rtcp_error::wrong_type);
  const auto body = p.body();
  std::size_t pos = 0;
  for (std::size_t chunk = 0; chunk < p.count(); ++chunk) {
    // §6.5: SSRC/CSRC, items, then one or more null octets up to a 32-bit boundary.
    if (body.size() - pos < 4) return fail(rtcp_error::bad_sdes);
    pos += 4;
    for (;;) {
      if (pos >= body.size()) return fail(rtcp_error::bad_sdes);  // no terminating null
      if (body[pos] == sdes_type::end) break;
      if (body.size() - pos < 2 || body.size() - pos - 2 < body[pos + 1]) return fail(rtcp_error::bad_sdes);
      pos += 2 + body[pos + 1];
    }
    pos = (pos + 4) & ~std::size_t{3};  // past the null and the padding after it
    if (pos > body.size()) return fail(rtcp_error::bad_sdes);
  }
  // Bytes after the last chunk are not read; libwebrtc ignores them as well.
  sdes_view v;
  v.body_ = body;
  v.chunks_ = p.count();
  return v;
}

bool sdes_view::next(sdes_item& item) noexcept {
  // The structure was validated by parse(), so this walk only follows it.
  for (;;) {
    if (!in_chunk_) {
      if (chunk_ == chunks_) return false;
      ssrc_ = load_be32(&body_[pos_]);
      pos_ += 4;
      in_chunk_ = true;
    }
    const std::uint8_t type = body_[pos_];
    if (type == sdes_type::end) {
      pos_ = (pos_ + 4) & ~std::size_t{3};
      in_chunk_ = false;
      ++chunk_;
      continue;
    }
    const std::size_t len = body_[pos_ + 1];
    item.ssrc = ssrc_;
    item.type = type;
    item.value = std::string_view(reinterpret_cast<const char*>(&body_[pos_ + 2]), len);
    pos_ += 2 + len;
    return true;
  }
}

std::optional<std::string_view> sdes_view::cname(std::uint32_t ssrc) const noexcept {
  sdes_view walk = *this;
  walk.rewind();
  sdes_item item;
  while (walk.next(item)) {
    if (item.ssrc == ssrc && item.type == sdes_type::cname) return item.value;
  }
  return std::nullopt;
}

// --- BYE / APP -------------------------------------------------------------------

result<bye_view, rtcp_error> bye_view::parse(const rtcp_packet& p) noexcept {
  if (p.type() != rtcp_type::goodbye) return fail(rtcp_error::wrong_type);
  const auto body = p.body();
  const std::size_t ids = std::size_t{p.count()} * 4;
  if (body.size() < ids) return fail(rtcp_error::bad_bye);
  bye_view v;
  v.body_ = body;
  v.count_ = p.count();
  // §6.6: an optional length-prefixed reason follows the SSRCs; what is left after it
  // is padding to the 32-bit boundary.
  if (body.size() > ids) {
    const std::size_t len = body[ids];
    if (body.size() - ids - 1 < len) return fail(rtcp_error::bad_bye);
    v.reason_ = std::string_view(reinterpret_cast<const char*>(&body[ids + 1]), len);
  }
  return v;
}

std::uint32_t bye_view::ssrc(std::size_t i) const noexcept {
  assert(i < count_);
  return load_be32(&body_[4 * i]);
}

result<app_view, rtcp_error> app_view::parse(const rtcp_packet& p) noexcept {
  if (p.type() != rtcp_type::application) return fail(rtcp_error::wrong_type);
  if (p.body().size() < 8) return fail(rtcp_error::bad_app);  // §6.7: SSRC and a 4-octet name
  app_view v;
  v.body_ = p.body();
  v.subtype_ = p.count();
  return v;
}

std::uint32_t app_view::ssrc() const noexcept { return load_be32(&body_[0]); }

std::string_view app_view::name() const noexcept {
  return std::string_view(reinterpret_cast<const char*>(&body_[4]), 4);
}

}  // namespace voxedge::media
