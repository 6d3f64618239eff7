#include "daemon/call/media_bridge.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/ip/address.hpp>

#include "base/text.hpp"
#include "media/sdp/codec_matching.hpp"
#include "media/sdp/rtp_payload_types.hpp"
#include "media/srtp/srtp_key.hpp"

namespace voxedge::daemon {

namespace {

using media::codec_capability;
using media::media_direction;

bool is_avp(const media::media_description& m) { return text::iequals(m.proto, "RTP/AVP"); }
bool is_savp(const media::media_description& m) { return text::iequals(m.proto, "RTP/SAVP"); }
bool relayable_proto(const media::media_description& m) { return is_avp(m) || is_savp(m); }

// The a=crypto lines of `m` we can key, in offer order (RFC 4568 §5.1.1: preference order).
std::vector<media::crypto_attribute> usable_cryptos(const media::media_description& m) {
  std::vector<media::crypto_attribute> out;
  for (auto& c : m.cryptos()) {
    if (media::keying_from_crypto(c)) out.push_back(std::move(c));
  }
  return out;
}

// Any proto, any suite we can key: answering follows the offer; srtp_offer_problem()
// enforces the leg's policy before.
void accept_any_protection(media::media_capability& cap) {
  cap.protos = {"RTP/AVP", "RTP/SAVP"};
  cap.srtp_suites = accepted_srtp_suites();
}

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
  auto cap = audio_capability(codecs_of(offer.media[index]));
  accept_any_protection(cap);
  return leg_of(std::move(cap), media_direction::sendrecv);
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
  if (previous != nullptr) {
    if (auto i = relayed_stream(*previous); i && is_savp(previous->media[*i])) {
      // A re-offer keeps the leg's protection (its keys are fresh: make_offer has none).
      cap.protos = {"RTP/SAVP"};
      cap.srtp_suites = offered_srtp_suites();
    }
  }
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
  accept_any_protection(cap);
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
  local.address = media::make_connection(endpoints.address(leg));
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
  u.srtp = srtp_of(self);
  return u;
}

std::string codec_name(const media::negotiated_stream& s) {
  if (s.codecs.empty()) return {};
  return s.codecs.front().encoding + "/" + std::to_string(s.codecs.front().clock_rate);
}

}  // namespace voxedge::daemon

// --- SRTP (SDES) ------------------------------------------------------------------------------

