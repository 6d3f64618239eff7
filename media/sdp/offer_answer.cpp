#include "media/sdp/offer_answer.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "base/text.hpp"
#include "media/sdp/codec_matching.hpp"
#include "media/sdp/rtp_payload_types.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

namespace {

// One RTP format of an m= line with what binds it: its a=rtpmap, else the RFC 3551
// static assignment, and its a=fmtp.
struct format_info {
  std::string format;  // as on the m= line
  rtpmap map;
  std::string fmtp;
};

// Reads every a=rtpmap and a=fmtp once, so that a section with many formats and many
// attributes costs one pass, not one per format.
std::vector<format_info> formats_of(const media_description& m) {
  std::array<std::optional<rtpmap>, max_payload_type + 1> maps;
  std::array<std::optional<std::string>, max_payload_type + 1> fmtps;
  for (const auto& a : m.attributes) {
    if (!a.value) continue;
    if (text::iequals(a.name, "rtpmap")) {
      auto r = parse_rtpmap(*a.value);
      // The first a=rtpmap of a payload type binds it.
      if (r && !maps[r->payload_type]) maps[r->payload_type] = std::move(r);
    } else if (text::iequals(a.name, "fmtp")) {
      auto f = parse_fmtp(*a.value);
      const auto pt = f ? sdp_grammar::parse_number(f->format, max_payload_type) : std::nullopt;
      if (pt && !fmtps[*pt]) fmtps[*pt] = std::move(f->parameters);
    }
  }
  std::vector<format_info> out;
  out.reserve(m.formats.size());
  for (const auto& f : m.formats) {
    const auto pt = sdp_grammar::parse_number(f, max_payload_type);
    if (!pt) continue;
    format_info info;
    info.format = f;
    if (maps[*pt]) {
      info.map = *maps[*pt];
    } else if (auto s = find_static_payload_type(static_cast<std::uint8_t>(*pt))) {
      info.map.payload_type = static_cast<std::uint8_t>(*pt);
      info.map.encoding.assign(s->encoding);
      info.map.clock_rate = s->clock_rate;
      if (s->channels != 1) info.map.encoding_parameters = s->channels;
    } else {
      continue;  // a dynamic payload type without a=rtpmap means nothing (RFC 8866 §6.6)
    }
    if (fmtps[*pt]) info.fmtp = *fmtps[*pt];
    out.push_back(std::move(info));
  }
  return out;
}

struct format_match {
  format_info offered;
  const codec_capability* local = nullptr;  // whose fmtp we answer with
};

struct stream_plan {
  stream_rejection rejection = stream_rejection::none;
  const media_capability* cap = nullptr;
  std::vector<format_match> primaries;    // in answer order
  std::vector<format_match> auxiliaries;  // telephone-event, CN, in offer order
  std::optional<crypto_attribute> remote_crypto;
};

bool has_proto(const media_capability& cap, std::string_view proto) {
  return std::any_of(cap.protos.begin(), cap.protos.end(), [&](const auto& p) { return text::iequals(p, proto); });
}

// The capability entry of an auxiliary role at `clock_rate`, else (when `any_rate`) the
// first entry of that role: telephone-event support is per leg, its rate follows the codec.
const codec_capability* auxiliary_capability(const media_capability& cap, format_role role, std::uint32_t clock_rate,
                                             bool any_rate) {
  const codec_capability* first = nullptr;
  for (const auto& c : cap.codecs) {
    if (role_of(c.encoding) != role || c.channels != 1) continue;
    if (c.clock_rate == clock_rate) return &c;
    if (!first) first = &c;
  }
  return any_rate ? first : nullptr;
}

// RFC 4568 §6: one key, inline, no session parameters we would have to honour, and a
// key of the length the suite needs.
bool usable_key(const crypto_attribute& c) {
  if (c.key_params.size() != 1 || !c.session_params.empty()) return false;
  const auto& k = c.key_params.front();
  if (!text::iequals(k.method, "inline")) return false;
  const auto bytes = decode_base64(k.key_salt);
  return bytes && !bytes->empty() && bytes->size() == srtp_key_salt_length(c.suite);
}

bool acceptable_crypto(const crypto_attribute& c, const media_capability& cap) {
  return usable_key(c) && std::any_of(cap.srtp_suites.begin(), cap.srtp_suites.end(),
                                      [&](const auto& s) { return text::iequals(s, c.suite); });
}

void choose_auxiliaries(const std::vector<format_info>& offered, const media_capability& cap, stream_plan& plan) {
  const bool events_only = plan.primaries.empty();
  for (const auto& f : offered) {
    const auto role = role_of(f.map.encoding);
    if (role != format_role::telephone_event && role != format_role::comfort_noise) continue;
    if (f.map.channels() != 1) continue;
    // One of each role per clock rate.
    const bool dup = std::any_of(plan.auxiliaries.begin(), plan.auxiliaries.end(), [&](const format_match& m) {
      return role_of(m.offered.map.encoding) == role && m.offered.map.clock_rate == f.map.clock_rate;
    });
    if (dup) continue;
    const codec_capability* local = nullptr;
    if (events_only) {
      // A stream of events alone (RFC 4317 §2.4): the rate must be one we list.
      if (role == format_role::telephone_event) local = auxiliary_capability(cap, role, f.map.clock_rate, false);
    } else {
      // RFC 4733: events sent beside audio use its RTP timestamp clock rate; CN likewise.
      const bool rate_in_use = std::any_of(plan.primaries.begin(), plan.primaries.end(), [&](const format_match& m) {
        return m.offered.map.clock_rate == f.map.clock_rate;
      });
      if (rate_in_use) local = auxiliary_capability(cap, role, f.map.clock_rate, true);
    }
    if (local) plan.auxiliaries.push_back(format_match{f, local});
  }
}

stream_plan plan_stream(const session_description& offer, std::size_t index, const leg_capabilities& caps) {
  const auto& m = offer.media[index];
  stream_plan plan;
  if (m.port == 0) {
    plan.rejection = stream_rejection::disabled_by_offerer;
    return plan;
  }
  bool media_known = false;
  for (const auto& c : caps.media) {
    if (!text::iequals(c.media, m.media)) continue;
    media_known = true;
    if (m.is_rtp() && has_proto(c, m.proto)) {
      plan.cap = &c;
      break;
    }
  }
  if (!plan.cap) {
    plan.rejection = media_known ? stream_rejection::unsupported_proto : stream_rejection::unsupported_media;
    return plan;
  }
  const auto& cap = *plan.cap;
  const auto offered = formats_of(m);
  bool primary_offered = false;
  for (const auto& f : offered) {
    if (role_of(f.map.encoding) != format_role::primary) continue;
    primary_offered = true;
    for (const auto& c : cap.codecs) {
      if (role_of(c.encoding) != format_role::primary || !same_codec(f.map, f.fmtp, c)) continue;
      // A codec offered under two payload types is answered once, with the first.
      const bool dup = std::any_of(plan.primaries.begin(), plan.primaries.end(),
                                   [&](const format_match& p) { return p.local == &c; });
      if (!dup) plan.primaries.push_back(format_match{f, &c});
      break;
    }
  }
  if (caps.preference == codec_preference::local) {
    std::stable_sort(plan.primaries.begin(), plan.primaries.end(),
                     [](const format_match& a, const format_match& b) { return a.local < b.local; });
  }
  if (caps.single_codec_answer && plan.primaries.size() > 1) plan.primaries.resize(1);
  choose_auxiliaries(offered, cap, plan);
  if (plan.primaries.empty() && (primary_offered || plan.auxiliaries.empty())) {
    plan.rejection = stream_rejection::no_common_codec;
    return plan;
  }
  if (m.uses_sdes()) {
    for (auto& c : m.cryptos()) {
      if (acceptable_crypto(c, cap)) {
        plan.remote_crypto = std::move(c);
        break;
      }
    }
    if (!plan.remote_crypto) plan.rejection = stream_rejection::no_common_crypto;
  }
  return plan;
}

void add_format(media_description& m, const rtpmap& map, std::string_view fmtp) {
  m.formats.push_back(std::to_string(map.payload_type));
  m.add_attribute("rtpmap", map.to_value());
  if (!fmtp.empty()) m.add_attribute("fmtp", std::to_string(map.payload_type) + " " + std::string(fmtp));
}

negotiated_codec to_negotiated(const rtpmap& map, std::string_view fmtp, std::uint8_t local_pt, std::uint8_t remote_pt,
                               std::string_view local_fmtp) {
  return negotiated_codec{map.encoding, map.clock_rate,          map.channels(),   local_pt,
                          remote_pt,    std::string(local_fmtp), std::string(fmtp)};
}

// The first auxiliary of a role that goes with the codec at `clock_rate` (any rate when
// the stream carries events alone).
std::optional<negotiated_codec> pick_auxiliary(const std::vector<negotiated_codec>& aux, format_role role,
                                               const std::vector<negotiated_codec>& primaries) {
  for (const auto& a : aux) {
    if (role_of(a.encoding) != role) continue;
    if (primaries.empty() || a.clock_rate == primaries.front().clock_rate) return a;
  }
  return std::nullopt;
}

void finish_codecs(negotiated_stream& ns, const std::vector<negotiated_codec>& aux) {
  ns.telephone_event = pick_auxiliary(aux, format_role::telephone_event, ns.codecs);
  ns.comfort_noise = pick_auxiliary(aux, format_role::comfort_noise, ns.codecs);
  const std::vector<negotiated_codec>& primaries = ns.codecs;
  for (const auto* list : {&primaries, &aux}) {
    for (const auto& c : *list) {
      ns.payload_types.add(payload_mapping{c.encoding, c.clock_rate, c.channels, c.local_pt, c.remote_pt});
    }
  }
}

// Where the peer's RTCP goes: with rtcp-mux the RTP address (RFC 5761 §5.1.1), else its
// a=rtcp (RFC 3605 §2.1), else the next port up (RFC 3550 §11; none above 65534).
std::optional<transport_address> remote_rtcp_of(const media_description& m, const transport_address& rtp, bool mux) {
  if (mux) return rtp;
  if (auto r = m.rtcp()) {
    return transport_address{r->connection ? r->connection->address : rtp.address, r->port};
  }
  if (rtp.port >= 65535) return std::nullopt;
  return transport_address{rtp.address, static_cast<std::uint16_t>(rtp.port + 1)};
}

// RFC 3264 §8.4: a connection address of 0.0.0.0 (or ::) means "send nothing here". With
// ICE it only means "no candidate yet" (trickle ICE, RFC 8838), so it is ignored then.
bool peer_unreachable(const session_description& sd, std::size_t index) {
  const auto* c = sd.connection_of(index);
  return c && c->is_unspecified() && !sd.uses_ice(index);
}

media_description rejected_line(const media_description& offered) {
  media_description m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  // §6: a refused stream keeps the offered format list, which is never empty.
  m.formats = offered.formats;
  if (auto mid = offered.mid()) m.add_attribute("mid", std::move(*mid));
  return m;
}

std::optional<crypto_attribute> local_key(const crypto_attribute& remote, const local_stream& ls,
                                          const local_session& local) {
  for (const auto& c : ls.crypto) {
    if (text::iequals(c.suite, remote.suite)) {
      auto mine = c;
      mine.tag = remote.tag;  // RFC 4568 §5.1.2: the answer carries the accepted tag
      return mine;
    }
  }
  return make_crypto(remote.tag, remote.suite, local.random);
}

negotiation_errc failure_code(const std::vector<stream_rejection>& reasons) {
  const auto any = [&](stream_rejection r) { return std::find(reasons.begin(), reasons.end(), r) != reasons.end(); };
  if (any(stream_rejection::no_common_codec)) return negotiation_errc::no_common_codec;
  if (any(stream_rejection::no_common_crypto)) return negotiation_errc::no_common_crypto;
  return negotiation_errc::no_acceptable_stream;
}

// The answer's m= section for an accepted stream, and what it negotiates.
media_description answer_line(const session_description& offer, std::size_t index, const stream_plan& plan,
                              const leg_capabilities& caps, const local_stream& ls, negotiated_stream& ns) {
  const auto& om = offer.media[index];
  const auto& cap = *plan.cap;
  media_description m;
  m.media = om.media;
  m.port = ls.rtp_port;
  m.proto = om.proto;
  std::vector<negotiated_codec> aux;
  for (const auto* list : {&plan.primaries, &plan.auxiliaries}) {
    for (const auto& f : *list) {
      // Mirror the offered number and rtpmap text (RFC 3264 §6.1); fmtp is ours.
      add_format(m, f.offered.map, f.local->fmtp);
      const auto pt = f.offered.map.payload_type;
      auto nc = to_negotiated(f.offered.map, f.offered.fmtp, pt, pt, f.local->fmtp);
      (list == &plan.primaries ? ns.codecs : aux).push_back(std::move(nc));
    }
  }
  finish_codecs(ns, aux);
  if (cap.ptime) m.add_attribute("ptime", std::to_string(*cap.ptime));
  if (cap.maxptime) m.add_attribute("maxptime", std::to_string(*cap.maxptime));

  // §6.1: sendonly is answered recvonly, recvonly sendonly, inactive inactive; sendrecv
  // may be narrowed, here by our own direction (hold).
  auto offered_dir = offer.direction_of(index);
  if (peer_unreachable(offer, index)) offered_dir = make_direction(can_send(offered_dir), false);
  const auto wish = cap.direction.value_or(caps.direction);
  const auto dir =
      make_direction(can_receive(offered_dir) && can_send(wish), can_send(offered_dir) && can_receive(wish));
  const bool offer_explicit = om.direction().has_value() || find_direction(offer.attributes).has_value();
  if (dir != media_direction::sendrecv || offer_explicit) m.add_attribute(std::string(to_string(dir)));
  ns.direction = dir;

  ns.rtcp_mux = caps.rtcp_mux && om.rtcp_mux();
  if (!ns.rtcp_mux && ls.rtcp_port && *ls.rtcp_port != ls.rtp_port + 1) {
    m.add_attribute("rtcp", std::to_string(*ls.rtcp_port));
  }
  if (ns.rtcp_mux) m.add_attribute("rtcp-mux");
  if (ns.local_crypto) m.add_attribute("crypto", ns.local_crypto->to_value());
  if (ns.mid) m.add_attribute("mid", *ns.mid);
  for (const auto& a : ls.extra_attributes) m.attributes.push_back(a);

  const auto* c = offer.connection_of(index);
  ns.remote_rtp = transport_address{c ? c->address : std::string(), om.port};
  ns.remote_rtcp = remote_rtcp_of(om, *ns.remote_rtp, ns.rtcp_mux);
  ns.ice = offer.uses_ice(index);
  ns.local_ptime = cap.ptime;
  ns.remote_ptime = om.ptime();
  ns.remote_maxptime = om.maxptime();
  return m;
}

session_description session_skeleton(const local_session& local) {
  session_description sd;
  sd.session_name = local.session_name;
  sd.connection = local.address;
  sd.timings.push_back(sdp_timing{});
  sd.attributes = local.session_attributes;
  return sd;
}

}  // namespace

