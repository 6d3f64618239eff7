#pragma once
// What the A side is told when the B side fails, and the Reason header (RFC 3326) that
// says what really happened.
//
// A B2BUA relays the callee's verdict (busy, declined, not found) but not the problems
// of its own relationship with the far side, which the caller can do nothing about:
//   - 401/407: the far side challenged *us*; the PBX holds no credentials for it, so a
//     relayed challenge could only fail or leak a realm. -> 403 (common SBC practice:
//     "we are not allowed to place this call", and not worth retrying).
//   - 3xx: we do not follow redirects yet, and relaying the Contact would expose the far
//     side's topology. -> 480.
//   - 503 from the far side: relayed as-is it would tell the PBX that voxedge itself is
//     overloaded (RFC 3261 §21.5.4) and make it fail over or back off from us. -> 480.
//   - our own request being refused (400, 405, 413-416, 420, 421, 481, 482, 493...): a
//     fault between us and the far side. -> 500.
//   - 408 and our own timeout -> 408; a transport error towards the far side (§8.1.3.1)
//     -> 503: here the failure is ours to report.
// Everything else that describes the callee (404, 410, 480, 484-488, 6xx ...) passes.
// The original code and phrase always go into `Reason: SIP;cause=<code>;text="..."`.
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace voxedge::daemon {

/// Why a call failed before or without an answer from the far side, locally.
enum class local_failure : std::uint8_t {
  timeout,          // Timer B: no final response (RFC 3261 §8.1.3.1 -> 408)
  transport_error,  // could not deliver the INVITE (§8.1.3.1 -> 503)
};

struct mapped_status {
  int status = 500;
  std::string_view reason;  // the phrase of the response sent to A
};

/// The status to answer the A side with when the B side answered `far_status` (300-699).
mapped_status map_far_failure(int far_status) noexcept;
/// The status for a local failure of the B-side INVITE.
mapped_status map_local_failure(local_failure f) noexcept;

/// RFC 3326 §2: `SIP;cause=486;text="Busy Here"`. The text is quoted with any '"' and
/// '\' escaped and control characters dropped (it may come from the far side).
std::string sip_reason(int cause, std::string_view text);
/// RFC 3326 with the Q.850 protocol: `Q.850;cause=16;text="Normal call clearing"`.
std::string q850_reason(int cause, std::string_view text);

/// The first Reason header of `m` to carry on to the other leg (RFC 3326): only a
/// well-formed SIP or Q.850 reason with a numeric cause, of bounded length; else empty.
std::string carried_reason(const sip::message& m);

/// Q.850 causes we put in BYEs we originate (ITU-T Q.850 Table 1).
namespace q850 {
inline constexpr int normal_clearing = 16;
inline constexpr int recovery_on_timer_expiry = 102;
inline constexpr int temporary_failure = 41;
}  // namespace q850

}  // namespace voxedge::daemon
