// HMAC-SHA1 is computed here from two SHA-1 states precomputed per key (RFC 2104) with
// OpenSSL's low-level SHA1_* functions, deprecated since 3.0: EVP_MAC's HMAC, re-initialised
// per packet, duplicates its digest state on every EVP_MAC_init, 2 malloc() calls per AES-CM
// packet (benchmarks/relay_bench, OpenSSL 3.0.19); a SHA_CTX is a plain struct, copied for
// free. SHA1_* run the same assembly (SHA-NI where present) as EVP's SHA-1. Defined before
// the first OpenSSL header so that the deprecation attribute (an error under -Werror) goes,
// in this translation unit only.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "media/srtp/srtp_session.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#ifdef OPENSSL_NO_DEPRECATED_3_0
#error "SHA1_Init/SHA1_Update/SHA1_Final are needed: OPENSSL_API_COMPAT must not remove the 3.0-deprecated API"
#endif

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <limits>
#include <new>

#include "media/rtp/byte_io.hpp"

namespace voxedge::media {

namespace {

constexpr std::size_t rtp_fixed_header = 12;  // RFC 3550 §5.1
constexpr std::size_t rtcp_fixed_header = 8;  // RFC 3711 §3.4: V..length and the sender's SSRC stay clear
constexpr std::size_t srtcp_index_word = 4;   // E || 31-bit SRTCP index
constexpr std::uint32_t srtcp_e_flag = 0x80000000U;
constexpr std::uint32_t srtcp_index_max = 0x7FFFFFFFU;
constexpr std::size_t hmac_sha1_length = 20;  // RFC 3711 §4.2.1: n_a = 160
constexpr std::size_t sha1_block = 64;        // RFC 2104 §2: B
constexpr std::size_t gcm_tag_length = 16;    // RFC 7714 §14.2
constexpr std::size_t gcm_iv_length = 12;     // RFC 7714 §8.1
constexpr std::size_t max_mki = 128;
constexpr int replay_window = 128;  // §3.3.2; libsrtp2's default for SRTP and SRTCP
static_assert(hmac_sha1_length == SHA_DIGEST_LENGTH && sha1_block == SHA_CBLOCK);

// The KDF labels of §4.3.1 (kdr 0: r = 0).
constexpr std::uint8_t label_rtp_encryption = 0x00;
constexpr std::uint8_t label_rtp_auth = 0x01;
constexpr std::uint8_t label_rtp_salt = 0x02;
constexpr std::uint8_t label_rtcp_encryption = 0x03;
constexpr std::uint8_t label_rtcp_auth = 0x04;
constexpr std::uint8_t label_rtcp_salt = 0x05;

bool is_gcm(srtp_suite s) noexcept { return s == srtp_suite::aead_aes_128_gcm || s == srtp_suite::aead_aes_256_gcm; }

std::size_t rtp_tag_length(srtp_suite s) noexcept {
  switch (s) {
    case srtp_suite::aes_cm_128_hmac_sha1_32:
    case srtp_suite::aes_256_cm_hmac_sha1_32: return 4;
    case srtp_suite::aead_aes_128_gcm:
    case srtp_suite::aead_aes_256_gcm: return gcm_tag_length;
    default: return 10;
  }
}

// RFC 4568 §6.2.2, RFC 6188 §7.1: the _32 suites keep the 80-bit tag on SRTCP.
std::size_t rtcp_tag_length(srtp_suite s) noexcept { return is_gcm(s) ? gcm_tag_length : 10; }

const EVP_CIPHER* ctr_cipher(std::size_t key_length) noexcept {
  return key_length == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}

const EVP_CIPHER* gcm_cipher(std::size_t key_length) noexcept {
  return key_length == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
}

bool too_large(std::size_t size) noexcept { return size > static_cast<std::size_t>(INT_MAX) - 1024; }

void shift_up(std::array<std::uint64_t, 2>& bits, std::uint64_t n) noexcept {
  if (n >= 128) {
    bits = {0, 0};
  } else if (n >= 64) {
    bits = {0, bits[0] << (n - 64)};
  } else if (n > 0) {
    bits = {bits[0] << n, (bits[1] << n) | (bits[0] >> (64 - n))};
  }
}

void shift_down(std::array<std::uint64_t, 2>& bits, std::uint64_t n) noexcept {
  if (n >= 128) {
    bits = {0, 0};
  } else if (n >= 64) {
    bits = {bits[1] >> (n - 64), 0};
  } else if (n > 0) {
    bits = {(bits[0] >> n) | (bits[1] << (64 - n)), bits[1] >> n};
  }
}

bool bit(const std::array<std::uint64_t, 2>& bits, unsigned k) noexcept {
  return ((bits[k / 64] >> (k % 64)) & 1U) != 0;
}
void set_bit(std::array<std::uint64_t, 2>& bits, unsigned k) noexcept { bits[k / 64] |= std::uint64_t{1} << (k % 64); }

/// The SRTP index of the highest packet seen (or sent) and which of the 127 before it
/// were: RFC 3711 §3.3.1 and §3.3.2, computed as libsrtp2's rdbx does so both agree on
/// every packet (including its first-packet and ROC-0 rules).
struct rtp_replay {
  std::uint64_t index = 0;              // ROC << 16 | SEQ
  std::array<std::uint64_t, 2> seen{};  // bit k: index - k

