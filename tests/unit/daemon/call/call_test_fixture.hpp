#pragma once
// A B2BUA under test: the real uas_core and transaction_layer over a recording sender and
// a manual clock, a fake media plane, fixed addressing, a router and source classifier
// built from a configuration, and a capturing CDR sink. Two peers: the PBX (endpoint
// "pbx", 10.0.0.5, on the inside listener) and the provider (trunk "carrier",
// 198.51.100.20, on the trunk listener).
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/timer_queue.hpp"
#include "daemon/call/b2bua.hpp"
#include "daemon/uas_core.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"

namespace voxedge::daemon::testing {

inline const std::string pbx_ip = "10.0.0.5";
/// The proxy in front of the PBX that Record-Routes its INVITEs: our requests in the A
/// dialog go there (RFC 3261 §12.2.1.1).
inline const std::string pbx_proxy_ip = "10.0.0.1";
inline const std::string carrier_ip = "198.51.100.20";
inline const std::string our_inside_ip = "192.0.2.10";
inline const std::string our_trunk_ip = "203.0.113.10";
inline const std::string media_ip = "192.0.2.99";

struct recording_sender final : sip::message_sender {
  void send(const std::string& bytes, const sip::peer& to) override { sent.emplace_back(bytes, to); }
  std::vector<std::pair<std::string, sip::peer>> sent;
};

/// The media plane, recorded; closing is asynchronous like the relay's.
class fake_media final : public media_control {
 public:
  explicit fake_media(timer_service& timers) : timers_(timers) {}

  void set_listener(listener* l) override { listener_ = l; }
  /// Each leg is "bound" where the call asked (its trunk's media IP), else on media_ip.
  result<media_endpoints, std::string> create_session(std::uint64_t session, const media_binding& binding) override {
    if (refuse) return fail(std::string("ports_exhausted"));
    created.push_back(session);
    bindings.push_back(binding);
    const auto base = static_cast<std::uint16_t>(30000 + 4 * created.size());
    return media_endpoints{binding.a.empty() ? media_ip : binding.a,
                           binding.b.empty() ? media_ip : binding.b,
                           base,
                           static_cast<std::uint16_t>(base + 1),
                           static_cast<std::uint16_t>(base + 2),
                           static_cast<std::uint16_t>(base + 3)};
  }
  void update_leg(std::uint64_t session, media_leg leg, const media_leg_update& u) override {
    updates.push_back({session, leg, u});
  }
  void destroy_session(std::uint64_t session) override {
    destroyed.push_back(session);
    timers_.schedule(duration::zero(), [this, session] {
      if (listener_ != nullptr) listener_->on_media_closed(session, final_report);
    });
  }
  /// The last update of `leg`.
  const media_leg_update* last(media_leg leg) const {
    for (auto it = updates.rbegin(); it != updates.rend(); ++it) {
      if (it->leg == leg) return &it->update;
    }
    return nullptr;
  }
  listener* events() const { return listener_; }

  struct update_record {
    std::uint64_t session;
    media_leg leg;
    media_leg_update update;
  };
  bool refuse = false;
  media_report final_report;
  std::vector<std::uint64_t> created;
  std::vector<media_binding> bindings;  // what each create_session asked for, in order
  std::vector<std::uint64_t> destroyed;
  std::vector<update_record> updates;

