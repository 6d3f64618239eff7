#include "media/sdp/payload_type_map.hpp"

#include <utility>

#include "base/text.hpp"

namespace voxedge::media {

void payload_type_map::add(payload_mapping m) {
  for (const auto& e : entries_) {
    if (e.local_pt == m.local_pt || e.remote_pt == m.remote_pt ||
        (e.clock_rate == m.clock_rate && e.channels == m.channels && text::iequals(e.encoding, m.encoding))) {
      return;
    }
  }
  entries_.push_back(std::move(m));
}

const payload_mapping* payload_type_map::by_local(std::uint8_t pt) const noexcept {
  for (const auto& e : entries_) {
    if (e.local_pt == pt) return &e;
  }
  return nullptr;
}

const payload_mapping* payload_type_map::by_remote(std::uint8_t pt) const noexcept {
  for (const auto& e : entries_) {
    if (e.remote_pt == pt) return &e;
  }
  return nullptr;
}

const payload_mapping* payload_type_map::find(std::string_view encoding, std::uint32_t clock_rate,
                                              std::uint32_t channels) const noexcept {
  for (const auto& e : entries_) {
    if (e.clock_rate == clock_rate && e.channels == channels && text::iequals(e.encoding, encoding)) return &e;
  }
  return nullptr;
}

payload_rewrite_table make_rewrite_table(const payload_type_map& from, const payload_type_map& to) {
  payload_rewrite_table table;
  table.fill(-1);
  for (const auto& in : from.entries()) {
    if (in.local_pt >= table.size()) continue;
    if (const auto* out = to.find(in.encoding, in.clock_rate, in.channels)) table[in.local_pt] = out->remote_pt;
  }
  return table;
}

}  // namespace voxedge::media
