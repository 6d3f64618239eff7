#pragma once
// Listening-quality estimate (MOS) for one leg from what RTCP and our receive
// statistics measure: packet loss, jitter and round-trip time. It is the simplified
// ITU-T G.107 E-model that VoIP monitors use (after Cole & Rosenbluth, "Voice over IP
// performance monitoring", ACM SIGCOMM CCR 31(2), 2001), with every G.107 default
// except the three impairments we can measure:
//
//   R = R0 - Is - Id - Ie_eff + A, where R0 - Is = 93.2 when every G.107 parameter has
//                                  its default value, and A = 0 (no advantage factor)
//
//   Id: delay impairment, from the one-way "effective latency"
//       d = RTT/2 + 2 * jitter + codec delay (10 ms, one G.711 packetisation step);
//       jitter counts twice because a jitter buffer sized for it delays every packet:
//       Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3), H the unit step
//       (Cole & Rosenbluth's fit of G.107's Idd for an echo-free path: the knee at
//       177.3 ms is where one-way delay starts to hurt conversation)
//
//   Ie_eff: equipment impairment with random loss (G.107, effective equipment
//       impairment factor):
//       Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)
//       Ppl = loss in percent, BurstR = 1 for random loss;
//       G.711: Ie = 0 and Bpl = 25.1 with packet loss concealment, 4.3 without
//       (G.113 Appendix I, provisional planning values)
//
//   MOS from R (G.107 Annex B):
//       R < 0: 1;  R > 100: 4.5;  else 1 + 0.035 R + R (R - 60)(100 - R) 7e-6
//       then clamped to 1.0-4.5 (the cubic dips just below 1 for R under 6.5).
//
// With no impairment at all, R = 93.2 - 0.24 and MOS = 4.40: G.711's ceiling.
// It is an estimate for operators and dashboards, not a G.107 planning tool: echo,
// noise and wideband (G.107.1) are out of scope.
namespace voxedge::media {

/// Codec constants, as G.113 Appendix I tabulates them.
struct e_model_codec {
  double ie = 0.0;   // equipment impairment at zero loss
  double bpl = 0.0;  // packet-loss robustness factor
};
inline constexpr e_model_codec g711_with_plc{0.0, 25.1};
inline constexpr e_model_codec g711_without_plc{0.0, 4.3};

struct e_model_options {
  e_model_codec codec = g711_with_plc;
  double burst_ratio = 1.0;  // BurstR: 1 = random loss, > 1 = bursty (G.107)
  double codec_delay_ms = 10.0;
};

struct call_quality {
  double loss_percent = 0.0;  // 0-100
  double jitter_ms = 0.0;
  double rtt_ms = 0.0;
};

/// The transmission rating R. Inputs are measurements, so they are sanitised rather
/// than trusted: negatives and NaN read as 0, loss above 100 % as 100 %.
double r_factor(const call_quality& q, const e_model_options& options = {}) noexcept;
/// G.107 Annex B, clamped to 1.0-4.5.
double mos_from_r(double r) noexcept;
/// r_factor then mos_from_r.
double estimate_mos(const call_quality& q, const e_model_options& options = {}) noexcept;

}  // namespace voxedge::media
