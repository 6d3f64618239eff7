#include "sip/transaction/branch_generator.hpp"

#include <sys/random.h>

#include <cerrno>
#include <random>
#include <string_view>

#include "sip/message/via.hpp"

namespace voxedge::sip {

namespace {
// 32 symbols: every character is a SIP token character and safe in any parameter.
constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz234567";
}  // namespace

void branch_generator::refill() {
  std::size_t got = 0;
  while (got < pool_.size()) {
    const ssize_t n = ::getrandom(pool_.data() + got, pool_.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  if (got < pool_.size()) {
    // No getrandom (a seccomp filter, an ancient kernel): std::random_device still reads
    // the kernel's pool or the CPU's generator, never a fixed seed.
    std::random_device rd;
    for (std::size_t i = got; i < pool_.size(); ++i) pool_[i] = static_cast<unsigned char>(rd());
  }
  used_ = 0;
}

unsigned char branch_generator::next_byte() {
  if (used_ == pool_.size()) refill();
  return pool_[used_++];
}

std::string branch_generator::token(std::size_t chars) {
  std::string out;
  out.reserve(chars);
  for (std::size_t i = 0; i < chars; ++i) out += alphabet[next_byte() & 0x1f];
  return out;
}

std::string branch_generator::branch() {
  std::string out(branch_magic_cookie);
  out += token(20);
  return out;
}

}  // namespace voxedge::sip
