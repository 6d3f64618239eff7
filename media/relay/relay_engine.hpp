#pragma once
// The RTP relay engine: media sessions of two legs (a and b) anchored on our own ports,
// spread over N media workers (DESIGN.md §3). Each worker is one thread running its own
// io_context and owning a slice of the RTP port range; a session lives on one worker for
// its whole life. The control thread (the B2BUA) talks to the engine through this class
// only: create_session is synchronous (SDP needs the ports), everything else is posted
// to the session's worker as a value message, and events come back posted to the
// control io_context (DESIGN.md §3 "Crossing threads").
//
// Per packet (on the worker, no locks, no heap): demultiplex (RFC 7983) → SRTP unprotect
// on an SRTP leg → validate RTP → source check (latching) → receive statistics (RFC 3550
// A.1/A.3/A.8) → payload type rewrite → SSRC/sequence/timestamp rewrite onto our own
// outgoing stream → SRTP protect towards an SRTP leg → send.
// RTCP is terminated per leg (DESIGN.md §4): the far side's reports are read for RTT and
// never forwarded; we send our own SR/RR on each leg (SRTCP both ways on an SRTP leg).
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "base/timer_service.hpp"
#include "media/sdp/payload_type_map.hpp"
#include "media/srtp/srtp_key.hpp"

