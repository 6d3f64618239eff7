#pragma once
// The transaction timers of RFC 3261 §17 (Table 4 in Appendix A) and RFC 6026 §8.4.
// Only T1, T2 and T4 are tunable, as the RFC intends; every other timer is derived from
// them exactly as the RFC writes it, so a reader can check each line against Table 4.
#include <chrono>

#include "base/timer_service.hpp"

namespace voxedge::sip {

struct timer_config {
  /// RTT estimate (§17.1.1.1). Default 500 ms; larger on known slow links.
  duration t1 = std::chrono::milliseconds(500);
  /// Maximum retransmit interval for non-INVITE requests and INVITE responses (§17.1.2.2).
  duration t2 = std::chrono::seconds(4);
  /// Maximum duration a message remains in the network (§17.1.2.2).
  duration t4 = std::chrono::seconds(5);
  /// Timer D on unreliable transports: "at least 32 seconds" (§17.1.1.2), so not a
  /// multiple of T1.
  duration timer_d_unreliable = std::chrono::seconds(32);
  /// §17.2.1: the INVITE server transaction sends 100 Trying itself unless the TU
  /// responds within 200 ms.
  duration trying_delay = std::chrono::milliseconds(200);

  // --- INVITE client (§17.1.1.2, RFC 6026 §8.4) ------------------------------------
  duration timer_a() const noexcept { return t1; }       // initial INVITE retransmit interval (unreliable only)
  duration timer_b() const noexcept { return 64 * t1; }  // INVITE transaction timeout
  duration timer_d(bool reliable) const noexcept { return reliable ? duration::zero() : timer_d_unreliable; }
  duration timer_m() const noexcept { return 64 * t1; }  // wait time for 2xx retransmissions (RFC 6026)

  // --- non-INVITE client (§17.1.2.2) -----------------------------------------------
  duration timer_e() const noexcept { return t1; }  // initial request retransmit interval (unreliable only)
  duration timer_f() const noexcept { return 64 * t1; }
  duration timer_k(bool reliable) const noexcept { return reliable ? duration::zero() : t4; }

  // --- INVITE server (§17.2.1, RFC 6026 §8.7) --------------------------------------
  duration timer_g() const noexcept { return t1; }  // initial response retransmit interval (unreliable only)
  duration timer_h() const noexcept { return 64 * t1; }
  duration timer_i(bool reliable) const noexcept { return reliable ? duration::zero() : t4; }
  duration timer_l() const noexcept { return 64 * t1; }  // wait time for INVITE retransmissions after 2xx

  // --- non-INVITE server (§17.2.2) -------------------------------------------------
  duration timer_j(bool reliable) const noexcept { return reliable ? duration::zero() : 64 * t1; }
};

}  // namespace voxedge::sip
