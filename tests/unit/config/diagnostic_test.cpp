#include "config/diagnostic.hpp"

#include <gtest/gtest.h>

namespace voxedge::config {
namespace {

TEST(diagnostic, formats_like_a_compiler) {
  const diagnostic d{"bad.yaml", 12, 11, "listeners[1].port", "expected an integer in 1..65535, got \"abc\""};
  EXPECT_EQ(d.to_string(), "bad.yaml:12:11: listeners[1].port: expected an integer in 1..65535, got \"abc\"");
}

TEST(diagnostic, leaves_out_an_empty_path) {
  const diagnostic d{"bad.yaml", 3, 1, "", "illegal map value"};
  EXPECT_EQ(d.to_string(), "bad.yaml:3:1: illegal map value");
}

TEST(diagnostic, leaves_out_the_position_for_whole_file_problems) {
  EXPECT_EQ((diagnostic{"gone.yaml", 0, 0, "", "cannot read: No such file or directory"}.to_string()),
            "gone.yaml: cannot read: No such file or directory");
  EXPECT_EQ((diagnostic{"x.yaml", 0, 0, "routes", "oops"}.to_string()), "x.yaml: routes: oops");
}

}  // namespace
}  // namespace voxedge::config
