#pragma once
// A validated RTP packet (RFC 3550 §5.1) seen in place in the caller's buffer. Nothing
// is copied or allocated: the relay parses a datagram, reads what it needs, rewrites
// SSRC, sequence number, timestamp, payload type or marker in the same bytes and sends
// them on. `rtp_view` writes, `const_rtp_view` only reads.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// |                           timestamp                           |
// |           synchronization source (SSRC) identifier            |
// |            contributing source (CSRC) identifiers (CC)        |
// |  [defined by profile | length] [extension data, length words] |  (X = 1, §5.3.1)
// |  payload ...                  [padding ... | padding count]   |  (P = 1)
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "base/result.hpp"
#include "media/rtp/byte_io.hpp"
#include "media/rtp/rtp_header_extension.hpp"

namespace voxedge::media {

/// Why a datagram is not RTP; the name is the drop counter's label.
enum class rtp_error : std::uint8_t {
  too_short,              // under the 12-byte fixed header
  bad_version,            // V != 2
  truncated_csrc,         // CC identifiers run past the end
  truncated_extension,    // the extension block (X = 1) runs past the end
  bad_extension_element,  // an RFC 8285 element runs past its block
  bad_padding,            // P = 1 with a padding count of 0 or longer than the payload
};
std::string_view to_string(rtp_error e) noexcept;

inline constexpr std::size_t rtp_fixed_header_size = 12;

/// Where the parts of a valid packet lie. Sizes are bounded by the datagram (< 64 KiB).
struct rtp_layout {
  std::size_t header_size = rtp_fixed_header_size;  // fixed header + CSRCs + extension block
  std::size_t extension_offset = 0;                 // the extension block's 4-byte header; 0 = none
  std::size_t payload_size = 0;
  std::size_t padding_size = 0;  // including the count octet itself (§5.1)
};

/// Validates an RTP packet (RFC 3550 §5.1, §5.3.1, RFC 8285 §4) and locates its parts.
/// Like A.1 it does not judge the payload type; that is the session's to check against
/// what was negotiated.
result<rtp_layout, rtp_error> parse_rtp_layout(std::span<const std::uint8_t> packet) noexcept;

template <class Byte>
class basic_rtp_view {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool writable = !std::is_const_v<Byte>;

 public:
  /// The only way to get a view: the bytes are validated first.
  static result<basic_rtp_view, rtp_error> parse(std::span<Byte> packet) noexcept {
    auto layout = parse_rtp_layout(packet);
    if (!layout) return fail(layout.error());
    return basic_rtp_view(packet, *layout);
  }

  /// A writable view reads as a read-only one.
  template <class Other>
  basic_rtp_view(const basic_rtp_view<Other>& other) noexcept  // NOLINT(google-explicit-constructor)
      requires(std::is_const_v<Byte> && !std::is_const_v<Other>)
      : bytes_(other.bytes()), layout_(other.layout()) {}

  std::uint8_t version() const noexcept { return bytes_[0] >> 6; }
  bool has_padding() const noexcept { return (bytes_[0] & 0x20U) != 0; }
  bool has_extension() const noexcept { return (bytes_[0] & 0x10U) != 0; }
  std::uint8_t csrc_count() const noexcept { return bytes_[0] & 0x0FU; }
  bool marker() const noexcept { return (bytes_[1] & 0x80U) != 0; }
  std::uint8_t payload_type() const noexcept { return bytes_[1] & 0x7FU; }
  std::uint16_t sequence_number() const noexcept { return byte_io::load_be16(&bytes_[2]); }
  std::uint32_t timestamp() const noexcept { return byte_io::load_be32(&bytes_[4]); }
  std::uint32_t ssrc() const noexcept { return byte_io::load_be32(&bytes_[8]); }
  std::uint32_t csrc(std::size_t i) const noexcept {
    assert(i < csrc_count());
    return byte_io::load_be32(&bytes_[rtp_fixed_header_size + 4 * i]);
  }

  /// "defined by profile" of the extension block (§5.3.1); 0 when there is none.
  std::uint16_t extension_profile() const noexcept {
    return layout_.extension_offset == 0 ? 0 : byte_io::load_be16(&bytes_[layout_.extension_offset]);
  }
  /// The extension data after the block's own 4-byte header; empty when there is none.
  std::span<Byte> extension_data() const noexcept {
    if (layout_.extension_offset == 0) return {};
    const std::size_t begin = layout_.extension_offset + 4;
    return bytes_.subspan(begin, layout_.header_size - begin);
  }
  /// The data of RFC 8285 element `id`, or nullopt (also for non-RFC 8285 blocks). A
  /// two-byte-form element may be present and empty.
  std::optional<std::span<Byte>> extension_element(std::uint8_t id) const noexcept {
    const auto data = extension_data();
    const auto e = find_extension_element(extension_profile(), data, id);
    if (!e) return std::nullopt;
    return data.subspan(e->offset, e->size);
  }

  std::span<Byte> header() const noexcept { return bytes_.first(layout_.header_size); }
  std::span<Byte> payload() const noexcept { return bytes_.subspan(layout_.header_size, layout_.payload_size); }
  std::size_t padding_size() const noexcept { return layout_.padding_size; }
  std::size_t header_size() const noexcept { return layout_.header_size; }
  std::size_t size() const noexcept { return bytes_.size(); }
  std::span<Byte> bytes() const noexcept { return bytes_; }
  const rtp_layout& layout() const noexcept { return layout_; }

  // In-place rewrites. None of them changes the layout, so the view stays valid.
  void set_marker(bool m) const noexcept requires writable {
    bytes_[1] = static_cast<std::uint8_t>((bytes_[1] & 0x7FU) | (m ? 0x80U : 0U));
  }
  void set_payload_type(std::uint8_t pt) const noexcept requires writable {
    assert(pt < 128);
    bytes_[1] = static_cast<std::uint8_t>((bytes_[1] & 0x80U) | (pt & 0x7FU));
  }
  void set_sequence_number(std::uint16_t seq) const noexcept requires writable { byte_io::store_be16(&bytes_[2], seq); }
  void set_timestamp(std::uint32_t ts) const noexcept requires writable { byte_io::store_be32(&bytes_[4], ts); }
  void set_ssrc(std::uint32_t ssrc) const noexcept requires writable { byte_io::store_be32(&bytes_[8], ssrc); }
  void set_csrc(std::size_t i, std::uint32_t csrc) const noexcept requires writable {
    assert(i < csrc_count());
    byte_io::store_be32(&bytes_[rtp_fixed_header_size + 4 * i], csrc);
  }

 private:
  basic_rtp_view(std::span<Byte> bytes, const rtp_layout& layout) noexcept : bytes_(bytes), layout_(layout) {}

  std::span<Byte> bytes_;
  rtp_layout layout_;
};

using rtp_view = basic_rtp_view<std::uint8_t>;
using const_rtp_view = basic_rtp_view<const std::uint8_t>;

inline result<rtp_view, rtp_error> parse_rtp(std::span<std::uint8_t> packet) noexcept {
  return rtp_view::parse(packet);
}
inline result<const_rtp_view, rtp_error> parse_rtp(std::span<const std::uint8_t> packet) noexcept {
  return const_rtp_view::parse(packet);
}

}  // namespace voxedge::media
