#include "daemon/cdr/cdr_writer.hpp"

#include <sys/stat.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

cdr_record record(std::string id) {
  cdr_record r;
  r.call_id = std::move(id);
  r.from = "+12015550123";
  r.to = "+442079460958";
  return r;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

class cdr_writer_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "voxedge-cdr-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // Capture log lines to check the once-per-burst promise.
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("cdr-test", std::make_shared<spdlog::sinks::ostream_sink_st>(log_)));
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(cdr_writer_test, one_json_object_per_line) {
  const auto path = dir_ / "cdr.jsonl";
  cdr_writer w(path.string());
  ASSERT_TRUE(w.enabled());
  w.write(record("one"));
  w.write(record("two"));
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["call_id"], "one");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["call_id"], "two");
  EXPECT_EQ(read_all(path).back(), '\n');
  EXPECT_EQ(w.stats().written, 2u);
  EXPECT_EQ(w.stats().failed, 0u);
}

TEST_F(cdr_writer_test, file_is_created_0640_and_appended_to) {
  const auto path = dir_ / "cdr.jsonl";
  const mode_t old_mask = ::umask(022);
  {
    cdr_writer w(path.string());
    w.write(record("first-run"));
  }
  ::umask(old_mask);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  {
    cdr_writer w(path.string());  // a restart appends, never truncates
    w.write(record("second-run"));
  }
  EXPECT_EQ(read_lines(path).size(), 2u);
}

TEST_F(cdr_writer_test, reopen_after_rotation_writes_to_the_new_file) {
  const auto path = dir_ / "cdr.jsonl";
  const auto rotated = dir_ / "cdr.jsonl.1";
  cdr_writer w(path.string());
  w.write(record("before"));
  fs::rename(path, rotated);  // what logrotate does
  w.write(record("late"));    // still the old descriptor until SIGHUP
  ASSERT_TRUE(w.reopen().ok());
  w.write(record("after"));

  const auto old_lines = read_lines(rotated);
  ASSERT_EQ(old_lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(old_lines[1])["call_id"], "late");
  const auto new_lines = read_lines(path);
  ASSERT_EQ(new_lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(new_lines[0])["call_id"], "after");
}

TEST_F(cdr_writer_test, failed_reopen_keeps_writing_to_the_old_file) {
  const auto sub = dir_ / "logs";
  fs::create_directory(sub);
  cdr_writer w((sub / "cdr.jsonl").string());
  w.write(record("one"));
  fs::rename(sub, dir_ / "moved");  // the configured path is now unreachable
  const auto r = w.reopen();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cdr.jsonl"), std::string::npos);
  w.write(record("two"));
  EXPECT_EQ(read_lines(dir_ / "moved" / "cdr.jsonl").size(), 2u);
  EXPECT_EQ(w.stats().failed, 0u);
}

TEST_F(cdr_writer_test, unwritable_path_is_counted_logged_once_and_recovers) {
  const auto sub = dir_ / "missing";
  const auto path = sub / "cdr.jsonl";
  cdr_writer w(path.string());  // does not throw
  EXPECT_EQ(count(log_.str(), "cannot open"), 1u);
  log_.str("");

  w.write(record("a"));
  w.write(record("b"));
  w.write(record("c"));
  EXPECT_EQ(w.stats().failed, 3u);
  EXPECT_EQ(w.stats().written, 0u);
  EXPECT_EQ(count(log_.str(), "cannot open"), 1u) << log_.str();
  EXPECT_FALSE(w.reopen().ok());

  // The directory appears (the operator fixed it): the next write opens the file.
  fs::create_directory(sub);
  w.write(record("d"));
  EXPECT_EQ(w.stats().written, 1u);
  EXPECT_NE(log_.str().find("3 record(s) were lost"), std::string::npos) << log_.str();
  ASSERT_EQ(read_lines(path).size(), 1u);
}

TEST_F(cdr_writer_test, write_errors_are_counted_and_logged_once_per_burst) {
  // /dev/full opens fine and fails every write with ENOSPC: a full disk.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  cdr_writer w("/dev/full");
  for (int i = 0; i < 5; ++i) w.write(record("lost"));
  EXPECT_EQ(w.stats().failed, 5u);
  EXPECT_EQ(w.stats().written, 0u);
  EXPECT_EQ(count(log_.str(), "cannot write"), 1u) << log_.str();
  EXPECT_NE(log_.str().find("No space left on device"), std::string::npos) << log_.str();
}

TEST_F(cdr_writer_test, empty_path_disables) {
  cdr_writer w("");
  EXPECT_FALSE(w.enabled());
  w.write(record("x"));
  EXPECT_TRUE(w.reopen().ok());
  EXPECT_EQ(w.stats().written, 0u);
  EXPECT_EQ(w.stats().failed, 0u);
  EXPECT_TRUE(log_.str().empty());
}

}  // namespace
}  // namespace voxedge::daemon
