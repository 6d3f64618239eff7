#include "media/sdp/session_version.hpp"

#include <utility>

#include "base/random.hpp"
#include "media/sdp/sdp_writer.hpp"

namespace voxedge::media {

namespace {

constexpr std::uint64_t below_2_62 = (std::uint64_t{1} << 62) - 1;

}  // namespace

session_version::session_version(sdp_connection address, std::string username) {
  origin_.username = std::move(username);
  origin_.session_id = std::to_string(random_u64() % below_2_62);
  // RFC 3264 §5: "the initial value of the version MUST be less than (2**62)-1"; a random
  // start keeps versions from two dialogs of one session apart. Room is left to count up.
  origin_.session_version = random_u64() % (below_2_62 / 2);
  address.ttl.reset();
  address.address_count.reset();
  origin_.connection = std::move(address);
}

session_version::session_version(sdp_origin origin) : origin_(std::move(origin)) {}

void session_version::stamp(session_description& sd) {
  // Compare everything but the o= line: the text form is what the peer compares too.
  sd.origin = sdp_origin{};
  std::string body = write_sdp(sd);
  if (last_body_ && *last_body_ != body) ++origin_.session_version;
  last_body_ = std::move(body);
  sd.origin = origin_;
}

}  // namespace voxedge::media
