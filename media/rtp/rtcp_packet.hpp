#pragma once
// RTCP compound packets (RFC 3550 §6.1, §6.4-§6.7) read in place. parse_rtcp_compound
// checks the whole datagram before anything is handed out (A.2 plus per-type lengths),
// so a malformed compound is dropped whole rather than half-applied. Typed views (SR,
// RR, SDES, BYE, APP) are made from one packet of a parsed compound; types we do not
// read (RTPFB/PSFB of RFC 4585, XR of RFC 3611, ...) are only length-checked and can be
// skipped or passed on. Nothing is allocated: views point into the caller's buffer.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "media/rtp/ntp_time.hpp"

namespace voxedge::media {

/// Why RTCP was refused (parse) or not written (rtcp_writer); the name is the counter label.
enum class rtcp_error : std::uint8_t {
  too_short,         // under a 4-byte header, or a length field runs past the datagram
  bad_version,       // V != 2 in any packet of the compound
  bad_padding,       // P = 1 with a padding count of 0 or longer than the packet body
  wrong_type,        // a typed view was asked for a packet of another type
  truncated_report,  // SR/RR shorter than its report count (RC) says
  bad_sdes,          // a chunk or item runs past the packet, or a chunk lacks its null end
  bad_bye,           // fewer SSRCs than SC, or the reason runs past the packet
  bad_app,           // shorter than SSRC + name
  buffer_too_small,  // writer: the caller's buffer cannot take the packet
  value_too_long,    // writer: an SDES item or BYE reason over 255 octets
  too_many_sources,  // writer: more than 31 SSRCs in one BYE
};
std::string_view to_string(rtcp_error e) noexcept;

/// Packet types (RFC 3550 §12.1; RFC 4585 §6.1; RFC 3611 §2).
namespace rtcp_type {
inline constexpr std::uint8_t sender_report = 200;
inline constexpr std::uint8_t receiver_report = 201;
inline constexpr std::uint8_t source_description = 202;
inline constexpr std::uint8_t goodbye = 203;
inline constexpr std::uint8_t application = 204;
inline constexpr std::uint8_t transport_feedback = 205;
inline constexpr std::uint8_t payload_feedback = 206;
inline constexpr std::uint8_t extended_report = 207;
}  // namespace rtcp_type

/// SDES item types (RFC 3550 §6.5).
namespace sdes_type {
inline constexpr std::uint8_t end = 0;
inline constexpr std::uint8_t cname = 1;
inline constexpr std::uint8_t name = 2;
inline constexpr std::uint8_t email = 3;
inline constexpr std::uint8_t phone = 4;
inline constexpr std::uint8_t loc = 5;
inline constexpr std::uint8_t tool = 6;
inline constexpr std::uint8_t note = 7;
inline constexpr std::uint8_t priv = 8;
}  // namespace sdes_type

inline constexpr std::size_t rtcp_header_size = 4;
inline constexpr std::size_t report_block_size = 24;
inline constexpr std::size_t sender_info_size = 20;
inline constexpr std::size_t max_report_blocks = 31;  // 5-bit RC (§6.4.1)

/// The sender information of an SR (§6.4.1).
struct sender_info {
  ntp_timestamp ntp;
  std::uint32_t rtp_timestamp = 0;  // the same instant as `ntp`, in the stream's clock
  std::uint32_t packet_count = 0;   // since starting transmission, wraps
  std::uint32_t octet_count = 0;    // payload octets only, wraps
  friend bool operator==(const sender_info&, const sender_info&) = default;
};

/// One reception report block (§6.4.1), decoded into host values.
struct report_block {
  std::uint32_t ssrc = 0;                       // the source this block reports on
  std::uint8_t fraction_lost = 0;               // 8-bit fixed point, loss since the previous report
  std::int32_t cumulative_lost = 0;             // signed 24-bit: duplicates can make it negative
  std::uint32_t extended_highest_sequence = 0;  // cycles << 16 | highest sequence
  std::uint32_t jitter = 0;                     // interarrival jitter, timestamp units (A.8)
  std::uint32_t last_sr = 0;                    // LSR: compact NTP of the last SR from that source, 0 = none
  std::uint32_t delay_since_last_sr = 0;        // DLSR: 1/65536 s since that SR arrived
  friend bool operator==(const report_block&, const report_block&) = default;
};

/// One packet of a compound: the common header of §6.4.1 with its body located.
class rtcp_packet {
 public:
  std::uint8_t type() const noexcept { return bytes_[1]; }
  /// RC, SC or FMT/subtype: the five bits after V and P.
  std::uint8_t count() const noexcept { return bytes_[0] & 0x1FU; }
  bool has_padding() const noexcept { return (bytes_[0] & 0x20U) != 0; }
  /// After the 4-byte header, padding removed.
  std::span<const std::uint8_t> body() const noexcept { return body_; }
  /// The whole packet as on the wire: header, body and padding.
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

 private:
  friend class rtcp_compound;
  friend result<rtcp_packet, rtcp_error> read_rtcp_packet(std::span<const std::uint8_t>) noexcept;
  rtcp_packet(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> body) noexcept
      : bytes_(bytes), body_(body) {}