  /// Set by estimate() when `seq` would need a ROC past 2^32 - 1: the 48-bit index is
  /// spent and the key must not be used for it (§9.2: re-key before 2^48 packets).
  static constexpr std::uint64_t exhausted = ~std::uint64_t{0};

  /// The estimated index of `seq` (Appendix A) and its distance from `index`.
  std::int32_t estimate(std::uint16_t seq, std::uint64_t& est) const noexcept {
    const auto local_seq = static_cast<std::int32_t>(index & 0xFFFFU);
    const auto s = static_cast<std::int32_t>(seq);
    if (index <= 0x8000U) {
      // Before the first half-cycle the ROC cannot have been guessed lower: it is 0.
      est = seq;
      return s - local_seq;
    }
    auto roc = static_cast<std::uint32_t>(index >> 16);
    std::int32_t delta = s - local_seq;
    if (local_seq < 0x8000) {
      if (s - local_seq > 0x8000) {
        roc -= 1;
        delta = s - local_seq - 0x10000;
      }
    } else if (local_seq - 0x8000 > s) {
      if (roc == std::numeric_limits<std::uint32_t>::max()) {
        est = exhausted;
        return 0;
      }
      roc += 1;
      delta = s - local_seq + 0x10000;
    }
    est = (std::uint64_t{roc} << 16) | seq;
    return delta;
  }

  srtp_status check(std::int32_t delta) const noexcept {
    if (delta > 0) return srtp_status::ok;
    if (delta <= -replay_window) return srtp_status::replayed;
    return bit(seen, static_cast<unsigned>(-delta)) ? srtp_status::replayed : srtp_status::ok;
  }

  void add(std::int32_t delta) noexcept {
    if (delta > 0) {
      index += static_cast<std::uint16_t>(delta);
      shift_up(seen, static_cast<std::uint64_t>(delta));
      set_bit(seen, 0);
    } else {
      set_bit(seen, static_cast<unsigned>(-delta));
    }
  }
};

/// SRTCP's replay list (§3.3.2 on the SRTCP index): the 128 indexes from window_start.
struct rtcp_replay {
  std::uint32_t window_start = 0;
  std::array<std::uint64_t, 2> seen{};  // bit k: window_start + k

  srtp_status check(std::uint32_t i) const noexcept {
    if (std::uint64_t{i} >= std::uint64_t{window_start} + replay_window) return srtp_status::ok;
    if (i < window_start) return srtp_status::replayed;
    return bit(seen, i - window_start) ? srtp_status::replayed : srtp_status::ok;
  }

  void add(std::uint32_t i) noexcept {
    if (i < window_start) return;
    const std::uint32_t delta = i - window_start;
    if (delta < replay_window) {
      set_bit(seen, delta);
      return;
    }
    const std::uint32_t slide = delta - (replay_window - 1);
    shift_down(seen, slide);
    set_bit(seen, replay_window - 1);
    window_start += slide;
  }
};

/// What one SSRC's packets need between them (RFC 3711 §3.2.3: ROC, replay list, SRTCP index).
struct source {
  std::uint32_t ssrc = 0;
  std::uint64_t last_used = 0;  // 0: free
  rtp_replay rtp;
  rtcp_replay rtcp;
  std::uint32_t rtcp_sent = 0;  // outbound: the last SRTCP index used
};

/// A SHA-1 state wiped when it goes: one keyed by HMAC's padded key is as good as the key.
struct sha1_state {
  SHA_CTX ctx{};

