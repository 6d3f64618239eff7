#include "daemon/config_check.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

TEST(config_check, example_file_verifies) {
  auto r = load_and_verify(std::string(VOXEDGE_SOURCE_DIR) + "/config/voxedge.example.yaml");
  ASSERT_TRUE(r.ok()) << (r.ok() ? "" : r.error().front());
}

TEST(config_check, broken_file_reports_file_and_line) {
  const auto path = std::string(VOXEDGE_SOURCE_DIR) + "/tests/unit/config/data/broken.yaml";
  auto r = load_and_verify(path);
  ASSERT_FALSE(r.ok());
  ASSERT_GE(r.error().size(), 3u);
  for (const auto& p : r.error()) EXPECT_EQ(p.rfind(path + ":", 0), 0u) << p;
}

TEST(config_check, state_directory_precedence) {
  config::config c;
  c.node.state_dir = "/explicit";
  EXPECT_EQ(state_directory(c), "/explicit");
  c.node.state_dir.clear();
  ::setenv("STATE_DIRECTORY", "/var/lib/voxedge:/var/lib/other", 1);
  EXPECT_EQ(state_directory(c), "/var/lib/voxedge");
  ::unsetenv("STATE_DIRECTORY");
  ::setenv("XDG_STATE_HOME", "/xdg", 1);
  EXPECT_EQ(state_directory(c), "/xdg/voxedge");
  ::unsetenv("XDG_STATE_HOME");
}

}  // namespace
}  // namespace voxedge::daemon
