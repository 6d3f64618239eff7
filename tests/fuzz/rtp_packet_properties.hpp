#pragma once
// What the rtp_packet_fuzz target checks on arbitrary bytes, beyond "no crash, no
// sanitizer report". The unit test tests/unit/media/rtp/fuzz_corpus_test.cpp replays
// the seed corpus (and every crasher kept there) through the same function.
//  - RTP: a parsed packet's parts add up to the datagram; in-place rewrites of SSRC,
//    sequence number, timestamp, payload type and marker read back and keep the layout;
//    RFC 8285 elements lie inside their block.
//  - RTCP: a parsed compound's packets add up to the datagram; every SR/RR/SDES/BYE/APP
//    in it yields its typed view; what we read, rtcp_writer writes back to the same.
//  - Statistics: the bytes as a script of (sequence, timestamp, arrival step) records
//    keep receive_statistics' counters consistent, the report block in range and MOS
//    within 1.0-4.5.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp/demultiplex.hpp"
#include "media/rtp/mos.hpp"
#include "media/rtp/receive_statistics.hpp"
#include "media/rtp/round_trip_time.hpp"
#include "media/rtp/rtcp_packet.hpp"
#include "media/rtp/rtcp_writer.hpp"
#include "media/rtp/rtp_view.hpp"

