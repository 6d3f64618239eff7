#pragma once
// What a call asks of the media plane: one anchored session of two legs (a = the side
// that called us, b = the side we called), told after every offer/answer where each
// leg's peer wants media, in which direction, and how payload types map between the legs.
// The B2BUA uses this interface only, so its tests run on a fake without sockets;
// relay_media_control adapts media::relay_engine to it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/ip/udp.hpp>

#include "base/result.hpp"
#include "media/sdp/payload_type_map.hpp"
#include "media/srtp/srtp_key.hpp"

namespace voxedge::daemon {

enum class media_leg : std::uint8_t { a, b };
constexpr media_leg other(media_leg l) noexcept { return l == media_leg::a ? media_leg::b : media_leg::a; }

/// Where one session's sockets are, as our SDP on each leg advertises them.
struct media_endpoints {
  std::string a_address;  // the c= address of leg a (an IP literal)
  std::string b_address;  // of leg b
  std::uint16_t a_rtp = 0;
  std::uint16_t a_rtcp = 0;
  std::uint16_t b_rtp = 0;
  std::uint16_t b_rtcp = 0;
  const std::string& address(media_leg l) const noexcept { return l == media_leg::a ? a_address : b_address; }
};

/// The local IP each leg's sockets should be bound to: a trunk's media_address (else
/// its bind_address), the whitelisted static IP its provider expects media from. Empty
/// = the media plane's own address (media.address).
struct media_binding {
  std::string a;
  std::string b;
};

/// One leg after an offer/answer, as seen from that leg's peer.
struct media_leg_update {
  std::optional<boost::asio::ip::udp::endpoint> remote_rtp;  // nullopt: unknown (FQDN, 0.0.0.0): latch
  std::optional<boost::asio::ip::udp::endpoint> remote_rtcp;
  bool rtcp_mux = false;
  /// Accept media only from the signalled address (static trunks, DESIGN.md §8), instead
  /// of latching to the first source (peers behind NAT).
  bool strict_source = false;
  bool send = true;     // we may send to this leg's peer (it is not sendonly/inactive)
  bool receive = true;  // the peer sends to us (it is not recvonly/inactive)
  /// For packets forwarded OUT of this leg: index = PT as it arrived on the other leg,
  /// value = PT to send here, -1 = drop.
  media::payload_rewrite_table rewrite{};
  /// Clock rate of each PT arriving on this leg (0 = unknown).
  std::array<std::uint32_t, 128> clock_rates{};
  std::string codec;  // "PCMA/8000", for logs and CDRs
  /// SRTP on this leg (SDES keys from the offer/answer); nullopt: plain RTP.
  std::optional<media::leg_srtp> srtp;
};

/// One leg's figures (what the relay measured about the peer of that leg).
struct media_leg_report {
  std::uint64_t packets_received = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t packets_sent = 0;
  std::int64_t packets_lost = 0;
  double loss_percent = 0.0;
  double jitter_ms = 0.0;
  std::optional<double> rtt_ms;
  double mos = 0.0;  // 0: no RTP yet
};

struct media_report {
  media_leg_report a;
  media_leg_report b;
  media_leg_report& operator[](media_leg l) noexcept { return l == media_leg::a ? a : b; }
  const media_leg_report& operator[](media_leg l) const noexcept { return l == media_leg::a ? a : b; }
};

class media_control {
 public:
  /// Events about sessions, called on the control thread, never from inside a
  /// media_control method. The listener may call any method of the media_control.
  class listener {
   public:
    /// No RTP on `leg` for the configured timeout (once per silence).
    virtual void on_media_timeout(std::uint64_t session, media_leg leg) = 0;
    /// RTP flows again on a leg that had timed out.
    virtual void on_media_resumed(std::uint64_t session, media_leg leg) = 0;
    /// A periodic snapshot.
    virtual void on_media_stats(std::uint64_t session, const media_report& report) = 0;
    /// After destroy_session: the final figures; nothing more comes for the session.
    virtual void on_media_closed(std::uint64_t session, const media_report& final_report) = 0;

   protected:
    ~listener() = default;
  };

  virtual ~media_control() = default;
  /// Events go to `l` (set once, before the first session).
  virtual void set_listener(listener* l) = 0;
  /// Synchronous: the ports are needed for the SDP. Each leg is bound on its `binding`
  /// address, and the endpoints say where each leg is. Fails (the call gets 503) when
  /// the media plane has no ports left, is not running, or an address will not do; the
  /// string says why, for the log.
  virtual result<media_endpoints, std::string> create_session(std::uint64_t session, const media_binding& binding) = 0;
  virtual void update_leg(std::uint64_t session, media_leg leg, const media_leg_update& update) = 0;
  /// on_media_closed follows.
  virtual void destroy_session(std::uint64_t session) = 0;
};

}  // namespace voxedge::daemon