namespace voxedge::media {

class relay_worker;

/// Chosen by the caller (the B2BUA), unique among live sessions of one engine.
using relay_session_id = std::uint64_t;

enum class relay_leg : std::uint8_t { a = 0, b = 1 };
constexpr relay_leg other_leg(relay_leg l) noexcept { return l == relay_leg::a ? relay_leg::b : relay_leg::a; }
std::string_view to_string(relay_leg l) noexcept;

enum class relay_error : std::uint8_t {
  not_started,        // create_session before start() or after stop()
  duplicate_session,  // the id is already in use
  ports_exhausted,    // no free port pair left in any worker's slice (or binds kept failing)
  bad_address,        // a leg's address cannot be bound at all (not on this host, wrong family)
  invalid_config,     // start(): empty port range, fewer than two port pairs per worker, ...
};
std::string_view to_string(relay_error e) noexcept;

struct relay_config {
  boost::asio::ip::address bind_address = boost::asio::ip::make_address("127.0.0.1");
  /// Inclusive range. RTP gets even ports, RTCP the odd port above (RFC 3550 §11); a
  /// session takes two pairs (one per leg). Split evenly between the workers.
  std::uint16_t port_min = 10000;
  std::uint16_t port_max = 20000;
  unsigned workers = 0;  // 0 = std::thread::hardware_concurrency()
  /// No RTP on a leg for this long → listener::on_media_timeout.
  duration rtp_timeout = std::chrono::seconds(60);
  /// The same while the leg does not expect RTP (receive = false: held, inactive);
  /// zero = never time out a held leg.
  duration rtp_hold_timeout = std::chrono::seconds(0);
  /// How often listener::on_stats gets a snapshot of every session; zero = never.
  duration stats_interval = std::chrono::seconds(10);
  /// Our RTCP report interval on each leg, randomised ×[0.5, 1.5] (RFC 3550 §6.2, §6.3.1).
  duration rtcp_interval = std::chrono::seconds(5);
  /// SDES CNAME in our RTCP (§6.5.1); one per engine is enough since every SSRC we
  /// originate belongs to this one "participant".
  std::string rtcp_cname = "voxedge";
  /// Datagrams read per recvmmsg/sent per sendmmsg; 1 = plain recvfrom/sendto.
  /// Benchmarked in benchmarks/relay_bench.cpp; at most 32.
  unsigned batch_size = 32;
};

/// The local address each leg of a new session binds to (a trunk's whitelisted media
/// IP); nullopt = relay_config::bind_address.
struct session_binding {
  std::optional<boost::asio::ip::address> a;
  std::optional<boost::asio::ip::address> b;
};

/// Where a session's sockets are bound.
struct session_ports {
  std::uint16_t a_rtp = 0;
  std::uint16_t a_rtcp = 0;
  std::uint16_t b_rtp = 0;
  std::uint16_t b_rtcp = 0;
  unsigned worker = 0;
  boost::asio::ip::address a_address;  // leg a's RTP and RTCP sockets
  boost::asio::ip::address b_address;  // leg b's
  friend bool operator==(const session_ports&, const session_ports&) = default;
};

enum class latching_mode : std::uint8_t {
  /// Latch to the source of the first valid RTP (and, separately, RTCP) packet and send
  /// there (symmetric RTP, for peers behind NAT). Another source takes over only after
  /// the latched one has been silent for leg_params::relatch_after.
  symmetric,
  /// Only the signalled remote endpoints may send (static trunks, DESIGN.md §8); any
  /// other source is dropped and counted as wrong_source. Nothing is accepted until
  /// remote_rtp is known.
  strict,
};

/// Identity rewrite table: every payload type passes unchanged.
payload_rewrite_table identity_rewrite_table() noexcept;

/// One leg as signalled in SDP, seen from that leg's peer. Send with update_leg after
/// every offer/answer (initial and re-INVITE); each update replaces the whole set.
struct leg_params {
  /// Where the peer wants RTP/RTCP (its c=/m= and a=rtcp, RFC 3605); nullopt until known.
  /// Without remote_rtcp (and without rtcp_mux), RTCP goes to remote_rtp's port + 1.
  std::optional<boost::asio::ip::udp::endpoint> remote_rtp;
  std::optional<boost::asio::ip::udp::endpoint> remote_rtcp;
  bool rtcp_mux = false;  // RFC 5761: RTCP on the RTP port, both ways
  latching_mode latching = latching_mode::symmetric;
  duration relatch_after = std::chrono::seconds(2);  // symmetric only; zero = re-latch at once
  /// Forward packets out of this leg to its peer (false: peer is sendonly/inactive).
  bool send = true;
  /// Accept RTP from the peer and forward it to the other leg (false: peer is
  /// recvonly/inactive); the hold timeout applies instead of the RTP timeout.
  bool receive = true;
  /// For packets forwarded OUT of this leg: index = PT as it arrived on the other leg,
  /// value = PT to send here, -1 = drop (counted as pt_not_mapped). That is
  /// make_rewrite_table(other leg's map, this leg's map).
  payload_rewrite_table rewrite = identity_rewrite_table();
  /// Clock rate of each PT arriving on this leg (our local PTs), for jitter and for
  /// timestamp continuity on the other leg; 0 = unknown, taken as 8000.
  std::array<std::uint32_t, 128> clock_rates{};
  /// SRTP/SRTCP both ways on this leg (RTP/SAVP, or SDES on RTP/AVP); nullopt = plain RTP.
  /// Nothing from the peer is looked at (latching, statistics, RTCP) before it
  /// authenticated. The worker creates one srtp_session per direction when these
  /// keys first arrive and re-creates a context only when its key (or the suite)
  /// changes, so a re-INVITE that keeps its keys keeps the running contexts (replay
  /// window, rollover counter) and no key is ever used by two contexts.
  std::optional<leg_srtp> srtp;
};

/// Why a packet arriving on a leg was not forwarded; indexes the drop counters.
enum class drop_reason : std::uint8_t {
  bad_rtp,         // not valid RTP/RTCP, truncated, or a kind we do not handle (STUN, DTLS, ...)
  wrong_source,    // strict mode: not the signalled address; symmetric: not the latched one
  pt_not_mapped,   // the other leg did not negotiate this payload type
  srtp_auth,       // SRTP/SRTCP authentication failed: forged, corrupted, wrong key, or plain RTP
  srtp_replay,     // an SRTP index seen before or older than the replay window (RFC 3711 §3.3.2);
                   // also a duplicate from the other leg that we may not protect twice (§9.1)
  srtp_failed,     // the leg's SRTP context is missing (its keys were refused) or the transform failed
  not_receiving,   // the leg is on hold (receive = false)
  not_sending,     // the other leg may not be sent to (send = false)
  no_destination,  // the other leg's remote is not known yet
  send_failed,     // the socket refused it (buffer full, unreachable)
  bad_rtcp,        // RTCP that does not parse
  count_
};
inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(drop_reason::count_);
std::string_view to_string(drop_reason r) noexcept;

/// One leg's figures. "Received" is what its peer sent us; "forwarded" is the part of
/// that we sent on to the other leg; "sent" is what we sent to this leg's peer.
struct leg_stats {
  std::uint64_t packets_received = 0;  // valid RTP accepted from the peer (right source)
  std::uint64_t bytes_received = 0;
  std::uint64_t packets_forwarded = 0;
  std::uint64_t bytes_forwarded = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::int64_t packets_lost = 0;              // RFC 3550 A.3 cumulative, summed over the peer's SSRCs
  double loss_percent = 0.0;                  // of expected, 0-100
  double jitter_ms = 0.0;                     // A.8, current source
  std::optional<double> rtt_ms;               // from the peer's RR/SR about our stream (§6.4.1)
  std::optional<double> remote_loss_percent;  // what the peer reports about our stream
  double mos = 0.0;                           // estimate_mos(loss, jitter, rtt); 0 = no RTP yet
  std::optional<std::uint8_t> payload_type;   // last PT the peer sent
  std::optional<std::uint32_t> remote_ssrc;   // the peer's current SSRC
  std::uint32_t local_ssrc = 0;               // our SSRC towards this peer
  std::uint64_t rtcp_received = 0;
  std::uint64_t rtcp_sent = 0;
  std::array<std::uint64_t, drop_reason_count> drops{};
  std::optional<boost::asio::ip::udp::endpoint> latched_rtp;  // where RTP for this peer goes
  std::optional<boost::asio::ip::udp::endpoint> latched_rtcp;
  bool timed_out = false;  // an on_media_timeout is outstanding
  bool srtp = false;       // the leg runs SRTP (leg_params::srtp was set)
  std::uint64_t drop(drop_reason r) const noexcept { return drops[static_cast<std::size_t>(r)]; }
};

struct session_stats {
  leg_stats a;
  leg_stats b;
  leg_stats& operator[](relay_leg l) noexcept { return l == relay_leg::a ? a : b; }
  const leg_stats& operator[](relay_leg l) const noexcept { return l == relay_leg::a ? a : b; }
};

/// One worker's counters, read by the control thread (metrics scrape).
struct worker_metrics {
  std::uint64_t packets_relayed = 0;  // RTP sent on to the other leg
  std::uint64_t bytes_relayed = 0;
  std::uint64_t rtcp_received = 0;
  std::uint64_t rtcp_sent = 0;
  std::uint64_t receive_calls = 0;  // recvmmsg/recvfrom system calls that returned data
  std::array<std::uint64_t, drop_reason_count> drops{};
  std::uint64_t sessions = 0;
  std::uint64_t ports_in_use = 0;  // RTP+RTCP ports, 4 per session
  std::uint64_t ports_total = 0;
};

class relay_engine {
 public:
  /// Events, each posted to the control io_context: they run on the control thread, never
  /// inside a relay_engine call and never on a worker. The listener must outlive the
  /// engine; events still queued when the engine is destroyed are discarded.
  class listener {
   public:
    /// No RTP on `leg` for rtp_timeout (rtp_hold_timeout while receive = false). Sent
    /// once per silence; the B2BUA decides whether to hang up.
    virtual void on_media_timeout(relay_session_id id, relay_leg leg) = 0;
    /// RTP is flowing again on a leg that had timed out.
    virtual void on_media_resumed(relay_session_id id, relay_leg leg) = 0;
    /// Every stats_interval, for each live session.
    virtual void on_stats(relay_session_id id, const session_stats& stats) = 0;
    /// After destroy_session: the sockets are closed and the ports free again.
    virtual void on_session_closed(relay_session_id id, const session_stats& final_stats) = 0;