namespace voxedge::media::fuzz {

inline const char* check_rtp(std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> copy(data.begin(), data.end());
  auto parsed = parse_rtp(std::span<std::uint8_t>(copy));
  if (!parsed) return nullptr;
  const rtp_view v = *parsed;
  const auto kind = classify_packet(data);
  if (kind != packet_kind::rtp && kind != packet_kind::rtcp) return "valid RTP not classified as RTP/RTCP";
  if (v.header_size() + v.payload().size() + v.padding_size() != v.size()) return "RTP parts do not add up";
  const auto ext = v.extension_data();
  rtp_extension_reader reader(v.extension_profile(), std::span<const std::uint8_t>(ext));
  rtp_extension_element e;
  while (reader.next(e)) {
    if (e.offset + e.size > ext.size()) return "extension element outside its block";
  }
  if (reader.malformed()) return "accepted RTP with a malformed extension";
  for (std::size_t i = 0; i < v.csrc_count(); ++i) (void)v.csrc(i);

  const std::vector<std::uint8_t> payload(v.payload().begin(), v.payload().end());
  const auto ssrc = ~v.ssrc();
  const auto seq = static_cast<std::uint16_t>(v.sequence_number() + 1);
  const auto ts = v.timestamp() * 3U;
  const auto pt = static_cast<std::uint8_t>((v.payload_type() + 1U) & 0x7FU);
  const bool marker = !v.marker();
  v.set_ssrc(ssrc);
  v.set_sequence_number(seq);
  v.set_timestamp(ts);
  v.set_payload_type(pt);
  v.set_marker(marker);
  auto again = parse_rtp(std::span<const std::uint8_t>(copy));
  if (!again) return "rewritten RTP no longer parses";
  if (again->ssrc() != ssrc || again->sequence_number() != seq || again->timestamp() != ts ||
      again->payload_type() != pt || again->marker() != marker) {
    return "RTP rewrite did not read back";
  }
  if (again->header_size() != v.header_size() || again->padding_size() != v.padding_size() ||
      !std::equal(payload.begin(), payload.end(), again->payload().begin(), again->payload().end())) {
    return "RTP rewrite moved the payload";
  }
  return nullptr;
}

inline const char* check_report_round_trip(const report_view& r) {
  std::vector<report_block> blocks;
  for (std::size_t i = 0; i < r.block_count(); ++i) blocks.push_back(r.block(i));
  std::vector<std::uint8_t> out(2048);
  rtcp_writer w(out);
  const auto info = r.sender_info();
  const bool ok =
      info ? w.add_sender_report(r.ssrc(), *info, blocks).ok() : w.add_receiver_report(r.ssrc(), blocks).ok();
  if (!ok) return "could not write back a report";
  auto c = parse_rtcp_compound(w.bytes());
  if (!c || c->packet_count() != 1) return "written report does not parse";
  auto back = report_view::parse(*c->begin());
  if (!back || back->ssrc() != r.ssrc() || back->sender_info() != info || back->block_count() != blocks.size()) {
    return "report round trip lost the header";
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (!(back->block(i) == blocks[i])) return "report block round trip differs";
  }
  return nullptr;
}

inline const char* check_rtcp(std::span<const std::uint8_t> data) {
  auto c = parse_rtcp_compound(data);
  if (!c) return nullptr;
  std::size_t total = 0;
  std::size_t count = 0;
  for (const rtcp_packet& p : *c) {
    total += p.bytes().size();
    ++count;
    if (p.body().size() + 4 > p.bytes().size()) return "RTCP body larger than its packet";
    switch (p.type()) {
      case rtcp_type::sender_report:
      case rtcp_type::receiver_report: {
        auto r = report_view::parse(p);
        if (!r) return "validated SR/RR refused by its view";
        if (const char* why = check_report_round_trip(*r)) return why;
        break;
      }
      case rtcp_type::source_description: {
        auto s = sdes_view::parse(p);
        if (!s) return "validated SDES refused by its view";
        sdes_item item;
        while (s->next(item)) {
          if (item.type != sdes_type::cname) continue;
          std::vector<std::uint8_t> out(512);
          rtcp_writer w(out);
          if (!w.add_sdes_cname(item.ssrc, item.value).ok()) return "could not write back a CNAME";
          auto back = parse_rtcp_compound(w.bytes());
          if (!back || sdes_view::parse(*back->begin())->cname(item.ssrc) != item.value)
            return "CNAME round trip differs";
        }
        break;
      }
      case rtcp_type::goodbye: {
        auto b = bye_view::parse(p);
        if (!b) return "validated BYE refused by its view";
        std::vector<std::uint32_t> ssrcs;
        for (std::size_t i = 0; i < b->ssrc_count(); ++i) ssrcs.push_back(b->ssrc(i));
        std::vector<std::uint8_t> out(512);
        rtcp_writer w(out);
        if (!w.add_bye(ssrcs, b->reason()).ok()) return "could not write back a BYE";
        auto back = parse_rtcp_compound(w.bytes());
        if (!back) return "written BYE does not parse";
        auto bb = bye_view::parse(*back->begin());
        if (!bb || bb->ssrc_count() != ssrcs.size() || bb->reason() != b->reason()) return "BYE round trip differs";
        break;
      }
      case rtcp_type::application: {
        auto a = app_view::parse(p);
        if (!a) return "validated APP refused by its view";
        (void)a->name();
        if (a->data().size() + 8 != p.body().size()) return "APP data size wrong";
        break;
      }
      default: break;
    }
  }
  if (total != data.size() || count != c->packet_count()) return "RTCP packets do not add up";
  return nullptr;
}

inline const char* check_statistics(std::span<const std::uint8_t> data) {
  if (data.empty()) return nullptr;
  // The first byte picks the A.1 constants, so small values reach every branch quickly.
  const sequence_limits limits{static_cast<std::uint16_t>(data[0] & 0x40 ? 3000 : 1 + (data[0] & 0x3F) * 8),
                               static_cast<std::uint16_t>(data[0] & 0x80 ? 100 : (data[0] & 0x0F) * 4),
                               static_cast<std::uint8_t>((data[0] >> 4) & 0x03)};
  receive_statistics stats(0x1234, 8000, limits);
  std::uint64_t counted = 0;
  std::uint64_t discarded = 0;
  time_point now{};
  const std::size_t records = (data.size() - 1) / 8;
  for (std::size_t i = 0; i < records; ++i) {
    const std::uint8_t* r = &data[1 + i * 8];
    const auto seq = static_cast<std::uint16_t>((r[0] << 8) | r[1]);
    const std::uint32_t ts = (std::uint32_t{r[2]} << 24) | (std::uint32_t{r[3]} << 16) | (r[4] << 8) | r[5];
    // Arrival steps of -64..+8127 ms: clocks that go backwards must be survivable too.
    now += std::chrono::milliseconds{((r[6] << 8) | r[7]) / 8 - 64};
    const auto verdict = stats.on_packet(seq, ts, r[7], 12U + r[7], now);
    if (verdict == packet_verdict::probation || verdict == packet_verdict::bad_sequence) {
      ++discarded;
    } else {
      ++counted;
    }
    if (i % 16 == 15) {
      stats.on_sender_report(ntp_timestamp{ts, ts}, now);
      const report_block b = stats.make_report_block(now + std::chrono::milliseconds{r[0]});
      if (b.cumulative_lost > 0x7FFFFF || b.cumulative_lost < -0x800000) return "cumulative loss out of 24 bits";
      if (stats.valid() &&
          b.extended_highest_sequence != static_cast<std::uint32_t>(stats.extended_highest_sequence())) {
        return "report block highest sequence differs";
      }
    }
  }
  if (stats.packets() != counted || stats.discarded() != discarded) return "statistics counters disagree";
  if (stats.valid() && stats.expected() < 1) return "valid source expects no packets";
  const double loss = stats.loss_percent();
  if (!(loss >= 0.0 && loss <= 100.0)) return "loss percentage out of range";
  if (!std::isfinite(stats.jitter_ms()) || stats.jitter_ms() < 0.0) return "jitter not finite";
  const double mos = estimate_mos({loss, stats.jitter_ms(), static_cast<double>(data[0]) * 10.0});
  if (!(mos >= 1.0 && mos <= 4.5)) return "MOS out of range";
  return nullptr;
}

/// nullptr when every property holds, else which one broke.
inline const char* check_rtp_packet_properties(std::span<const std::uint8_t> data) {
  (void)to_string(classify_packet(data));
  if (const char* why = check_rtp(data)) return why;
  if (const char* why = check_rtcp(data)) return why;
  if (const char* why = check_statistics(data)) return why;
  // A valid RTP packet also drives statistics the way the relay does.
  if (auto v = parse_rtp(data)) {
    receive_statistics stats(v->ssrc(), 48000, sequence_limits{3000, 100, 0});
    (void)stats.on_packet(*v, time_point{});
    if (stats.packets() != 1) return "a first packet was not counted without probation";
  }
  if (data.size() >= 12) {
    const auto word = [&](std::size_t i) {
      return (std::uint32_t{data[i]} << 24) | (std::uint32_t{data[i + 1]} << 16) | (data[i + 2] << 8) | data[i + 3];
    };
    if (const auto rtt = round_trip_time_compact(word(0), word(4), word(8)); rtt && *rtt >= 0x80000000U) {
      return "RTT beyond half the compact range";
    }
    const auto us = from_compact_ntp(word(0));
    const auto units = to_compact_ntp(us);
    if ((units > word(0) ? units - word(0) : word(0) - units) > 1) return "compact NTP conversion drifts";
  }
  return nullptr;
}

}  // namespace voxedge::media::fuzz
