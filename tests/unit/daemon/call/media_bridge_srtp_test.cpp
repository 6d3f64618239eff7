// SDES (RFC 4568) in media_bridge: which offers a leg's srtp policy accepts (off /
// optional / required), which suite an answer picks, what we offer, how answers to our
// offers are read, and what the relay is told.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "daemon/call/media_bridge.hpp"
#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/offer_answer.hpp"
#include "media/sdp/sdp_parser.hpp"

namespace voxedge::daemon {
namespace {

using config::srtp_mode;

media::session_description parse(const std::string& text) {
  auto r = media::parse_sdp(text);
  EXPECT_TRUE(r.ok()) << text;
  return r ? std::move(r).value() : media::session_description{};
}

std::string key_b64(std::size_t n, std::uint8_t fill) {
  return media::encode_base64(std::vector<std::uint8_t>(n, fill));
}

/// An audio offer over `proto` with `crypto` lines (values after "a=crypto:").
std::string offer(std::string_view proto, const std::vector<std::string>& crypto = {}) {
  std::string s =
      "v=0\r\no=t 1 1 IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\nt=0 0\r\n"
      "m=audio 50000 " +
      std::string(proto) + " 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
  for (const auto& c : crypto) s += "a=crypto:" + c + "\r\n";
  return s;
}

const std::string k80 = "1 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64(30, 0x11);
const std::string k32 = "2 AES_CM_128_HMAC_SHA1_32 inline:" + key_b64(30, 0x22);

const media_endpoints ports{"192.0.2.99", "192.0.2.99", 30000, 30001, 30002, 30003};

/// The answer we would give on leg A for `offer_text`, relaying PCMA + events.
result<media::sdp_answer, media::negotiation_error> answer(const std::string& offer_text, srtp_mode policy,
                                                           const media::negotiated_stream* current = nullptr) {
  const auto o = parse(offer_text);
  media::session_version v(media::make_connection("192.0.2.99"));
  media::negotiated_stream other;
  other.codecs.push_back({"PCMA", 8000, 1, 8, 8, "", ""});
  other.telephone_event = media::negotiated_codec{"telephone-event", 8000, 1, 101, 101, "", ""};
  return answer_offer(o, 0, answer_capabilities(other, media::media_direction::sendrecv),
                      local_media(ports, media_leg::a, 0, 1), v, policy, current);
}

std::vector<media::crypto_attribute> cryptos(const media::session_description& sd) { return sd.media.at(0).cryptos(); }

// --- offers we receive -------------------------------------------------------------------

TEST(srtp_policy, off_accepts_plain_only) {
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/AVP")), 0, srtp_mode::off));
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/AVP", {k80})), 0, srtp_mode::off)) << "a=crypto ignored";
  EXPECT_TRUE(srtp_offer_problem(parse(offer("RTP/SAVP", {k80})), 0, srtp_mode::off)) << "488";
}

TEST(srtp_policy, optional_accepts_both) {
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/AVP")), 0, srtp_mode::optional));
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/AVP", {k80})), 0, srtp_mode::optional));
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/SAVP", {k80})), 0, srtp_mode::optional));
  EXPECT_TRUE(srtp_offer_problem(parse(offer("RTP/SAVP")), 0, srtp_mode::optional)) << "SAVP without a key";
}

TEST(srtp_policy, required_refuses_plain) {
  EXPECT_TRUE(srtp_offer_problem(parse(offer("RTP/AVP")), 0, srtp_mode::required)) << "488";
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/SAVP", {k80})), 0, srtp_mode::required));
  EXPECT_FALSE(srtp_offer_problem(parse(offer("RTP/AVP", {k80})), 0, srtp_mode::required)) << "best-effort SDES";
  // Only lines we cannot key: as good as none.
  const auto f8 = "1 F8_128_HMAC_SHA1_80 inline:" + key_b64(30, 1);
  const auto kdr = k80 + " KDR=10";
  EXPECT_TRUE(srtp_offer_problem(parse(offer("RTP/SAVP", {f8, kdr})), 0, srtp_mode::required));
  EXPECT_TRUE(srtp_offer_problem(parse(offer("RTP/AVP", {f8})), 0, srtp_mode::required));
}

TEST(srtp_policy, relayed_stream_takes_savp_but_not_webrtc) {
  EXPECT_EQ(relayed_stream(parse(offer("RTP/SAVP", {k80}))), 0u);
  EXPECT_FALSE(relayed_stream(parse(offer("UDP/TLS/RTP/SAVPF"))));
  EXPECT_FALSE(relayed_stream(parse(offer("RTP/SAVPF", {k80}))));
}

// --- answers we give ---------------------------------------------------------------------

TEST(srtp_answer, first_usable_suite_with_its_tag_and_a_fresh_key) {
  // An unknown suite and a line with session parameters first: skipped for the _32 line.
  const auto f8 = "5 F8_128_HMAC_SHA1_80 inline:" + key_b64(30, 1);
  const auto with_params = "6 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64(30, 2) + " UNENCRYPTED_SRTCP";
  const auto a = answer(offer("RTP/SAVP", {f8, with_params, k32, k80}), srtp_mode::required);
  ASSERT_TRUE(a.ok()) << a.error().reason;
  EXPECT_EQ(a->sdp.media[0].proto, "RTP/SAVP");
  const auto c = cryptos(a->sdp);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].tag, 2u) << "RFC 4568 §5.1.2: the accepted tag";
  EXPECT_EQ(c[0].suite, "AES_CM_128_HMAC_SHA1_32");
  EXPECT_NE(c[0].key_params[0].key_salt, key_b64(30, 0x22)) << "our own key";
  EXPECT_EQ(media::decode_base64(c[0].key_params[0].key_salt)->size(), 30u);
  const auto& ns = a->negotiated.streams[0];
  ASSERT_TRUE(ns.remote_crypto && ns.local_crypto);
  EXPECT_EQ(ns.remote_crypto->tag, 2u);
  const auto keys = srtp_of(ns);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->suite, media::srtp_suite::aes_cm_128_hmac_sha1_32);
  EXPECT_EQ(keys->remote_key, *media::srtp_key::from_bytes(std::vector<std::uint8_t>(30, 0x22)));
  EXPECT_EQ(keys->local_key.size(), 30u);
  EXPECT_NE(keys->local_key, keys->remote_key);
}

