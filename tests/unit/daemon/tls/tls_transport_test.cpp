// TLS through the transport layer over loopback, with certificates from a throwaway CA:
// our client (per-trunk identities built by make_trunk_tls_identity) against our own
// listener or a bare OpenSSL server that shows what a listener cannot (the SNI it got,
// a protocol cap). Every wait has a deadline; nothing sleeps.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include "base/asio_timer_service.hpp"
#include "daemon/metrics/sip_metrics.hpp"
#include "daemon/tls/client_tls_context.hpp"
#include "daemon/tls/server_tls_context.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/transport_layer.hpp"
#include "tests/unit/daemon/tls/test_pki.hpp"

namespace voxedge::daemon {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::pem_files;
using testing::test_pki;

const auto loopback = asio::ip::make_address("127.0.0.1");

std::string temp_dir(const std::string& suffix) {
  return (std::filesystem::temp_directory_path() /
          ("vx-tls-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" + suffix))
      .string();
}

std::string options(const std::string& call_id) {
  return "OPTIONS sip:voxedge@sip.test.example SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-" +
         call_id +
         "\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@sip.test.example>\r\n"
         "Call-ID: " +
         call_id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

struct recorder final : sip::transport_layer::listener {
  void on_message(sip::message&& m, const sip::peer& from) override { messages.emplace_back(std::move(m), from); }
  void on_transport_error(const sip::peer& to) override { errors.push_back(to); }
  std::vector<std::pair<sip::message, sip::peer>> messages;
  std::vector<sip::peer> errors;
};

/// Routes spdlog into a string for the test's lifetime.
class log_capture {
 public:
  log_capture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_st>(out_));
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~log_capture() { spdlog::set_default_logger(previous_); }
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

std::shared_ptr<ssl::context> server_context(const pem_files& cert) {
  config::tls_settings t;
  t.certificate = cert.certificate;
  t.private_key = cert.private_key;
  auto ctx = make_server_tls_context(t, {}, {});
  EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error());
  return ctx.ok() ? *ctx : nullptr;
}

/// A bare TLS server: records each session's handshake result, the SNI it received and
/// what it read.
class raw_tls_server {
 public:
  struct session {
    session(tcp::socket s, ssl::context& ctx) : stream(std::move(s), ctx) {}
    ssl::stream<tcp::socket> stream;
    bool done = false;
    boost::system::error_code ec;
    std::optional<std::string> sni;
    std::string received;
    std::array<char, 4096> buf{};
  };

  raw_tls_server(asio::io_context& io, std::shared_ptr<ssl::context> ctx)
      : acceptor_(io, tcp::endpoint(loopback, 0)), ctx_(std::move(ctx)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::shared_ptr<session>> sessions;

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;
      auto sess = std::make_shared<session>(std::move(s), *ctx_);
      sessions.push_back(sess);
      sess->stream.async_handshake(ssl::stream_base::server, [this, sess](const boost::system::error_code& hec) {
        sess->done = true;
        sess->ec = hec;
        if (hec) return;
        if (const char* n = SSL_get_servername(sess->stream.native_handle(), TLSEXT_NAMETYPE_host_name)) sess->sni = n;
        read(sess);
      });
      accept();
    });
  }
  void read(const std::shared_ptr<session>& sess) {
    sess->stream.async_read_some(asio::buffer(sess->buf),
                                 [this, sess](const boost::system::error_code& ec, std::size_t n) {
                                   if (ec) return;
                                   sess->received.append(sess->buf.data(), n);
                                   read(sess);
                                 });
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<ssl::context> ctx_;
};

class tls_transport_test : public ::testing::Test {
 protected:
  tls_transport_test()
      : pki_(temp_dir("ca1")),
        timers_(io_),
        client_(io_, timers_, client_up_, settings()),
        server_(io_, timers_, server_up_, settings()) {}

  static sip::transport_settings settings() {
    sip::transport_settings s;
    s.connect_timeout = 2s;
    s.keepalive_interval = duration::zero();
    return s;
  }

  pem_files server_cert(const std::vector<std::string>& names = {"sip.test.example"}) {
    return pki_.issue("server-" + std::to_string(++issued_), {names});
  }