   protected:
    ~listener() = default;
  };

  /// Does not bind or spawn anything yet. `control` is the B2BUA's io_context.
  relay_engine(boost::asio::io_context& control, relay_config config, listener& l);
  /// Stops (see stop()) if still running.
  ~relay_engine();
  relay_engine(const relay_engine&) = delete;
  relay_engine& operator=(const relay_engine&) = delete;

  /// Spawns the worker threads and splits the port range between them. Control thread.
  result<void, relay_error> start();
  /// Stops every worker and joins its thread; live sessions are dropped without
  /// on_session_closed. Control thread; idempotent.
  void stop();

  /// Synchronous, control thread: binds four sockets (RTP+RTCP for each leg, each leg on
  /// its `binding` address, else relay_config::bind_address) in the least loaded
  /// worker's slice and hands the session to that worker. A pair that will not bind on
  /// a leg's address because it is taken there (by someone else) is skipped for the
  /// next one; any other bind error fails at once with bad_address. A leg
  /// sends from the socket it receives on, so its peer sees one address both ways.
  /// Until update_leg gives it remote endpoints, a symmetric leg latches to whoever
  /// sends first. An id is free again once its on_session_closed has run.
  result<session_ports, relay_error> create_session(relay_session_id id, const session_binding& binding = {});
  /// Posted to the worker; unknown ids are ignored. A changed remote_rtp/remote_rtcp or
  /// latching mode resets the latch (re-INVITE moved the media).
  void update_leg(relay_session_id id, relay_leg leg, const leg_params& params);
  /// Posted; on_session_closed follows with the final figures. Unknown ids are ignored.
  void destroy_session(relay_session_id id);

  /// Per-worker counters, read without a round trip: each worker publishes into its own
  /// cache-line-aligned block of relaxed atomics (see relay_worker.hpp for why).
  std::vector<worker_metrics> metrics() const;

  const relay_config& config() const noexcept { return config_; }
  std::size_t session_count() const noexcept { return sessions_.size(); }

 private:
  friend class relay_worker;  // delivers events to listener_ and on_closed on the control thread
  void on_closed(relay_session_id id, const session_stats& stats);

  boost::asio::io_context& control_;
  relay_config config_;
  listener& listener_;
  std::vector<std::unique_ptr<relay_worker>> workers_;
  std::unordered_map<relay_session_id, unsigned> sessions_;  // id → worker
  /// Reset on destruction, so handlers already posted to control find the engine gone.
  std::shared_ptr<relay_engine*> self_;
  bool running_ = false;
};

}  // namespace voxedge::media
