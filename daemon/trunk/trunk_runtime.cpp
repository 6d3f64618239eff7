#include "daemon/trunk/trunk_runtime.hpp"

#include <algorithm>
#include <fstream>

#include <spdlog/spdlog.h>

#include "base/random.hpp"
#include "base/text.hpp"
#include "daemon/transport_kind.hpp"
#include "daemon/trunk/provider_hints.hpp"
#include "sip/dialog/peer_from_uri.hpp"
#include "sip/message/auth_header.hpp"

namespace voxedge::daemon {

namespace {

duration clamp_ttl(duration ttl, const trunk_environment& env) {
  return std::clamp(ttl, env.ttl_floor, std::max(env.ttl_floor, env.ttl_ceiling));
}

// Same destination and the same way of getting there: the targets stay valid.
bool same_outbound(const config::trunk& a, const config::trunk& b) {
  return a.outbound.uri == b.outbound.uri && a.outbound.transport == b.outbound.transport &&
         a.bind_address == b.bind_address && a.tls == b.tls;
}

}  // namespace

// --- OPTIONS pings (one per target) ----------------------------------------------------------

class trunk_runtime::pinger final : private sip::transaction_layer::client_listener {
 public:
  pinger(trunk_runtime& owner, target_key key)
      : owner_(owner), key_(std::move(key)), interval_timer_(owner.env_.timers), answer_timer_(owner.env_.timers) {}
  ~pinger() { abandon(); }
  pinger(const pinger&) = delete;
  pinger& operator=(const pinger&) = delete;

  const target_key& key() const noexcept { return key_; }

  void start(duration first_after) {
    interval_timer_.start(first_after, [this] { ping(); });
  }

 private:
  void ping() {
    const auto& cfg = owner_.cfg_;
    interval_timer_.start(std::chrono::seconds(cfg.options_interval_s), [this] { ping(); });
    if (tx_) return;  // the previous one is still out (cannot happen with timeout < interval)
    sip::peer to{key_.transport, key_.address, key_.port, 0, -1};
    const auto local = owner_.env_.addressing.for_target(to, config::listener_side::trunk, cfg.bind_address);
    if (!local) {
      fail("no " + std::string(sip::to_string(key_.transport)) + " listener to send from");
      return;
    }
    to.listener = local->listener;
    if (key_.transport == sip::transport_kind::tls) to.tls_identity = cfg.name;
    sip::message m;
    m.is_request = true;
    m.method_name = "OPTIONS";
    m.method_id = sip::method::options;
    m.request_uri = owner_.uri_.value_or(sip::uri{});
    m.request_uri.user.clear();
    m.request_uri.headers = sip::param_list{};
    sip::via v;
    v.transport = std::string(sip::via_transport_token(local->transport));
    v.host = local->host;
    v.port = local->port;
    v.params.set("rport");
    m.vias.push_back(std::move(v));
    m.max_forwards = 70;
    m.from.address.scheme = m.request_uri.scheme;
    m.from.address.user = "voxedge";
    m.from.address.host = local->host;
    m.from.set_tag(owner_.env_.transactions.new_tag());
    m.to.address = m.request_uri;
    m.to.address.params = sip::param_list{};
    m.call_id = random_token(24);
    m.cseq = sip::cseq{++cseq_, "OPTIONS", sip::method::options};
    m.add_header("Accept", "application/sdp");
    m.add_header("User-Agent", owner_.env_.user_agent);
    ++owner_.counters_.options_sent;
    sent_at_ = owner_.env_.timers.now();
    tx_ = owner_.env_.transactions.send_request(std::move(m), to, *this);
    if (!tx_) {
      fail("the OPTIONS could not be sent");
      return;
    }
    answer_timer_.start(std::chrono::milliseconds(cfg.options_timeout_ms), [this] {
      abandon();
      fail("no answer to OPTIONS within " + std::to_string(owner_.cfg_.options_timeout_ms) + " ms");
    });
  }

  void abandon() {
    answer_timer_.cancel();
    if (tx_) owner_.env_.transactions.detach(tx_);
    tx_ = {};
  }

  void fail(const std::string& why) {
    ++owner_.counters_.options_failed;
    owner_.note_change(key_, owner_.targets_.record_failure(key_, why, owner_.env_.timers.now()), why);
  }

  void on_provisional(sip::client_transaction_handle, sip::message&&) override {}
  void on_final(sip::client_transaction_handle h, sip::message&& response) override {
    if (h != tx_) return;
    abandon();
    const auto rtt = owner_.env_.timers.now() - sent_at_;
    // Any answer proves the target alive, except 503: it is refusing work (§21.5.4).
    if (response.status == 503) {
      fail("OPTIONS answered 503 " + response.reason);
      return;
    }
    owner_.note_change(key_, owner_.targets_.record_success(key_, rtt), {});
  }
  void on_timeout(sip::client_transaction_handle h) override {
    if (h != tx_) return;
    abandon();
    fail("OPTIONS timed out");
  }
  void on_transport_error(sip::client_transaction_handle h) override {
    if (h != tx_) return;
    abandon();
    fail("OPTIONS could not be delivered (" + unreachable_hint(false) + ")");
  }

