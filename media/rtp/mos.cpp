#include "media/rtp/mos.hpp"

#include <algorithm>
#include <cmath>

namespace voxedge::media {

namespace {

// R0 - Is with every G.107 parameter at its default value.
constexpr double r_default = 93.2;
// Delay impairment as Cole & Rosenbluth (2001) fit it.
constexpr double id_slope = 0.024;
constexpr double id_knee_ms = 177.3;
constexpr double id_slope_past_knee = 0.11;

double sane(double v, double max) noexcept {
  if (!(v > 0.0)) return 0.0;  // negative or NaN
  return std::min(v, max);
}

}  // namespace

double r_factor(const call_quality& q, const e_model_options& options) noexcept {
  const double loss = sane(q.loss_percent, 100.0);
  // An hour of one-way delay is already far past any meaningful R.
  const double d = sane(q.rtt_ms, 7.2e6) / 2.0 + 2.0 * sane(q.jitter_ms, 3.6e6) + sane(options.codec_delay_ms, 3.6e6);
  const double id = id_slope * d + (d > id_knee_ms ? id_slope_past_knee * (d - id_knee_ms) : 0.0);
  const double ie = sane(options.codec.ie, 95.0);
  const double burst = options.burst_ratio >= 1.0 ? options.burst_ratio : 1.0;
  const double denominator = loss / burst + sane(options.codec.bpl, 1e6);
  // G.107 Ie_eff; with no loss and Bpl = 0 the fraction is 0/0, which means no loss.
  const double ie_eff = denominator > 0.0 ? ie + (95.0 - ie) * loss / denominator : ie;
  return r_default - id - ie_eff;
}

double mos_from_r(double r) noexcept {
  if (std::isnan(r) || r <= 0.0) return 1.0;
  if (r >= 100.0) return 4.5;
  const double mos = 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
  return std::clamp(mos, 1.0, 4.5);
}

double estimate_mos(const call_quality& q, const e_model_options& options) noexcept {
  return mos_from_r(r_factor(q, options));
}

}  // namespace voxedge::media