  /// A TLS listener on server_ with `cert`; with `require_client` it demands a client
  /// certificate from pki_'s CA.
  std::uint16_t listen(const pem_files& cert, bool require_client = false) {
    config::tls_settings t;
    t.certificate = cert.certificate;
    t.private_key = cert.private_key;
    if (require_client) {
      t.ca_file = pki_.ca_file();
      t.verify_peer = true;
    }
    auto ctx = make_server_tls_context(t, {}, {});
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error());
    auto idx = server_.add_listener({"tls", sip::transport_kind::tls, loopback, 0, ctx.ok() ? *ctx : nullptr});
    EXPECT_TRUE(idx.ok());
    listener_ = idx.ok() ? *idx : -1;
    return server_.local_address(listener_)->port;
  }

  config::trunk_tls trusting(const std::string& ca_file) {
    config::trunk_tls t;
    t.ca_file = ca_file;
    return t;
  }

  void add_identity(const std::string& name, const config::trunk_tls& t, const std::string& host = "sip.test.example") {
    auto id = make_trunk_tls_identity(t, host);
    ASSERT_TRUE(id.ok()) << id.error();
    client_.set_tls_identity(name, std::move(id).value());
  }

  static sip::peer target(std::uint16_t port, const std::string& identity) {
    sip::peer p;
    p.transport = sip::transport_kind::tls;
    p.address = loopback;
    p.port = port;
    p.tls_identity = identity;
    return p;
  }

  const sip::tls_handshake_counters& client_counters(const std::string& identity) {
    return client_.stats().tls_client_handshakes_by_identity.at(identity);
  }
  std::uint64_t client_failed(sip::tls_failure f) const {
    return client_.stats().tls(sip::tls_side::client).failed[static_cast<std::size_t>(f)];
  }
  std::uint64_t server_failed(sip::tls_failure f) const {
    return server_.stats().tls(sip::tls_side::server).failed[static_cast<std::size_t>(f)];
  }

  template <class Pred>
  bool run_until(Pred done, duration limit = 5s) {
    const auto deadline = steady_clock::now() + limit;
    while (!done() && steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    return done();
  }

  /// Sends and waits until the transport reports an error for it.
  void expect_refused(const sip::peer& to) {
    const auto connections = client_.connection_count();
    const auto delivered = server_up_.messages.size();
    client_up_.errors.clear();
    client_.send(options("refused"), to);
    ASSERT_TRUE(run_until([&] { return !client_up_.errors.empty(); }));
    EXPECT_EQ(client_up_.errors.front().port, to.port);
    EXPECT_EQ(client_up_.errors.front().tls_identity, to.tls_identity);
    EXPECT_EQ(client_.connection_count(), connections);
    EXPECT_EQ(server_up_.messages.size(), delivered);
  }

  test_pki pki_;
  int issued_ = 0;
  int listener_ = -1;
  asio::io_context io_;
  asio_timer_service timers_;
  recorder client_up_;
  recorder server_up_;
  sip::transport_layer client_;
  sip::transport_layer server_;
};

TEST_F(tls_transport_test, verified_handshake_sends_sni_and_delivers) {
  raw_tls_server server(io_, server_context(server_cert()));
  add_identity("trunk-a", trusting(pki_.ca_file()));
  client_.send(options("one"), target(server.port(), "trunk-a"));
  ASSERT_TRUE(run_until([&] {
    return !server.sessions.empty() && server.sessions[0]->received.find("Call-ID: one") != std::string::npos;
  }));
  EXPECT_FALSE(server.sessions[0]->ec) << server.sessions[0]->ec.message();
  EXPECT_EQ(server.sessions[0]->sni, "sip.test.example") << "RFC 6066 §3 SNI";
  EXPECT_EQ(client_.stats().tls(sip::tls_side::client).ok, 1u);
  EXPECT_EQ(client_counters("trunk-a").ok, 1u);
  EXPECT_TRUE(client_up_.errors.empty());
}

TEST_F(tls_transport_test, wrong_host_name_is_refused_with_a_clear_log) {
  log_capture log;
  const auto port = listen(server_cert({"other.example"}));
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(port, "trunk-a"));
  EXPECT_EQ(client_failed(sip::tls_failure::hostname_mismatch), 1u);
  EXPECT_EQ(client_counters("trunk-a").failed[static_cast<std::size_t>(sip::tls_failure::hostname_mismatch)], 1u);
  EXPECT_NE(log.text().find("certificate verify failed: hostname mismatch (expected sip.test.example, certificate is "
                            "for other.example)"),
            std::string::npos)
      << log.text();
  EXPECT_NE(log.text().find("identity trunk-a"), std::string::npos) << log.text();
  EXPECT_TRUE(run_until([&] { return server_.stats().tls(sip::tls_side::server).failed_total() == 1; }));
}

