#pragma once
// The session description model (RFC 8866 §5): every line type, session- and media-level
// attributes kept in received order as generic name[:value] pairs, with typed accessors
// for the ones the media plane acts on. Plain data: parse_sdp() fills it, write_sdp()
// writes it, offer/answer builds it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/sdp/connection_data.hpp"
#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/sdp_attributes.hpp"

namespace voxedge::media {

/// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2)
struct sdp_origin {
  std::string username = "-";
  /// 1*DIGIT; only ever compared, so kept as text (some peers exceed 64 bits).
  std::string session_id = "0";
  /// RFC 3264 §8: increases by one whenever the description changes.
  std::uint64_t session_version = 0;
  sdp_connection connection;  // no multicast suffix here
  friend bool operator==(const sdp_origin&, const sdp_origin&) = default;
};

/// b=<bwtype>:<bandwidth> (§5.8): AS and CT in kbit/s, TIAS in bit/s (RFC 3890), RS/RR
/// in bit/s (RFC 3556); unknown types are kept.
struct sdp_bandwidth {
  std::string type;
  std::uint64_t value = 0;
  friend bool operator==(const sdp_bandwidth&, const sdp_bandwidth&) = default;
};

/// t=<start-time> <stop-time> (§5.9) and the r= lines that follow it (§5.10), kept as text.
struct sdp_timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  std::vector<std::string> repeats;
  friend bool operator==(const sdp_timing&, const sdp_timing&) = default;
};

/// a=<name>[:<value>] (§5.13). A property attribute ("a=rtcp-mux") has no value; "a=x:"
/// has an empty one.
struct sdp_attribute {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const sdp_attribute&, const sdp_attribute&) = default;
};

using sdp_attribute_list = std::vector<sdp_attribute>;

/// First attribute named `name` (names compare case-insensitively), or nullptr.
const sdp_attribute* find_attribute(const sdp_attribute_list& list, std::string_view name) noexcept;
bool has_attribute(const sdp_attribute_list& list, std::string_view name) noexcept;
/// The direction attribute of a list, if it has one (the first wins).
std::optional<media_direction> find_direction(const sdp_attribute_list& list) noexcept;

/// One media description: the m= line and the i=, c=, b=, k=, a= lines under it (§5.14).
struct media_description {
  std::string media = "audio";              // audio, video, text, application, message, image, ...
  std::uint16_t port = 0;                   // 0: the stream is disabled or rejected (RFC 3264 §5.1, §6)
  std::optional<std::uint32_t> port_count;  // "<port>/<number of ports>"
  std::string proto = "RTP/AVP";
  std::vector<std::string> formats;  // payload type numbers for RTP protos
  std::optional<std::string> title;  // i=
  std::optional<sdp_connection> connection;
  std::vector<sdp_bandwidth> bandwidths;
  std::optional<std::string> key;  // k= (obsolete, §5.12); a secret: never log it
  sdp_attribute_list attributes;

  /// The proto is RTP-based: RTP/AVP, RTP/SAVP, RTP/AVPF, RTP/SAVPF, UDP/TLS/RTP/SAVP(F),
  /// TCP/RTP/AVP ... (one of its '/'-separated parts is "RTP").
  bool is_rtp() const noexcept;
  /// RTP/SAVP or RTP/SAVPF: SRTP keyed by a=crypto (RFC 4568), not by DTLS.
  bool uses_sdes() const noexcept;
  /// The formats as RTP payload types, those that are numbers in 0..127, in m= order.
  std::vector<std::uint8_t> payload_types() const;

  const sdp_attribute* find_attribute(std::string_view name) const noexcept;
  bool has_attribute(std::string_view name) const noexcept;
  void add_attribute(std::string name, std::optional<std::string> value = std::nullopt);

  /// Every valid a=rtpmap, in order.
  std::vector<rtpmap> rtpmaps() const;
  /// The rtpmap bound to `pt`: its a=rtpmap, else the RFC 3551 static assignment.
  std::optional<rtpmap> find_rtpmap(std::uint8_t pt) const;
  /// The parameters of the a=fmtp for `format` ("101" -> "0-16").
  std::optional<std::string> fmtp(std::string_view format) const;
  std::optional<std::uint32_t> ptime() const;
  std::optional<std::uint32_t> maxptime() const;
  /// This section's own direction attribute; see session_description::direction_of().
  std::optional<media_direction> direction() const noexcept { return find_direction(attributes); }
  std::optional<rtcp_attribute> rtcp() const;
  bool rtcp_mux() const noexcept { return has_attribute("rtcp-mux"); }
  std::vector<ssrc_attribute> ssrcs() const;
  std::optional<std::string> mid() const;
  std::vector<crypto_attribute> cryptos() const;
  /// b=<type>:<value> of this section (AS, TIAS ...), type compared case-insensitively.
  std::optional<std::uint64_t> bandwidth(std::string_view type) const noexcept;

  friend bool operator==(const media_description&, const media_description&) = default;
};

struct session_description {
  std::uint32_t version = 0;  // v=0, the only version (§5.1)
  sdp_origin origin;
  /// s= as received (RFC 8866 §5.3 recommends "-" or a single space for "no name").
  std::string session_name = "-";
  std::optional<std::string> information;  // i=
  std::optional<std::string> uri;          // u=
  std::vector<std::string> emails;         // e=
  std::vector<std::string> phones;         // p=
  std::optional<sdp_connection> connection;
  std::vector<sdp_bandwidth> bandwidths;
  /// t= lines; written as "t=0 0" when empty.
  std::vector<sdp_timing> timings;
  std::optional<std::string> zone_adjustments;  // z=, kept as text
  std::optional<std::string> key;               // k=; a secret
  sdp_attribute_list attributes;
  std::vector<media_description> media;

  const sdp_attribute* find_attribute(std::string_view name) const noexcept;
  bool has_attribute(std::string_view name) const noexcept;
  void add_attribute(std::string name, std::optional<std::string> value = std::nullopt);

  /// The connection data in force for media section `index`: its own c=, else the
  /// session's (§5.7); nullptr if neither exists.
  const sdp_connection* connection_of(std::size_t index) const noexcept;
  /// The direction in force for media section `index`: media-level attribute, else
  /// session-level, else sendrecv (§6.7).
  media_direction direction_of(std::size_t index) const noexcept;
  /// ICE is in use for media section `index` (a=ice-ufrag at either level, RFC 8839 §5.4).
  bool uses_ice(std::size_t index) const noexcept;

  friend bool operator==(const session_description&, const session_description&) = default;
};

}  // namespace voxedge::media
