#include "daemon/call/media_bridge.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/ip/address.hpp>

#include "base/text.hpp"
#include "media/sdp/codec_matching.hpp"
#include "media/sdp/rtp_payload_types.hpp"

namespace voxedge::daemon {

namespace {

using media::codec_capability;
using media::media_direction;

bool relayable_proto(const media::media_description& m) { return text::iequals(m.proto, "RTP/AVP"); }

// The codecs of one m= line, in its order, as capabilities (fmtp = what its author asked
// to receive; PT = its number). Redundancy formats are left out: the relay does not
// unwrap them.
std::vector<codec_capability> codecs_of(const media::media_description& m) {
  std::vector<codec_capability> out;
  for (const auto pt : m.payload_types()) {
    const auto map = m.find_rtpmap(pt);
    if (!map || media::role_of(map->encoding) == media::format_role::redundancy) continue;
    codec_capability c;
    c.encoding = map->encoding;
    c.clock_rate = map->clock_rate;
    c.channels = map->channels();
    c.fmtp = m.fmtp(std::to_string(pt)).value_or(std::string());
    c.payload_type = pt;
    const bool dup = std::any_of(out.begin(), out.end(), [&](const codec_capability& o) {
      return o.payload_type == pt || (text::iequals(o.encoding, c.encoding) && o.clock_rate == c.clock_rate &&
                                      o.channels == c.channels && o.fmtp == c.fmtp);
    });
    if (!dup) out.push_back(std::move(c));
  }
  return out;
}

bool same_codec(const codec_capability& a, const codec_capability& b) {
  return text::iequals(a.encoding, b.encoding) && a.clock_rate == b.clock_rate && a.channels == b.channels;
}

media::media_capability audio_capability(std::vector<codec_capability> codecs) {
  media::media_capability cap;
  cap.media = "audio";
  cap.protos = {"RTP/AVP"};
  cap.codecs = std::move(codecs);
  return cap;
}

media::leg_capabilities leg_of(media::media_capability cap, media_direction direction) {
  media::leg_capabilities caps;
  caps.media.push_back(std::move(cap));
  caps.direction = direction;
  caps.preference = media::codec_preference::offerer;
  caps.single_codec_answer = true;
  return caps;
}

codec_capability from_negotiated(const media::negotiated_codec& c, bool ours) {
  codec_capability cap;
  cap.encoding = c.encoding;
  cap.clock_rate = c.clock_rate;
  cap.channels = c.channels;
  // In an answer the fmtp is what we want to receive: what the other leg's peer wants.
  cap.fmtp = c.remote_fmtp;
  cap.payload_type = ours ? c.local_pt : c.remote_pt;
  return cap;
}

std::optional<boost::asio::ip::udp::endpoint> endpoint_of(const std::optional<media::transport_address>& t) {
  if (!t || t->port == 0) return std::nullopt;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(t->address, ec);
  // An FQDN, or 0.0.0.0 (RFC 3264 §8.4): nothing to send to; the relay latches instead.
  if (ec || address.is_unspecified()) return std::nullopt;
  return boost::asio::ip::udp::endpoint(address, t->port);
}

}  // namespace

std::optional<std::size_t> relayed_stream(const media::session_description& sd) {
  for (std::size_t i = 0; i < sd.media.size(); ++i) {
    const auto& m = sd.media[i];
    if (text::iequals(m.media, "audio") && m.port != 0 && relayable_proto(m)) return i;
  }
  return std::nullopt;
}

media_direction offered_direction(const media::session_description& sd, std::size_t index) {
  auto d = sd.direction_of(index);
  const auto* c = sd.connection_of(index);
  if (c != nullptr && c->is_unspecified()) d = media::make_direction(media::can_send(d), false);
  return d;
}

media::leg_capabilities relay_capabilities(const media::session_description& offer, std::size_t index) {
  return leg_of(audio_capability(codecs_of(offer.media[index])), media_direction::sendrecv);
}

media::leg_capabilities carried_offer(const media::session_description& offer, std::size_t index,
                                      const media::session_description* previous) {
  auto codecs = codecs_of(offer.media[index]);
  std::vector<codec_capability> before;
  if (previous != nullptr) {
    if (auto i = relayed_stream(*previous)) before = codecs_of(previous->media[*i]);
  }
  std::array<bool, media::max_payload_type + 1> taken{};
  // First pass: codecs our previous SDP on that leg bound keep their number there.
  std::vector<bool> fixed(codecs.size(), false);
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    const auto it =
        std::find_if(before.begin(), before.end(), [&](const codec_capability& b) { return same_codec(b, codecs[i]); });
    if (it == before.end() || taken[it->payload_type]) continue;
    codecs[i].payload_type = it->payload_type;
    taken[it->payload_type] = true;
    fixed[i] = true;
  }
  // A number the previous SDP bound to another codec stays reserved for it.
  std::array<bool, media::max_payload_type + 1> reserved = taken;
  for (const auto& b : before) reserved[b.payload_type] = true;
  std::vector<codec_capability> kept;
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    auto pt = codecs[i].payload_type;
    if (!fixed[i] && (reserved[pt] || taken[pt])) {
      pt = 0;
      for (std::uint8_t d = 96; d <= media::max_payload_type; ++d) {
        if (!reserved[d] && !taken[d]) {
          pt = d;
          break;
        }
      }
      if (pt == 0) continue;  // 32 dynamic numbers all in use: leave the codec out
    }
    codecs[i].payload_type = pt;
    taken[pt] = true;
    kept.push_back(std::move(codecs[i]));
  }
  auto cap = audio_capability(std::move(kept));
  cap.ptime = offer.media[index].ptime();
  cap.maxptime = offer.media[index].maxptime();
  return leg_of(std::move(cap), offered_direction(offer, index));
}

