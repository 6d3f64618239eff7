// Replays the libFuzzer seed corpus (tests/fuzz/corpus/rtp_packet) through the same
// properties rtp_packet_fuzz checks, so every input saved there (the valid packets we
// seeded it with and any crasher the fuzzer ever found) stays a regression test.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/rtp_packet_properties.hpp"

namespace voxedge::media {
namespace {

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(rtp_packet_fuzz_corpus, every_seed_keeps_the_fuzz_properties) {
  const std::filesystem::path dir = std::filesystem::path(VOXEDGE_SOURCE_DIR) / "tests/fuzz/corpus/rtp_packet";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.front() == '.') continue;
    ++seeds;
    SCOPED_TRACE(name);
    const auto bytes = read(entry.path());
    const char* why = fuzz::check_rtp_packet_properties(bytes);
    EXPECT_EQ(why, nullptr) << why;
    // Seeds named for what they are must be that, or they seed nothing useful.
    if (name.starts_with("rtp_")) {
      EXPECT_EQ(classify_packet(bytes), packet_kind::rtp);
      EXPECT_TRUE(parse_rtp(std::span<const std::uint8_t>(bytes)).ok());
    }
    if (name.starts_with("rtcp_")) {
      EXPECT_EQ(classify_packet(bytes), packet_kind::rtcp);
      EXPECT_TRUE(parse_rtcp_compound(bytes).ok());
    }
  }
  EXPECT_GE(seeds, 10);
}

}  // namespace
}  // namespace voxedge::media
