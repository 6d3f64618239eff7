// libFuzzer target for the RTP/RTCP layer: demultiplexing, the RTP view (and in-place
// rewrites), RTCP compound parsing with every typed view and writer round trips, and
// receive statistics / MOS driven by the input. The properties are in
// rtp_packet_properties.hpp, shared with the corpus replay unit test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "tests/fuzz/rtp_packet_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (const char* why = voxedge::media::fuzz::check_rtp_packet_properties(in)) {
    std::fprintf(stderr, "rtp_packet_fuzz: %s\n", why);
    std::abort();
  }
  return 0;
}