TEST_F(tls_transport_test, wildcard_matches_one_whole_label_only) {
  const auto port = listen(server_cert({"*.test.example"}));
  add_identity("good", trusting(pki_.ca_file()), "sip.test.example");
  client_.send(options("wild"), target(port, "good"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 1; }));
  add_identity("deep", trusting(pki_.ca_file()), "a.sip.test.example");
  expect_refused(target(port, "deep"));
  EXPECT_EQ(client_failed(sip::tls_failure::hostname_mismatch), 1u);
}

TEST_F(tls_transport_test, untrusted_ca_is_refused) {
  log_capture log;
  test_pki rogue(temp_dir("rogue"), "rogue CA");
  const auto port = listen(rogue.issue("server", {{"sip.test.example"}}));
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(port, "trunk-a"));
  EXPECT_EQ(client_failed(sip::tls_failure::untrusted_chain), 1u);
  EXPECT_NE(log.text().find("certificate verify failed: unable to get local issuer certificate"), std::string::npos)
      << log.text();
  EXPECT_NE(log.text().find("issued by CN = rogue CA"), std::string::npos) << log.text();
  // Our listener hears the client's alert about its certificate.
  EXPECT_TRUE(run_until([&] { return server_failed(sip::tls_failure::untrusted_chain) == 1; }));
}

TEST_F(tls_transport_test, expired_certificate_is_refused) {
  const auto port = listen(pki_.issue("expired", {{"sip.test.example"}, false, -30, -1}));
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(port, "trunk-a"));
  EXPECT_EQ(client_failed(sip::tls_failure::expired), 1u);
}

TEST_F(tls_transport_test, verification_off_accepts_any_certificate) {
  test_pki rogue(temp_dir("rogue"), "rogue CA");
  const auto port = listen(rogue.issue("server", {{"other.example"}}));
  auto t = trusting(pki_.ca_file());
  t.verify = false;
  add_identity("lab", t);
  client_.send(options("lab"), target(port, "lab"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 1; }));
}

TEST_F(tls_transport_test, ip_literal_is_checked_against_ip_san_and_not_sent_as_sni) {
  raw_tls_server with_ip(io_, server_context(server_cert({"sip.test.example", "127.0.0.1"})));
  add_identity("by-ip", trusting(pki_.ca_file()), "127.0.0.1");
  client_.send(options("ip"), target(with_ip.port(), "by-ip"));
  ASSERT_TRUE(run_until([&] {
    return !with_ip.sessions.empty() && with_ip.sessions[0]->received.find("Call-ID: ip") != std::string::npos;
  }));
  EXPECT_FALSE(with_ip.sessions[0]->sni.has_value()) << "RFC 6066 §3: no IP literal in SNI";

  raw_tls_server without_ip(io_, server_context(server_cert({"sip.test.example"})));
  expect_refused(target(without_ip.port(), "by-ip"));
  EXPECT_EQ(client_failed(sip::tls_failure::hostname_mismatch), 1u);
}

TEST_F(tls_transport_test, tls11_client_is_refused_by_the_listener) {
  const auto port = listen(server_cert());
  ssl::context old(ssl::context::tls_client);
  SSL_CTX_set_security_level(old.native_handle(), 0);  // lets OpenSSL 3 offer TLS 1.1 at all
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_cipher_list(old.native_handle(), "DEFAULT:@SECLEVEL=0");
  old.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket> client(io_, old);
  client.next_layer().connect(tcp::endpoint(loopback, port));
  bool done = false;
  boost::system::error_code ec;
  client.async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& e) {
    done = true;
    ec = e;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(ec) << "TLS 1.1 must not be accepted";
  ASSERT_TRUE(run_until([&] { return server_.stats().tls(sip::tls_side::server).failed_total() == 1; }));
  EXPECT_EQ(server_failed(sip::tls_failure::protocol), 1u);
}