std::vector<bool> streams_to_accept(const session_description& offer, const leg_capabilities& caps) {
  std::vector<bool> out;
  out.reserve(offer.media.size());
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    out.push_back(plan_stream(offer, i, caps).rejection == stream_rejection::none);
  }
  return out;
}

result<sdp_answer, negotiation_error> make_answer(const session_description& offer, const leg_capabilities& caps,
                                                  const local_session& local, session_version& version) {
  sdp_answer out;
  out.sdp = session_skeleton(local);
  std::vector<stream_rejection> reasons;
  bool offerer_disabled_all = true;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& om = offer.media[i];
    auto plan = plan_stream(offer, i, caps);
    const local_stream* ls = i < local.streams.size() ? &local.streams[i] : nullptr;
    if (plan.rejection == stream_rejection::none && (!ls || ls->rtp_port == 0)) {
      plan.rejection = stream_rejection::no_local_port;
    }
    negotiated_stream ns;
    ns.index = i;
    ns.media = om.media;
    ns.proto = om.proto;
    ns.mid = om.mid();
    if (plan.rejection == stream_rejection::none && plan.remote_crypto) {
      ns.remote_crypto = plan.remote_crypto;
      ns.local_crypto = local_key(*plan.remote_crypto, *ls, local);
      if (!ns.local_crypto) {
        plan.rejection = stream_rejection::no_common_crypto;
        ns.remote_crypto.reset();
      }
    }
    ns.rejection = plan.rejection;
    if (plan.rejection == stream_rejection::none) {
      out.sdp.media.push_back(answer_line(offer, i, plan, caps, *ls, ns));
    } else {
      out.sdp.media.push_back(rejected_line(om));
    }
    offerer_disabled_all = offerer_disabled_all && plan.rejection == stream_rejection::disabled_by_offerer;
    reasons.push_back(plan.rejection);
    out.negotiated.streams.push_back(std::move(ns));
  }
  if (out.negotiated.accepted_count() == 0 && !offerer_disabled_all) {
    const auto code = failure_code(reasons);
    return fail(negotiation_error{code, "no stream of the offer can be accepted: " + std::string(to_string(code)),
                                  std::move(reasons)});
  }
  version.stamp(out.sdp);
  return out;
}