TEST(srtp_answer, aead_aes_128_gcm_when_offered_first) {
  if (!media::srtp_suite_available(media::srtp_suite::aead_aes_128_gcm)) GTEST_SKIP() << "no AES-GCM in this OpenSSL";
  const auto gcm = "1 AEAD_AES_128_GCM inline:" + key_b64(28, 0x33);
  const auto a =
      answer(offer("RTP/SAVP", {gcm, "2 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64(30, 0x11)}), srtp_mode::optional);
  ASSERT_TRUE(a.ok());
  const auto c = cryptos(a->sdp);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].suite, "AEAD_AES_128_GCM");
  EXPECT_EQ(media::decode_base64(c[0].key_params[0].key_salt)->size(), 28u);
  EXPECT_EQ(srtp_of(a->negotiated.streams[0])->suite, media::srtp_suite::aead_aes_128_gcm);
}

TEST(srtp_answer, best_effort_sdes_on_rtp_avp) {
  for (const auto policy : {srtp_mode::optional, srtp_mode::required}) {
    const auto a = answer(offer("RTP/AVP", {k80}), policy);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->sdp.media[0].proto, "RTP/AVP");
    const auto c = cryptos(a->sdp);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].tag, 1u);
    EXPECT_TRUE(srtp_of(a->negotiated.streams[0]));
  }
  // Off: the a=crypto is not answered, the stream is plain.
  const auto plain = answer(offer("RTP/AVP", {k80}), srtp_mode::off);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(cryptos(plain->sdp).empty());
  EXPECT_FALSE(srtp_of(plain->negotiated.streams[0]));
  // Optional and a plain offer: plain.
  const auto optional_plain = answer(offer("RTP/AVP"), srtp_mode::optional);
  ASSERT_TRUE(optional_plain.ok());
  EXPECT_FALSE(srtp_of(optional_plain->negotiated.streams[0]));
  // Required and a plain offer: refused (the call answers 488 before it gets here).
  const auto refused = answer(offer("RTP/AVP"), srtp_mode::required);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, media::negotiation_errc::no_common_crypto);
}

TEST(srtp_answer, a_reoffer_keeps_our_key_for_the_same_suite) {
  const auto first = answer(offer("RTP/SAVP", {k80}), srtp_mode::required);
  ASSERT_TRUE(first.ok());
  const auto& current = first->negotiated.streams[0];
  const auto again = answer(offer("RTP/SAVP", {k80}), srtp_mode::required, &current);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(srtp_of(again->negotiated.streams[0]), srtp_of(current)) << "same keys: the relay keeps its contexts";
  // A re-offer with another suite gets a fresh key of ours.
  const auto other = answer(offer("RTP/SAVP", {k32}), srtp_mode::required, &current);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(srtp_of(other->negotiated.streams[0])->local_key, srtp_of(current)->local_key);
}

// --- offers we make ----------------------------------------------------------------------

