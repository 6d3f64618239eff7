#include "media/rtp/mos.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace voxedge::media {
namespace {

TEST(mos, unimpaired_g711_is_about_4_4) {
  // d = 10 ms codec delay only: Id = 0.24, R = 92.96, MOS = 4.40.
  EXPECT_NEAR(r_factor({}), 92.96, 1e-9);
  EXPECT_NEAR(estimate_mos({}), 4.4046, 1e-4);
}

TEST(mos, five_percent_random_loss) {
  // Ie_eff = 95 * 5 / (5 + 25.1) = 15.78; R = 92.96 - 15.78 = 77.18; MOS = 3.91.
  const call_quality q{5.0, 0.0, 0.0};
  EXPECT_NEAR(r_factor(q), 92.96 - 95.0 * 5.0 / 30.1, 1e-9);
  EXPECT_NEAR(estimate_mos(q), 3.913, 1e-3);
  EXPECT_LT(estimate_mos(q), estimate_mos({}));
  // Without concealment the same loss hurts far more (Bpl 4.3).
  EXPECT_LT(estimate_mos(q, {g711_without_plc, 1.0, 10.0}), 2.5);
}

TEST(mos, delay_past_the_knee) {
  // RTT 400 ms: d = 200 + 10 = 210 ms; Id = 0.024 * 210 + 0.11 * (210 - 177.3) = 8.637.
  EXPECT_NEAR(r_factor({0.0, 0.0, 400.0}), 93.2 - 8.637, 1e-9);
  // Jitter counts twice: 50 ms of jitter is the same as 200 ms more RTT.
  EXPECT_NEAR(r_factor({0.0, 50.0, 0.0}), r_factor({0.0, 0.0, 200.0}), 1e-9);
}

TEST(mos, monotonic_in_every_impairment) {
  double previous = 5.0;
  for (double loss = 0.0; loss <= 100.0; loss += 0.5) {
    const double m = estimate_mos({loss, 10.0, 80.0});
    EXPECT_LE(m, previous) << loss;
    previous = m;
  }
  previous = 5.0;
  for (double jitter = 0.0; jitter <= 500.0; jitter += 2.0) {
    const double m = estimate_mos({1.0, jitter, 80.0});
    EXPECT_LE(m, previous) << jitter;
    previous = m;
  }
  previous = 5.0;
  for (double rtt = 0.0; rtt <= 3000.0; rtt += 10.0) {
    const double m = estimate_mos({1.0, 10.0, rtt});
    EXPECT_LE(m, previous) << rtt;
    previous = m;
  }
}

TEST(mos, r_to_mos_annex_b_and_clamps) {
  EXPECT_EQ(mos_from_r(-10.0), 1.0);
  EXPECT_EQ(mos_from_r(0.0), 1.0);
  EXPECT_EQ(mos_from_r(3.0), 1.0);  // the cubic dips to 0.989 here
  EXPECT_NEAR(mos_from_r(50.0), 1.0 + 1.75 + 50.0 * -10.0 * 50.0 * 7e-6, 1e-12);
  EXPECT_NEAR(mos_from_r(80.0), 4.024, 1e-3);
  EXPECT_EQ(mos_from_r(100.0), 4.5);
  EXPECT_EQ(mos_from_r(150.0), 4.5);
  EXPECT_EQ(mos_from_r(std::numeric_limits<double>::quiet_NaN()), 1.0);
}

TEST(mos, worst_cases_stay_in_range) {
  EXPECT_GE(estimate_mos({100.0, 0.0, 0.0}), 1.0);
  EXPECT_EQ(estimate_mos({100.0, 1e9, 1e9}), 1.0);
  EXPECT_EQ(estimate_mos({1e6, 0.0, 0.0}), estimate_mos({100.0, 0.0, 0.0}));  // loss capped at 100 %
}

TEST(mos, nonsense_measurements_read_as_none) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(estimate_mos({nan, nan, nan}), estimate_mos({}));
  EXPECT_EQ(estimate_mos({-5.0, -1.0, -100.0}), estimate_mos({}));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(estimate_mos({inf, inf, inf}), 1.0);
}

}  // namespace
}  // namespace voxedge::media