session_description make_offer(const leg_capabilities& caps, const local_session& local, session_version& version) {
  auto sd = session_skeleton(local);
  for (std::size_t i = 0; i < caps.media.size(); ++i) {
    const auto& cap = caps.media[i];
    const local_stream* ls = i < local.streams.size() ? &local.streams[i] : nullptr;
    media_description m;
    m.media = cap.media;
    m.port = ls ? ls->rtp_port : 0;
    m.proto = cap.protos.empty() ? std::string("RTP/AVP") : cap.protos.front();
    for (const auto& c : cap.codecs) {
      // A payload type may bind one codec only (RFC 8866 §6.6).
      if (c.payload_type > max_payload_type ||
          std::find(m.formats.begin(), m.formats.end(), std::to_string(c.payload_type)) != m.formats.end()) {
        continue;
      }
      rtpmap map;
      map.payload_type = c.payload_type;
      map.encoding = c.encoding;
      map.clock_rate = c.clock_rate;
      if (c.channels != 1) map.encoding_parameters = c.channels;
      add_format(m, map, c.fmtp);
    }
    if (m.formats.empty()) {
      // Nothing to offer: a disabled stream still needs one format (RFC 8866 §5.14).
      m.port = 0;
      m.formats.emplace_back("0");
    }
    if (cap.ptime) m.add_attribute("ptime", std::to_string(*cap.ptime));
    if (cap.maxptime) m.add_attribute("maxptime", std::to_string(*cap.maxptime));
    const auto dir = cap.direction.value_or(caps.direction);
    if (dir != media_direction::sendrecv || caps.explicit_sendrecv) m.add_attribute(std::string(to_string(dir)));
    if (ls && ls->rtcp_port && *ls->rtcp_port != ls->rtp_port + 1) {
      m.add_attribute("rtcp", std::to_string(*ls->rtcp_port));
    }
    if (caps.rtcp_mux) m.add_attribute("rtcp-mux");
    if (m.uses_sdes()) {
      std::uint32_t tag = 1;
      for (const auto& suite : cap.srtp_suites) {
        std::optional<crypto_attribute> key;
        if (ls) {
          for (const auto& c : ls->crypto) {
            if (text::iequals(c.suite, suite)) key = c;
          }
        }
        if (!key) key = make_crypto(tag, suite, local.random);
        if (!key) continue;  // a suite whose key length we do not know
        key->tag = tag++;
        m.add_attribute("crypto", key->to_value());
      }
    }
    if (ls) {
      for (const auto& a : ls->extra_attributes) m.attributes.push_back(a);
    }
    sd.media.push_back(std::move(m));
  }
  version.stamp(sd);
  return sd;
}