namespace voxedge::daemon {

namespace {

// Our key in `current` for `suite`, as a local stream's key list (make_offer and
// make_answer reuse a listed key of the same suite).
std::vector<media::crypto_attribute> kept_keys(const media::negotiated_stream* current) {
  if (current == nullptr || !current->local_crypto) return {};
  return {*current->local_crypto};
}

media::negotiation_error crypto_error(std::string reason) {
  return media::negotiation_error{media::negotiation_errc::no_common_crypto, std::move(reason), {}};
}

}  // namespace

std::vector<std::string> offered_srtp_suites() {
  std::vector<std::string> out{"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"};
  if (media::srtp_suite_available(media::srtp_suite::aead_aes_128_gcm)) out.emplace_back("AEAD_AES_128_GCM");
  return out;
}

std::vector<std::string> accepted_srtp_suites() {
  std::vector<std::string> out;
  for (const auto s : media::all_srtp_suites()) {
    if (media::srtp_suite_available(s)) out.emplace_back(media::to_string(s));
  }
  return out;
}

std::optional<std::string> srtp_offer_problem(const media::session_description& offer, std::size_t index,
                                              config::srtp_mode policy) {
  if (index >= offer.media.size()) return "no such stream";
  const auto& m = offer.media[index];
  const bool keyed = !usable_cryptos(m).empty();
  if (is_savp(m)) {
    // RFC 4568 §7.1.1: RTP/SAVP without a key we can use cannot be answered.
    if (policy == config::srtp_mode::off) return "RTP/SAVP offered on a leg without SRTP (srtp: off)";
    if (!keyed) return "RTP/SAVP offered without an a=crypto line we can use";
    return std::nullopt;
  }
  if (policy == config::srtp_mode::required && !keyed) {
    return "plain RTP offered on a leg that requires SRTP (srtp: required)";
  }
  return std::nullopt;
}

media::session_description make_leg_offer(media::leg_capabilities caps, media::local_session local,
                                          media::session_version& version, config::srtp_mode policy,
                                          const media::negotiated_stream* current) {
  const auto suites = offered_srtp_suites();
  const auto keep = kept_keys(current);
  for (std::size_t i = 0; i < caps.media.size(); ++i) {
    auto& cap = caps.media[i];
    if (cap.codecs.empty()) continue;  // a line kept disabled (keep_lines): as it was
    if (local.streams.size() <= i) local.streams.resize(i + 1);
    auto& ls = local.streams[i];
    switch (policy) {
      case config::srtp_mode::off:
        cap.protos = {"RTP/AVP"};
        cap.srtp_suites.clear();
        break;
      case config::srtp_mode::required:
        cap.protos = {"RTP/SAVP"};
        cap.srtp_suites = suites;
        ls.crypto = keep;
        break;
      case config::srtp_mode::optional: {
        // Best-effort SDES: RTP/AVP, so that a peer without SRTP still answers, with the
        // a=crypto lines an RTP/SAVP offer would have (make_offer writes those only for
        // RTP/SAVP, so they go in as our own attributes). Tags 1, 2, 3 in our order.
        cap.protos = {"RTP/AVP"};
        cap.srtp_suites.clear();
        std::uint32_t tag = 1;
        for (const auto& suite : suites) {
          std::optional<media::crypto_attribute> key;
          for (const auto& k : keep) {
            if (text::iequals(k.suite, suite)) key = k;
          }
          if (!key) key = media::make_crypto(tag, suite, local.random);
          if (!key) continue;
          key->tag = tag++;
          ls.extra_attributes.push_back(media::sdp_attribute{"crypto", key->to_value()});
        }
        break;
      }
    }
  }
  return media::make_offer(caps, local, version);
}

result<media::sdp_answer, media::negotiation_error> answer_offer(const media::session_description& offer,
                                                                 std::size_t index, media::leg_capabilities caps,
                                                                 media::local_session local,
                                                                 media::session_version& version,
                                                                 config::srtp_mode policy,
                                                                 const media::negotiated_stream* current) {
  if (index >= offer.media.size()) return fail(crypto_error("no such stream"));
  // Only the lines we can key remain, so make_answer's first acceptable one is the first
  // usable one offered.
  auto filtered = offer;
  auto& om = filtered.media[index];
  const auto usable = usable_cryptos(om);
  std::erase_if(om.attributes, [](const media::sdp_attribute& a) { return text::iequals(a.name, "crypto"); });
  for (const auto& c : usable) om.add_attribute("crypto", c.to_value());
  for (auto& cap : caps.media) {
    if (policy == config::srtp_mode::off) {
      cap.protos = {"RTP/AVP"};
      cap.srtp_suites.clear();
    } else {
      accept_any_protection(cap);
    }
  }
  if (local.streams.size() <= index) local.streams.resize(index + 1);
  local.streams[index].crypto = kept_keys(current);

  auto made = media::make_answer(filtered, caps, local, version);
  if (!made) return made;
  auto& ns = made->negotiated.streams[index];
  if (ns.accepted() && !om.uses_sdes() && policy != config::srtp_mode::off && !usable.empty()) {
    // Best-effort SDES on RTP/AVP: answered like RTP/SAVP, tag echoed with our key
    // (RFC 4568 §5.1.2). make_answer leaves a=crypto alone outside RTP/SAVP.
    const auto& theirs = usable.front();
    std::optional<media::crypto_attribute> mine;
    for (const auto& k : local.streams[index].crypto) {
      if (text::iequals(k.suite, theirs.suite)) mine = k;
    }
    if (!mine) mine = media::make_crypto(theirs.tag, theirs.suite, local.random);
    if (mine) {
      mine->tag = theirs.tag;
      made->sdp.media[index].add_attribute("crypto", mine->to_value());
      ns.local_crypto = std::move(mine);
      ns.remote_crypto = theirs;
    }
  }
  if (ns.accepted() && policy == config::srtp_mode::required && !ns.remote_crypto) {
    return fail(crypto_error("no SRTP key agreed on a leg that requires SRTP"));
  }
  if (ns.accepted() && ns.remote_crypto) {
    // Never "secured" without keys both ways that the relay can use.
    const auto keys = srtp_of(ns);
    if (!keys || keys->remote_key.empty() || keys->local_key.empty()) {
      return fail(crypto_error("the agreed SRTP key cannot be used"));
    }
  }
  return made;
}

result<media::negotiated_session, media::negotiation_error> read_leg_answer(const media::session_description& offer,
                                                                            const media::session_description& answer,
                                                                            config::srtp_mode policy) {
  auto negotiated = media::process_answer(offer, answer);
  if (!negotiated) return negotiated;
  const auto relayed = relayed_stream(offer);
  for (auto& ns : negotiated->streams) {
    if (!ns.accepted() || ns.index >= offer.media.size() || ns.index >= answer.media.size()) continue;
    const auto& om = offer.media[ns.index];
    const auto& am = answer.media[ns.index];
    if (policy == config::srtp_mode::off) {
      ns.local_crypto.reset();
      ns.remote_crypto.reset();
      continue;
    }
    if (!om.uses_sdes()) {
      // Our best-effort offer (RTP/AVP with a=crypto): a returned tag of ours with a
      // usable key keys the stream (RFC 4568 §5.1.3); no a=crypto means plain RTP.
      const auto ours = om.cryptos();
      for (auto& theirs : am.cryptos()) {
        const auto mine = std::find_if(ours.begin(), ours.end(), [&](const media::crypto_attribute& c) {
          return c.tag == theirs.tag && text::iequals(c.suite, theirs.suite);
        });
        if (mine == ours.end() || !media::keying_from_crypto(theirs)) continue;
        ns.local_crypto = *mine;
        ns.remote_crypto = std::move(theirs);
        break;
      }
    }
    if (ns.remote_crypto && !media::keying_from_crypto(*ns.remote_crypto)) {
      // An RTP/SAVP answer whose key srtp_session cannot take (an MKI that does not fit).
      ns.rejection = media::stream_rejection::no_common_crypto;
    }
    if (policy == config::srtp_mode::required && relayed && ns.index == *relayed && !ns.remote_crypto) {
      ns.rejection = media::stream_rejection::no_common_crypto;
    }
  }
  if (relayed && *relayed < negotiated->streams.size() &&
      negotiated->streams[*relayed].rejection == media::stream_rejection::no_common_crypto) {
    return fail(crypto_error("the answer agrees no SRTP key we can use"));
  }
  return negotiated;
}

std::optional<media::leg_srtp> srtp_of(const media::negotiated_stream& s) {
  if (!s.local_crypto || !s.remote_crypto) return std::nullopt;
  media::leg_srtp out;
  const auto remote = media::keying_from_crypto(*s.remote_crypto);
  const auto local = media::keying_from_crypto(*s.local_crypto);
  if (const auto suite = media::srtp_suite_from_name(s.remote_crypto->suite)) out.suite = *suite;
  if (remote && local && remote->suite == local->suite) {
    out.remote_key = remote->key;
    out.local_key = local->key;
  }
  return out;
}

}  // namespace voxedge::daemon