  sha1_state() = default;
  explicit sha1_state(const SHA_CTX& c) noexcept : ctx(c) {}
  sha1_state(const sha1_state&) = delete;
  sha1_state& operator=(const sha1_state&) = delete;
  ~sha1_state() { OPENSSL_cleanse(&ctx, sizeof ctx); }
};

/// One of SRTP's or SRTCP's transforms, keyed once.
struct transform {
  EVP_CIPHER_CTX* cipher = nullptr;  // AES-CTR (keystream for both directions) or AES-GCM
  // HMAC-SHA1 (RFC 2104) as SHA-1 states after (K XOR ipad) and (K XOR opad); unused for GCM.
  sha1_state inner;
  sha1_state outer;
  std::array<std::uint8_t, 14> salt{};
  std::size_t tag = 0;

  transform() = default;
  transform(const transform&) = delete;
  transform& operator=(const transform&) = delete;
  ~transform() {
    EVP_CIPHER_CTX_free(cipher);
    OPENSSL_cleanse(salt.data(), salt.size());
  }
};

/// §4.3.1 with kdr 0: AES-CM (the master key's size) over (label || 0) XOR master salt,
/// times 2^16; a 96-bit GCM salt is padded with zeros to 112 bits (RFC 7714 §11).
bool derive(EVP_CIPHER_CTX* prf, std::span<const std::uint8_t> master_salt, std::uint8_t label,
            std::span<std::uint8_t> out) noexcept {
  std::array<std::uint8_t, 16> iv{};
  std::copy(master_salt.begin(), master_salt.end(), iv.begin());
  iv[7] ^= label;
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  int len = 0;
  return EVP_EncryptInit_ex(prf, nullptr, nullptr, nullptr, iv.data()) == 1 &&
         EVP_EncryptUpdate(prf, out.data(), &len, out.data(), static_cast<int>(out.size())) == 1 &&
         static_cast<std::size_t>(len) == out.size();
}

template <std::size_t N>
struct wiped_bytes {
  std::array<std::uint8_t, N> bytes{};
  ~wiped_bytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};
using wiped_buffer = wiped_bytes<32>;

/// RFC 2104 §2 steps (1)-(3) and their opad twin, once per key: the SHA-1 state after the
/// first block of the inner and of the outer hash.
bool hmac_key(transform& t, std::span<const std::uint8_t> key) noexcept {
  wiped_bytes<sha1_block> pad;
  std::copy(key.begin(), key.end(), pad.bytes.begin());  // key is shorter than B: zero-padded
  for (auto& b : pad.bytes) b ^= 0x36U;                  // ipad
  if (SHA1_Init(&t.inner.ctx) != 1 || SHA1_Update(&t.inner.ctx, pad.bytes.data(), pad.bytes.size()) != 1) {
    return false;
  }
  for (auto& b : pad.bytes) b ^= 0x36U ^ 0x5CU;  // opad
  return SHA1_Init(&t.outer.ctx) == 1 && SHA1_Update(&t.outer.ctx, pad.bytes.data(), pad.bytes.size()) == 1;
}

}  // namespace

struct srtp_session::state {
  bool gcm = false;
  transform rtp;
  transform rtcp;
  std::array<std::uint8_t, max_mki> mki{};
  std::size_t mki_length = 0;
  std::array<source, max_sources> sources{};
  std::uint64_t clock = 0;

  source* find(std::uint32_t ssrc) noexcept {
    for (auto& s : sources) {
      if (s.last_used != 0 && s.ssrc == ssrc) return &s;
    }
    return nullptr;
  }

  /// Outbound: a slot for a new SSRC only while one is free. Never an evicted one: a
  /// source coming back would start its index afresh and repeat keystream (§9.1). Our
  /// own SSRC changes only on a collision, so 16 means something is wrong.
  source* add_outbound(std::uint32_t ssrc) noexcept {
    if (auto* s = find(ssrc)) return s;
    for (auto& s : sources) {
      if (s.last_used != 0) continue;
      s = source{};
      s.ssrc = ssrc;
      touch(s);
      return &s;
    }
    return nullptr;
  }

  /// Inbound: a slot for a new, authenticated SSRC: a free one, else the least recently
  /// used (forgeries never get here, so only the peer's real sources compete).
  source& make_room() noexcept {
    source* oldest = &sources[0];
    for (auto& s : sources) {
      if (s.last_used == 0) return s;
      if (s.last_used < oldest->last_used) oldest = &s;
    }
    return *oldest;
  }

  void touch(source& s) noexcept { s.last_used = ++clock; }