 private:
  timer_service& timers_;
  listener* listener_ = nullptr;
};

/// Listener 0: inside, 1: trunk; both UDP on port 5060.
class fake_addressing final : public leg_addressing {
 public:
  std::optional<local_address> of_listener(int listener) const override {
    if (listener == 0) return local_address{0, sip::transport_kind::udp, our_inside_ip, 5060};
    if (listener == 1) return local_address{1, sip::transport_kind::udp, our_trunk_ip, 5060};
    return std::nullopt;
  }
  std::optional<local_address> for_target(const sip::peer& to, config::listener_side side,
                                          const std::string&) const override {
    if (to.transport != sip::transport_kind::udp) return std::nullopt;
    return of_listener(side == config::listener_side::trunk ? 1 : 0);
  }
  config::listener_side side_of(int listener) const override {
    return listener == 1 ? config::listener_side::trunk : config::listener_side::inside;
  }
};

inline config::config test_config() {
  config::config c;
  c.numbering.country_code = "44";
  config::trunk t;
  t.name = "carrier";
  t.outbound.uri = "sip:" + carrier_ip + ":5060";
  t.outbound.transport = config::sip_transport::udp;
  t.caller_id = config::caller_id_settings{"+442071234567", true};
  t.inbound.allow = {carrier_ip};
  c.trunks.push_back(t);
  config::endpoint e;
  e.name = "pbx";
  e.uri = "sip:" + pbx_ip + ":5070";
  e.transport = config::sip_transport::udp;
  e.inbound.allow = {pbx_ip};
  c.endpoints.push_back(e);
  config::route out;
  out.name = "pbx-to-carrier";
  out.match.source = {config::route_source::kind::endpoint, "pbx"};
  out.match.called_prefix = "+";
  out.target = {config::route_target::kind::trunk, "carrier"};
  config::route in;
  in.name = "carrier-to-pbx";
  in.match.source = {config::route_source::kind::trunk, "carrier"};
  in.target = {config::route_target::kind::endpoint, "pbx"};
  c.routes = {out, in};
  return c;
}

inline const std::string pbx_offer =
    "v=0\r\n"
    "o=pbx 1000 1 IN IP4 10.0.0.5\r\n"
    "s=-\r\n"
    "c=IN IP4 10.0.0.5\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=sendrecv\r\n";

inline std::string carrier_answer(std::string_view direction = "sendrecv", int version = 1,
                                  std::string_view formats = "8 101") {
  return "v=0\r\n"
         "o=carrier 2000 " +
         std::to_string(version) +
         " IN IP4 198.51.100.30\r\n"
         "s=-\r\n"
         "c=IN IP4 198.51.100.30\r\n"
         "t=0 0\r\n"
         "m=audio 50000 RTP/AVP " +
         std::string(formats) +
         "\r\n"
         "a=rtpmap:8 PCMA/8000\r\n"
         "a=rtpmap:101 telephone-event/8000\r\n"
         "a=fmtp:101 0-16\r\n"
         "a=" +
         std::string(direction) + "\r\n";
}

class call_test : public ::testing::Test {
 protected:
  explicit call_test(config::config cfg = test_config())
      : cfg_(std::move(cfg)),
        uas_(cfg_),
        layer_(timers_, sender_, uas_),
        media_(timers_),
        classifier_(cfg_),
        calls_(
            timers_, layer_, media_, addressing_, [this](const cdr_record& r) { records_.push_back(r); },
            make_settings(cfg_)) {
    uas_.attach(layer_);
    uas_.attach_calls(&calls_);
    calls_.set_routing(std::make_shared<const router>(router::build(cfg_).value()), &classifier_);
    calls_.set_wall_clock([this] {
      return std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 50) +
             std::chrono::duration_cast<std::chrono::system_clock::duration>(timers_.now().time_since_epoch());
    });
  }

  static b2bua_settings make_settings(const config::config& c) {
    auto s = settings_from(c);
    s.call.user_agent = "voxedge-test";
    return s;
  }

  static sip::peer peer_at(const std::string& ip, std::uint16_t port, int listener) {
    sip::peer p;
    p.transport = sip::transport_kind::udp;
    p.address = boost::asio::ip::make_address(ip);
    p.port = port;
    p.listener = listener;
    return p;
  }
  static sip::peer pbx() { return peer_at(pbx_ip, 5070, 0); }
  static sip::peer carrier() { return peer_at(carrier_ip, 5060, 1); }

  void deliver(const std::string& text, const sip::peer& from) {
    auto r = sip::parse_message(text);
    ASSERT_TRUE(r.ok()) << text;
    layer_.on_message(std::move(r).value(), from);
  }
  void deliver(const sip::message& m, const sip::peer& from) { deliver(sip::serialize(m), from); }

