#pragma once
// SRTP and SRTCP (RFC 3711; AES-256-CM, RFC 6188; AEAD AES-GCM, RFC 7714) for one direction
// of one leg: `outbound` protects what we send to the peer with our key, `inbound`
// unprotects what the peer sends with its key (SDES: each side's key protects what that
// side sends, RFC 4568 §6.1). SRTP and SRTCP share the session (RFC 3711 §3.4).
//
// Written here over OpenSSL 3 EVP instead of calling libsrtp2: Debian 12's libsrtp2 is
// built on NSS, whose AES-ICM set_iv creates a new NSS cipher context for every packet
// (benchmarks/relay_bench measured 14 malloc() calls and 12.8 instead of 7.8 µs CPU per
// SRTP packet), against DESIGN.md §7 "contexts once per stream, never per packet". Here the
// session keys are derived once (§4.3, kdr 0) and every OpenSSL context is created and
// keyed in create(); a packet only sets an IV. libsrtp2 stays as the test oracle
// (tests/unit/media/srtp/srtp_differential_test.cpp, tests/fuzz/srtp_unprotect_fuzz.cpp).
//
// Behaviour follows libsrtp2 where the RFC leaves room: the replay window is 128 packets
// for SRTP (§3.3.2, index estimated as §3.3.1 / Appendix A) and for SRTCP; a new SSRC
// gets its state only after its first packet authenticated, so forged SSRCs cost nothing
// and cannot evict a real stream; an index already sent is never protected again (§9.1:
// keystream reuse). Unlike libsrtp2 the per-SSRC state is bounded (max_sources, least
// recently used evicted): a source that comes back after eviction starts afresh. Where
// libsrtp2 2.5 is wrong we follow the RFC: it looks for an SRTCP packet's MKI before the
// SRTP tag, so with a _32 suite and an MKI it refused all SRTCP (SRTCP's tag is 80 bits,
// RFC 4568 §6.2.2); and it read past short GCM packets that carry the right MKI.
//
// A packet allocates nothing. HMAC-SHA1 is not EVP_MAC's: re-initialised per packet, OpenSSL
// 3.0 duplicates its digest state, 2 malloc() calls per AES-CM packet (relay_bench). It is
// computed instead from the two SHA-1 states keyed once in create() (RFC 2104: K XOR ipad,
// K XOR opad), copied per packet, with OpenSSL's low-level SHA1_* (deprecated in 3.0, the
// same assembly as EVP); AES-CTR and AES-GCM stay EVP and allocate nothing per packet.
//
// Packets are transformed in place. protect_* needs `max_overhead` bytes of room after
// the packet. On any status but ok the bytes of an inbound packet are unspecified.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "media/srtp/srtp_key.hpp"

namespace voxedge::media {

enum class srtp_status : unsigned char {
  ok,
  auth_failed,  // the tag did not verify (or AEAD decryption failed), a foreign MKI, or SRTCP without E
  replayed,     // an index already seen, or older than the replay window (RFC 3711 §3.3.2)
  bad_packet,   // too short, or its header runs past its end
  no_room,      // protect: the buffer has less than max_overhead bytes after the packet
  failed,       // wrong direction, moved-from session, SRTCP index exhausted, or OpenSSL failed
};
std::string_view to_string(srtp_status s) noexcept;

enum class srtp_create_error : unsigned char {
  init_failed,        // OpenSSL could not set up a context (out of memory)
  unavailable_suite,  // this OpenSSL lacks the cipher (AES-GCM or AES-CTR)
  bad_key,            // wrong key||salt length for the suite, or an unusable MKI
  create_failed,      // OpenSSL refused the key
};
std::string_view to_string(srtp_create_error e) noexcept;

class srtp_session {
 public:
  enum class direction : unsigned char { inbound, outbound };

  /// The most protect_* appends: the SRTCP E||index word (RFC 3711 §3.4), an MKI of up to
  /// 128 bytes and a tag of up to 16 (RFC 7714 §14.2).
  static constexpr std::size_t max_overhead = 4 + 128 + 16;
  /// SSRCs whose rollover counter and replay window one session remembers.
  static constexpr std::size_t max_sources = 16;

  /// Derives the session keys at once and keeps only those; `key` may be wiped by the
  /// caller afterwards. An MKI on an outbound key is written into every packet, on an
  /// inbound key it is required in every packet.
  static result<srtp_session, srtp_create_error> create(direction d, srtp_suite suite, const srtp_key& key) noexcept;
  static result<srtp_session, srtp_create_error> create(direction d, const srtp_keying& k) noexcept {
    return create(d, k.suite, k.key);
  }

  srtp_session(srtp_session&& other) noexcept;
  srtp_session& operator=(srtp_session&& other) noexcept;
  srtp_session(const srtp_session&) = delete;
  srtp_session& operator=(const srtp_session&) = delete;
  /// Frees the OpenSSL contexts and wipes the session keys (OPENSSL_cleanse).
  ~srtp_session();

  direction dir() const noexcept { return direction_; }
  srtp_suite suite() const noexcept { return suite_; }

  /// Outbound only. `buffer` starts with the `size` bytes of the RTP (or RTCP compound)
  /// packet and must extend at least max_overhead bytes beyond it; `size` becomes the
  /// SRTP (SRTCP) length.
  srtp_status protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept;
  srtp_status protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept;
  /// Inbound only. `packet` is the whole SRTP (SRTCP) datagram; on ok, `size` is the
  /// length of the plain packet at its start. Nothing is to be trusted otherwise.
  srtp_status unprotect_rtp(std::span<std::uint8_t> packet, std::size_t& size) noexcept;
  srtp_status unprotect_rtcp(std::span<std::uint8_t> packet, std::size_t& size) noexcept;

 private:
  struct state;
  srtp_session(std::unique_ptr<state> s, direction d, srtp_suite suite) noexcept;

  std::unique_ptr<state> state_;
  direction direction_ = direction::inbound;
  srtp_suite suite_ = srtp_suite::aes_cm_128_hmac_sha1_80;
};

}  // namespace voxedge::media
