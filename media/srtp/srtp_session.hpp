#pragma once
// One libsrtp2 context (srtp_t) for one direction of one leg: `outbound` protects what we
// send to the peer with our key, `inbound` unprotects what the peer sends with its key
// (SDES: each side's key protects what that side sends, RFC 4568 §6.1). Created once per
// stream when the keys are set or change, never per packet (DESIGN.md §7); SRTP and
// SRTCP share it (RFC 3711 §3.4).
//
// libsrtp2's own defaults are kept where they are what RFC 3711 asks for: the replay
// window (§3.3.2, 128 packets), SSRC-wildcard policies (the stream for a new SSRC is
// cloned from the template only after its first packet authenticated, so forged SSRCs
// cost nothing), no retransmission of an index already sent (§9.1: keystream reuse).
//
// Packets are transformed in place. protect_* needs `max_overhead` bytes of room after
// the packet, since libsrtp2 writes its trailer without being told the buffer size.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "media/srtp/srtp_key.hpp"

struct srtp_ctx_t_;  // libsrtp2's session; <srtp2/srtp.h> stays out of our headers

namespace voxedge::media {

enum class srtp_status : unsigned char {
  ok,
  auth_failed,  // the tag did not verify (or AEAD decryption failed): forged, corrupted or wrong key
  replayed,     // an index already seen, or older than the replay window (RFC 3711 §3.3.2)
  bad_packet,   // too short, or not a packet libsrtp2 can parse
  no_room,      // protect: the buffer has less than max_overhead bytes after the packet
  failed,       // anything else libsrtp2 reported (key usage limit reached, ...)
};
std::string_view to_string(srtp_status s) noexcept;

enum class srtp_create_error : unsigned char {
  init_failed,        // srtp_init() failed (once per process; every later create fails too)
  unavailable_suite,  // libsrtp2 cannot run this suite (GCM without a crypto backend)
  bad_key,            // wrong key||salt length for the suite, or an unusable MKI
  create_failed,      // srtp_create() refused the policy
};
std::string_view to_string(srtp_create_error e) noexcept;

class srtp_session {
 public:
  enum class direction : unsigned char { inbound, outbound };

  /// libsrtp2's trailer at most (auth tag + MKI, SRTP_MAX_TRAILER_LEN) plus the SRTCP
  /// index word (RFC 3711 §3.4).
  static constexpr std::size_t max_overhead = 16 + 128 + 4;

  /// libsrtp2 copies the key and derives the session keys at once; `key` may be wiped
  /// by the caller afterwards. An MKI on an outbound key is written into every packet.
  static result<srtp_session, srtp_create_error> create(direction d, srtp_suite suite, const srtp_key& key) noexcept;
  static result<srtp_session, srtp_create_error> create(direction d, const srtp_keying& k) noexcept {
    return create(d, k.suite, k.key);
  }

  srtp_session(srtp_session&& other) noexcept;
  srtp_session& operator=(srtp_session&& other) noexcept;
  srtp_session(const srtp_session&) = delete;
  srtp_session& operator=(const srtp_session&) = delete;
  /// srtp_dealloc, which wipes libsrtp2's copies of the keys.
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
  srtp_session(srtp_ctx_t_* ctx, direction d, srtp_suite s, bool mki) noexcept
      : ctx_(ctx), direction_(d), suite_(s), mki_(mki) {}
  void release() noexcept;

  srtp_ctx_t_* ctx_ = nullptr;
  direction direction_ = direction::inbound;
  srtp_suite suite_ = srtp_suite::aes_cm_128_hmac_sha1_80;
  bool mki_ = false;
};

}  // namespace voxedge::media
