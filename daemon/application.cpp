#include "daemon/application.hpp"

#include <algorithm>
#include <csignal>

#include <boost/asio/ip/address.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>

#include "base/build_info.hpp"
#include "config/loader.hpp"
#include "daemon/call/call_metrics.hpp"
#include "daemon/config_check.hpp"
#include "daemon/dns/cares_resolver.hpp"
#include "daemon/routing/router.hpp"
#include "daemon/logging.hpp"
#include "daemon/metrics/sip_metrics.hpp"
#include "daemon/tls/client_tls_context.hpp"
#include "daemon/tls/server_tls_context.hpp"
#include "daemon/transport_kind.hpp"
#include "daemon/trunk/trunk_metrics.hpp"

namespace voxedge::daemon {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

sip::transport_settings transport_settings_from(const config::config& c) {
  sip::transport_settings s;
  s.limits.max_message_bytes = c.sip.max_message_bytes;
  s.limits.max_headers = c.sip.max_headers;
  s.tcp_idle_timeout = std::chrono::seconds(c.sip.tcp.idle_timeout_s);
  s.connect_timeout = std::chrono::milliseconds(c.sip.tcp.connect_timeout_ms);
  s.max_connections = c.sip.tcp.max_connections;
  s.max_connections_per_ip = c.sip.tcp.max_connections_per_ip;
  s.udp_receive_buffer_bytes = static_cast<int>(c.sip.udp_receive_buffer_bytes);
  return s;
}

sip::timer_config timer_config_from(const config::config& c) {
  sip::timer_config t;
  t.t1 = std::chrono::milliseconds(c.sip.t1_ms);
  t.t2 = std::chrono::milliseconds(c.sip.t2_ms);
  t.t4 = std::chrono::milliseconds(c.sip.t4_ms);
  return t;
}

// The names a generated certificate is valid for: the listener's address, the
// advertised address, and localhost.
std::vector<std::string> certificate_names(const config::config& c, const config::listener& l) {
  std::vector<std::string> names{c.node.name};
  for (const auto& n : {c.node.advertised_address, l.address, std::string("localhost")}) {
    if (!n.empty() && n != "0.0.0.0" && n != "::" && std::find(names.begin(), names.end(), n) == names.end()) {
      names.push_back(n);
    }
  }
  return names;
}

// Same socket: a reload keeps it open (and its connections) even if other settings change.
bool same_endpoint(const config::listener& a, const config::listener& b) {
  return a.transport == b.transport && a.address == b.address && a.port == b.port;
}

}  // namespace

application::application(std::string config_path)
    : config_path_(std::move(config_path)),
      timers_(io_),
      signals_(io_),
      notifier_(timers_),
      http_(io_) {}

application::~application() = default;

int application::run() {
  setup_logging(config::log_level::info, config::log_format::text);
  if (config_path_.empty()) {
    config_ = config::default_config();
  } else {
    auto loaded = load_and_verify(config_path_);
    if (!loaded) {
      for (const auto& p : loaded.error()) spdlog::critical("config: {}", p);
      spdlog::critical("not starting: {} has {} problem(s)", config_path_, loaded.error().size());
      return 1;
    }
    config_ = std::move(loaded).value();
  }
  apply_logging(config_.logging.level, config_.logging.format);
  if (!start()) {
    stop();
    io_.run();
    return 1;
  }
  io_.run();
  spdlog::info("stopped");
  return exit_status_;
}

