// libFuzzer target for SRTP/SRTCP unprotect (media/srtp/srtp_session), the parser of
// untrusted datagrams on every SDES leg. Input: one byte choosing the suite and MKI
// length, then records, each a packet either taken as it is or first protected with the
// same key and then tampered with; the inbound session sees them in order, so the
// rollover counter, the replay windows and the per-SSRC table are exercised too.
// Properties: nothing crashes or reads out of bounds; what is accepted decrypts to what
// was protected when untampered; and, when libsrtp2 is linked (VOXEDGE_FUZZ_LIBSRTP2),
// its protect output is byte-identical and it accepts and rejects exactly what ours does,
// with the same plaintext.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>

#include "media/srtp/srtp_session.hpp"
#ifdef VOXEDGE_FUZZ_LIBSRTP2
#include "tests/unit/media/srtp/libsrtp2_oracle.hpp"
#endif

namespace {

using namespace voxedge::media;

[[noreturn]] void fail(const char* why) {
  std::fprintf(stderr, "srtp_unprotect_fuzz: %s\n", why);
  std::abort();
}

struct packet {
  alignas(16) std::array<std::uint8_t, 1024 + srtp_session::max_overhead> bytes{};
  std::size_t size = 0;
};

srtp_key fixed_key(srtp_suite s, std::uint8_t mki_length) {
  std::array<std::uint8_t, srtp_key::max_size> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(0x5A ^ (i * 29));
  auto key = *srtp_key::from_bytes(std::span(k.data(), srtp_key_salt_length(s)));
  key.mki_length = mki_length;
  key.mki_value = mki_length == 1 ? 0x2A : mki_length == 0 ? 0 : 0xC0DE0001U;
  return key;
}

/// libsrtp2 2.5 looks for an SRTCP MKI before the SRTP tag; with a _32 suite it refuses
/// all SRTCP (see srtp_differential_test.cpp), so there it is no oracle.
bool oracle_misreads_srtcp_mki(srtp_suite s, std::uint8_t mki_length) {
  return mki_length != 0 && (s == srtp_suite::aes_cm_128_hmac_sha1_32 || s == srtp_suite::aes_256_cm_hmac_sha1_32);
}

/// libsrtp2 2.5 over NSS reads far past a GCM packet shorter than header + tag + MKI
/// when its MKI matches (its length arithmetic goes negative, then PK11_Decrypt runs on
/// it): such packets, which ours refuses as bad_packet, are not shown to it.
bool oracle_crashes_on(srtp_suite s, srtp_status ours) {
  return ours == srtp_status::bad_packet && (s == srtp_suite::aead_aes_128_gcm || s == srtp_suite::aead_aes_256_gcm);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto suites = all_srtp_suites();
  const srtp_suite suite = suites[data[0] % suites.size()];
  static constexpr std::array<std::uint8_t, 3> mki_lengths = {0, 1, 4};
  const std::uint8_t mki = mki_lengths[(data[0] / suites.size()) % mki_lengths.size()];
  const auto key = fixed_key(suite, mki);
  auto out = srtp_session::create(srtp_session::direction::outbound, suite, key);
  auto in = srtp_session::create(srtp_session::direction::inbound, suite, key);
  if (!out || !in) fail("create failed");
#ifdef VOXEDGE_FUZZ_LIBSRTP2
  voxedge::media::testing::libsrtp2_oracle lib_out(true, suite, key);
  voxedge::media::testing::libsrtp2_oracle lib_in(false, suite, key);
  if (!lib_out.ready() || !lib_in.ready()) fail("libsrtp2 create failed");
#endif

  // libsrtp2 keeps every SSRC, ours the last max_sources: stop before they could differ.
  std::array<std::uint32_t, srtp_session::max_sources> sources{};
  std::size_t source_count = 0;
  // Outbound, ours refuses a source beyond max_sources (it never forgets one: §9.1) where
  // libsrtp2 takes it: stop there too.
  std::array<std::uint32_t, srtp_session::max_sources> sent_sources{};
  std::size_t sent_count = 0;
  // Sources whose protected packets did not all reach our inbound intact: their indexes
  // may have moved on the sending side only (RFC 3711 §3.3.1 estimates from what arrives;
  // a jump of more than 2^15 lost packets desynchronises the ROC, in libsrtp2 as here), so
  // a refusal of their later packets is no bug. The libsrtp2 comparison still applies.
  std::array<std::uint32_t, 64> desynced{};
  std::size_t desynced_count = 0;
  std::size_t at = 1;
  for (int records = 0; at + 2 <= size && records < 64; ++records) {
    const std::uint8_t flags = data[at];
    const std::size_t length = std::min<std::size_t>(data[at + 1] | ((flags & 0x30U) << 4), 1024);
    at += 2;
    const bool rtcp = (flags & 1U) != 0;
    const bool protect = (flags & 2U) != 0;
    const bool tamper = (flags & 4U) != 0;
    std::uint8_t tamper_at = 0;
    std::uint8_t tamper_mask = 0;
    if (tamper && at + 2 <= size) {
      tamper_at = data[at];
      tamper_mask = data[at + 1];
      at += 2;
    }
    packet p;
    p.size = std::min(length, size - at);
    std::copy_n(data + at, p.size, p.bytes.begin());
    at += p.size;
    const packet plain = p;

    bool protected_ok = false;
    if (protect && p.size >= (rtcp ? 8U : 12U)) {
      const std::size_t ssrc_at = rtcp ? 4 : 8;
      const std::uint32_t ssrc = static_cast<std::uint32_t>(p.bytes[ssrc_at]) << 24 | p.bytes[ssrc_at + 1] << 16 |
                                 p.bytes[ssrc_at + 2] << 8 | p.bytes[ssrc_at + 3];
      if (std::find(sent_sources.begin(), sent_sources.begin() + sent_count, ssrc) ==
          sent_sources.begin() + sent_count) {
        if (sent_count == sent_sources.size()) return 0;
        sent_sources[sent_count++] = ssrc;
      }
    }
    if (protect) {
      const auto s = rtcp ? out->protect_rtcp(p.bytes, p.size) : out->protect_rtp(p.bytes, p.size);
      protected_ok = s == srtp_status::ok;
      if (!protected_ok && p.size != plain.size) fail("a failed protect changed the size");
#ifdef VOXEDGE_FUZZ_LIBSRTP2
      packet q = plain;
      const int e = rtcp ? lib_out.protect_rtcp(q.bytes.data(), q.size) : lib_out.protect_rtp(q.bytes.data(), q.size);
      if ((e == 0) != protected_ok) fail("protect: libsrtp2 disagrees on accept/reject");
      if (protected_ok &&
          (q.size != p.size || !std::equal(p.bytes.begin(), p.bytes.begin() + p.size, q.bytes.begin()))) {
        fail("protect: not byte-identical with libsrtp2");
      }
#endif
      if (!protected_ok) p = plain;
    }
    if (tamper && p.size > 0) p.bytes[tamper_at % p.size] ^= tamper_mask;
    const bool untouched = protected_ok && (!tamper || tamper_mask == 0);
    std::uint32_t plain_ssrc = 0;
    if (plain.size >= (rtcp ? 8U : 12U)) {
      const std::size_t at_ssrc = rtcp ? 4 : 8;
      plain_ssrc = static_cast<std::uint32_t>(plain.bytes[at_ssrc]) << 24 | plain.bytes[at_ssrc + 1] << 16 |
                   plain.bytes[at_ssrc + 2] << 8 | plain.bytes[at_ssrc + 3];
    }
    const bool in_sync =
        std::find(desynced.begin(), desynced.begin() + desynced_count, plain_ssrc) == desynced.begin() + desynced_count;

    packet a = p;
    std::size_t plain_size = 0;
    const std::span<std::uint8_t> wire(a.bytes.data(), a.size);
    const auto s = rtcp ? in->unprotect_rtcp(wire, plain_size) : in->unprotect_rtp(wire, plain_size);
    if (s == srtp_status::ok && plain_size > a.size) fail("plain size beyond the packet");
    if (untouched && in_sync && s != srtp_status::ok && s != srtp_status::replayed) fail("own packet refused");
    if (protected_ok && s != srtp_status::ok && s != srtp_status::replayed && in_sync &&
        desynced_count < desynced.size()) {
      desynced[desynced_count++] = plain_ssrc;
    }
    if (untouched && s == srtp_status::ok &&
        (plain_size != plain.size || !std::equal(a.bytes.begin(), a.bytes.begin() + plain_size, plain.bytes.begin()))) {
      fail("round trip changed the packet");
    }
    if (s == srtp_status::ok) {
      const std::size_t ssrc_at = rtcp ? 4 : 8;
      const std::uint32_t ssrc = static_cast<std::uint32_t>(p.bytes[ssrc_at]) << 24 | p.bytes[ssrc_at + 1] << 16 |
                                 p.bytes[ssrc_at + 2] << 8 | p.bytes[ssrc_at + 3];
      if (std::find(sources.begin(), sources.begin() + source_count, ssrc) == sources.begin() + source_count) {
        if (source_count == sources.size()) return 0;
        sources[source_count++] = ssrc;
      }
    }
#ifdef VOXEDGE_FUZZ_LIBSRTP2
    if (rtcp && oracle_misreads_srtcp_mki(suite, mki)) continue;
    if (oracle_crashes_on(suite, s)) continue;
    packet b = p;
    std::size_t n = b.size;
    const int e = rtcp ? lib_in.unprotect_rtcp(b.bytes.data(), n) : lib_in.unprotect_rtp(b.bytes.data(), n);
    if ((e == 0) != (s == srtp_status::ok)) {
      std::fprintf(stderr, "ours %s, libsrtp2 %d, %s, %zu bytes\n", std::string(to_string(s)).c_str(), e,
                   rtcp ? "rtcp" : "rtp", p.size);
      fail("unprotect: libsrtp2 disagrees on accept/reject");
    }
    if (e == 0 && (n != plain_size || !std::equal(a.bytes.begin(), a.bytes.begin() + n, b.bytes.begin()))) {
      fail("unprotect: plaintext differs from libsrtp2's");
    }
#endif
  }
  return 0;
}
