// One libsrtp2 context per direction: protect → unprotect round trips for every suite we
// run, SRTCP, authentication failures, replay protection (RFC 3711 §3.3.2), MKI, and
// the buffer room protection needs.
#include "media/srtp/srtp_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "media/rtp/byte_io.hpp"

namespace voxedge::media {
namespace {

/// A packet in a buffer with room for the SRTP trailer, aligned as the relay's are.
struct packet_buffer {
  alignas(16) std::array<std::uint8_t, 512> bytes{};
  std::size_t size = 0;
  std::span<std::uint8_t> all() { return bytes; }
  std::span<std::uint8_t> packet() { return std::span(bytes).first(size); }
  std::vector<std::uint8_t> copy() const { return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)}; }
};

packet_buffer rtp(std::uint16_t seq, std::uint32_t ssrc = 0x12345678, std::size_t payload = 160) {
  packet_buffer b;
  b.bytes[0] = 0x80;
  b.bytes[1] = 0;
  byte_io::store_be16(&b.bytes[2], seq);
  byte_io::store_be32(&b.bytes[4], 160U * seq);
  byte_io::store_be32(&b.bytes[8], ssrc);
  for (std::size_t i = 0; i < payload; ++i) b.bytes[12 + i] = static_cast<std::uint8_t>(i * 7 + seq);
  b.size = 12 + payload;
  return b;
}

/// An RTCP receiver report without report blocks, then SDES CNAME "x".
packet_buffer rtcp(std::uint32_t ssrc = 0x12345678) {
  packet_buffer b;
  const std::uint8_t rr[] = {0x80, 201, 0, 1};
  std::memcpy(&b.bytes[0], rr, 4);
  byte_io::store_be32(&b.bytes[4], ssrc);
  const std::uint8_t sdes[] = {0x81, 202, 0, 2};
  std::memcpy(&b.bytes[8], sdes, 4);
  byte_io::store_be32(&b.bytes[12], ssrc);
  const std::uint8_t cname[] = {1, 1, 'x', 0};
  std::memcpy(&b.bytes[16], cname, 4);
  b.size = 20;
  return b;
}

srtp_key key(std::uint8_t fill, srtp_suite s) {
  std::vector<std::uint8_t> bytes(srtp_key_salt_length(s));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(fill + i);
  return *srtp_key::from_bytes(bytes);
}

struct pair_of_contexts {
  srtp_session out;
  srtp_session in;
};

pair_of_contexts make_pair(srtp_suite s, std::uint8_t fill = 1) {
  auto out = srtp_session::create(srtp_session::direction::outbound, s, key(fill, s));
  auto in = srtp_session::create(srtp_session::direction::inbound, s, key(fill, s));
  EXPECT_TRUE(out.ok() && in.ok()) << to_string(s);
  return {std::move(out).value(), std::move(in).value()};
}

std::size_t rtp_tag_length(srtp_suite s) {
  switch (s) {
    case srtp_suite::aes_cm_128_hmac_sha1_32:
    case srtp_suite::aes_256_cm_hmac_sha1_32: return 4;
    case srtp_suite::aead_aes_128_gcm:
    case srtp_suite::aead_aes_256_gcm: return 16;
    default: return 10;
  }
}

std::size_t rtcp_tag_length(srtp_suite s) {
  // RFC 4568 §6.2.2 / RFC 6188: the _32 suites keep the 80-bit tag on SRTCP.
  return s == srtp_suite::aead_aes_128_gcm || s == srtp_suite::aead_aes_256_gcm ? 16 : 10;
}

class each_suite : public ::testing::TestWithParam<srtp_suite> {
 protected:
  void SetUp() override {
    if (!srtp_suite_available(GetParam())) GTEST_SKIP() << to_string(GetParam()) << " not in this libsrtp2";
  }
};

TEST_P(each_suite, rtp_round_trip) {
  auto ctx = make_pair(GetParam());
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    auto b = rtp(seq);
    const auto plain = b.copy();
    ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
    EXPECT_EQ(b.size, plain.size() + rtp_tag_length(GetParam()));
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, b.bytes.begin())) << "the header stays clear";
    EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), b.bytes.begin() + 12)) << "the payload is not";
    std::size_t size = 0;
    ASSERT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::ok);
    EXPECT_EQ(size, plain.size());
    b.size = size;
    EXPECT_EQ(b.copy(), plain);
  }
}

