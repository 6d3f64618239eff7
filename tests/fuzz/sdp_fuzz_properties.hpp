#pragma once
// What the SDP fuzz target checks for one input, shared with the unit test that replays
// the seed corpus (tests/unit/media/sdp/fuzz_corpus_test.cpp):
//  - parse_sdp never crashes, and a refusal always has a reason;
//  - what parses writes to text that parses again to an equal description, and writing
//    that gives the same bytes (the writer loses nothing and emits only valid SDP);
//  - the typed accessors and the redacted writer run on anything that parses;
//  - offer/answer against fixed capabilities never crashes; an answer we make keeps
//    the offer's m= lines, parses, and reads back (process_answer) with the same
//    streams accepted and the same payload types; the input read as an answer to a
//    fixed offer never crashes.
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"

namespace voxedge::media::fuzz {

inline void fixed_random(std::span<std::uint8_t> out) {
  std::uint8_t n = 0x5a;
  for (auto& b : out) b = n++;
}

inline leg_capabilities fixed_capabilities() {
  leg_capabilities caps;
  media_capability audio;
  audio.protos = {"RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "RTP/AVPF"};
  audio.codecs = {{"opus", 48000, 2, "minptime=10;useinbandfec=1", 111},
                  {"PCMU", 8000, 1, "", 0},
                  {"PCMA", 8000, 1, "", 8},
                  {"G722", 8000, 1, "", 9},
                  {"AMR", 8000, 1, "octet-align=1", 96},
                  {"telephone-event", 8000, 1, "0-16", 101},
                  {"telephone-event", 48000, 1, "0-16", 110},
                  {"CN", 8000, 1, "", 13}};
  audio.srtp_suites = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_256_GCM"};
  audio.ptime = 20;
  media_capability video;
  video.media = "video";
  video.protos = {"RTP/AVP", "UDP/TLS/RTP/SAVPF"};
  video.codecs = {{"H264", 90000, 1, "packetization-mode=1", 102}, {"VP8", 90000, 1, "", 96}};
  caps.media = {audio, video};
  caps.rtcp_mux = true;
  caps.direction = media_direction::sendrecv;
  caps.single_codec_answer = false;
  return caps;
}

inline local_session fixed_local(std::size_t streams) {
  local_session local;
  local.address = make_connection("198.51.100.10");
  for (std::size_t i = 0; i < streams; ++i) {
    local.streams.push_back(local_stream{static_cast<std::uint16_t>(40000 + 2 * i), std::nullopt, {}, {}});
  }
  local.random = fixed_random;
  return local;
}

inline sdp_limits unbounded() {
  sdp_limits l;
  constexpr auto max = std::numeric_limits<std::size_t>::max();
  l.max_bytes = l.max_lines = l.max_line_length = l.max_media = l.max_attributes = l.max_formats = max;
  return l;
}

inline void touch_accessors(const session_description& sd) {
  for (std::size_t i = 0; i < sd.media.size(); ++i) {
    const auto& m = sd.media[i];
    (void)sd.connection_of(i);
    (void)sd.direction_of(i);
    (void)sd.uses_ice(i);
    (void)m.payload_types();
    (void)m.rtpmaps();
    for (const auto& f : m.formats) (void)m.fmtp(f);
    (void)m.ptime();
    (void)m.maxptime();
    (void)m.rtcp();
    (void)m.ssrcs();
    (void)m.mid();
    (void)m.cryptos();
    (void)m.bandwidth("AS");
  }
}

/// Empty when every property holds, else what went wrong.
inline std::string check_sdp(std::string_view input) {
  auto parsed = parse_sdp(input);
  if (!parsed) return parsed.error().reason.empty() ? "refusal without a reason" : std::string();
  const auto& sd = *parsed;
  const auto wire = write_sdp(sd);
  // Writing may add s= and t= and expand numbers, so the second parse is unbounded.
  auto again = parse_sdp(wire, unbounded());
  if (!again) return "written SDP does not parse: " + again.error().to_string() + "\n" + wire;
  if (!(*again == sd)) return "the round trip changed the description\n" + wire;
  if (write_sdp(*again) != wire) return "writing is not a fixed point\n" + wire;
  (void)write_sdp_redacted(sd);
  touch_accessors(sd);

  const auto caps = fixed_capabilities();
  session_version version(sdp_origin{"-", "1", 1, make_connection("198.51.100.10")});
  (void)streams_to_accept(sd, caps);
  auto answer = make_answer(sd, caps, fixed_local(sd.media.size()), version);
  if (answer) {
    if (answer->sdp.media.size() != sd.media.size()) return "the answer lost or added m= lines";
    const auto text = write_sdp(answer->sdp);
    auto reparsed = parse_sdp(text, unbounded());
    if (!reparsed) return "our answer does not parse: " + reparsed.error().to_string() + "\n" + text;
    auto back = process_answer(sd, *reparsed);
    if (!back) return "our answer does not read back: " + back.error().reason + "\n" + text;
    for (std::size_t i = 0; i < sd.media.size(); ++i) {
      const auto& ours = answer->negotiated.streams[i];
      const auto& read = back->streams[i];
      if (ours.accepted() != read.accepted()) return "stream " + std::to_string(i) + " accepted differently\n" + text;
      if (ours.accepted() && !(ours.payload_types == read.payload_types)) {
        return "stream " + std::to_string(i) + " payload types differ\n" + text;
      }
    }
  }
  // The input as an answer to an offer of ours with as many m= lines.
  leg_capabilities offered = caps;
  offered.media.clear();
  for (const auto& m : sd.media) {
    auto cap = caps.media[m.media == "video" ? 1 : 0];
    cap.media = m.media;
    cap.protos = {m.proto};
    offered.media.push_back(std::move(cap));
  }
  const auto our_offer = make_offer(offered, fixed_local(sd.media.size()), version);
  auto reparsed_offer = parse_sdp(write_sdp(our_offer), unbounded());
  if (!reparsed_offer) return "our offer does not parse: " + reparsed_offer.error().to_string();
  (void)process_answer(our_offer, sd);
  return {};
}

}  // namespace voxedge::media::fuzz
