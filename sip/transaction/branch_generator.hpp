#pragma once
// Branch ids (RFC 3261 §8.1.1.7) and tags (§19.3) that nobody can predict: an attacker
// who could guess the next branch could answer or CANCEL our requests blind. Bytes come
// from the kernel CSPRNG (getrandom), fetched in blocks so a branch costs no system call.
#include <array>
#include <cstddef>
#include <string>

namespace voxedge::sip {

class branch_generator {
 public:
  branch_generator() = default;
  branch_generator(const branch_generator&) = delete;
  branch_generator& operator=(const branch_generator&) = delete;

  /// "z9hG4bK" followed by 20 random characters (100 bits).
  std::string branch();
  /// `chars` random characters from [a-z0-9] (5 bits each; §19.3 asks for at least 32
  /// bits for a tag).
  std::string token(std::size_t chars = 16);

 private:
  unsigned char next_byte();
  void refill();

  std::array<unsigned char, 512> pool_{};
  std::size_t used_ = pool_.size();
};

}  // namespace voxedge::sip