TEST_P(each_suite, rtcp_round_trip) {
  auto ctx = make_pair(GetParam());
  for (int i = 0; i < 3; ++i) {
    auto b = rtcp();
    const auto plain = b.copy();
    ASSERT_EQ(ctx.out.protect_rtcp(b.all(), b.size), srtp_status::ok);
    // RFC 3711 §3.4: E flag + 31-bit SRTCP index, then the tag.
    EXPECT_EQ(b.size, plain.size() + 4 + rtcp_tag_length(GetParam()));
    std::size_t size = 0;
    ASSERT_EQ(ctx.in.unprotect_rtcp(b.packet(), size), srtp_status::ok);
    b.size = size;
    EXPECT_EQ(b.copy(), plain);
  }
}

TEST_P(each_suite, tampering_fails_authentication) {
  auto ctx = make_pair(GetParam());
  for (const std::size_t at : {std::size_t{2}, std::size_t{20}, std::size_t{171}}) {
    auto b = rtp(static_cast<std::uint16_t>(at));
    ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
    b.bytes[at] ^= 0x01;  // header, payload, tag
    std::size_t size = 0;
    EXPECT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::auth_failed) << "byte " << at;
  }
  auto c = rtcp();
  ASSERT_EQ(ctx.out.protect_rtcp(c.all(), c.size), srtp_status::ok);
  c.bytes[9] ^= 0x80;
  std::size_t size = 0;
  EXPECT_EQ(ctx.in.unprotect_rtcp(c.packet(), size), srtp_status::auth_failed);
}

TEST_P(each_suite, wrong_key_and_plain_rtp_fail_authentication) {
  auto ctx = make_pair(GetParam(), 1);
  auto other = make_pair(GetParam(), 2);
  auto b = rtp(1);
  ASSERT_EQ(other.out.protect_rtp(b.all(), b.size), srtp_status::ok);
  std::size_t size = 0;
  EXPECT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::auth_failed);
  auto plain = rtp(2);
  EXPECT_EQ(ctx.in.unprotect_rtp(plain.packet(), size), srtp_status::auth_failed);
  // The forgeries did not disturb the real stream.
  auto real = rtp(3);
  ASSERT_EQ(ctx.out.protect_rtp(real.all(), real.size), srtp_status::ok);
  EXPECT_EQ(ctx.in.unprotect_rtp(real.packet(), size), srtp_status::ok);
}

TEST_P(each_suite, replays_are_rejected) {
  auto ctx = make_pair(GetParam());
  auto b = rtp(1000);
  ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
  const auto wire = b.copy();
  std::size_t size = 0;
  ASSERT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::ok);
  std::copy(wire.begin(), wire.end(), b.bytes.begin());
  b.size = wire.size();
  EXPECT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::replayed);

  // Reordering within the window is fine; far behind it is not (RFC 3711 §3.3.2).
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t seq = 1001; seq < 1300; ++seq) {
    auto p = rtp(seq);
    ASSERT_EQ(ctx.out.protect_rtp(p.all(), p.size), srtp_status::ok);
    sent.push_back(p.copy());
  }
  auto deliver = [&](std::size_t k) {
    packet_buffer p;
    std::copy(sent[k].begin(), sent[k].end(), p.bytes.begin());
    p.size = sent[k].size();
    std::size_t n = 0;
    return ctx.in.unprotect_rtp(p.packet(), n);
  };
  EXPECT_EQ(deliver(298), srtp_status::ok);  // seq 1299
  EXPECT_EQ(deliver(290), srtp_status::ok);  // 9 behind: late, still welcome
  EXPECT_EQ(deliver(290), srtp_status::replayed);
  EXPECT_EQ(deliver(0), srtp_status::replayed);  // 298 behind: outside the window

  // SRTCP has its own replay protection on the SRTCP index.
  auto c = rtcp();
  ASSERT_EQ(ctx.out.protect_rtcp(c.all(), c.size), srtp_status::ok);
  const auto rtcp_wire = c.copy();
  ASSERT_EQ(ctx.in.unprotect_rtcp(c.packet(), size), srtp_status::ok);
  std::copy(rtcp_wire.begin(), rtcp_wire.end(), c.bytes.begin());
  c.size = rtcp_wire.size();
  EXPECT_EQ(ctx.in.unprotect_rtcp(c.packet(), size), srtp_status::replayed);
}

