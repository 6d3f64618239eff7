// SRTP through a whole call: the PBX (an endpoint: always plain) calls out through a
// carrier whose trunk says srtp: required or optional. The carrier leg gets RTP/SAVP (or
// best-effort SDES on RTP/AVP), the PBX leg plain RTP/AVP, and the relay the keys.
#include <vector>

#include "call_test_fixture.hpp"
#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/sdp_parser.hpp"

namespace voxedge::daemon::testing {
namespace {

media::session_description sdp_of(const sip::message& m) {
  auto r = media::parse_sdp(m.body);
  EXPECT_TRUE(r.ok()) << m.body;
  return r ? std::move(r).value() : media::session_description{};
}

config::config with_srtp(config::srtp_mode mode) {
  auto c = test_config();
  c.trunks[0].srtp = mode;
  return c;
}

std::string carrier_key_b64() { return media::encode_base64(std::vector<std::uint8_t>(30, 0x5A)); }

/// The carrier's answer over `proto`, with `crypto` lines.
std::string carrier_sdp(std::string_view proto, const std::vector<std::string>& crypto, int version = 1) {
  std::string s = "v=0\r\no=carrier 2000 " + std::to_string(version) +
                  " IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\nt=0 0\r\n"
                  "m=audio 50000 " +
                  std::string(proto) +
                  " 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                  "a=sendrecv\r\n";
  for (const auto& c : crypto) s += "a=crypto:" + c + "\r\n";
  return s;
}

class srtp_required_call : public call_test {
 protected:
  srtp_required_call() : call_test(with_srtp(config::srtp_mode::required)) {}
};

class srtp_optional_call : public call_test {
 protected:
  srtp_optional_call() : call_test(with_srtp(config::srtp_mode::optional)) {}
};

TEST_F(srtp_required_call, carrier_leg_is_srtp_and_the_pbx_leg_plain) {
  deliver(pbx_invite(), pbx());
  const auto offer = sdp_of(last_request(carrier_ip, "INVITE"));
  ASSERT_EQ(offer.media.size(), 1u);
  EXPECT_EQ(offer.media[0].proto, "RTP/SAVP");
  const auto ours = offer.media[0].cryptos();
  ASSERT_GE(ours.size(), 2u);
  EXPECT_EQ(ours[0].suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(ours[1].suite, "AES_CM_128_HMAC_SHA1_32");

  carrier_says(200, carrier_sdp("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + carrier_key_b64()}));
  EXPECT_EQ(state(), call_state::connecting);
  const auto to_pbx = sdp_of(last_response(pbx_ip, 200));
  EXPECT_EQ(to_pbx.media[0].proto, "RTP/AVP");
  EXPECT_TRUE(to_pbx.media[0].cryptos().empty()) << "the inside leg is plain";

  const auto* a = media_.last(media_leg::a);
  const auto* b = media_.last(media_leg::b);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->srtp);
  ASSERT_TRUE(b->srtp);
  EXPECT_EQ(b->srtp->suite, media::srtp_suite::aes_cm_128_hmac_sha1_80);
  EXPECT_EQ(b->srtp->remote_key, *media::srtp_key::from_bytes(std::vector<std::uint8_t>(30, 0x5A)));
  EXPECT_EQ(b->srtp->local_key, media::keying_from_crypto(ours[0])->key) << "the key of the tag it accepted";
  // No key in any log line is checked elsewhere; here: none in what the PBX saw.
  EXPECT_EQ(raw_to(pbx_ip).find(carrier_key_b64()), std::string::npos);
  EXPECT_EQ(raw_to(pbx_ip).find(ours[0].key_params[0].key_salt), std::string::npos);
}

TEST_F(srtp_required_call, a_plain_answer_ends_the_call) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  EXPECT_EQ(last_response(pbx_ip).status, 488);
  EXPECT_EQ(count_requests(carrier_ip, "ACK"), 1u);
  EXPECT_EQ(count_requests(carrier_ip, "BYE"), 1u);
}

TEST_F(srtp_required_call, a_reinvite_with_the_same_key_keeps_the_carrier_key) {
  deliver(pbx_invite(), pbx());
  const auto crypto = "1 AES_CM_128_HMAC_SHA1_80 inline:" + carrier_key_b64();
  carrier_says(200, carrier_sdp("RTP/SAVP", {crypto}));
  deliver(pbx_in_dialog("ACK", 10), pbx());
  ASSERT_EQ(state(), call_state::established);
  const auto before = *media_.last(media_leg::b)->srtp;

  // The carrier puts us on hold with its same key: the re-offer crosses to the PBX.
  auto hold = carrier_sdp("RTP/SAVP", {crypto}, 2);
  hold.replace(hold.find("a=sendrecv"), 10, "a=sendonly");
  deliver(carrier_in_dialog("INVITE", 20, hold), carrier());
  const auto reinvite = last_request(pbx_proxy_ip, "INVITE");
  EXPECT_EQ(sdp_of(reinvite).media[0].proto, "RTP/AVP") << "still plain inside";
  EXPECT_TRUE(sdp_of(reinvite).media[0].cryptos().empty());
  auto pbx_answer = pbx_offer;
  pbx_answer.replace(pbx_answer.find("o=pbx 1000 1"), 12, "o=pbx 1000 2");
  pbx_answer.replace(pbx_answer.find("0 8 101"), 7, "8 101");
  pbx_answer.replace(pbx_answer.find("a=sendrecv"), 10, "a=recvonly");
  auto ok = sip::make_response(reinvite, 200);
  ok.contacts = reinvite.contacts;
  ok.contacts.front().address = sip::parse_uri("sip:1001@10.0.0.5:5070").value();
  ok.body = pbx_answer;
  ok.set_header("Content-Type", "application/sdp");
  deliver(ok, pbx());
  const auto to_carrier = last_response(carrier_ip, 200);
  const auto answer = sdp_of(to_carrier);
  EXPECT_EQ(answer.media[0].proto, "RTP/SAVP");
  ASSERT_EQ(answer.media[0].cryptos().size(), 1u);
  const auto after = *media_.last(media_leg::b)->srtp;
  EXPECT_EQ(after.remote_key, before.remote_key) << "the carrier's context keeps running";
  EXPECT_EQ(after.suite, before.suite);
}

TEST_F(srtp_optional_call, best_effort_offer_and_either_answer) {
  deliver(pbx_invite(), pbx());
  const auto offer = sdp_of(last_request(carrier_ip, "INVITE"));
  EXPECT_EQ(offer.media[0].proto, "RTP/AVP");
  const auto ours = offer.media[0].cryptos();
  ASSERT_GE(ours.size(), 2u);
  // A carrier that does SDES answers with one of our tags.
  carrier_says(200, carrier_sdp("RTP/AVP", {"2 AES_CM_128_HMAC_SHA1_32 inline:" + carrier_key_b64()}));
  const auto* b = media_.last(media_leg::b);
  ASSERT_TRUE(b && b->srtp);
  EXPECT_EQ(b->srtp->suite, media::srtp_suite::aes_cm_128_hmac_sha1_32);
  EXPECT_EQ(b->srtp->local_key, media::keying_from_crypto(ours[1])->key);
  EXPECT_FALSE(media_.last(media_leg::a)->srtp);
}

TEST_F(srtp_optional_call, a_plain_answer_is_fine) {
  deliver(pbx_invite(), pbx());
  carrier_says(200, carrier_answer());
  EXPECT_EQ(state(), call_state::connecting);
  const auto* b = media_.last(media_leg::b);
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->srtp);
}

class srtp_off_call : public call_test {};

TEST_F(srtp_off_call, plain_offer_to_a_trunk_without_srtp) {
  deliver(pbx_invite(), pbx());
  const auto offer = sdp_of(last_request(carrier_ip, "INVITE"));
  EXPECT_EQ(offer.media[0].proto, "RTP/AVP");
  EXPECT_TRUE(offer.media[0].cryptos().empty()) << "srtp: off on the carrier";
}

}  // namespace
}  // namespace voxedge::daemon::testing
