// libFuzzer target for SDP: the parser, the writer, the typed attributes and offer/answer
// (RFC 8866, RFC 3264). The properties are in sdp_fuzz_properties.hpp, shared with the
// unit test that replays the seed corpus.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/sdp_fuzz_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto problem = voxedge::media::fuzz::check_sdp(in);
  if (!problem.empty()) {
    std::fprintf(stderr, "sdp_parser_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
