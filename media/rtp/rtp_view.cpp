#include "media/rtp/rtp_view.hpp"

namespace voxedge::media {

std::string_view to_string(rtp_error e) noexcept {
  switch (e) {
    case rtp_error::too_short: return "too_short";
    case rtp_error::bad_version: return "bad_version";
    case rtp_error::truncated_csrc: return "truncated_csrc";
    case rtp_error::truncated_extension: return "truncated_extension";
    case rtp_error::bad_extension_element: return "bad_extension_element";
    case rtp_error::bad_padding: return "bad_padding";
  }
  return "unknown";
}

result<rtp_layout, rtp_error> parse_rtp_layout(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < rtp_fixed_header_size) return fail(rtp_error::too_short);
  // §5.1: this specification defines version 2; A.1 drops anything else.
  if ((packet[0] >> 6) != 2) return fail(rtp_error::bad_version);

  rtp_layout layout;
  const std::size_t csrc_count = packet[0] & 0x0FU;
  layout.header_size = rtp_fixed_header_size + 4 * csrc_count;
  if (packet.size() < layout.header_size) return fail(rtp_error::truncated_csrc);

  if ((packet[0] & 0x10U) != 0) {
    // §5.3.1: 16 bits defined by profile, then the data length in 32-bit words
    // excluding this 4-byte header.
    if (packet.size() - layout.header_size < 4) return fail(rtp_error::truncated_extension);
    layout.extension_offset = layout.header_size;
    const std::uint16_t profile = byte_io::load_be16(&packet[layout.header_size]);
    const std::size_t data_size = std::size_t{byte_io::load_be16(&packet[layout.header_size + 2])} * 4;
    if (packet.size() - layout.header_size - 4 < data_size) return fail(rtp_error::truncated_extension);
    if (!extension_elements_valid(profile, packet.subspan(layout.header_size + 4, data_size))) {
      return fail(rtp_error::bad_extension_element);
    }
    layout.header_size += 4 + data_size;
  }

  std::size_t rest = packet.size() - layout.header_size;
  if ((packet[0] & 0x20U) != 0) {
    // §5.1: the last octet counts the padding octets, itself included, so it cannot be
    // 0, and padding never reaches into the header. A.1 checks exactly this.
    const std::size_t padding = packet.back();
    if (padding == 0 || padding > rest) return fail(rtp_error::bad_padding);
    layout.padding_size = padding;
    rest -= padding;
  }
  layout.payload_size = rest;
  return layout;
}

}  // namespace voxedge::media
