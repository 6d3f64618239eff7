#include "base/random.hpp"

#include <set>

#include <gtest/gtest.h>

namespace voxedge {
namespace {

TEST(random_token, has_requested_length_and_alphabet) {
  const auto t = random_token(32);
  ASSERT_EQ(t.size(), 32u);
  for (char c : t) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
}

TEST(random_token, does_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random_token(16));
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace voxedge