TEST_P(each_suite, sequence_wrap_keeps_the_rollover_counter) {
  auto ctx = make_pair(GetParam());
  for (std::uint32_t i = 0; i < 20; ++i) {
    auto b = rtp(static_cast<std::uint16_t>(65530 + i));
    const auto plain = b.copy();
    ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
    std::size_t size = 0;
    ASSERT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::ok) << "packet " << i;
    b.size = size;
    EXPECT_EQ(b.copy(), plain);
  }
}

TEST_P(each_suite, several_sources_share_one_context) {
  auto ctx = make_pair(GetParam());
  std::uint16_t seq = 10;
  for (std::uint32_t ssrc : {0x1111U, 0x2222U, 0x1111U}) {
    auto b = rtp(seq++, ssrc);
    ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
    std::size_t size = 0;
    EXPECT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::ok);
  }
}

INSTANTIATE_TEST_SUITE_P(suites, each_suite, ::testing::ValuesIn(all_srtp_suites().begin(), all_srtp_suites().end()),
                         [](const ::testing::TestParamInfo<srtp_suite>& p) { return std::string(to_string(p.param)); });

TEST(srtp_session, outbound_duplicates_are_not_protected_twice) {
  // RFC 3711 §9.1: the same index twice under one key reuses keystream.
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto b = rtp(7);
  ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok);
  auto again = rtp(7);
  EXPECT_EQ(ctx.out.protect_rtp(again.all(), again.size), srtp_status::replayed);
}

TEST(srtp_session, protect_needs_room_for_the_trailer) {
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto b = rtp(1);
  EXPECT_EQ(ctx.out.protect_rtp(std::span(b.bytes).first(b.size + srtp_session::max_overhead - 1), b.size),
            srtp_status::no_room);
  EXPECT_EQ(b.size, 172u);
  EXPECT_EQ(ctx.out.protect_rtp(std::span(b.bytes).first(b.size + srtp_session::max_overhead), b.size),
            srtp_status::ok);
  EXPECT_EQ(b.size, 182u);
}

TEST(srtp_session, each_context_works_one_way_only) {
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto b = rtp(1);
  std::size_t size = 0;
  EXPECT_EQ(ctx.in.protect_rtp(b.all(), b.size), srtp_status::failed);
  EXPECT_EQ(ctx.out.unprotect_rtp(b.packet(), size), srtp_status::failed);
  EXPECT_EQ(ctx.in.unprotect_rtp(std::span(b.bytes).first(8), size), srtp_status::bad_packet);
}

TEST(srtp_session, moves_keep_one_owner) {
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  srtp_session moved = std::move(ctx.out);
  auto b = rtp(1);
  EXPECT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::failed);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.protect_rtp(b.all(), b.size), srtp_status::ok);
  ctx.out = std::move(moved);
  auto c = rtp(2);
  EXPECT_EQ(ctx.out.protect_rtp(c.all(), c.size), srtp_status::ok);
}

TEST(srtp_session, keys_of_the_wrong_length_are_refused) {
  const auto k = key(1, srtp_suite::aes_cm_128_hmac_sha1_80);
  const auto r = srtp_session::create(srtp_session::direction::inbound, srtp_suite::aes_256_cm_hmac_sha1_80, k);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), srtp_create_error::bad_key);
}

TEST(srtp_session, forged_sources_take_no_slot) {
  // A packet on an unknown SSRC that does not authenticate leaves no state behind, so a
  // flood of forged SSRCs cannot push a real stream's rollover counter out (§3.3.1).
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto first = rtp(65535);
  ASSERT_EQ(ctx.out.protect_rtp(first.all(), first.size), srtp_status::ok);
  std::size_t size = 0;
  ASSERT_EQ(ctx.in.unprotect_rtp(first.packet(), size), srtp_status::ok);
  for (std::uint32_t ssrc = 1; ssrc < 200; ++ssrc) {
    auto forged = rtp(1, ssrc);
    forged.size += 10;  // a tag of garbage
    EXPECT_EQ(ctx.in.unprotect_rtp(forged.packet(), size), srtp_status::auth_failed);
  }
  // Sequence 0 after 65535: only a remembered ROC of 0 gives the index 2^16 it was sent with.
  auto after_wrap = rtp(0);
  ASSERT_EQ(ctx.out.protect_rtp(after_wrap.all(), after_wrap.size), srtp_status::ok);
  EXPECT_EQ(ctx.in.unprotect_rtp(after_wrap.packet(), size), srtp_status::ok);
}