bool application::start() {
  started_at_ = timers_.now();
  spdlog::info("voxedge {} ({}) starting with {}", build_info::version, build_info::revision,
               config_path_.empty() ? std::string("the built-in default configuration") : config_path_);

  transport_ = std::make_unique<sip::transport_layer>(io_, timers_, *this, transport_settings_from(config_));
  uas_ = std::make_unique<uas_core>(config_);
  transactions_ = std::make_unique<sip::transaction_layer>(timers_, *transport_, *uas_, timer_config_from(config_));
  uas_->attach(*transactions_);

  if (auto r = apply_listeners(config_); !r) {
    spdlog::critical("cannot open listener: {}", r.error());
    return false;
  }
  // TLS towards inside endpoints (no identity of their own): encrypted, not verified, as
  // PBXs mostly carry self-signed certificates. Trunks verify (their own identities).
  config::trunk_tls inside;
  inside.verify = false;
  if (auto ctx = make_client_tls_context(inside); ctx) {
    transport_->set_client_tls_context(std::move(ctx).value());
  } else {
    spdlog::critical("tls: cannot build the client context: {}", ctx.error());
    return false;
  }
  if (auto ids = build_tls_identities(config_); ids) {
    commit_tls_identities(std::move(ids).value());
  } else {
    spdlog::critical("{}", ids.error());
    return false;
  }
  if (!start_calls()) return false;
  register_metrics();
  if (config_.metrics.enabled) {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(config_.metrics.address, ec);
    auto r = http_.listen(addr, config_.metrics.port);
    if (!r) {
      spdlog::critical("cannot open metrics endpoint: {}", r.error());
      return false;
    }
    spdlog::info("metrics on http://{}:{}/metrics", config_.metrics.address, http_.local_endpoint().port());
  }

  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  wait_for_signal();

  notifier_.ready();
  notifier_.status("running: " + std::to_string(listeners_.size()) + " SIP listeners");
  notifier_.start_watchdog();
  return true;
}

namespace {

// Where the relay binds RTP: media.address, else the first listener's address (on an
// unconfigured daemon, loopback like everything else).
std::string media_bind_address(const config::config& c) {
  if (!c.media.address.empty()) return c.media.address;
  for (const auto& l : c.listeners) {
    if (l.address != "0.0.0.0" && l.address != "::") return l.address;
  }
  return c.listeners.empty() ? std::string("127.0.0.1") : c.listeners.front().address;
}

}  // namespace

bool application::start_calls() {
  media::relay_config rc;
  boost::system::error_code ec;
  rc.bind_address = asio::ip::make_address(media_bind_address(config_), ec);
  if (ec) {
    spdlog::critical("media: bad bind address {}", media_bind_address(config_));
    return false;
  }
  rc.port_min = config_.media.port_min;
  rc.port_max = config_.media.port_max;
  rc.workers = config_.media.workers;
  rc.rtp_timeout = std::chrono::seconds(config_.calls.media_timeout_s);
  rc.rtp_hold_timeout = duration::zero();
  rc.rtcp_cname = config_.node.name;
  relay_ = std::make_unique<relay_media_control>(io_, rc, config_.node.advertised_address);
  if (auto r = relay_->start(); !r) {
    spdlog::critical("media: cannot start the relay: {}", r.error());
    return false;
  }
  addressing_ = std::make_unique<transport_leg_addressing>(*transport_);
  update_addressing(config_);
  start_dns();
  trunks_ = std::make_unique<trunk_directory>(trunk_environment{
      timers_, *transactions_, *addressing_, target_locator_.get(), config_.node.user_agent,
      std::chrono::seconds(config_.dns.ttl_floor_s), std::chrono::seconds(config_.dns.ttl_ceiling_s)});
  if (auto r = trunks_->apply(config_); !r) {
    spdlog::critical("trunks: {}", r.error());
    return false;
  }
  cdr_ = std::make_unique<cdr_writer>(config_.calls.cdr_file);
  calls_ = std::make_unique<b2bua>(
      timers_, *transactions_, *relay_, *addressing_,
      [this](const cdr_record& r) {
        cdr_->write(r);
        if (quality_) quality_->observe(r);
      },
      settings_from(config_));
  if (auto r = apply_routing(config_); !r) {
    spdlog::critical("routing: {}", r.error());
    return false;
  }
  calls_->set_trunks(trunks_.get());
  uas_->attach_calls(calls_.get());
  spdlog::info("media: relaying on {} ports {}-{}", media_bind_address(config_), rc.port_min, rc.port_max);
  return true;
}

