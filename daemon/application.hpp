#pragma once
// The daemon: owns the control thread's io_context and everything on it (timers, SIP
// transports and transactions, the UAS core, the HTTP server for /metrics), applies the
// configuration, and handles the signals an operator sends: SIGTERM/SIGINT stop
// gracefully, SIGHUP re-reads the file and swaps it in only if it is valid and applies.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "base/asio_timer_service.hpp"
#include "config/config.hpp"
#include "daemon/call/b2bua.hpp"
#include "daemon/call/leg_addressing.hpp"
#include "daemon/call/relay_media_control.hpp"
#include "daemon/cdr/cdr_writer.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/routing/source_classifier.hpp"
#include "daemon/metrics/loop_lag_monitor.hpp"
#include "daemon/metrics/media_metrics.hpp"
#include "daemon/metrics/metrics_exporter.hpp"
#include "daemon/systemd_notifier.hpp"
#include "daemon/dns/cares_resolver.hpp"
#include "daemon/dns/dns_resolver.hpp"
#include "daemon/dns/name_watcher.hpp"
#include "daemon/dns/server_locator.hpp"
#include "daemon/trunk/dns_target_locator.hpp"
#include "daemon/trunk/trunk_runtime.hpp"
#include "daemon/uas_core.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/transport_layer.hpp"

namespace voxedge::daemon {

class application final : public sip::transport_layer::listener, private dns::name_watcher::listener {
 public:
  /// `config_path` empty = the built-in default configuration.
  explicit application(std::string config_path);
  ~application();

  /// Runs until stopped by a signal; returns the process exit status.
  int run();

 private:
  struct open_listener {
    config::listener spec;
    int index = -1;
  };

  bool start();
  bool start_calls();
  void wait_for_signal();
  void reload();
  void stop();
  void finish_stop();
  void update_addressing(const config::config& cfg);
  result<void, std::string> apply_routing(const config::config& cfg);

  result<void, std::string> apply_listeners(const config::config& next);
  /// The TLS client identity of every TLS trunk (SNI, verification, client certificate),
  /// registered with the transport under the trunk's name; all built before any is swapped.
  using tls_identities = std::vector<std::pair<std::string, sip::tls_identity>>;
  static result<tls_identities, std::string> build_tls_identities(const config::config& next);
  void commit_tls_identities(tls_identities built);
  void apply_runtime_settings(const config::config& next);
  void register_metrics();

  /// DESIGN.md §8 default deny: a new request on a trunk listener from a source no
  /// trunk allows is refused statelessly (403) or dropped, before any transaction exists.
  bool refused_by_acl(const sip::message& m, const sip::peer& from);

  void start_dns();
  // dns::name_watcher::listener: the FQDNs of allow lists
  void on_addresses_changed(const std::string& name, const std::vector<boost::asio::ip::address>& addresses) override;
  void on_resolution_failed(const std::string& name, dns::dns_error error, duration retry_in) override;

  // sip::transport_layer::listener
  void on_message(sip::message&& m, const sip::peer& from) override;
  void on_transport_error(const sip::peer& to) override;

  std::string config_path_;
  config::config config_;
  boost::asio::io_context io_;
  asio_timer_service timers_;
  boost::asio::signal_set signals_;
  systemd_notifier notifier_;
  metrics_exporter metrics_;
  http_server http_;
  std::unique_ptr<sip::transport_layer> transport_;
  std::unique_ptr<uas_core> uas_;
  std::unique_ptr<sip::transaction_layer> transactions_;
  // Calls: declared after the transaction layer so they are destroyed before it.
  std::unique_ptr<relay_media_control> relay_;
  std::unique_ptr<transport_leg_addressing> addressing_;
  std::unique_ptr<cdr_writer> cdr_;
  // DNS (c-ares): RFC 3263 for trunk targets, A/AAAA for allow-list host names.
  std::unique_ptr<dns::dns_resolver> resolver_;
  dns::cares_resolver* cares_ = nullptr;  // resolver_ itself, for reload (set_servers)
  std::unique_ptr<dns::server_locator> locator_;
  std::unique_ptr<dns_target_locator> target_locator_;
  std::unique_ptr<dns::name_watcher> names_;
  std::unique_ptr<source_classifier> classifier_;
  std::unique_ptr<trunk_directory> trunks_;  // before calls_: calls hold its trunks
  std::unique_ptr<b2bua> calls_;
  /// Requests refused by the trunk-side ACL, by listener name and action.
  std::map<std::string, std::map<std::string, std::uint64_t>> acl_rejects_;
  std::vector<open_listener> listeners_;
  std::vector<std::string> tls_identities_;  // trunk names registered with the transport
  std::unique_ptr<loop_lag_monitor> lag_monitor_;
  std::unique_ptr<call_quality_metrics> quality_;
  prometheus::Counter* reloads_ok_ = nullptr;
  prometheus::Counter* reloads_failed_ = nullptr;
  prometheus::Gauge* last_reload_ok_ = nullptr;
  time_point started_at_{};
  bool stopping_ = false;
  scoped_timer drain_timer_{timers_};
  time_point drain_deadline_{};
  int exit_status_ = 0;
};

}  // namespace voxedge::daemon