TEST(srtp_offer, required_is_rtp_savp_with_our_suites) {
  media::session_version v(media::make_connection("192.0.2.99"));
  const auto sd =
      make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, srtp_mode::required);
  EXPECT_EQ(sd.media[0].proto, "RTP/SAVP");
  const auto c = cryptos(sd);
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0].tag, 1u);
  EXPECT_EQ(c[0].suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(c[1].tag, 2u);
  EXPECT_EQ(c[1].suite, "AES_CM_128_HMAC_SHA1_32");
  if (c.size() == 3) {
    EXPECT_EQ(c[2].suite, "AEAD_AES_128_GCM");
  }
  EXPECT_EQ(c.size(), offered_srtp_suites().size());
  EXPECT_NE(c[0].key_params[0].key_salt, c[1].key_params[0].key_salt) << "one key per line";
  for (const auto& x : c) EXPECT_TRUE(media::keying_from_crypto(x)) << x.to_redacted_value();
}

TEST(srtp_offer, optional_is_rtp_avp_with_crypto_and_off_is_plain) {
  media::session_version v(media::make_connection("192.0.2.99"));
  const auto opt =
      make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, srtp_mode::optional);
  EXPECT_EQ(opt.media[0].proto, "RTP/AVP");
  EXPECT_EQ(cryptos(opt).size(), offered_srtp_suites().size());
  const auto off = make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, srtp_mode::off);
  EXPECT_EQ(off.media[0].proto, "RTP/AVP");
  EXPECT_TRUE(cryptos(off).empty());
}

TEST(srtp_offer, a_reoffer_keeps_our_key) {
  media::session_version v(media::make_connection("192.0.2.99"));
  const auto first =
      make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, srtp_mode::required);
  media::negotiated_stream current;
  current.local_crypto = cryptos(first)[0];
  current.remote_crypto = media::parse_crypto(k80);
  const auto again =
      make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, srtp_mode::required, &current);
  EXPECT_EQ(cryptos(again)[0], cryptos(first)[0]);
  EXPECT_NE(cryptos(again)[1], cryptos(first)[1]) << "other suites get fresh keys";
}

// --- answers to our offers ---------------------------------------------------------------

media::session_description our_offer(srtp_mode policy) {
  media::session_version v(media::make_connection("192.0.2.99"));
  return make_leg_offer(default_capabilities(), local_media(ports, media_leg::b, 0, 1), v, policy);
}

TEST(srtp_read_answer, required_needs_a_key) {
  const auto o = our_offer(srtp_mode::required);
  const auto keyed = read_leg_answer(o, parse(offer("RTP/SAVP", {k32})), srtp_mode::required);
  ASSERT_TRUE(keyed.ok());
  const auto keys = srtp_of(keyed->streams[0]);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->suite, media::srtp_suite::aes_cm_128_hmac_sha1_32);
  EXPECT_EQ(keys->local_key, media::keying_from_crypto(cryptos(o)[1])->key) << "our tag-2 key";
  const auto plain = read_leg_answer(o, parse(offer("RTP/AVP")), srtp_mode::required);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, media::negotiation_errc::no_common_crypto);
  // A tag we never offered.
  const auto wrong = read_leg_answer(
      o, parse(offer("RTP/SAVP", {"9 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64(30, 5)})), srtp_mode::required);
  EXPECT_FALSE(wrong.ok());
}

TEST(srtp_read_answer, optional_takes_either) {
  const auto o = our_offer(srtp_mode::optional);
  const auto keyed = read_leg_answer(o, parse(offer("RTP/AVP", {k80})), srtp_mode::optional);
  ASSERT_TRUE(keyed.ok());
  const auto keys = srtp_of(keyed->streams[0]);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->local_key, media::keying_from_crypto(cryptos(o)[0])->key);
  EXPECT_EQ(keys->remote_key, *media::srtp_key::from_bytes(std::vector<std::uint8_t>(30, 0x11)));
  const auto plain = read_leg_answer(o, parse(offer("RTP/AVP")), srtp_mode::optional);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(srtp_of(plain->streams[0]));
}

TEST(srtp_read_answer, off_ignores_crypto) {
  const auto o = our_offer(srtp_mode::off);
  const auto r = read_leg_answer(o, parse(offer("RTP/AVP", {k80})), srtp_mode::off);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(srtp_of(r->streams[0]));
}

TEST(srtp_relay_update, leg_update_carries_the_keys) {
  const auto a = answer(offer("RTP/SAVP", {k80}), srtp_mode::required);
  ASSERT_TRUE(a.ok());
  const auto u = leg_update(a->negotiated.streams[0], nullptr, true);
  ASSERT_TRUE(u.srtp);
  EXPECT_EQ(u.srtp->suite, media::srtp_suite::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(u.srtp->remote_key, *media::srtp_key::from_bytes(std::vector<std::uint8_t>(30, 0x11)));
  const auto plain = answer(offer("RTP/AVP"), srtp_mode::off);
  EXPECT_FALSE(leg_update(plain->negotiated.streams[0], nullptr, true).srtp);
}

}  // namespace
}  // namespace voxedge::daemon