TEST_F(tls_transport_test, client_with_tls13_floor_refuses_a_tls12_server) {
  auto ctx = server_context(server_cert());
  SSL_CTX_set_max_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  raw_tls_server server(io_, ctx);
  auto t = trusting(pki_.ca_file());
  t.min_version = config::tls_version::v1_3;
  add_identity("modern", t);
  expect_refused(target(server.port(), "modern"));
  EXPECT_EQ(client_failed(sip::tls_failure::protocol), 1u);
}

TEST_F(tls_transport_test, mutual_tls_works_with_the_client_certificate_and_fails_without) {
  const auto port = listen(server_cert(), true);
  const auto mine = pki_.issue("client", {{"voxedge.customer.example"}, true});
  auto with_cert = trusting(pki_.ca_file());
  with_cert.certificate = mine.certificate;
  with_cert.private_key = mine.private_key;
  add_identity("mtls", with_cert);
  client_.send(options("mtls"), target(port, "mtls"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 1; }));
  EXPECT_EQ(server_.stats().tls(sip::tls_side::server).ok, 1u);

  add_identity("anonymous", trusting(pki_.ca_file()));
  client_.send(options("anon"), target(port, "anonymous"));
  // TLS 1.3: the client finishes its side of the handshake before the server has judged
  // its (missing) certificate; the rejection arrives as an alert on the first read.
  ASSERT_TRUE(run_until([&] { return !client_up_.errors.empty(); }));
  EXPECT_EQ(client_up_.errors.front().tls_identity, "anonymous");
  EXPECT_TRUE(run_until([&] { return server_failed(sip::tls_failure::other) == 1; }));
  EXPECT_EQ(server_up_.messages.size(), 1u);
}

TEST_F(tls_transport_test, connections_are_reused_per_identity_only) {
  const auto port = listen(server_cert());
  add_identity("trunk-a", trusting(pki_.ca_file()));
  add_identity("trunk-b", trusting(pki_.ca_file()));
  client_.send(options("a1"), target(port, "trunk-a"));
  client_.send(options("a2"), target(port, "trunk-a"));
  client_.send(options("b1"), target(port, "trunk-b"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 3; }));
  EXPECT_EQ(client_.stats().connections_opened, 2u) << "one connection per (address, identity)";
  EXPECT_EQ(server_.connection_count(), 2u);
  std::uint64_t a_conn = 0;
  std::uint64_t b_conn = 0;
  for (const auto& [m, from] : server_up_.messages) (m.call_id == "b1" ? b_conn : a_conn) = from.connection_id;
  EXPECT_NE(a_conn, b_conn);
}

TEST_F(tls_transport_test, connections_are_reused_per_local_address_too) {
  // One identity used from two local addresses (listeners): each address gets its own
  // connection, so the server sees each side's requests from that side's address.
  const auto port = listen(server_cert());
  add_identity("trunk-a", trusting(pki_.ca_file()));
  const auto ctx = server_context(server_cert());
  const auto second_ip = asio::ip::make_address("127.0.0.2");
  const auto first = client_.add_listener({"side-1", sip::transport_kind::tls, loopback, 0, ctx});
  const auto second = client_.add_listener({"side-2", sip::transport_kind::tls, second_ip, 0, ctx});
  ASSERT_TRUE(first.ok() && second.ok());
  auto from = [&](int listener) {
    auto p = target(port, "trunk-a");
    p.listener = listener;
    return p;
  };
  client_.send(options("1a"), from(*first));
  client_.send(options("2a"), from(*second));
  client_.send(options("1b"), from(*first));
  client_.send(options("2b"), from(*second));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 4; }));
  EXPECT_EQ(client_.stats().connections_opened, 2u) << "one connection per (address, identity, local address)";
  EXPECT_EQ(server_.connection_count(), 2u);
  std::map<char, std::set<std::uint64_t>> connections;
  for (const auto& [m, f] : server_up_.messages) {
    EXPECT_EQ(f.address, m.call_id[0] == '1' ? loopback : second_ip) << m.call_id;
    connections[m.call_id[0]].insert(f.connection_id);
  }
  ASSERT_EQ(connections['1'].size(), 1u);
  ASSERT_EQ(connections['2'].size(), 1u);
  EXPECT_NE(*connections['1'].begin(), *connections['2'].begin());
}