void application::start_dns() {
  auto resolver = dns::cares_resolver::create(io_, config_.dns);
  if (!resolver) {
    // Not fatal: IP-literal trunks and CIDR allow lists work without DNS; host names
    // are refused with a log line that says why.
    spdlog::error("dns: resolver unavailable, host names will not resolve: {}", resolver.error());
    return;
  }
  cares_ = resolver->get();
  resolver_ = std::move(resolver).value();
  locator_ = std::make_unique<dns::server_locator>(*resolver_);
  target_locator_ = std::make_unique<dns_target_locator>(*locator_, timers_);
  dns::name_watcher::listener& self = *this;
  names_ = std::make_unique<dns::name_watcher>(*resolver_, timers_, config_.dns, self);
  std::string servers;
  for (const auto& server : config_.dns.servers) servers += (servers.empty() ? "" : ", ") + server;
  spdlog::info("dns: asking {}", servers.empty() ? std::string("the servers in /etc/resolv.conf") : servers);
}

void application::on_addresses_changed(const std::string& name, const std::vector<boost::asio::ip::address>& addresses) {
  std::string list;
  for (const auto& a : addresses) list += (list.empty() ? "" : ", ") + a.to_string();
  spdlog::info("dns: allow-list name {} now resolves to {}", name, list.empty() ? std::string("nothing") : list);
  if (classifier_) classifier_->set_resolved(name, addresses);
}

void application::on_resolution_failed(const std::string& name, dns::dns_error error, duration retry_in) {
  spdlog::warn("dns: cannot resolve allow-list name {} ({}); keeping its last addresses, retrying in {} s", name,
               dns::to_string(error), std::chrono::duration_cast<std::chrono::seconds>(retry_in).count());
}

void application::update_addressing(const config::config& cfg) {
  std::vector<transport_leg_addressing::binding> bindings;
  bindings.reserve(listeners_.size());
  for (const auto& l : listeners_) bindings.push_back({l.index, l.spec});
  addressing_->update(std::move(bindings), cfg.node.advertised_address);
}

result<void, std::string> application::apply_routing(const config::config& cfg) {
  auto built = router::build(cfg);
  if (!built) return fail(built.error());
  auto classifier = std::make_unique<source_classifier>(cfg);
  // FQDN allow-list entries keep the addresses they resolved to until re-resolved.
  if (classifier_) classifier->adopt_resolved(*classifier_);
  calls_->set_routing(std::make_shared<const router>(std::move(built).value()), classifier.get());
  classifier_ = std::move(classifier);  // the old one is dropped only after the swap
  if (names_) names_->watch(classifier_->names());
  return {};
}

result<application::tls_identities, std::string> application::build_tls_identities(const config::config& next) {
  tls_identities built;
  for (const auto& t : next.trunks) {
    if (t.outbound.transport != config::sip_transport::tls) continue;
    const auto uri = sip::parse_uri(t.outbound.uri);
    auto id = make_trunk_tls_identity(t.tls, uri ? uri->host : std::string());
    if (!id) return fail("trunk " + t.name + ": tls: " + id.error());
    built.emplace_back(t.name, std::move(id).value());
  }
  return built;
}

void application::commit_tls_identities(tls_identities built) {
  std::vector<std::string> names;
  for (auto& [name, id] : built) {
    spdlog::info("tls: trunk {} connects as a client to \"{}\"{}", name, id.server_name,
                 id.verify ? "" : " WITHOUT certificate verification");
    transport_->set_tls_identity(name, std::move(id));
    names.push_back(name);
  }
  for (const auto& old : tls_identities_) {
    if (std::find(names.begin(), names.end(), old) == names.end()) transport_->remove_tls_identity(old);
  }
  tls_identities_ = std::move(names);
}