TEST(srtp_session, outbound_never_forgets_a_source) {
  // A forgotten source would start its index again and repeat keystream (§9.1): past
  // max_sources a new SSRC is refused instead.
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  for (std::uint32_t ssrc = 1; ssrc <= srtp_session::max_sources; ++ssrc) {
    auto b = rtp(10, ssrc);
    ASSERT_EQ(ctx.out.protect_rtp(b.all(), b.size), srtp_status::ok) << ssrc;
  }
  auto extra = rtp(10, 1 + srtp_session::max_sources);
  EXPECT_EQ(ctx.out.protect_rtp(extra.all(), extra.size), srtp_status::failed);
  auto again = rtp(10, 1);
  EXPECT_EQ(ctx.out.protect_rtp(again.all(), again.size), srtp_status::replayed) << "source 1 is still known";
  auto next = rtp(11, 1);
  EXPECT_EQ(ctx.out.protect_rtp(next.all(), next.size), srtp_status::ok);
}

TEST(srtp_session, inbound_keeps_the_most_recent_sources) {
  // Two senders with the same key stand for a peer with more than max_sources SSRCs.
  auto ctx = make_pair(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto second = srtp_session::create(srtp_session::direction::outbound, srtp_suite::aes_cm_128_hmac_sha1_80,
                                     key(1, srtp_suite::aes_cm_128_hmac_sha1_80));
  ASSERT_TRUE(second.ok());
  std::size_t size = 0;
  std::vector<packet_buffer> sent;
  for (std::uint32_t ssrc = 1; ssrc <= srtp_session::max_sources + 1; ++ssrc) {
    auto b = rtp(10, ssrc);
    auto& out = ssrc <= srtp_session::max_sources ? ctx.out : second.value();
    ASSERT_EQ(out.protect_rtp(b.all(), b.size), srtp_status::ok);
    sent.push_back(b);
    ASSERT_EQ(ctx.in.unprotect_rtp(b.packet(), size), srtp_status::ok) << ssrc;
  }
  // Sources 2..17 are remembered: their replays are caught.
  for (std::size_t i = 1; i < sent.size(); ++i) {
    auto replay = sent[i];
    EXPECT_EQ(ctx.in.unprotect_rtp(replay.packet(), size), srtp_status::replayed) << i + 1;
  }
}

TEST(srtp_session, mki_round_trip_and_mismatch) {
  const auto s = srtp_suite::aes_cm_128_hmac_sha1_80;
  auto with_mki = [&](std::uint32_t value) {
    auto k = key(3, s);
    k.mki_value = value;
    k.mki_length = 2;
    return k;
  };
  auto out = srtp_session::create(srtp_session::direction::outbound, s, with_mki(1));
  auto in = srtp_session::create(srtp_session::direction::inbound, s, with_mki(1));
  auto in_other = srtp_session::create(srtp_session::direction::inbound, s, with_mki(2));
  ASSERT_TRUE(out.ok() && in.ok() && in_other.ok());
  auto b = rtp(5);
  ASSERT_EQ(out->protect_rtp(b.all(), b.size), srtp_status::ok);
  EXPECT_EQ(b.size, 172u + 2 + 10);  // RFC 3711 §3.1: MKI before the tag
  EXPECT_EQ(b.bytes[172], 0);
  EXPECT_EQ(b.bytes[173], 1);
  const auto wire = b.copy();
  std::size_t size = 0;
  EXPECT_EQ(in_other->unprotect_rtp(b.packet(), size), srtp_status::auth_failed);
  std::copy(wire.begin(), wire.end(), b.bytes.begin());
  EXPECT_EQ(in->unprotect_rtp(b.packet(), size), srtp_status::ok);
  EXPECT_EQ(size, 172u);
  auto c = rtcp();
  ASSERT_EQ(out->protect_rtcp(c.all(), c.size), srtp_status::ok);
  EXPECT_EQ(in->unprotect_rtcp(c.packet(), size), srtp_status::ok);
}

}  // namespace
}  // namespace voxedge::media
