#include "media/rtp/rtp_header_extension.hpp"

namespace voxedge::media {

bool rtp_extension_reader::next(rtp_extension_element& element) noexcept {
  const bool one_byte = is_one_byte_extension(profile_);
  if (done_ || (!one_byte && !is_two_byte_extension(profile_))) return false;
  while (pos_ < data_.size()) {
    const std::uint8_t first = data_[pos_];
    // RFC 8285 §4.1: padding octets (0) may sit before, between and after elements.
    if (first == 0) {
      ++pos_;
      continue;
    }
    std::size_t id = 0;
    std::size_t size = 0;
    std::size_t header = 0;
    if (one_byte) {
      id = first >> 4;
      size = (first & 0x0FU) + 1U;  // §4.2: the 4-bit length is the data size minus one
      header = 1;
      // §4.2: ID 15 is reserved, processing stops there with the elements read so far.
      // ID 0 is padding only with a zero length; anything else is equally unreadable.
      if (id == 15 || id == 0) {
        done_ = true;
        return false;
      }
    } else {
      if (data_.size() - pos_ < 2) {
        malformed_ = done_ = true;
        return false;
      }
      id = first;
      size = data_[pos_ + 1];  // §4.3: the 8-bit length is the data size, 0 allowed
      header = 2;
    }
    if (data_.size() - pos_ - header < size) {
      malformed_ = done_ = true;
      return false;
    }
    element.id = static_cast<std::uint8_t>(id);
    element.offset = pos_ + header;
    element.size = size;
    pos_ += header + size;
    return true;
  }
  done_ = true;
  return false;
}

bool extension_elements_valid(std::uint16_t profile, std::span<const std::uint8_t> data) noexcept {
  rtp_extension_reader reader(profile, data);
  rtp_extension_element e;
  while (reader.next(e)) {
  }
  return !reader.malformed();
}

std::optional<rtp_extension_element> find_extension_element(std::uint16_t profile, std::span<const std::uint8_t> data,
                                                            std::uint8_t id) noexcept {
  rtp_extension_reader reader(profile, data);
  rtp_extension_element e;
  while (reader.next(e)) {
    if (e.id == id) return e;
  }
  return std::nullopt;
}

}  // namespace voxedge::media
