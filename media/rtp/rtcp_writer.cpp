#include "media/rtp/rtcp_writer.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "media/rtp/byte_io.hpp"

namespace voxedge::media {

using byte_io::store_be16;
using byte_io::store_be24;
using byte_io::store_be32;

namespace {

// §6.4.1: cumulative loss is a signed 24-bit field. A.3 clamps rather than wraps:
// "clamp at 0x7fffff for positive loss or 0x800000 for negative loss".
constexpr std::int32_t max_cumulative_lost = 0x7FFFFF;
constexpr std::int32_t min_cumulative_lost = -0x800000;

std::size_t blocks_bytes(std::size_t n) noexcept { return n * report_block_size; }

}  // namespace

std::uint8_t* rtcp_writer::reserve(std::size_t n) noexcept {
  if (out_.size() - size_ < n) return nullptr;
  std::uint8_t* p = out_.data() + size_;
  size_ += n;
  return p;
}

std::uint8_t* rtcp_writer::write_header(std::uint8_t* p, std::uint8_t count, std::uint8_t type,
                                        std::size_t size) noexcept {
  assert(count < 32 && size % 4 == 0 && size >= rtcp_header_size);
  p[0] = static_cast<std::uint8_t>(0x80U | count);  // V = 2, P = 0: we never pad
  p[1] = type;
  store_be16(p + 2, static_cast<std::uint16_t>(size / 4 - 1));  // §6.4.1: words minus one
  return p + rtcp_header_size;
}

std::uint8_t* rtcp_writer::write_blocks(std::uint8_t* p, std::span<const report_block> blocks) noexcept {
  for (const auto& b : blocks) {
    store_be32(p, b.ssrc);
    p[4] = b.fraction_lost;
    const std::int32_t lost = std::clamp(b.cumulative_lost, min_cumulative_lost, max_cumulative_lost);
    store_be24(p + 5, static_cast<std::uint32_t>(lost) & 0xFFFFFFU);
    store_be32(p + 8, b.extended_highest_sequence);
    store_be32(p + 12, b.jitter);
    store_be32(p + 16, b.last_sr);
    store_be32(p + 20, b.delay_since_last_sr);
    p += report_block_size;
  }
  return p;
}

result<void, rtcp_error> rtcp_writer::add_sender_report(std::uint32_t ssrc, const sender_info& info,
                                                        std::span<const report_block> blocks) noexcept {
  const auto first = blocks.first(std::min(blocks.size(), max_report_blocks));
  const auto rest = blocks.subspan(first.size());
  // Everything, the stacked RRs included, is sized up front so a short buffer leaves
  // nothing half-written.
  const std::size_t sr_size = rtcp_header_size + 4 + sender_info_size + blocks_bytes(first.size());
  const std::size_t rr_count = (rest.size() + max_report_blocks - 1) / max_report_blocks;
  const std::size_t total = sr_size + rr_count * (rtcp_header_size + 4) + blocks_bytes(rest.size());
  if (out_.size() - size_ < total) return fail(rtcp_error::buffer_too_small);

  std::uint8_t* p = reserve(sr_size);
  p = write_header(p, static_cast<std::uint8_t>(first.size()), rtcp_type::sender_report, sr_size);
  store_be32(p, ssrc);
  store_be32(p + 4, info.ntp.seconds);
  store_be32(p + 8, info.ntp.fraction);
  store_be32(p + 12, info.rtp_timestamp);
  store_be32(p + 16, info.packet_count);
  store_be32(p + 20, info.octet_count);
  write_blocks(p + 24, first);
  if (!rest.empty()) return add_receiver_report(ssrc, rest);
  return {};
}

result<void, rtcp_error> rtcp_writer::add_receiver_report(std::uint32_t ssrc,
                                                          std::span<const report_block> blocks) noexcept {
  const std::size_t packets = blocks.empty() ? 1 : (blocks.size() + max_report_blocks - 1) / max_report_blocks;
  if (out_.size() - size_ < packets * (rtcp_header_size + 4) + blocks_bytes(blocks.size())) {
    return fail(rtcp_error::buffer_too_small);
  }
  do {
    const auto these = blocks.first(std::min(blocks.size(), max_report_blocks));
    const std::size_t size = rtcp_header_size + 4 + blocks_bytes(these.size());
    std::uint8_t* p =
        write_header(reserve(size), static_cast<std::uint8_t>(these.size()), rtcp_type::receiver_report, size);
    store_be32(p, ssrc);
    write_blocks(p + 4, these);
    blocks = blocks.subspan(these.size());
  } while (!blocks.empty());
  return {};
}

result<void, rtcp_error> rtcp_writer::add_sdes_cname(std::uint32_t ssrc, std::string_view cname) noexcept {
  if (cname.size() > 255) return fail(rtcp_error::value_too_long);
  // Chunk: SSRC, CNAME item (type, length, text), then 1-4 null octets to the boundary.
  const std::size_t chunk = (4 + 2 + cname.size() + 4) & ~std::size_t{3};
  const std::size_t size = rtcp_header_size + chunk;
  std::uint8_t* p = reserve(size);
  if (p == nullptr) return fail(rtcp_error::buffer_too_small);
  std::memset(p, 0, size);
  p = write_header(p, 1, rtcp_type::source_description, size);
  store_be32(p, ssrc);
  p[4] = sdes_type::cname;
  p[5] = static_cast<std::uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(p + 6, cname.data(), cname.size());
  return {};
}

result<void, rtcp_error> rtcp_writer::add_bye(std::span<const std::uint32_t> ssrcs, std::string_view reason) noexcept {
  if (ssrcs.size() > 31) return fail(rtcp_error::too_many_sources);
  if (reason.size() > 255) return fail(rtcp_error::value_too_long);
  const std::size_t reason_bytes = reason.empty() ? 0 : (1 + reason.size() + 3) & ~std::size_t{3};
  const std::size_t size = rtcp_header_size + 4 * ssrcs.size() + reason_bytes;
  std::uint8_t* p = reserve(size);
  if (p == nullptr) return fail(rtcp_error::buffer_too_small);
  std::memset(p, 0, size);
  p = write_header(p, static_cast<std::uint8_t>(ssrcs.size()), rtcp_type::goodbye, size);
  for (const auto s : ssrcs) {
    store_be32(p, s);
    p += 4;
  }
  if (!reason.empty()) {
    p[0] = static_cast<std::uint8_t>(reason.size());
    std::memcpy(p + 1, reason.data(), reason.size());
  }
  return {};
}

}  // namespace voxedge::media