TEST_F(tls_transport_test, send_naming_an_unknown_identity_fails) {
  const auto port = listen(server_cert());
  expect_refused(target(port, "nobody"));
  EXPECT_EQ(client_.stats().connections_opened, 0u);
}

TEST_F(tls_transport_test, reload_keeps_established_connections) {
  const auto port = listen(server_cert());
  add_identity("trunk-a", trusting(pki_.ca_file()));
  client_.send(options("before"), target(port, "trunk-a"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 1; }));
  const auto server_side_conn = server_up_.messages[0].second.connection_id;

  // SIGHUP: the listener gets a certificate from another CA, the trunk a fresh context.
  test_pki renewed(temp_dir("renewed"), "renewed CA");
  server_.replace_tls_context(listener_, server_context(renewed.issue("server", {{"sip.test.example"}})));
  add_identity("trunk-a", trusting(pki_.ca_file()));

  client_.send(options("after"), target(port, "trunk-a"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 2; }));
  EXPECT_EQ(server_up_.messages[1].second.connection_id, server_side_conn) << "the established connection carries on";
  EXPECT_EQ(client_.stats().connections_opened, 1u);

  // New connections get the new certificate.
  add_identity("trunk-b", trusting(renewed.ca_file()));
  client_.send(options("new"), target(port, "trunk-b"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 3; }));
  add_identity("trunk-c", trusting(pki_.ca_file()));
  expect_refused(target(port, "trunk-c"));

  // What the connection was checked against changes: it no longer serves new sends.
  auto unverified = trusting(pki_.ca_file());
  unverified.verify = false;
  add_identity("trunk-a", unverified);
  client_.send(options("rechecked"), target(port, "trunk-a"));
  ASSERT_TRUE(run_until([&] { return server_up_.messages.size() == 4; }));
  EXPECT_NE(server_up_.messages[3].second.connection_id, server_side_conn);
}

TEST_F(tls_transport_test, handshake_timeout_is_reported) {
  log_capture log;
  auto s = settings();
  s.connect_timeout = 200ms;
  client_.update_settings(s);
  tcp::acceptor silent(io_, tcp::endpoint(loopback, 0));  // the kernel completes TCP; nobody speaks TLS
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(silent.local_endpoint().port(), "trunk-a"));
  EXPECT_EQ(client_failed(sip::tls_failure::timeout), 1u);
  EXPECT_NE(log.text().find("failed: timeout"), std::string::npos) << log.text();
}

TEST_F(tls_transport_test, connection_refused_is_reported_and_logged) {
  log_capture log;
  std::uint16_t dead_port = 0;
  {
    tcp::acceptor probe(io_, tcp::endpoint(loopback, 0));
    dead_port = probe.local_endpoint().port();
  }
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(dead_port, "trunk-a"));
  EXPECT_EQ(client_.stats().connect_failures, 1u);
  EXPECT_EQ(client_.stats().tls(sip::tls_side::client).failed_total(), 0u) << "no handshake was attempted";
  EXPECT_NE(log.text().find("connection refused"), std::string::npos) << log.text();
}

struct null_tu final : sip::transaction_layer::listener {
  void on_request(sip::server_transaction_handle, sip::message&&, const sip::peer&) override {}
  void on_cancel(sip::server_transaction_handle, const sip::message&, const sip::peer&) override {}
  void on_server_failure(sip::server_transaction_handle, sip::server_failure) override {}
};

TEST_F(tls_transport_test, handshake_counters_are_exported) {
  const auto port = listen(server_cert({"other.example"}));
  add_identity("trunk-a", trusting(pki_.ca_file()));
  expect_refused(target(port, "trunk-a"));
  null_tu tu;
  sip::transaction_layer transactions(timers_, client_, tu);
  metrics_exporter exporter;
  exporter.add_collector([&](metric_families& out) { collect_sip_metrics(client_, transactions, out); });
  const auto text = exporter.render();
  EXPECT_NE(text.find("voxedge_tls_handshakes_total{result=\"failed\",side=\"client\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("voxedge_tls_handshake_failures_total{reason=\"hostname_mismatch\",side=\"client\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("voxedge_tls_client_handshake_failures_total{identity=\"trunk-a\",reason=\"hostname_mismatch\"} 1"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace voxedge::daemon