result<void, std::string> application::apply_listeners(const config::config& next) {
  std::vector<open_listener> result_set;
  std::vector<int> opened;
  std::vector<bool> kept(listeners_.size(), false);
  const auto state_dir = state_directory(next);

  auto rollback = [&](std::string why) -> result<void, std::string> {
    for (int idx : opened) transport_->remove_listener(idx);
    return fail(std::move(why));
  };

  for (const auto& l : next.listeners) {
    std::shared_ptr<asio::ssl::context> tls;
    if (l.tls) {
      // Built on every reload, so SIGHUP also picks up renewed certificate files.
      auto ctx = make_server_tls_context(*l.tls, state_dir, certificate_names(next, l));
      if (!ctx) return rollback("listener " + l.name + ": " + ctx.error());
      tls = std::move(ctx).value();
    }
    auto existing = std::find_if(listeners_.begin(), listeners_.end(),
                                 [&](const open_listener& o) { return same_endpoint(o.spec, l); });
    if (existing != listeners_.end() && !kept[static_cast<std::size_t>(existing - listeners_.begin())]) {
      kept[static_cast<std::size_t>(existing - listeners_.begin())] = true;
      if (tls) transport_->replace_tls_context(existing->index, tls);
      result_set.push_back({l, existing->index});
      continue;
    }
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(l.address, ec);
    if (ec) return rollback("listener " + l.name + ": bad address " + l.address);
    sip::listener_spec spec{l.name, to_transport_kind(l.transport), addr, l.port, tls};
    auto idx = transport_->add_listener(spec);
    if (!idx) return rollback("listener " + l.name + ": " + idx.error());
    opened.push_back(*idx);
    result_set.push_back({l, *idx});
  }
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    if (!kept[i]) {
      transport_->remove_listener(listeners_[i].index);
      spdlog::info("sip: closed listener {}", listeners_[i].spec.name);
    }
  }
  for (int idx : opened) {
    const auto local = transport_->local_address(idx);
    if (local) spdlog::info("sip: listening on {}", local->to_string());
  }
  listeners_ = std::move(result_set);
  return {};
}

void application::apply_runtime_settings(const config::config& next) {
  apply_logging(next.logging.level, next.logging.format);
  if (names_) names_->set_settings(next.dns);
  if (next.dns.servers != config_.dns.servers && cares_ != nullptr) {
    if (next.dns.servers.empty()) {
      spdlog::warn("reload: dns.servers emptied; the servers in use stay until the next restart reads /etc/resolv.conf");
    } else if (auto r = cares_->set_servers(next.dns.servers); !r) {
      spdlog::error("reload: {}; the servers in use stay", r.error());
    } else {
      std::string list;
      for (const auto& s : next.dns.servers) list += (list.empty() ? "" : ", ") + s;
      spdlog::info("reload: dns: asking {} from now on{}", list,
                   cares_->servers_pending() ? " (once the lookups under way finish)" : "");
    }
  }
  if (next.dns.timeout_ms != config_.dns.timeout_ms || next.dns.tries != config_.dns.tries) {
    spdlog::warn("reload: dns.timeout_ms and dns.tries take effect at the next restart");
  }
  transport_->update_settings(transport_settings_from(next));
  uas_->update(next);
  update_addressing(next);
  relay_->set_advertised_address(next.node.advertised_address);
  calls_->update(settings_from(next));
  if (auto r = apply_routing(next); !r) spdlog::error("reload: routing not changed: {}", r.error());
  if (next.calls.cdr_file != config_.calls.cdr_file) {
    cdr_ = std::make_unique<cdr_writer>(next.calls.cdr_file);
  } else if (auto r = cdr_->reopen(); !r) {
    spdlog::error("cdr: cannot reopen {}: {}", next.calls.cdr_file, r.error());
  }
  if (next.metrics != config_.metrics) {
    http_.stop();
    if (next.metrics.enabled) {
      boost::system::error_code ec;
      const auto addr = asio::ip::make_address(next.metrics.address, ec);
      if (auto r = http_.listen(addr, next.metrics.port); !r) {
        spdlog::error("metrics endpoint not moved: {}", r.error());
      }
    }
  }
}

void application::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      reload();
      wait_for_signal();
      return;
    }
    spdlog::info("received {}, stopping", signo == SIGINT ? "SIGINT" : "SIGTERM");
    stop();
  });
}

