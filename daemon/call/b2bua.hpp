#pragma once
// The call manager: the TU for everything about calls. uas_core hands it new INVITEs,
// requests inside dialogs (and the ACKs for our 2xx), CANCELs and server transaction
// failures; it classifies the source, owns the calls by id, matches in-dialog requests
// through one dialog registry (481 when none, RFC 3261 §12.2.2, answered by uas_core),
// dispatches media events, enforces the call limit, keeps the counters and hands every
// finished call's record to the CDR sink. Finished calls are destroyed on a later turn
// of the timer service, never from inside their own callbacks.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/timer_service.hpp"
#include "config/config.hpp"
#include "daemon/call/call.hpp"
#include "daemon/call/call_stats.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/call/media_control.hpp"
#include "daemon/cdr/cdr_record.hpp"
#include "daemon/routing/router.hpp"
#include "daemon/routing/source_classifier.hpp"
#include "sip/dialog/dialog_registry.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace voxedge::daemon {

struct b2bua_settings {
  std::size_t max_calls = 10000;  // more concurrent calls are refused with 503
  call_options call;
  sip::dialog_limits dialogs;
};

/// From config: calls.* and node.user_agent (the relay gets calls.media_timeout_s as its
/// rtp_timeout; the B2BUA only counts calls.media_hangup_s from the disruption).
b2bua_settings settings_from(const config::config& cfg);

class b2bua final : private call::listener, private media_control::listener {
 public:
  /// Receives each finished call's record (e.g. cdr_writer::write). Control thread.
  using cdr_sink = std::function<void(const cdr_record&)>;
  using wall_clock = std::function<std::chrono::system_clock::time_point()>;

  /// Every reference must outlive the b2bua. Registers itself as `media`'s listener.
  b2bua(timer_service& timers, sip::transaction_layer& transactions, media_control& media,
        const leg_addressing& addressing, cdr_sink sink, b2bua_settings settings);
  ~b2bua();
  b2bua(const b2bua&) = delete;
  b2bua& operator=(const b2bua&) = delete;

  /// Routing for new calls (calls in progress keep what they chose). `classifier` must
  /// outlive the b2bua or the next set_routing call. Both may be null: every call is
  /// then refused (403 / 404).
  void set_routing(std::shared_ptr<const router> routes, const source_classifier* classifier);
  /// The trunks' run-time state (targets, health, credentials) for calls routed to a
  /// trunk; must outlive the b2bua. Null: trunk URIs are used as configured (IP literals).
  void set_trunks(trunk_directory* trunks) noexcept { trunks_ = trunks; }
  /// New settings for new calls (reload).
  void update(const b2bua_settings& settings);
  void set_wall_clock(wall_clock clock) { wall_clock_ = std::move(clock); }

  // --- from uas_core -------------------------------------------------------------------
  /// An INVITE without To tag that passed the UAS checks (§8.2).
  void on_invite(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from);
  /// A request with a To tag, or an ACK without transaction (null handle). False when no
  /// dialog of ours matches: uas_core answers 481 (or ignores the ACK).
  bool on_in_dialog(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from);
  /// CANCEL matched `invite` (the layer has answered it 200). False when no call has it.
  bool on_cancel(sip::server_transaction_handle invite, const sip::message& cancel);
  void on_server_failure(sip::server_transaction_handle h, sip::server_failure why);

  /// Shutdown: every call is ended (BYE, CANCEL, or 503 to a pending INVITE).
  void hang_up_all(std::string_view why);

  std::size_t size() const noexcept { return calls_.size(); }
  const call_stats& stats() const noexcept { return stats_; }
  call_gauges live() const;
  const call* find(std::uint64_t id) const;
  const sip::dialog_registry& dialogs() const noexcept { return dialogs_; }

 private:
  // call::listener
  void on_call_state(call& c, call_state from, call_state to) override;
  void on_call_finished(call& c, const cdr_record& record) override;
  // media_control::listener
  void on_media_timeout(std::uint64_t session, media_leg leg) override;
  void on_media_resumed(std::uint64_t session, media_leg leg) override;
  void on_media_stats(std::uint64_t session, const media_report& report) override;
  void on_media_closed(std::uint64_t session, const media_report& final_report) override;

  call* lookup(std::uint64_t id);
  void reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view extra_name = {},
             std::string_view extra_value = {});

  timer_service& timers_;
  sip::transaction_layer& transactions_;
  media_control& media_;
  const leg_addressing& addressing_;
  cdr_sink sink_;
  b2bua_settings settings_;
  wall_clock wall_clock_;
  std::shared_ptr<const router> routes_;
  const source_classifier* classifier_ = nullptr;
  trunk_directory* trunks_ = nullptr;
  sip::dialog_registry dialogs_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::unique_ptr<call>> calls_;
  std::unordered_map<std::string, std::uint64_t> by_a_key_;  // A's Call-ID + From tag
  std::vector<std::unique_ptr<call>> graveyard_;
  scoped_timer reaper_;
  call_stats stats_;
};

}  // namespace voxedge::daemon