  trunk_runtime& owner_;
  target_key key_;
  scoped_timer interval_timer_;
  scoped_timer answer_timer_;
  sip::client_transaction_handle tx_{};
  time_point sent_at_{};
  std::uint32_t cseq_ = 0;
};

// --- trunk_runtime ----------------------------------------------------------------------------

trunk_runtime::trunk_runtime(trunk_environment& env, config::trunk cfg, std::string password)
    : env_(env),
      cfg_(std::move(cfg)),
      password_(std::move(password)),
      targets_(cfg_.down_after),
      locate_timer_(env.timers) {
  if (auto u = sip::parse_uri(cfg_.outbound.uri)) uri_ = std::move(u).value();
  transport_ = to_transport_kind(cfg_.outbound.transport);
}

trunk_runtime::~trunk_runtime() { stop(); }

void trunk_runtime::start() {
  stopped_ = false;
  if (!located_) locate();
  sync_pingers();
}

void trunk_runtime::stop() {
  stopped_ = true;
  locate_timer_.cancel();
  pingers_.clear();
}

void trunk_runtime::adopt(const trunk_runtime& previous) {
  targets_ = previous.targets_;
  targets_.set_down_after(cfg_.down_after);
  located_ = previous.located_;
  locate_problem_ = previous.locate_problem_;
  counters_ = previous.counters_;
  if (located_) schedule_locate(previous.located_ ? env_.ttl_floor : duration::zero());
}

std::vector<trunk_target> trunk_runtime::candidates() const {
  // Without pings only a call can find out that a dead target is back.
  const duration retry = cfg_.options_interval_s == 0 ? retry_down_without_pings : duration::zero();
  return targets_.candidates(env_.timers.now(), retry);
}

std::string trunk_runtime::why_unavailable() const {
  if (!uri_) return "outbound URI " + cfg_.outbound.uri + " does not parse";
  if (!located_) {
    return locate_problem_.empty() ? "targets of " + cfg_.outbound.uri + " not located yet" : locate_problem_;
  }
  if (targets_.empty()) return "no targets for " + cfg_.outbound.uri;
  std::string out = "all " + std::to_string(targets_.targets().size()) + " target(s) down or backing off";
  for (const auto& t : targets_.targets()) {
    out += "; " + t.key.to_string() + ": " + (t.up ? std::string("Retry-After") : t.last_problem);
  }
  return out;
}

void trunk_runtime::report_answered(const target_key& k) { note_change(k, targets_.record_success(k), {}); }

void trunk_runtime::report_unreachable(const target_key& k, std::string_view why) {
  note_change(k, targets_.record_failure(k, why, env_.timers.now()), why);
}

void trunk_runtime::report_retry_after(const target_key& k, duration d) {
  targets_.hold_until(k, env_.timers.now() + d);
  spdlog::warn("trunk {}: {} asked us to retry after {} s", cfg_.name, k.to_string(),
               std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

std::optional<std::pair<std::string, std::string>> trunk_runtime::authorize(const sip::message& challenge_response,
                                                                            const sip::message& request) {
  if (!cfg_.credentials) return std::nullopt;
  const bool proxy = challenge_response.status == 407;
  std::vector<sip::auth_header> challenges;
  for (const auto& h : challenge_response.headers) {
    if (!text::iequals(h.name, proxy ? "Proxy-Authenticate" : "WWW-Authenticate")) continue;
    if (auto parsed = sip::parse_auth_header(h.value)) challenges.push_back(std::move(parsed).value());
  }
  const auto chosen = sip::choose_digest_challenge(challenges);
  if (!chosen) return std::nullopt;
  const std::string ruri = request.request_uri.to_string();
  auto creds = digest_.authorize(challenges[*chosen], cfg_.credentials->username, password_,
                                 sip::digest_request{request.method_name, ruri, std::nullopt});
  if (!creds) return std::nullopt;
  ++counters_.auth_challenges;
  return std::make_pair(std::string(proxy ? "Proxy-Authorization" : "Authorization"), creds->to_string());
}

void trunk_runtime::locate() {
  if (stopped_) return;
  if (!uri_) {
    located_ = false;
    locate_problem_ = "outbound URI " + cfg_.outbound.uri + " does not parse";
    return;
  }
  // An IP literal needs no DNS (RFC 3263 §4.2): the URI's port, else the transport's.
  if (auto p = sip::peer_from_uri(*uri_)) {
    trunk_target t;
    t.key = {transport_, p->address, uri_->port ? p->port : sip::default_port(transport_)};
    t.host = uri_->host;
    on_located(std::vector<trunk_target>{t}, duration::max());
    return;
  }
  if (env_.locator == nullptr) {
    on_located(fail("cannot locate " + uri_->host + ": no DNS resolver"), env_.ttl_floor);
    return;
  }
  std::weak_ptr<trunk_runtime> self = weak_from_this();
  env_.locator->locate(*uri_, transport_, [self](target_locator::located r, duration ttl) {
    if (auto t = self.lock()) t->on_located(std::move(r), ttl);
  });
}

void trunk_runtime::on_located(target_locator::located r, duration ttl) {
  if (stopped_) return;
  if (!r) {
    ++counters_.locate_failed;
    locate_problem_ = "cannot locate " + cfg_.outbound.uri + ": " + r.error();
    if (located_) {
      spdlog::warn("trunk {}: {}; keeping the last good targets", cfg_.name, locate_problem_);
    } else {
      spdlog::error("trunk {}: {}", cfg_.name, locate_problem_);
    }
    schedule_locate(env_.ttl_floor);
    return;
  }
  ++counters_.locate_ok;
  locate_problem_.clear();
  const bool first = !located_;
  located_ = true;
  if (targets_.replace(std::move(r).value()) || first) {
    std::string list;
    for (const auto& t : targets_.targets()) list += (list.empty() ? "" : ", ") + t.key.to_string();
    spdlog::info("trunk {}: targets {}", cfg_.name, list.empty() ? std::string("(none)") : list);
  }
  sync_pingers();
  if (ttl != duration::max()) schedule_locate(clamp_ttl(ttl, env_));
}

void trunk_runtime::schedule_locate(duration after) {
  if (stopped_) return;
  locate_timer_.start(after, [this] { locate(); });
}

void trunk_runtime::sync_pingers() {
  if (stopped_ || cfg_.options_interval_s == 0) {
    pingers_.clear();
    return;
  }
  std::vector<std::unique_ptr<pinger>> next;
  for (const auto& t : targets_.targets()) {
    auto it = std::find_if(pingers_.begin(), pingers_.end(), [&](const auto& p) { return p && p->key() == t.key; });
    if (it != pingers_.end()) {
      next.push_back(std::move(*it));
      continue;
    }
    next.push_back(std::make_unique<pinger>(*this, t.key));
    // The first ping goes out soon, so a dead target is known before the first call.
    next.back()->start(std::chrono::milliseconds(100 * next.size()));
  }
  pingers_ = std::move(next);
}

void trunk_runtime::note_change(const target_key& k, target_set::change c, std::string_view why) {
  switch (c) {
    case target_set::change::none: return;
    case target_set::change::went_down:
      ++counters_.targets_went_down;
      spdlog::warn("trunk {}: target {} is DOWN ({}); {} of {} target(s) up", cfg_.name, k.to_string(), why,
                   targets_.up_count(), targets_.targets().size());
      return;
    case target_set::change::went_up:
      ++counters_.targets_went_up;
      spdlog::info("trunk {}: target {} is UP again; {} of {} target(s) up", cfg_.name, k.to_string(),
                   targets_.up_count(), targets_.targets().size());
      return;
  }
}

// --- trunk_directory --------------------------------------------------------------------------

result<std::string, std::string> read_password_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot read password file " + path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return fail("password file " + path + " is empty");
  return line;
}

trunk_directory::trunk_directory(trunk_environment env) : env_(std::move(env)) {}

trunk_directory::~trunk_directory() { stop(); }

result<trunk_directory::trunk_map, std::string> trunk_directory::prepare(const config::config& cfg) {
  trunk_map next;
  for (const auto& t : cfg.trunks) {
    std::string password;
    if (t.credentials) {
      auto p = read_password_file(t.credentials->password_file);
      if (!p) return fail("trunk " + t.name + ": " + p.error());
      password = std::move(p).value();
    }
    next[t.name] = std::make_shared<trunk_runtime>(env_, t, std::move(password));
  }
  return next;
}

result<void, std::string> trunk_directory::apply(const config::config& cfg) {
  auto next = prepare(cfg);
  if (!next) return fail(next.error());
  commit(std::move(next).value());
  return {};
}

void trunk_directory::commit(trunk_map next) {
  for (auto& [name, t] : next) {
    const auto old = trunks_.find(name);
    if (old != trunks_.end() && same_outbound(old->second->config(), t->config())) t->adopt(*old->second);
  }
  for (auto& [name, t] : trunks_) t->stop();
  trunks_ = std::move(next);
  for (auto& [name, t] : trunks_) t->start();
}

std::shared_ptr<trunk_runtime> trunk_directory::find(std::string_view name) const {
  const auto it = trunks_.find(std::string(name));
  return it == trunks_.end() ? nullptr : it->second;
}

void trunk_directory::stop() {
  for (auto& [name, t] : trunks_) t->stop();
}

}  // namespace voxedge::daemon