void application::reload() {
  notifier_.reloading();
  if (config_path_.empty()) {
    spdlog::info("reload: running on the built-in default configuration; nothing to re-read");
    if (cdr_) (void)cdr_->reopen();
    if (reloads_ok_ != nullptr) reloads_ok_->Increment();
    notifier_.ready();
    return;
  }
  spdlog::info("reload: reading {}", config_path_);
  auto loaded = load_and_verify(config_path_);
  std::optional<std::string> failure;
  if (!loaded) {
    for (const auto& p : loaded.error()) spdlog::error("reload: {}", p);
    failure = std::to_string(loaded.error().size()) + " problem(s) in " + config_path_;
  } else {
    // Everything that can fail is built first; the running state changes only after the
    // last fallible step (listeners roll themselves back), so a rejected file leaves
    // nothing half-applied.
    auto ids = build_tls_identities(*loaded);
    auto trunks = ids ? trunks_->prepare(*loaded) : fail(std::string());
    if (!ids) {
      failure = ids.error();
    } else if (!trunks) {
      failure = trunks.error();
    } else if (auto r = apply_listeners(*loaded); !r) {
      failure = r.error();
    } else {
      auto& env = trunks_->environment();
      env.user_agent = loaded->node.user_agent;
      env.ttl_floor = std::chrono::seconds(loaded->dns.ttl_floor_s);
      env.ttl_ceiling = std::chrono::seconds(loaded->dns.ttl_ceiling_s);
      commit_tls_identities(std::move(ids).value());
      trunks_->commit(std::move(trunks).value());
    }
  }
  if (failure) {
    spdlog::error("reload failed, keeping the running configuration: {}", *failure);
    if (reloads_failed_ != nullptr) reloads_failed_->Increment();
    if (last_reload_ok_ != nullptr) last_reload_ok_->Set(0);
  } else {
    apply_runtime_settings(*loaded);
    config_ = std::move(loaded).value();
    spdlog::info("reload: configuration applied");
    if (reloads_ok_ != nullptr) reloads_ok_->Increment();
    if (last_reload_ok_ != nullptr) last_reload_ok_->Set(1);
  }
  notifier_.ready();
}

void application::stop() {
  if (stopping_) return;
  stopping_ = true;
  notifier_.stopping();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  http_.stop();
  // Calls end with BYE/CANCEL/503 first; the loop keeps running (bounded) until their
  // transactions are done or the deadline passes.
  if (calls_ && calls_->size() > 0) {
    spdlog::info("stopping: ending {} call(s)", calls_->size());
    calls_->hang_up_all("daemon shutting down");
    drain_deadline_ = timers_.now() + std::chrono::seconds(5);
    drain_timer_.start(std::chrono::milliseconds(50), [this] { finish_stop(); });
    return;
  }
  finish_stop();
}

void application::finish_stop() {
  if (calls_ && calls_->size() > 0 && timers_.now() < drain_deadline_) {
    drain_timer_.start(std::chrono::milliseconds(50), [this] { finish_stop(); });
    return;
  }
  if (uas_) uas_->attach_calls(nullptr);
  if (trunks_) trunks_->stop();
  // DNS lookups in flight would re-arm timers and keep the loop alive.
  names_.reset();
  if (trunks_) trunks_->environment().locator = nullptr;
  target_locator_.reset();
  locator_.reset();
  cares_ = nullptr;
  resolver_.reset();
  if (relay_) relay_->stop();
  if (transport_) transport_->shutdown();
  // Pending timers (transactions, watchdog, lag monitor) are dropped: once the sockets
  // are closed the loop runs out of work and run() returns.
  timers_.clear();
}

bool application::refused_by_acl(const sip::message& m, const sip::peer& from) {
  // Responses match our own transactions. Every request is screened, in-dialog ones too:
  // a BYE or re-INVITE from an address no trunk owns is not the provider's.
  if (!m.is_request) return false;
  if (!classifier_ || !addressing_ || addressing_->side_of(from.listener) != config::listener_side::trunk) return false;
  if (classifier_->classify(from.address, config::listener_side::trunk).type != call_source::kind::unknown) {
    return false;
  }
  // One unknown source belongs to no trunk, so no single trunk's setting decides: any
  // trunk asking for silence gets it (a scanner learns nothing from a 403 either).
  const bool drop = std::any_of(config_.trunks.begin(), config_.trunks.end(), [](const config::trunk& t) {
    return t.inbound.reject == config::reject_mode::drop;
  });
  std::string where = "unknown";
  for (const auto& l : listeners_) {
    if (l.index == from.listener) where = l.spec.name;
  }
  const auto n = ++acl_rejects_[where][drop ? "drop" : "respond"];
  // Logged for the first few, then sparsely: a scan must not flood the log.
  if (n <= 10 || n % 1000 == 0) {
    spdlog::warn("acl: {} {} from {} on listener {}: source not in any trunk's inbound.allow; {} ({} so far)",
                 m.method_name, m.request_uri.to_string(), from.to_string(), where,
                 drop ? "dropped" : "refused with 403", n);
  }
  // An ACK is never answered (RFC 3261 §17.2.1).
  if (!drop && m.method_id != sip::method::ack) transport_->respond_stateless(m, from, 403, "Forbidden");
  return true;
}

