#include "base/result.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace voxedge {
namespace {

result<int, std::string> half(int v) {
  if (v % 2 != 0) return fail(std::string("odd"));
  return v / 2;
}

TEST(result, carries_value_or_error) {
  auto a = half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = half(3);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), "odd");
}

TEST(result, moves_only_values) {
  result<std::unique_ptr<int>, std::string> r = std::make_unique<int>(7);
  auto p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(result, void_specialisation) {
  result<void, std::string> ok;
  EXPECT_TRUE(ok.ok());
  result<void, std::string> bad = fail(std::string("no"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "no");
}

}  // namespace
}  // namespace voxedge
