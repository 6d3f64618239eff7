// libFuzzer target for the parsing of DNS answers (daemon/dns/dns_answer.hpp): the bytes
// are a DNS message as a server (or anyone who can spoof one) might send it, fed to the
// TTL walk for each record type and to the A, AAAA, SRV and NAPTR parsers. The
// properties are in dns_answer_properties.hpp, shared with the corpus replay unit test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "tests/fuzz/dns_answer_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const unsigned char> in(data, size);
  if (const char* why = voxedge::daemon::dns::fuzz::check_dns_answer_properties(in)) {
    std::fprintf(stderr, "dns_answer_fuzz: %s\n", why);
    std::abort();
  }
  return 0;
}
