// Replays the libFuzzer seed corpus (tests/fuzz/corpus/sdp_parser) and every input the
// fuzzer ever found a fault with through the same properties the fuzz target checks, so
// each stays a regression test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/fuzz/sdp_fuzz_properties.hpp"

namespace voxedge::media {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(sdp_fuzz_corpus, every_seed_keeps_the_fuzz_properties) {
  const auto dir = std::filesystem::path(VOXEDGE_SOURCE_DIR) / "tests/fuzz/corpus/sdp_parser";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    ++seeds;
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_EQ(fuzz::check_sdp(read(entry.path())), "");
  }
  EXPECT_GE(seeds, 10);
}

}  // namespace
}  // namespace voxedge::media
