#include "daemon/tls/self_signed_certificate.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "daemon/tls/server_tls_context.hpp"

namespace voxedge::daemon {
namespace {

std::string temp_dir() {
  auto base = std::filesystem::temp_directory_path() / ("vx-cert-" + std::to_string(::getpid()) + "-" +
                                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(base);
  return base.string();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(self_signed_certificate, generated_once_with_private_key_mode_0600) {
  const auto dir = temp_dir();
  auto first = ensure_self_signed_certificate(dir, {"node1", "127.0.0.1", "localhost"});
  ASSERT_TRUE(first.ok()) << first.error();
  struct stat st {};
  ASSERT_EQ(::stat(first->private_key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto pem = slurp(first->certificate);
  EXPECT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);

  auto second = ensure_self_signed_certificate(dir, {"other"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(slurp(second->certificate), pem) << "an existing certificate is reused, not regenerated";
  std::filesystem::remove_all(dir);
}

TEST(server_tls_context, loads_generated_material) {
  const auto dir = temp_dir();
  config::tls_settings tls;
  tls.certificate = "auto";
  auto ctx = make_server_tls_context(tls, dir, {"node1", "127.0.0.1"});
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  std::filesystem::remove_all(dir);
}

TEST(server_tls_context, missing_files_are_named) {
  config::tls_settings tls;
  tls.certificate = "/nonexistent/cert.pem";
  tls.private_key = "/nonexistent/key.pem";
  auto ctx = make_server_tls_context(tls, {}, {});
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().find("/nonexistent/cert.pem"), std::string::npos) << ctx.error();
}

TEST(server_tls_context, bad_cipher_list_is_rejected) {
  const auto dir = temp_dir();
  config::tls_settings tls;
  tls.certificate = "auto";
  tls.ciphers = "NOT-A-CIPHER";
  auto ctx = make_server_tls_context(tls, dir, {"node1"});
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().find("cipher"), std::string::npos) << ctx.error();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace voxedge::daemon
