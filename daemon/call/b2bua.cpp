#include "daemon/call/b2bua.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/build_info.hpp"
#include "daemon/call/call_record.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::daemon {

b2bua_settings settings_from(const config::config& cfg) {
  b2bua_settings s;
  s.max_calls = cfg.calls.max_calls;
  s.call.max_duration = std::chrono::seconds(cfg.calls.max_duration_s);
  s.call.media_hangup = std::chrono::seconds(cfg.calls.media_hangup_s);
  s.call.media_timeout = std::chrono::seconds(cfg.calls.media_timeout_s);
  s.call.user_agent = cfg.node.user_agent + "/" + build_info::version;
  s.call.contact_user = cfg.node.name;
  // Each call holds one A dialog and at most max_per_owner B forks.
  s.dialogs.max_dialogs = std::max<std::size_t>(s.dialogs.max_dialogs, cfg.calls.max_calls * 4);
  return s;
}

b2bua::b2bua(timer_service& timers, sip::transaction_layer& transactions, media_control& media,
             const leg_addressing& addressing, cdr_sink sink, b2bua_settings settings)
    : timers_(timers),
      transactions_(transactions),
      media_(media),
      addressing_(addressing),
      sink_(std::move(sink)),
      settings_(std::move(settings)),
      wall_clock_([] { return std::chrono::system_clock::now(); }),
      dialogs_(settings_.dialogs),
      reaper_(timers) {
  media_.set_listener(this);
}

b2bua::~b2bua() {
  media_.set_listener(nullptr);
  // Calls detach their transactions and drop their media sessions as they go.
  calls_.clear();
  graveyard_.clear();
}

void b2bua::set_routing(std::shared_ptr<const router> routes, const source_classifier* classifier) {
  routes_ = std::move(routes);
  classifier_ = classifier;
}

void b2bua::update(const b2bua_settings& settings) {
  settings_ = settings;
  dialogs_.set_limits(settings.dialogs);
}

void b2bua::reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view extra_name,
                  std::string_view extra_value) {
  auto resp = sip::make_response(req, status, {}, transactions_.new_tag());
  resp.add_header("Server", settings_.call.user_agent);
  if (!extra_name.empty()) resp.add_header(extra_name, extra_value);
  transactions_.respond(h, std::move(resp));
}

void b2bua::on_invite(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from) {
  if (calls_.size() >= settings_.max_calls) {
    ++stats_.rejected_capacity;
    spdlog::warn("sip[{}]: INVITE from {} refused: {} calls in progress (calls.max_calls)", req.call_id,
                 from.to_string(), calls_.size());
    reply(h, req, 503, "Retry-After", "5");
    return;
  }
  std::string key = req.call_id + '\n' + std::string(req.from.tag());
  if (by_a_key_.count(key) != 0) {
    // §8.2.2.2: the same request again on another branch (a fork looping back to us).
    ++stats_.rejected_loop;
    reply(h, req, 482);
    return;
  }
  call_origin origin;
  origin.side = addressing_.side_of(from.listener);
  if (classifier_ != nullptr) origin.source = classifier_->classify(from.address, origin.side);
  const auto id = ++next_id_;
  call::context ctx{timers_, transactions_, dialogs_, media_, addressing_, *this, wall_clock_, trunks_};
  auto owned = std::make_unique<call>(id, ctx, settings_.call);
  call* c = owned.get();
  calls_.emplace(id, std::move(owned));
  by_a_key_.emplace(std::move(key), id);
  ++stats_.started;
  // Keeps the router alive for this call's routing even if a reload swaps it meanwhile.
  const auto routes = routes_;
  c->start(h, std::move(req), from, origin, routes.get());
}

bool b2bua::on_in_dialog(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from) {
  sip::dialog* d = dialogs_.find_for_request(req);
  if (d == nullptr) return false;
  const auto owner = dialogs_.owner_of(d->id());
  call* c = owner ? lookup(*owner) : nullptr;
  if (c == nullptr) return false;
  c->on_request(h, std::move(req), from, *d);
  return true;
}

bool b2bua::on_cancel(sip::server_transaction_handle invite, const sip::message& cancel) {
  const sip::message* req = transactions_.original_request(invite);
  if (req == nullptr) return false;
  call* c = nullptr;
  if (req->to.tag().empty()) {
    const auto it = by_a_key_.find(req->call_id + '\n' + std::string(req->from.tag()));
    if (it != by_a_key_.end()) c = lookup(it->second);
  } else if (const sip::dialog* d = dialogs_.find_for_request(*req)) {
    if (const auto owner = dialogs_.owner_of(d->id())) c = lookup(*owner);
  }
  if (c == nullptr) return false;
  c->on_cancel(invite, cancel);
  return true;
}

void b2bua::on_server_failure(sip::server_transaction_handle h, sip::server_failure why) {
  // Only an INVITE of a call that is still being set up matters; the calls know theirs.
  std::vector<std::uint64_t> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, c] : calls_) {
    if (!is_answered(c->state())) ids.push_back(id);
  }
  for (const auto id : ids) {
    if (call* c = lookup(id)) c->on_server_failure(h, why);
  }
}

void b2bua::hang_up_all(std::string_view why) {
  std::vector<std::uint64_t> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, c] : calls_) ids.push_back(id);
  for (const auto id : ids) {
    if (call* c = lookup(id)) c->hang_up(why, 41);
  }
}

call* b2bua::lookup(std::uint64_t id) {
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

const call* b2bua::find(std::uint64_t id) const {
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

call_gauges b2bua::live() const {
  call_gauges g;
  for (const auto& [id, c] : calls_) {
    ++g.active;
    ++g.active_by_direction[static_cast<std::size_t>(c->kind())];
    ++g.active_by_state[static_cast<std::size_t>(c->state())];
  }
  return g;
}

void b2bua::on_call_state(call& c, call_state, call_state to) {
  // Setup time is known once we answer the caller.
  if (to == call_state::connecting || to == call_state::answering) {
    if (const auto t = c.setup_time()) stats_.setup_time.observe(std::chrono::duration<double>(*t).count());
  }
}

void b2bua::on_call_finished(call& c, const cdr_record& record) {
  ++stats_.finished_by_direction[static_cast<std::size_t>(c.kind())];
  ++stats_.finished_by_peer[c.peer_label()][std::string(call_result(record))];
  if (sink_) sink_(record);
  by_a_key_.erase(c.a_key());
  const auto it = calls_.find(c.id());
  if (it == calls_.end()) return;
  // The call is on the stack: it is destroyed once the stack has unwound.
  graveyard_.push_back(std::move(it->second));
  calls_.erase(it);
  reaper_.start(duration::zero(), [this] { graveyard_.clear(); });
}

void b2bua::on_media_timeout(std::uint64_t session, media_leg leg) {
  if (call* c = lookup(session)) c->on_media_timeout(leg);
}

void b2bua::on_media_resumed(std::uint64_t session, media_leg leg) {
  if (call* c = lookup(session)) c->on_media_resumed(leg);
}

void b2bua::on_media_stats(std::uint64_t session, const media_report& report) {
  if (call* c = lookup(session)) c->on_media_stats(report);
}

void b2bua::on_media_closed(std::uint64_t session, const media_report& final_report) {
  if (call* c = lookup(session)) c->on_media_closed(final_report);
}

}  // namespace voxedge::daemon
