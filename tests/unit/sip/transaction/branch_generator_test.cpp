#include "sip/transaction/branch_generator.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

namespace voxedge::sip {
namespace {

TEST(BranchGenerator, BranchesCarryTheMagicCookieAndAreUnique) {
  branch_generator g;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {  // several refills of the pool
    std::string b = g.branch();
    ASSERT_EQ(b.rfind("z9hG4bK", 0), 0u);
    ASSERT_EQ(b.size(), 27u);
    for (char c : b.substr(7)) ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << b;
    ASSERT_TRUE(seen.insert(std::move(b)).second);
  }
}

TEST(BranchGenerator, TwoGeneratorsDoNotRepeatEachOther) {
  branch_generator a;
  branch_generator b;
  EXPECT_NE(a.branch(), b.branch());
  EXPECT_EQ(a.token(8).size(), 8u);
  EXPECT_NE(a.token(), b.token());
}

}  // namespace
}  // namespace voxedge::sip
