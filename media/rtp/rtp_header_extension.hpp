#pragma once
// The RTP header extension block (RFC 3550 §5.3.1) and the RFC 8285 general mechanism
// that packs several elements into it: the one-byte form (profile 0xBEDE, §4.2) and the
// two-byte form (profile 0x100X, §4.3). Any other profile value is opaque to us and is
// relayed untouched. Elements are located, never copied: the relay rewrites some of them
// (abs-send-time, transport-wide sequence numbers) in place.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace voxedge::media {

/// RFC 8285 §4.2: "defined by profile" value of the one-byte form.
inline constexpr std::uint16_t one_byte_extension_profile = 0xBEDE;
/// RFC 8285 §4.3: 0x100 in the top twelve bits; the low four are "appbits".
inline constexpr std::uint16_t two_byte_extension_profile = 0x1000;

constexpr bool is_one_byte_extension(std::uint16_t profile) noexcept { return profile == one_byte_extension_profile; }
constexpr bool is_two_byte_extension(std::uint16_t profile) noexcept {
  return (profile & 0xFFF0U) == two_byte_extension_profile;
}

/// One element: its local identifier and where its data sits inside the extension data
/// (the bytes after the 4-byte block header).
struct rtp_extension_element {
  std::uint8_t id = 0;
  std::size_t offset = 0;
  std::size_t size = 0;
};

/// Walks the elements of an extension block. Padding octets (value 0, RFC 8285 §4.1) are
/// skipped. For profiles other than the RFC 8285 ones it yields nothing.
class rtp_extension_reader {
 public:
  rtp_extension_reader(std::uint16_t profile, std::span<const std::uint8_t> data) noexcept
      : data_(data), profile_(profile) {}

  /// The next element, or false at the end. Also false, with malformed() set, when an
  /// element runs past the block; and false without it where RFC 8285 §4.2 says to stop
  /// reading (ID 15, or a one-byte ID 0 whose length is not 0).
  bool next(rtp_extension_element& element) noexcept;
  bool malformed() const noexcept { return malformed_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  std::uint16_t profile_;
  bool malformed_ = false;
  bool done_ = false;
};

/// True when every RFC 8285 element fits inside the block (always true for other profiles).
bool extension_elements_valid(std::uint16_t profile, std::span<const std::uint8_t> data) noexcept;

/// The first element with this ID. RFC 8285 §4.1 lets an ID appear once per packet.
std::optional<rtp_extension_element> find_extension_element(std::uint16_t profile, std::span<const std::uint8_t> data,
                                                            std::uint8_t id) noexcept;

}  // namespace voxedge::media
