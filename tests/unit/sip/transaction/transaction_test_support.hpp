#pragma once
// Shared by the transaction tests: a message_sender that records what would go on the
// wire (and when), an owner that records what the state machines report, and request
// builders. Everything runs on manual_timer_service: no test sleeps.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/timer_queue.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/transaction/transaction.hpp"
#include "sip/transport/peer.hpp"

namespace voxedge::sip::test {

using namespace std::chrono_literals;

inline peer udp_peer(std::string_view addr = "192.0.2.10", std::uint16_t port = 5060) {
  peer p;
  p.transport = transport_kind::udp;
  p.address = boost::asio::ip::make_address(std::string(addr));
  p.port = port;
  p.listener = 0;
  return p;
}

inline peer tcp_peer(std::uint64_t connection, std::string_view addr = "192.0.2.10", std::uint16_t port = 40000) {
  peer p = udp_peer(addr, port);
  p.transport = transport_kind::tcp;
  p.connection_id = connection;
  return p;
}

struct sent_message {
  std::string bytes;
  peer to;
  time_point at;
};

class fake_sender final : public message_sender {
 public:
  explicit fake_sender(const timer_service& clock) : clock_(clock) {}
  void send(const std::string& bytes, const peer& to) override {
    sent.push_back({bytes, to, clock_.now()});
    if (on_send) on_send(sent.back());
  }

  std::size_t count() const { return sent.size(); }
  /// The i-th message sent, parsed back as a peer would.
  message parsed(std::size_t i) const {
    auto r = parse_message(sent.at(i).bytes);
    EXPECT_TRUE(r.ok()) << sent.at(i).bytes;
    return r.ok() ? std::move(r).value() : message{};
  }
  message last() const { return parsed(sent.size() - 1); }

  std::vector<sent_message> sent;
  std::function<void(const sent_message&)> on_send;

 private:
  const timer_service& clock_;
};

/// What a state machine reported to its owner, in order.
struct owner_event {
  enum class type { response, timeout, transport_error, terminated } what;
  int status = 0;
};

class recording_owner final : public transaction::listener {
 public:
  void on_response(transaction& t, message&& response) override {
    events.push_back({owner_event::type::response, response.status});
    responses.push_back(std::move(response));
    if (hook) hook(t, events.back());
  }
  void on_timeout(transaction& t) override { record(t, owner_event::type::timeout); }
  void on_transport_error(transaction& t) override { record(t, owner_event::type::transport_error); }
  void on_terminated(transaction& t) override { record(t, owner_event::type::terminated); }

  std::size_t count(owner_event::type what) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.what == what ? 1 : 0;
    return n;
  }

  std::vector<owner_event> events;
  std::vector<message> responses;
  /// Runs inside every callback: lets a test act from within (terminate, respond...).
  std::function<void(transaction&, const owner_event&)> hook;

 private:
  void record(transaction& t, owner_event::type what) {
    events.push_back({what, 0});
    if (hook) hook(t, events.back());
  }
};

struct request_spec {
  std::string method = "INVITE";
  std::string branch = "z9hG4bKtest1";
  std::string transport = "UDP";
  std::string sent_by = "192.0.2.10:5060";
  std::string request_uri = "sip:bob@example.com";
  std::string call_id = "call-1@192.0.2.10";
  std::string from_tag = "ftag1";
  std::string to_tag;
  std::uint32_t cseq = 1;
  std::string cseq_method;  // defaults to method
  std::string extra_headers;
  std::string body;
};

inline message make_request(const request_spec& s) {
  std::string text = s.method + " " + s.request_uri + " SIP/2.0\r\n";
  text += "Via: SIP/2.0/" + s.transport + " " + s.sent_by;
  if (!s.branch.empty()) text += ";branch=" + s.branch;
  text += "\r\nMax-Forwards: 70\r\n";
  text += "From: \"Alice\" <sip:alice@example.org>;tag=" + s.from_tag + "\r\n";
  text += "To: <sip:bob@example.com>";
  if (!s.to_tag.empty()) text += ";tag=" + s.to_tag;
  text += "\r\nCall-ID: " + s.call_id + "\r\n";
  text += "CSeq: " + std::to_string(s.cseq) + " " + (s.cseq_method.empty() ? s.method : s.cseq_method) + "\r\n";
  text += "Contact: <sip:alice@192.0.2.10>\r\n";
  text += "Route: <sip:proxy.example.net;lr>\r\n";
  text += s.extra_headers;
  text += "Content-Length: " + std::to_string(s.body.size()) + "\r\n\r\n" + s.body;
  auto r = parse_message(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(r).value() : message{};
}

inline message make_request(std::string_view method, std::string_view branch = "z9hG4bKtest1") {
  request_spec s;
  s.method = std::string(method);
  s.branch = std::string(branch);
  return make_request(s);
}

/// A response to `req` as the far end would send it.
inline message respond_to(const message& req, int status, std::string_view to_tag = "totag1") {
  return make_response(req, status, {}, status > 100 ? to_tag : std::string_view{});
}

/// The fixture pieces every state machine needs.
struct machine_env {
  manual_timer_service timers;
  fake_sender sender{timers};
  timer_config config;
  transaction_stats stats;
  recording_owner owner;
  transaction::context ctx{timers, sender, config, stats, owner};

  /// Milliseconds since `start` at which each message was sent.
  std::vector<long long> send_times_ms(time_point start) const {
    std::vector<long long> out;
    for (const auto& s : sender.sent) {
      out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(s.at - start).count());
    }
    return out;
  }
};

}  // namespace voxedge::sip::test