  /// Keeps `fresh` (a source seen for the first time, now authenticated).
  source& adopt(const source& fresh) noexcept {
    auto& s = make_room();
    s = fresh;
    touch(s);
    return s;
  }
};

namespace {

bool key_transform(transform& t, const EVP_CIPHER* cipher, bool gcm, bool encrypt, EVP_CIPHER_CTX* prf,
                   std::span<const std::uint8_t> master_salt, std::size_t key_length, std::size_t salt_length,
                   std::uint8_t label_encryption, std::uint8_t label_auth, std::uint8_t label_salt) noexcept {
  wiped_buffer session_key;
  wiped_buffer auth_key;
  if (!derive(prf, master_salt, label_encryption, std::span(session_key.bytes).first(key_length)) ||
      !derive(prf, master_salt, label_salt, std::span(t.salt).first(salt_length))) {
    return false;
  }
  t.cipher = EVP_CIPHER_CTX_new();
  if (t.cipher == nullptr) return false;
  if (gcm) {
    // RFC 7714 §8.1: a 12-octet IV, set per packet; the key is set once here.
    const auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    return init(t.cipher, cipher, nullptr, nullptr, nullptr) == 1 &&
           EVP_CIPHER_CTX_ctrl(t.cipher, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(gcm_iv_length), nullptr) == 1 &&
           init(t.cipher, nullptr, nullptr, session_key.bytes.data(), nullptr) == 1;
  }
  // AES-CM is AES in counter mode (§4.1.1); keystream is XORed either way.
  const std::array<std::uint8_t, 16> zero_iv{};
  if (EVP_EncryptInit_ex(t.cipher, cipher, nullptr, session_key.bytes.data(), zero_iv.data()) != 1) return false;
  const auto auth = std::span(auth_key.bytes).first(hmac_sha1_length);
  return derive(prf, master_salt, label_auth, auth) && hmac_key(t, auth);
}

/// AES-CM's counter block (§4.1.1): (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
std::array<std::uint8_t, 16> ctr_iv(const transform& t, std::uint32_t ssrc, std::uint64_t index) noexcept {
  std::array<std::uint8_t, 16> iv{};
  std::copy(t.salt.begin(), t.salt.end(), iv.begin());
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= static_cast<std::uint8_t>(ssrc >> (8 * (3 - i)));
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= static_cast<std::uint8_t>(index >> (8 * (5 - i)));
  return iv;
}

/// RFC 7714 §8.1 (SRTP: 0 || SSRC || ROC || SEQ) and §9.1 (SRTCP: 0 || SSRC || 0 ||
/// SRTCP index), XOR the 96-bit salt.
std::array<std::uint8_t, gcm_iv_length> gcm_iv(const transform& t, std::uint32_t ssrc, std::uint32_t roc,
                                               std::uint16_t seq) noexcept {
  std::array<std::uint8_t, gcm_iv_length> iv{};
  byte_io::store_be32(&iv[2], ssrc);
  byte_io::store_be32(&iv[6], roc);
  byte_io::store_be16(&iv[10], seq);
  for (std::size_t i = 0; i < gcm_iv_length; ++i) iv[i] ^= t.salt[i];
  return iv;
}

std::array<std::uint8_t, gcm_iv_length> gcm_rtcp_iv(const transform& t, std::uint32_t ssrc,
                                                    std::uint32_t index) noexcept {
  std::array<std::uint8_t, gcm_iv_length> iv{};
  byte_io::store_be32(&iv[2], ssrc);
  byte_io::store_be32(&iv[8], index & srtcp_index_max);
  for (std::size_t i = 0; i < gcm_iv_length; ++i) iv[i] ^= t.salt[i];
  return iv;
}

bool ctr_xor(const transform& t, const std::array<std::uint8_t, 16>& iv, std::uint8_t* data, std::size_t n) noexcept {
  if (EVP_EncryptInit_ex(t.cipher, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (n == 0) return true;
  int len = 0;
  return EVP_EncryptUpdate(t.cipher, data, &len, data, static_cast<int>(n)) == 1 && static_cast<std::size_t>(len) == n;
}

/// HMAC-SHA1 over `a` then `b` (§4.2.1), all 20 octets; the caller keeps the tag length.
/// RFC 2104 §2 steps (4)-(7) on copies of the keyed states: nothing is allocated.
bool hmac(const transform& t, std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
          std::array<std::uint8_t, hmac_sha1_length>& out) noexcept {
  sha1_state inner(t.inner.ctx);
  if (SHA1_Update(&inner.ctx, a.data(), a.size()) != 1 ||
      (!b.empty() && SHA1_Update(&inner.ctx, b.data(), b.size()) != 1) || SHA1_Final(out.data(), &inner.ctx) != 1) {
    return false;
  }
  sha1_state outer(t.outer.ctx);
  return SHA1_Update(&outer.ctx, out.data(), out.size()) == 1 && SHA1_Final(out.data(), &outer.ctx) == 1;
}

/// AES-GCM encryption of `data` in place with AAD `aad1 || aad2`; the tag goes to `tag`.
bool gcm_seal(const transform& t, std::span<const std::uint8_t> iv, std::span<const std::uint8_t> aad1,
              std::span<const std::uint8_t> aad2, std::uint8_t* data, std::size_t n, std::uint8_t* tag) noexcept {
  int len = 0;
  if (EVP_EncryptInit_ex(t.cipher, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (!aad1.empty() && EVP_EncryptUpdate(t.cipher, nullptr, &len, aad1.data(), static_cast<int>(aad1.size())) != 1)
    return false;
  if (!aad2.empty() && EVP_EncryptUpdate(t.cipher, nullptr, &len, aad2.data(), static_cast<int>(aad2.size())) != 1)
    return false;
  if (n > 0 && EVP_EncryptUpdate(t.cipher, data, &len, data, static_cast<int>(n)) != 1) return false;
  std::array<std::uint8_t, 16> rest{};
  return EVP_EncryptFinal_ex(t.cipher, rest.data(), &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(t.cipher, EVP_CTRL_GCM_GET_TAG, static_cast<int>(gcm_tag_length), tag) == 1;
}

/// AES-GCM decryption in place; false when the tag does not verify (RFC 7714 §8.2).
bool gcm_open(const transform& t, std::span<const std::uint8_t> iv, std::span<const std::uint8_t> aad1,
              std::span<const std::uint8_t> aad2, std::uint8_t* data, std::size_t n, const std::uint8_t* tag) noexcept {
  int len = 0;
  std::array<std::uint8_t, gcm_tag_length> expected{};
  std::copy(tag, tag + gcm_tag_length, expected.begin());
  if (EVP_DecryptInit_ex(t.cipher, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (!aad1.empty() && EVP_DecryptUpdate(t.cipher, nullptr, &len, aad1.data(), static_cast<int>(aad1.size())) != 1)
    return false;
  if (!aad2.empty() && EVP_DecryptUpdate(t.cipher, nullptr, &len, aad2.data(), static_cast<int>(aad2.size())) != 1)
    return false;
  if (n > 0 && EVP_DecryptUpdate(t.cipher, data, &len, data, static_cast<int>(n)) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(t.cipher, EVP_CTRL_GCM_SET_TAG, static_cast<int>(gcm_tag_length), expected.data()) != 1) {
    return false;
  }
  std::array<std::uint8_t, 16> rest{};
  return EVP_DecryptFinal_ex(t.cipher, rest.data(), &len) == 1;
}

/// The RTP header's length with CSRCs and extension (RFC 3550 §5.1, §5.3.1), or 0 when it
/// runs past `size`; the payload, encrypted or not, is what follows it.
std::size_t rtp_header_length(const std::uint8_t* p, std::size_t size) noexcept {
  if (size < rtp_fixed_header) return 0;
  std::size_t length = rtp_fixed_header + 4U * (p[0] & 0x0FU);
  if ((p[0] & 0x10U) != 0) {
    if (size < length + 4) return 0;
    length += 4 + 4U * byte_io::load_be16(&p[length + 2]);
  }
  return length <= size ? length : 0;
}

}  // namespace

std::string_view to_string(srtp_status s) noexcept {
  switch (s) {
    case srtp_status::ok: return "ok";
    case srtp_status::auth_failed: return "auth_failed";
    case srtp_status::replayed: return "replayed";
    case srtp_status::bad_packet: return "bad_packet";
    case srtp_status::no_room: return "no_room";
    case srtp_status::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(srtp_create_error e) noexcept {
  switch (e) {
    case srtp_create_error::init_failed: return "init_failed";
    case srtp_create_error::unavailable_suite: return "unavailable_suite";
    case srtp_create_error::bad_key: return "bad_key";
    case srtp_create_error::create_failed: return "create_failed";
  }
  return "unknown";
}

result<srtp_session, srtp_create_error> srtp_session::create(direction d, srtp_suite suite,
                                                             const srtp_key& key) noexcept {
  if (key.size() != srtp_key_salt_length(suite)) return fail(srtp_create_error::bad_key);
  if (key.mki_length > max_mki || (key.mki_length < 4 && (key.mki_value >> (8U * key.mki_length)) != 0)) {
    return fail(srtp_create_error::bad_key);
  }
  const std::size_t key_length = srtp_master_key_length(suite);
  const std::size_t salt_length = srtp_master_salt_length(suite);
  const bool gcm = is_gcm(suite);
  const auto master_key = key.bytes().first(key_length);
  const auto master_salt = key.bytes().subspan(key_length, salt_length);

  std::unique_ptr<state> s(new (std::nothrow) state);
  if (!s) return fail(srtp_create_error::init_failed);
  s->gcm = gcm;
  s->rtp.tag = rtp_tag_length(suite);
  s->rtcp.tag = rtcp_tag_length(suite);
  s->mki_length = key.mki_length;
  for (std::size_t i = 0; i < key.mki_length && i < 4; ++i) {
    // Big-endian in its field (RFC 3711 §3.1), right-aligned in a longer one.
    s->mki[key.mki_length - 1 - i] = static_cast<std::uint8_t>(key.mki_value >> (8U * i));
  }

  const EVP_CIPHER* cipher = gcm ? gcm_cipher(key_length) : ctr_cipher(key_length);
  if (cipher == nullptr || ctr_cipher(key_length) == nullptr) return fail(srtp_create_error::unavailable_suite);
  EVP_CIPHER_CTX* prf = EVP_CIPHER_CTX_new();
  if (prf == nullptr) return fail(srtp_create_error::init_failed);
  const std::array<std::uint8_t, 16> zero_iv{};
  bool ok = EVP_EncryptInit_ex(prf, ctr_cipher(key_length), nullptr, master_key.data(), zero_iv.data()) == 1;
  const bool encrypt = d == direction::outbound;
  ok = ok &&
       key_transform(s->rtp, cipher, gcm, encrypt, prf, master_salt, key_length, salt_length, label_rtp_encryption,
                     label_rtp_auth, label_rtp_salt) &&
       key_transform(s->rtcp, cipher, gcm, encrypt, prf, master_salt, key_length, salt_length, label_rtcp_encryption,
                     label_rtcp_auth, label_rtcp_salt);
  EVP_CIPHER_CTX_free(prf);  // clears the master key's schedule
  if (!ok) return fail(srtp_create_error::create_failed);
  return srtp_session(std::move(s), d, suite);
}

srtp_session::srtp_session(std::unique_ptr<state> s, direction d, srtp_suite suite) noexcept
    : state_(std::move(s)), direction_(d), suite_(suite) {}
srtp_session::srtp_session(srtp_session&& other) noexcept = default;
srtp_session& srtp_session::operator=(srtp_session&& other) noexcept = default;
srtp_session::~srtp_session() = default;

srtp_status srtp_session::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  if (!state_ || direction_ != direction::outbound) return srtp_status::failed;
  if (too_large(size) || buffer.size() < size || buffer.size() - size < max_overhead) return srtp_status::no_room;
  auto& st = *state_;
  std::uint8_t* p = buffer.data();
  const std::size_t header = rtp_header_length(p, size);
  if (header == 0) return srtp_status::bad_packet;
  const std::uint32_t ssrc = byte_io::load_be32(&p[8]);
  const std::uint16_t seq = byte_io::load_be16(&p[2]);

  // §3.3.1 on what we send, as on what we receive: the index follows the sequence numbers,
  // and one already used is refused (§9.1: the same keystream twice).
  auto* added = st.add_outbound(ssrc);
  if (added == nullptr) return srtp_status::failed;
  auto& src = *added;
  std::uint64_t index = 0;
  const auto delta = src.rtp.estimate(seq, index);
  if (index == rtp_replay::exhausted) return srtp_status::failed;
  if (src.rtp.check(delta) != srtp_status::ok) return srtp_status::replayed;
  src.rtp.add(delta);
  st.touch(src);
  const auto roc = static_cast<std::uint32_t>(index >> 16);

  const std::size_t payload = size - header;
  if (st.gcm) {
    // RFC 7714 §8: header as AAD, payload encrypted, tag, then the MKI (where libsrtp2 puts it).
    const auto iv = gcm_iv(st.rtp, ssrc, roc, seq);
    if (!gcm_seal(st.rtp, iv, std::span(p, header), {}, p + header, payload, p + size)) return srtp_status::failed;
    std::copy_n(st.mki.begin(), st.mki_length, p + size + gcm_tag_length);
    size += gcm_tag_length + st.mki_length;
    return srtp_status::ok;
  }
  if (!ctr_xor(st.rtp, ctr_iv(st.rtp, ssrc, index), p + header, payload)) return srtp_status::failed;
  // §3.1: payload || MKI || tag; the tag covers header and payload, then the ROC (§4.2).
  std::copy_n(st.mki.begin(), st.mki_length, p + size);
  std::array<std::uint8_t, 4> roc_bytes{};
  byte_io::store_be32(roc_bytes.data(), roc);
  std::array<std::uint8_t, hmac_sha1_length> mac{};
  if (!hmac(st.rtp, std::span(p, size), roc_bytes, mac)) return srtp_status::failed;
  std::copy_n(mac.begin(), st.rtp.tag, p + size + st.mki_length);
  size += st.mki_length + st.rtp.tag;
  return srtp_status::ok;
}

srtp_status srtp_session::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& size) noexcept {
  if (!state_ || direction_ != direction::outbound) return srtp_status::failed;
  if (too_large(size) || buffer.size() < size || buffer.size() - size < max_overhead) return srtp_status::no_room;
  if (size < rtcp_fixed_header) return srtp_status::bad_packet;
  auto& st = *state_;
  std::uint8_t* p = buffer.data();
  const std::uint32_t ssrc = byte_io::load_be32(&p[4]);
  auto* added = st.add_outbound(ssrc);
  if (added == nullptr) return srtp_status::failed;
  auto& src = *added;
  // §3.4: the SRTCP index counts from 1 per source, as libsrtp2 does, and never wraps
  // under one key (§9.2).
  if (src.rtcp_sent >= srtcp_index_max) return srtp_status::failed;
  const std::uint32_t index = ++src.rtcp_sent;
  st.touch(src);
  std::array<std::uint8_t, srtcp_index_word> word{};
  byte_io::store_be32(word.data(), srtcp_e_flag | index);  // E = 1: we always encrypt

  const std::size_t payload = size - rtcp_fixed_header;
  if (st.gcm) {
    // RFC 7714 §9.1/§17: AAD = header || E||index; then ciphertext, tag, E||index, MKI.
    const auto iv = gcm_rtcp_iv(st.rtcp, ssrc, index);
    if (!gcm_seal(st.rtcp, iv, std::span(p, rtcp_fixed_header), word, p + rtcp_fixed_header, payload, p + size)) {
      return srtp_status::failed;
    }
    std::copy(word.begin(), word.end(), p + size + gcm_tag_length);
    std::copy_n(st.mki.begin(), st.mki_length, p + size + gcm_tag_length + srtcp_index_word);
    size += gcm_tag_length + srtcp_index_word + st.mki_length;
    return srtp_status::ok;
  }
  if (!ctr_xor(st.rtcp, ctr_iv(st.rtcp, ssrc, index), p + rtcp_fixed_header, payload)) return srtp_status::failed;
  std::copy(word.begin(), word.end(), p + size);
  std::copy_n(st.mki.begin(), st.mki_length, p + size + srtcp_index_word);
  std::array<std::uint8_t, hmac_sha1_length> mac{};
  if (!hmac(st.rtcp, std::span(p, size + srtcp_index_word), {}, mac)) return srtp_status::failed;
  std::copy_n(mac.begin(), st.rtcp.tag, p + size + srtcp_index_word + st.mki_length);
  size += srtcp_index_word + st.mki_length + st.rtcp.tag;
  return srtp_status::ok;
}

srtp_status srtp_session::unprotect_rtp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  if (!state_ || direction_ != direction::inbound) return srtp_status::failed;
  const std::size_t n = packet.size();
  if (n < rtp_fixed_header || too_large(n)) return srtp_status::bad_packet;
  auto& st = *state_;
  std::uint8_t* p = packet.data();
  const std::size_t header = rtp_header_length(p, n);
  if (header == 0) return srtp_status::bad_packet;
  const std::uint32_t ssrc = byte_io::load_be32(&p[8]);
  const std::uint16_t seq = byte_io::load_be16(&p[2]);

  // A source not seen yet is judged on a fresh state that is kept only if the packet
  // authenticates: a forged SSRC costs nothing and displaces no one.
  source fresh{};
  source* known = st.find(ssrc);
  const source& src = known != nullptr ? *known : fresh;
  std::uint64_t index = 0;
  const auto delta = src.rtp.estimate(seq, index);
  if (index == rtp_replay::exhausted) return srtp_status::auth_failed;
  if (const auto r = src.rtp.check(delta); r != srtp_status::ok) return r;
  const auto roc = static_cast<std::uint32_t>(index >> 16);

  const std::size_t tag = st.rtp.tag;
  const std::size_t mki = st.mki_length;
  if (n < header + tag + mki) return srtp_status::bad_packet;
  const std::size_t mki_at = st.gcm ? n - mki : n - tag - mki;  // GCM: after the tag (as libsrtp2)
  if (mki != 0 && std::memcmp(p + mki_at, st.mki.data(), mki) != 0) return srtp_status::auth_failed;

  const std::size_t body = n - tag - mki - header;  // the encrypted payload
  if (st.gcm) {
    const auto iv = gcm_iv(st.rtp, ssrc, roc, seq);
    if (!gcm_open(st.rtp, iv, std::span(p, header), {}, p + header, body, p + header + body)) {
      return srtp_status::auth_failed;
    }
  } else {
    std::array<std::uint8_t, 4> roc_bytes{};
    byte_io::store_be32(roc_bytes.data(), roc);
    std::array<std::uint8_t, hmac_sha1_length> mac{};
    if (!hmac(st.rtp, std::span(p, header + body), roc_bytes, mac)) return srtp_status::failed;
    if (CRYPTO_memcmp(mac.data(), p + n - tag, tag) != 0) return srtp_status::auth_failed;
    if (!ctr_xor(st.rtp, ctr_iv(st.rtp, ssrc, index), p + header, body)) return srtp_status::failed;
  }

  if (known == nullptr) {
    fresh.ssrc = ssrc;
    known = &st.adopt(fresh);
  } else {
    st.touch(*known);
  }
  known->rtp.add(delta);
  size = header + body;
  return srtp_status::ok;
}

srtp_status srtp_session::unprotect_rtcp(std::span<std::uint8_t> packet, std::size_t& size) noexcept {
  if (!state_ || direction_ != direction::inbound) return srtp_status::failed;
  const std::size_t n = packet.size();
  // §3.4: the 8-byte RTCP header and SSRC, then the E flag and SRTCP index.
  if (n < rtcp_fixed_header + srtcp_index_word || too_large(n)) return srtp_status::bad_packet;
  auto& st = *state_;
  std::uint8_t* p = packet.data();
  const std::uint32_t ssrc = byte_io::load_be32(&p[4]);
  const std::size_t tag = st.rtcp.tag;
  const std::size_t mki = st.mki_length;
  if (n < rtcp_fixed_header + srtcp_index_word + tag + mki) return srtp_status::bad_packet;

  // HMAC: ... || E||index || MKI || tag (§3.4); GCM: ... || tag || E||index || MKI (RFC 7714 §17).
  const std::size_t mki_at = n - mki - (st.gcm ? 0 : tag);
  const std::size_t word_at = mki_at - srtcp_index_word;
  if (mki != 0 && std::memcmp(p + mki_at, st.mki.data(), mki) != 0) return srtp_status::auth_failed;
  const std::uint32_t word = byte_io::load_be32(p + word_at);
  const bool encrypted = (word & srtcp_e_flag) != 0;
  const std::uint32_t index = word & srtcp_index_max;
  // Our suites all encrypt SRTCP; libsrtp2 refuses E = 0 for AES-CM (srtp_err_status_cant_check)
  // but takes it for GCM, authenticating the whole packet (RFC 7714 §9.2).
  if (!encrypted && !st.gcm) return srtp_status::auth_failed;

  source fresh{};
  source* known = st.find(ssrc);
  const source& src = known != nullptr ? *known : fresh;
  if (const auto r = src.rtcp.check(index); r != srtp_status::ok) return r;

  std::size_t plain = 0;  // the RTCP compound's length
  if (st.gcm) {
    plain = word_at - tag;
    const auto iv = gcm_rtcp_iv(st.rtcp, ssrc, index);
    const std::span<const std::uint8_t> word_bytes(p + word_at, srtcp_index_word);
    const bool opened = encrypted ? gcm_open(st.rtcp, iv, std::span(p, rtcp_fixed_header), word_bytes,
                                             p + rtcp_fixed_header, plain - rtcp_fixed_header, p + plain)
                                  : gcm_open(st.rtcp, iv, std::span(p, plain), word_bytes, nullptr, 0, p + plain);
    if (!opened) return srtp_status::auth_failed;
  } else {
    plain = word_at;
    std::array<std::uint8_t, hmac_sha1_length> mac{};
    if (!hmac(st.rtcp, std::span(p, word_at + srtcp_index_word), {}, mac)) return srtp_status::failed;
    if (CRYPTO_memcmp(mac.data(), p + n - tag, tag) != 0) return srtp_status::auth_failed;
    if (!ctr_xor(st.rtcp, ctr_iv(st.rtcp, ssrc, index), p + rtcp_fixed_header, plain - rtcp_fixed_header)) {
      return srtp_status::failed;
    }
  }

  if (known == nullptr) {
    fresh.ssrc = ssrc;
    known = &st.adopt(fresh);
  } else {
    st.touch(*known);
  }
  known->rtcp.add(index);
  size = plain;
  return srtp_status::ok;
}

}  // namespace voxedge::media