  std::span<const std::uint8_t> bytes_;
  std::span<const std::uint8_t> body_;
};

/// A validated compound packet; iterate it for its packets.
class rtcp_compound {
 public:
  /// Yields packets by value (two spans): a reference into the iterator would dangle
  /// as soon as a temporary iterator died, `const auto& p = *c.begin();` being the trap.
  class iterator {
   public:
    struct arrow_proxy {
      rtcp_packet packet;
      const rtcp_packet* operator->() const noexcept { return &packet; }
    };
    using iterator_concept = std::forward_iterator_tag;
    using iterator_category = std::input_iterator_tag;  // reference is not a true reference
    using value_type = rtcp_packet;
    using difference_type = std::ptrdiff_t;
    using reference = rtcp_packet;

    iterator() noexcept : current_({}, {}) {}
    rtcp_packet operator*() const noexcept { return current_; }
    arrow_proxy operator->() const noexcept { return {current_}; }
    iterator& operator++() noexcept;
    iterator operator++(int) noexcept {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest_.size() == b.rest_.size(); }

   private:
    friend class rtcp_compound;
    explicit iterator(std::span<const std::uint8_t> rest) noexcept;
    std::span<const std::uint8_t> rest_;  // from the current packet to the end
    rtcp_packet current_;
  };

  iterator begin() const noexcept { return iterator(bytes_); }
  iterator end() const noexcept { return iterator(bytes_.last(0)); }
  std::size_t packet_count() const noexcept { return count_; }
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

 private:
  friend result<rtcp_compound, rtcp_error> parse_rtcp_compound(std::span<const std::uint8_t>) noexcept;
  rtcp_compound(std::span<const std::uint8_t> bytes, std::size_t count) noexcept : bytes_(bytes), count_(count) {}
  std::span<const std::uint8_t> bytes_;
  std::size_t count_;
};

/// Validates a whole compound (RFC 3550 §6.1, A.2): every packet V = 2, lengths that
/// add up exactly to the datagram, sane padding, and SR/RR/SDES/BYE/APP bodies that
/// hold what their counts say. The first packet need not be SR/RR: reduced-size RTCP
/// (RFC 5506 §3.1, used with WebRTC) sends feedback alone.
result<rtcp_compound, rtcp_error> parse_rtcp_compound(std::span<const std::uint8_t> datagram) noexcept;

/// Reads the one packet at the front of `bytes` (common header and padding only).
result<rtcp_packet, rtcp_error> read_rtcp_packet(std::span<const std::uint8_t> bytes) noexcept;

/// SR (§6.4.1) or RR (§6.4.2): the reporter's SSRC and its report blocks.
class report_view {
 public:
  /// Accepts both SR and RR; sender_info() is present only for an SR.
  static result<report_view, rtcp_error> parse(const rtcp_packet& p) noexcept;

  bool is_sender_report() const noexcept { return sender_; }
  std::uint32_t ssrc() const noexcept;
  std::optional<media::sender_info> sender_info() const noexcept;
  std::size_t block_count() const noexcept { return blocks_.size() / report_block_size; }
  report_block block(std::size_t i) const noexcept;
  /// Profile-specific extension after the blocks (§6.4.1), usually empty.
  std::span<const std::uint8_t> extension() const noexcept { return extension_; }

 private:
  report_view() = default;
  std::span<const std::uint8_t> body_;
  std::span<const std::uint8_t> blocks_;
  std::span<const std::uint8_t> extension_;
  bool sender_ = false;
};

struct sdes_item {
  std::uint32_t ssrc = 0;  // of the chunk the item is in
  std::uint8_t type = 0;
  std::string_view value;  // not NUL-terminated; UTF-8 per §6.5, unchecked
};

/// SDES (§6.5): chunks of (SSRC, items), read item by item.
class sdes_view {
 public:
  static result<sdes_view, rtcp_error> parse(const rtcp_packet& p) noexcept;

  std::size_t chunk_count() const noexcept { return chunks_; }
  /// Next item across all chunks in order; false after the last one.
  bool next(sdes_item& item) noexcept;
  /// Starts next() from the first item again.
  void rewind() noexcept {
    pos_ = 0;
    chunk_ = 0;
    in_chunk_ = false;
  }
  /// The CNAME of `ssrc`, if its chunk has one (§6.5.1).
  std::optional<std::string_view> cname(std::uint32_t ssrc) const noexcept;

 private:
  sdes_view() = default;
  std::span<const std::uint8_t> body_;
  std::size_t chunks_ = 0;
  std::size_t pos_ = 0;
  std::size_t chunk_ = 0;
  std::uint32_t ssrc_ = 0;
  bool in_chunk_ = false;
};

/// BYE (§6.6).
class bye_view {
 public:
  static result<bye_view, rtcp_error> parse(const rtcp_packet& p) noexcept;
  std::size_t ssrc_count() const noexcept { return count_; }
  std::uint32_t ssrc(std::size_t i) const noexcept;
  std::string_view reason() const noexcept { return reason_; }

 private:
  bye_view() = default;
  std::span<const std::uint8_t> body_;
  std::size_t count_ = 0;
  std::string_view reason_;
};

/// APP (§6.7).
class app_view {
 public:
  static result<app_view, rtcp_error> parse(const rtcp_packet& p) noexcept;
  std::uint8_t subtype() const noexcept { return subtype_; }
  std::uint32_t ssrc() const noexcept;
  std::string_view name() const noexcept;  // four octets, ASCII per §6.7 but unchecked
  std::span<const std::uint8_t> data() const noexcept { return body_.subspan(8); }

 private:
  app_view() = default;
  std::span<const std::uint8_t> body_;
  std::uint8_t subtype_ = 0;
};

}  // namespace voxedge::media