  /// Everything sent to `ip` so far, parsed.
  std::vector<sip::message> sent_to(const std::string& ip) const {
    std::vector<sip::message> out;
    for (const auto& [bytes, to] : sender_.sent) {
      if (to.address.to_string() != ip) continue;
      auto r = sip::parse_message(bytes);
      EXPECT_TRUE(r.ok()) << bytes;
      if (r) out.push_back(std::move(r).value());
    }
    return out;
  }
  /// The raw text of everything sent to `ip`.
  std::string raw_to(const std::string& ip) const {
    std::string out;
    for (const auto& [bytes, to] : sender_.sent) {
      if (to.address.to_string() == ip) out += bytes;
    }
    return out;
  }
  /// The last request of `method` sent to `ip` (fails the test when none).
  sip::message last_request(const std::string& ip, std::string_view method) const {
    const auto all = sent_to(ip);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->is_request && it->method_name == method) return *it;
    }
    ADD_FAILURE() << "no " << method << " sent to " << ip;
    return {};
  }
  /// Requests of `method` sent to `ip`, retransmissions counted once.
  std::size_t count_requests(const std::string& ip, std::string_view method) const {
    std::set<std::string> branches;
    for (const auto& m : sent_to(ip)) {
      if (m.is_request && m.method_name == method) branches.insert(std::string(m.vias.front().branch()));
    }
    return branches.size();
  }
  /// The last response with `status` (0: any) sent to `ip`.
  sip::message last_response(const std::string& ip, int status = 0) const {
    const auto all = sent_to(ip);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (!it->is_request && (status == 0 || it->status == status)) return *it;
    }
    ADD_FAILURE() << "no response " << status << " sent to " << ip;
    return {};
  }
  std::vector<int> statuses_to(const std::string& ip, std::string_view method = "INVITE") const {
    std::vector<int> out;
    for (const auto& m : sent_to(ip)) {
      if (!m.is_request && m.cseq.method_name == method) out.push_back(m.status);
    }
    return out;
  }

  // --- the PBX calling -------------------------------------------------------------------
  std::string pbx_invite(const std::string& called = "+442079460958", const std::string& body = pbx_offer,
                         const std::string& extra = {}) {
    const std::string content = body.empty() ? std::string() : "Content-Type: application/sdp\r\n";
    invite_branch_ = "z9hG4bKpbx" + std::to_string(branch_ + 1);
    return "INVITE sip:" + called + "@" + our_inside_ip + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKpbx" + std::to_string(++branch_) + ";rport\r\n" +
           "Max-Forwards: 70\r\n"
           "Record-Route: <sip:10.0.0.1;lr>\r\n"
           "From: \"Alice\" <sip:1001@10.0.0.5>;tag=pbxtag\r\n"
           "To: <sip:" +
           called + "@" + our_inside_ip +
           ">\r\n"
           "Call-ID: pbx-call-1@10.0.0.5\r\n"
           "CSeq: 10 INVITE\r\n"
           "Contact: <sip:1001@10.0.0.5:5070>\r\n"
           "Subject: hello\r\n"
           "X-Internal: secret\r\n"
           "User-Agent: InternalPBX/1.0\r\n" +
           extra + content + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  /// CANCEL for the last INVITE of the PBX (same branch, §9.1).
  std::string pbx_cancel(const std::string& extra_headers = {}) {
    return "CANCEL sip:+442079460958@" + our_inside_ip + " SIP/2.0\r\n" + extra_headers +
           "Via: SIP/2.0/UDP 10.0.0.5:5070;branch=" + invite_branch_ +
           ";rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: \"Alice\" <sip:1001@10.0.0.5>;tag=pbxtag\r\n"
           "To: <sip:+442079460958@" +
           our_inside_ip +
           ">\r\n"
           "Call-ID: pbx-call-1@10.0.0.5\r\n"
           "CSeq: 10 CANCEL\r\n"
           "Content-Length: 0\r\n\r\n";
  }

  /// A request from the PBX inside its dialog with us (after our 2xx).
  std::string pbx_in_dialog(const std::string& method, std::uint32_t cseq, const std::string& body = {},
                            const std::string& extra = {}) {
    sip::message ok;
    for (const auto& m : sent_to(pbx_ip)) {
      if (!m.is_request && m.status == 200 && m.cseq.method_name == "INVITE" && m.cseq.number == 10) ok = m;
    }
    if (ok.contacts.empty()) {
      ADD_FAILURE() << "no 2xx to the PBX's INVITE yet";
      return {};
    }
    const std::string content = body.empty() ? std::string() : "Content-Type: application/sdp\r\n";
    return method + " " + ok.contacts.front().address.to_string() + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKpbx" + std::to_string(++branch_) + ";rport\r\n" +
           "Max-Forwards: 70\r\n"
           "From: \"Alice\" <sip:1001@10.0.0.5>;tag=pbxtag\r\n"
           "To: " +
           ok.to.to_string() +
           "\r\n"
           "Call-ID: pbx-call-1@10.0.0.5\r\n"
           "CSeq: " +
           std::to_string(cseq) + " " + method +
           "\r\n"
           "Contact: <sip:1001@10.0.0.5:5070>\r\n" +
           extra + content + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  // --- the carrier answering ---------------------------------------------------------------
  /// A response of the carrier to the last INVITE we sent it.
  sip::message carrier_response(int status, const std::string& body = {}, const std::string& tag = "carriertag") {
    const auto invite = last_request(carrier_ip, "INVITE");
    auto r = sip::make_response(invite, status, {}, status == 100 ? std::string_view{} : std::string_view{tag});
    if (status > 100 && status < 300) {
      sip::name_addr contact;
      contact.address = sip::parse_uri("sip:gw@" + carrier_ip + ":5060").value();
      r.contacts.push_back(contact);
      r.add_header("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE");
    }
    if (!body.empty()) {
      r.body = body;
      r.set_header("Content-Type", "application/sdp");
    }
    return r;
  }
  void carrier_says(int status, const std::string& body = {}, const std::string& tag = "carriertag") {
    deliver(carrier_response(status, body, tag), carrier());
  }

  /// A request from the carrier inside the dialog of the call we placed.
  std::string carrier_in_dialog(const std::string& method, std::uint32_t cseq, const std::string& body = {}) {
    const auto invite = last_request(carrier_ip, "INVITE");
    const std::string content = body.empty() ? std::string() : "Content-Type: application/sdp\r\n";
    return method + " " + invite.contacts.front().address.to_string() + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKcar" + std::to_string(++branch_) + "\r\n" +
           "Max-Forwards: 70\r\n"
           "From: <" +
           invite.to.address.to_string() +
           ">;tag=carriertag\r\n"
           "To: " +
           invite.from.to_string() + "\r\nCall-ID: " + invite.call_id + "\r\nCSeq: " + std::to_string(cseq) + " " +
           method +
           "\r\n"
           "Contact: <sip:gw@198.51.100.20:5060>\r\n" +
           content + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  /// INVITE, 180, 200, both ACKs: an established call.
  void establish() {
    deliver(pbx_invite(), pbx());
    carrier_says(180);
    carrier_says(200, carrier_answer());
    deliver(pbx_in_dialog("ACK", 10), pbx());
  }
  /// Lets deferred work run (media close, call deletion).
  void settle() { timers_.advance(std::chrono::milliseconds(1)); }

  const call* only_call() const {
    if (calls_.size() != 1) return nullptr;
    for (std::uint64_t id = 1; id < 100; ++id) {
      if (const auto* c = calls_.find(id)) return c;
    }
    return nullptr;
  }
  std::optional<call_state> state() const {
    const auto* c = only_call();
    return c != nullptr ? std::optional<call_state>(c->state()) : std::nullopt;
  }

  int branch_ = 0;
  std::string invite_branch_;
  config::config cfg_;
  manual_timer_service timers_;
  recording_sender sender_;
  uas_core uas_;
  sip::transaction_layer layer_;
  fake_media media_;
  fake_addressing addressing_;
  source_classifier classifier_;
  std::vector<cdr_record> records_;
  b2bua calls_;
};

}  // namespace voxedge::daemon::testing