result<negotiated_session, negotiation_error> process_answer(const session_description& offer,
                                                             const session_description& answer) {
  if (answer.media.size() != offer.media.size()) {
    return fail(negotiation_error{negotiation_errc::answer_mismatch,
                                  "the answer has " + std::to_string(answer.media.size()) + " m= lines, the offer " +
                                      std::to_string(offer.media.size()),
                                  {}});
  }
  negotiated_session out;
  std::vector<stream_rejection> reasons;
  bool offerer_disabled_all = true;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& om = offer.media[i];
    const auto& am = answer.media[i];
    if (!text::iequals(om.media, am.media)) {
      return fail(negotiation_error{negotiation_errc::answer_mismatch,
                                    "m= line " + std::to_string(i + 1) + " of the answer has another media type",
                                    {}});
    }
    negotiated_stream ns;
    ns.index = i;
    ns.media = om.media;
    ns.proto = om.proto;
    ns.mid = am.mid() ? am.mid() : om.mid();
    if (om.port == 0) {
      ns.rejection = stream_rejection::disabled_by_offerer;
    } else if (am.port == 0) {
      ns.rejection = stream_rejection::rejected_by_answerer;
    } else if (!am.is_rtp() || !om.is_rtp()) {
      ns.rejection = stream_rejection::unsupported_proto;
    }
    if (ns.accepted()) {
      // Each answered format is matched to ours by codec, not by number (§6.1 lets the
      // answerer renumber); formats we never offered are ignored.
      const auto ours = formats_of(om);
      std::vector<negotiated_codec> aux;
      for (const auto& f : formats_of(am)) {
        const auto same = [&](const format_info& o) {
          return same_codec(o.map, f.map) && fmtp_compatible(o.map.encoding, o.fmtp, f.fmtp);
        };
        // Our own number when the answer mirrors it (the usual case), else the first
        // offered format of that codec.
        auto mine = std::find_if(ours.begin(), ours.end(), [&](const format_info& o) {
          return o.map.payload_type == f.map.payload_type && same(o);
        });
        if (mine == ours.end()) mine = std::find_if(ours.begin(), ours.end(), same);
        if (mine == ours.end()) continue;
        const auto role = role_of(f.map.encoding);
        if (role == format_role::redundancy) continue;
        auto nc = to_negotiated(f.map, f.fmtp, mine->map.payload_type, f.map.payload_type, mine->fmtp);
        (role == format_role::primary ? ns.codecs : aux).push_back(std::move(nc));
      }
      finish_codecs(ns, aux);
      if (ns.codecs.empty() && !ns.telephone_event) ns.rejection = stream_rejection::no_common_codec;
    }
    if (ns.accepted() && om.uses_sdes()) {
      // RFC 4568 §5.1.3: the answer's tag says which of our keys was accepted.
      const auto offered = om.cryptos();
      for (auto& theirs : am.cryptos()) {
        const auto mine = std::find_if(offered.begin(), offered.end(), [&](const crypto_attribute& c) {
          return c.tag == theirs.tag && text::iequals(c.suite, theirs.suite);
        });
        if (mine == offered.end() || !usable_key(theirs)) continue;
        ns.local_crypto = *mine;
        ns.remote_crypto = std::move(theirs);
        break;
      }
      if (!ns.remote_crypto) ns.rejection = stream_rejection::no_common_crypto;
    }
    if (ns.accepted()) {
      // The answer's direction is the peer's view; ours is what both allow.
      auto theirs = answer.direction_of(i);
      if (peer_unreachable(answer, i)) theirs = make_direction(can_send(theirs), false);
      const auto mine = offer.direction_of(i);
      ns.direction = make_direction(can_send(mine) && can_receive(theirs), can_receive(mine) && can_send(theirs));
      const auto* c = answer.connection_of(i);
      ns.remote_rtp = transport_address{c ? c->address : std::string(), am.port};
      ns.rtcp_mux = om.rtcp_mux() && am.rtcp_mux();
      ns.remote_rtcp = remote_rtcp_of(am, *ns.remote_rtp, ns.rtcp_mux);
      ns.ice = answer.uses_ice(i);
      ns.local_ptime = om.ptime();
      ns.remote_ptime = am.ptime();
      ns.remote_maxptime = am.maxptime();
    } else {
      ns.codecs.clear();
      ns.telephone_event.reset();
      ns.comfort_noise.reset();
      ns.payload_types = payload_type_map{};
    }
    offerer_disabled_all = offerer_disabled_all && ns.rejection == stream_rejection::disabled_by_offerer;
    reasons.push_back(ns.rejection);
    out.streams.push_back(std::move(ns));
  }
  if (out.accepted_count() == 0 && !offerer_disabled_all) {
    const auto code = failure_code(reasons);
    return fail(negotiation_error{code, "no stream of the answer is usable: " + std::string(to_string(code)),
                                  std::move(reasons)});
  }
  return out;
}

}  // namespace voxedge::media
