// Replays the libFuzzer seed corpus (tests/fuzz/corpus/sip_parser) through the same
// properties the fuzz target checks, so every input saved there — RFC 4475 messages,
// typical traffic and any crash the fuzzer ever found — stays a regression test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/stream_framer.hpp"

namespace voxedge::sip {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(fuzz_corpus, every_seed_keeps_the_fuzz_properties) {
  const std::filesystem::path dir = std::filesystem::path(VOXEDGE_SOURCE_DIR) / "tests/fuzz/corpus/sip_parser";
  parse_limits relaxed;
  relaxed.max_message_bytes = std::numeric_limits<std::size_t>::max();
  relaxed.max_headers = std::numeric_limits<std::size_t>::max();
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    ++seeds;
    const auto bytes = read(entry.path());
    SCOPED_TRACE(entry.path().filename().string());
    auto parsed = parse_message(bytes);
    if (parsed) {
      const auto wire = serialize(*parsed);
      auto again = parse_message(wire, relaxed);
      ASSERT_TRUE(again.ok()) << again.error().phrase << "\n" << wire;
      EXPECT_EQ(serialize(*again), wire);
    } else if (parsed.error().status != 0) {
      ASSERT_NE(parsed.error().partial, nullptr);
      EXPECT_FALSE(
          serialize(make_response(*parsed.error().partial, parsed.error().status, parsed.error().phrase, "t")).empty());
    }
    // The same bytes as a stream, in awkward chunks: must never crash or loop.
    stream_framer framer(4096);
    std::string frame;
    for (std::size_t pos = 0; pos < bytes.size(); pos += 7) {
      framer.append(std::string_view(bytes).substr(pos, 7));
      for (auto st = framer.next(frame); st != stream_framer::status::need_more && st != stream_framer::status::error;
           st = framer.next(frame)) {
        if (st == stream_framer::status::message) (void)parse_message(frame);
      }
    }
  }
  EXPECT_GE(seeds, 56);
}

}  // namespace
}  // namespace voxedge::sip
