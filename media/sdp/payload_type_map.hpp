#pragma once
// One leg's payload type numbers for each negotiated codec, telephone-event and CN
// included. RFC 3264 §5.1/§6.1: the numbers in a description are those its author
// expects to *receive*, so on one leg a codec may have two numbers: ours (in the SDP we
// sent: what arrives from the peer) and theirs (in the SDP they sent: what we must send).
// The relay rewrites the PT of every packet it forwards from one leg to the other.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace voxedge::media {

struct payload_mapping {
  std::string encoding;  // as negotiated ("PCMU", "opus", "telephone-event")
  std::uint32_t clock_rate = 8000;
  std::uint32_t channels = 1;
  std::uint8_t local_pt = 0;   // in our description: the peer sends this to us
  std::uint8_t remote_pt = 0;  // in theirs: we send this to the peer
  friend bool operator==(const payload_mapping&, const payload_mapping&) = default;
};

class payload_type_map {
 public:
  /// Adds a mapping; a codec or a local/remote number already present is not added twice.
  void add(payload_mapping m);

  /// The codec arriving with payload type `pt` (our number), or nullptr.
  const payload_mapping* by_local(std::uint8_t pt) const noexcept;
  /// The codec the peer expects with payload type `pt` (their number), or nullptr.
  const payload_mapping* by_remote(std::uint8_t pt) const noexcept;
  /// The mapping of a codec (encoding compared case-insensitively), or nullptr.
  const payload_mapping* find(std::string_view encoding, std::uint32_t clock_rate,
                              std::uint32_t channels = 1) const noexcept;

  const std::vector<payload_mapping>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }
  friend bool operator==(const payload_type_map&, const payload_type_map&) = default;

 private:
  std::vector<payload_mapping> entries_;
};

/// Payload type rewriting for RTP relayed from leg `from` to leg `to`, as a lookup table
/// for the packet path: index = PT arriving on `from` (its local_pt), value = PT to send
/// on `to` (its remote_pt for the same codec), or -1 when `to` did not negotiate that
/// codec (the packet must be transcoded or dropped).
using payload_rewrite_table = std::array<std::int16_t, 128>;
payload_rewrite_table make_rewrite_table(const payload_type_map& from, const payload_type_map& to);

}  // namespace voxedge::media
