#include "media/relay/port_pool.hpp"

#include <gtest/gtest.h>

namespace voxedge::media {
namespace {

TEST(port_pool, hands_out_even_rtp_ports_until_exhausted) {
  port_pool pool(30000, 3);
  EXPECT_EQ(pool.acquire(), 30000);
  EXPECT_EQ(pool.acquire(), 30002);
  EXPECT_EQ(pool.acquire(), 30004);
  EXPECT_EQ(pool.acquire(), std::nullopt);
  EXPECT_EQ(pool.in_use(), 3u);
  EXPECT_EQ(pool.free(), 0u);
}

TEST(port_pool, reuses_a_released_pair_last) {
  port_pool pool(30000, 3);
  ASSERT_EQ(pool.acquire(), 30000);
  pool.release(30000);
  // Next-fit: the pairs never used come before the one just released.
  EXPECT_EQ(pool.acquire(), 30002);
  EXPECT_EQ(pool.acquire(), 30004);
  EXPECT_EQ(pool.acquire(), 30000);
}

TEST(port_pool, ignores_foreign_and_double_releases) {
  port_pool pool(30000, 2);
  ASSERT_EQ(pool.acquire(), 30000);
  pool.release(30001);  // odd: an RTCP port
  pool.release(29998);  // below the slice
  pool.release(30004);  // above it
  pool.release(30002);  // not in use
  EXPECT_EQ(pool.in_use(), 1u);
  pool.release(30000);
  pool.release(30000);
  EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace voxedge::media