media::leg_capabilities keep_lines(media::leg_capabilities caps, const media::session_description* previous,
                                   std::size_t index) {
  const std::size_t lines = std::max(previous != nullptr ? previous->media.size() : 0, index + 1);
  if (lines == 1 || caps.media.empty()) return caps;
  std::vector<media::media_capability> out(lines);
  for (std::size_t i = 0; i < lines; ++i) {
    if (i == index) {
      out[i] = std::move(caps.media.front());
      continue;
    }
    // No codecs: make_offer writes the line with port 0 (RFC 3264 §8.2).
    out[i].media = previous != nullptr && i < previous->media.size() ? previous->media[i].media : "audio";
    out[i].protos = {previous != nullptr && i < previous->media.size() ? previous->media[i].proto : "RTP/AVP"};
  }
  caps.media = std::move(out);
  return caps;
}

media::leg_capabilities default_capabilities() {
  std::vector<codec_capability> codecs{
      {"PCMU", 8000, 1, "", 0},
      {"PCMA", 8000, 1, "", 8},
      {"telephone-event", 8000, 1, "0-16", 101},
  };
  return leg_of(audio_capability(std::move(codecs)), media_direction::sendrecv);
}

media::leg_capabilities answer_capabilities(const media::negotiated_stream& other, media_direction direction) {
  std::vector<codec_capability> codecs;
  if (!other.codecs.empty()) codecs.push_back(from_negotiated(other.codecs.front(), false));
  if (other.telephone_event) codecs.push_back(from_negotiated(*other.telephone_event, false));
  if (other.comfort_noise) codecs.push_back(from_negotiated(*other.comfort_noise, false));
  auto cap = audio_capability(std::move(codecs));
  cap.ptime = other.remote_ptime;
  return leg_of(std::move(cap), direction);
}

media::leg_capabilities offer_from_negotiated(const media::negotiated_stream& other, media_direction direction) {
  std::vector<codec_capability> codecs;
  if (!other.codecs.empty()) codecs.push_back(from_negotiated(other.codecs.front(), true));
  if (other.telephone_event) codecs.push_back(from_negotiated(*other.telephone_event, true));
  if (other.comfort_noise) codecs.push_back(from_negotiated(*other.comfort_noise, true));
  auto cap = audio_capability(std::move(codecs));
  cap.ptime = other.remote_ptime;
  return leg_of(std::move(cap), direction);
}

media::local_session local_media(const media_endpoints& endpoints, media_leg leg, std::size_t index,
                                 std::size_t stream_count) {
  media::local_session local;
  local.address = media::make_connection(endpoints.address);
  local.streams.resize(std::max(stream_count, index + 1));
  auto& s = local.streams[index];
  s.rtp_port = leg == media_leg::a ? endpoints.a_rtp : endpoints.b_rtp;
  s.rtcp_port = leg == media_leg::a ? endpoints.a_rtcp : endpoints.b_rtcp;
  return local;
}

media_leg_update leg_update(const media::negotiated_stream& self, const media::negotiated_stream* other,
                            bool strict_source) {
  media_leg_update u;
  u.remote_rtp = endpoint_of(self.remote_rtp);
  u.remote_rtcp = endpoint_of(self.remote_rtcp);
  u.rtcp_mux = self.rtcp_mux;
  u.strict_source = strict_source && u.remote_rtp.has_value();
  u.send = media::can_send(self.direction);
  u.receive = media::can_receive(self.direction);
  u.rewrite.fill(-1);
  if (other != nullptr) u.rewrite = media::make_rewrite_table(other->payload_types, self.payload_types);
  for (const auto& e : self.payload_types.entries()) u.clock_rates[e.local_pt & 0x7f] = e.clock_rate;
  u.codec = codec_name(self);
  return u;
}

std::string codec_name(const media::negotiated_stream& s) {
  if (s.codecs.empty()) return {};
  return s.codecs.front().encoding + "/" + std::to_string(s.codecs.front().clock_rate);
}

}  // namespace voxedge::daemon
