// Each leg's media on its trunk's whitelisted IP (issue 4): the call asks the media plane
// to bind a trunk leg on the trunk's media_address (else its bind_address) and writes
// that leg's SDP with the address the leg got; endpoint legs keep the default.
#include "call_test_fixture.hpp"
#include "media/sdp/sdp_parser.hpp"

namespace voxedge::daemon::testing {
namespace {

const std::string trunk_media_ip = "203.0.113.20";
const std::string trunk_bind_ip = "203.0.113.10";

media::session_description sdp_of(const sip::message& m) {
  auto r = media::parse_sdp(m.body);
  EXPECT_TRUE(r.ok()) << m.body;
  return r ? std::move(r).value() : media::session_description{};
}

/// The c= address in force for the first stream, and the o= address.
std::string c_of(const media::session_description& sd) {
  const auto* c = sd.connection_of(0);
  return c != nullptr ? c->address : std::string();
}

config::config with_addresses(std::string bind_address, std::string media_address) {
  auto c = test_config();
  auto& t = c.trunks.front();
  t.bind_address = std::move(bind_address);
  t.media_address = std::move(media_address);
  t.options_interval_s = 0;  // no pings in these tests
  return c;
}

class media_on_trunk_ip : public call_test {
 protected:
  media_on_trunk_ip() : call_test(with_addresses(trunk_bind_ip, trunk_media_ip)) {}
};

class media_on_bind_ip : public call_test {
 protected:
  media_on_bind_ip() : call_test(with_addresses(trunk_bind_ip, "")) {}
};

TEST_F(media_on_trunk_ip, outbound_trunk_leg_is_bound_and_offered_on_the_media_address) {
  deliver(pbx_invite(), pbx());
  ASSERT_EQ(media_.bindings.size(), 1u);
  EXPECT_EQ(media_.bindings[0].a, "") << "the PBX leg stays on media.address";
  EXPECT_EQ(media_.bindings[0].b, trunk_media_ip);

  const auto offer = sdp_of(last_request(carrier_ip, "INVITE"));
  EXPECT_EQ(c_of(offer), trunk_media_ip);
  EXPECT_EQ(offer.origin.connection.address, trunk_media_ip);

  carrier_says(200, carrier_answer());
  const auto answer = sdp_of(last_response(pbx_ip, 200));
  EXPECT_EQ(c_of(answer), media_ip) << "the carrier's media IP never reaches the PBX";
  EXPECT_EQ(answer.origin.connection.address, media_ip);
}

TEST_F(media_on_trunk_ip, a_re_invite_keeps_each_legs_address) {
  establish();
  // The carrier puts the call on hold: we re-offer the PBX (through its proxy) and
  // answer the carrier, each leg from its own address.
  deliver(carrier_in_dialog("INVITE", 20, carrier_answer("sendonly", 2)), carrier());
  const auto reinvite = last_request(pbx_proxy_ip, "INVITE");
  EXPECT_EQ(c_of(sdp_of(reinvite)), media_ip);
  auto ok = sip::make_response(reinvite, 200);
  ok.contacts = reinvite.contacts;
  ok.contacts.front().address = sip::parse_uri("sip:1001@10.0.0.5:5070").value();
  ok.body =
      "v=0\r\no=pbx 1000 2 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\na=recvonly\r\n";
  ok.set_header("Content-Type", "application/sdp");
  deliver(ok, pbx());
  const auto answered = sdp_of(last_response(carrier_ip, 200));
  EXPECT_EQ(answered.direction_of(0), media::media_direction::recvonly);
  EXPECT_EQ(c_of(answered), trunk_media_ip);
  EXPECT_EQ(answered.origin.connection.address, trunk_media_ip);
}

TEST_F(media_on_bind_ip, without_media_address_the_bind_address_is_used) {
  deliver(pbx_invite(), pbx());
  ASSERT_EQ(media_.bindings.size(), 1u);
  EXPECT_EQ(media_.bindings[0].b, trunk_bind_ip);
  EXPECT_EQ(c_of(sdp_of(last_request(carrier_ip, "INVITE"))), trunk_bind_ip);
}

TEST_F(call_test, a_trunk_without_addresses_uses_the_default) {
  deliver(pbx_invite(), pbx());
  ASSERT_EQ(media_.bindings.size(), 1u);
  EXPECT_EQ(media_.bindings[0].a, "");
  EXPECT_EQ(media_.bindings[0].b, "");
  EXPECT_EQ(c_of(sdp_of(last_request(carrier_ip, "INVITE"))), media_ip);
}

/// The carrier calls the PBX: the A leg is the trunk's, found through the trunk directory.
class inbound_media_on_trunk_ip : public call_test {
 protected:
  inbound_media_on_trunk_ip()
      : call_test(with_addresses(trunk_bind_ip, trunk_media_ip)),
        trunks_(trunk_environment{timers_, layer_, addressing_, nullptr, "voxedge-test"}) {
    EXPECT_TRUE(trunks_.apply(cfg_).ok());
    calls_.set_trunks(&trunks_);
  }
  ~inbound_media_on_trunk_ip() override { trunks_.stop(); }

  std::string carrier_invite() {
    const std::string body =
        "v=0\r\no=carrier 3000 1 IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\nt=0 0\r\n"
        "m=audio 50000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
        "a=fmtp:101 0-16\r\na=sendrecv\r\n";
    return "INVITE sip:02079460958@" + our_trunk_ip + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKcarin1;rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:+441632960001@198.51.100.20>;tag=carin\r\n"
           "To: <sip:02079460958@" +
           our_trunk_ip +
           ">\r\n"
           "Call-ID: carrier-in-1@198.51.100.20\r\n"
           "CSeq: 1 INVITE\r\n"
           "Contact: <sip:gw@198.51.100.20:5060>\r\n"
           "Content-Type: application/sdp\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  trunk_directory trunks_;
};

TEST_F(inbound_media_on_trunk_ip, the_trunk_leg_is_a_and_answers_from_the_media_address) {
  deliver(carrier_invite(), carrier());
  ASSERT_EQ(media_.bindings.size(), 1u);
  EXPECT_EQ(media_.bindings[0].a, trunk_media_ip);
  EXPECT_EQ(media_.bindings[0].b, "") << "the PBX leg stays on media.address";

  const auto to_pbx = last_request(pbx_ip, "INVITE");
  EXPECT_EQ(c_of(sdp_of(to_pbx)), media_ip);
  auto ok = sip::make_response(to_pbx, 200, {}, "pbxtag2");
  sip::name_addr contact;
  contact.address = sip::parse_uri("sip:1001@" + pbx_ip + ":5070").value();
  ok.contacts.push_back(contact);
  ok.body =
      "v=0\r\no=pbx 1000 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-16\r\na=sendrecv\r\n";
  ok.set_header("Content-Type", "application/sdp");
  deliver(ok, pbx());

  const auto answer = sdp_of(last_response(carrier_ip, 200));
  EXPECT_EQ(c_of(answer), trunk_media_ip);
  EXPECT_EQ(answer.origin.connection.address, trunk_media_ip);
}

}  // namespace
}  // namespace voxedge::daemon::testing
