#pragma once
// Writes our own RTCP (RFC 3550 §6.4.1 SR, §6.4.2 RR, §6.5.1 SDES CNAME, §6.6 BYE) into
// a caller-supplied buffer, one packet after another, forming a compound (§6.1). RTCP
// is terminated per leg (DESIGN.md §4): every leg gets reports that we generate from
// our own statistics. Each add_*() either writes the whole packet or, on error,
// nothing, so a buffer that runs short leaves a valid compound behind.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "media/rtp/rtcp_packet.hpp"

namespace voxedge::media {

class rtcp_writer {
 public:
  explicit rtcp_writer(std::span<std::uint8_t> out) noexcept : out_(out) {}

  /// An SR carrying up to 31 report blocks; further blocks go into RR packets from the
  /// same SSRC stacked right after it (§6.4: "additional RR packets SHOULD be stacked").
  result<void, rtcp_error> add_sender_report(std::uint32_t ssrc, const sender_info& info,
                                             std::span<const report_block> blocks) noexcept;
  /// An RR; with no blocks, the empty RR that §6.4.2 puts at the head of a compound
  /// when there is nothing to report.
  result<void, rtcp_error> add_receiver_report(std::uint32_t ssrc, std::span<const report_block> blocks) noexcept;
  /// SDES with one chunk holding the CNAME (§6.5.1: every compound carries one).
  result<void, rtcp_error> add_sdes_cname(std::uint32_t ssrc, std::string_view cname) noexcept;
  /// BYE for up to 31 sources with an optional reason (§6.6).
  result<void, rtcp_error> add_bye(std::span<const std::uint32_t> ssrcs, std::string_view reason = {}) noexcept;

  std::size_t size() const noexcept { return size_; }
  std::span<std::uint8_t> bytes() const noexcept { return out_.first(size_); }

 private:
  /// Space for `n` more bytes, or nullptr.
  std::uint8_t* reserve(std::size_t n) noexcept;
  static std::uint8_t* write_header(std::uint8_t* p, std::uint8_t count, std::uint8_t type, std::size_t size) noexcept;
  static std::uint8_t* write_blocks(std::uint8_t* p, std::span<const report_block> blocks) noexcept;

  std::span<std::uint8_t> out_;
  std::size_t size_ = 0;
};

}  // namespace voxedge::media
