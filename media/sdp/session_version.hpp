#pragma once
// The o= line of the descriptions one leg sends us across a dialog (RFC 3264 §5, §8):
// the session id stays, the version starts below 2^62 and goes up by exactly one each
// time the description changes; a description sent again unchanged (a session refresh)
// keeps its version (RFC 3264 §8, RFC 4317 §2.5).
#include <cstdint>
#include <optional>
#include <string>

#include "media/sdp/session_description.hpp"

namespace voxedge::media {

class session_version {
 public:
  /// A fresh origin: random session id and initial version, both below 2^62 so that
  /// peers holding them in a signed 64-bit integer are safe (RFC 3264 §5).
  explicit session_version(sdp_connection address, std::string username = "-");
  /// Continues from a known origin (tests, or an origin restored with a dialog); the first
  /// stamp() uses its version as it is.
  explicit session_version(sdp_origin origin);

  /// Sets `sd.origin`, incrementing the version first if anything other than the o= line
  /// differs from the description stamped last.
  void stamp(session_description& sd);

  const sdp_origin& origin() const noexcept { return origin_; }

 private:
  sdp_origin origin_;
  std::optional<std::string> last_body_;  // the last description written with a blank origin
};

}  // namespace voxedge::media
