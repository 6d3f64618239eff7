#include "base/random.hpp"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>

namespace voxedge {

namespace {
void fill(unsigned char* p, std::size_t n) {
  if (RAND_bytes(p, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed: no entropy");
}
}  // namespace

std::string random_token(std::size_t chars) {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  out.reserve(chars);
  std::array<unsigned char, 64> buf{};
  while (out.size() < chars) {
    fill(buf.data(), buf.size());
    for (unsigned char b : buf) {
      // Rejection sampling keeps the distribution uniform over the 62 symbols.
      if (b >= 248) continue;
      out.push_back(alphabet[b % 62]);
      if (out.size() == chars) break;
    }
  }
  return out;
}

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

}  // namespace voxedge