void application::on_message(sip::message&& m, const sip::peer& from) {
  if (refused_by_acl(m, from)) return;
  transactions_->on_message(std::move(m), from);
}

void application::on_transport_error(const sip::peer& to) { transactions_->on_transport_error(to); }

void application::register_metrics() {
  auto& reg = metrics_.registry();
  prometheus::BuildGauge()
      .Name("voxedge_build_info")
      .Help("Build information; the value is always 1")
      .Register(reg)
      .Add({{"version", build_info::version}, {"revision", build_info::revision}, {"compiler", build_info::compiler}})
      .Set(1);
  auto& reloads = prometheus::BuildCounter()
                      .Name("voxedge_config_reloads_total")
                      .Help("Configuration reloads (SIGHUP) by result")
                      .Register(reg);
  reloads_ok_ = &reloads.Add({{"result", "success"}});
  reloads_failed_ = &reloads.Add({{"result", "failure"}});
  last_reload_ok_ = &prometheus::BuildGauge()
                         .Name("voxedge_config_last_reload_successful")
                         .Help("1 if the last reload was applied (or none was attempted), 0 if it was rejected")
                         .Register(reg)
                         .Add({});
  last_reload_ok_->Set(1);
  auto& lag = prometheus::BuildHistogram()
                  .Name("voxedge_event_loop_lag_seconds")
                  .Help("How late the control thread ran a periodic timer")
                  .Register(reg)
                  .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                   0.25, 0.5, 1.0});
  lag_monitor_ = std::make_unique<loop_lag_monitor>(timers_, lag);
  quality_ = std::make_unique<call_quality_metrics>(reg);
  lag_monitor_->start();

  metrics_.add_collector([this](metric_families& out) {
    const auto up = std::chrono::duration<double>(timers_.now() - started_at_).count();
    add_sample(add_family(out, "voxedge_uptime_seconds", "Seconds since the daemon started",
                          prometheus::MetricType::Gauge),
               {}, up);
    collect_sip_metrics(*transport_, *transactions_, out);
    if (calls_) collect_call_metrics(*calls_, out);
    if (relay_) collect_relay_metrics(relay_->engine(), out);
    if (trunks_) collect_trunk_metrics(*trunks_, out);
    if (names_) {
      auto& dns = add_family(out, "voxedge_dns_resolutions_total",
                             "Lookups of allow-list host names by result (ok, empty = NXDOMAIN/NODATA, failed)",
                             prometheus::MetricType::Counter);
      const auto& c = names_->counters();
      add_sample(dns, {{"purpose", "allow_list"}, {"result", "ok"}}, static_cast<double>(c.ok));
      add_sample(dns, {{"purpose", "allow_list"}, {"result", "empty"}}, static_cast<double>(c.empty));
      add_sample(dns, {{"purpose", "allow_list"}, {"result", "failed"}}, static_cast<double>(c.failed));
    }
    auto& acl = add_family(out, "voxedge_sip_acl_rejects_total",
                           "New requests on trunk listeners from sources no trunk allows, by action",
                           prometheus::MetricType::Counter);
    for (const auto& [where, by_action] : acl_rejects_) {
      for (const auto& [action, n] : by_action) {
        add_sample(acl, {{"listener", where}, {"action", action}}, static_cast<double>(n));
      }
    }
  });

  http_.route("/metrics", [this](const http_request& req) {
    return http_server::text(req, 200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http_.route("/healthz", [this](const http_request& req) {
    return http_server::text(req, stopping_ ? 503 : 200, stopping_ ? "stopping\n" : "ok\n");
  });
}

}  // namespace voxedge::daemon
