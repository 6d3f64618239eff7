#pragma once
// The UAS core (RFC 3261 §8.2) for requests that voxedge itself is the target of and
// that no dialog or call handles yet: the checks every request gets before it can go
// further (§8.2.1–§8.2.3: method, URI scheme, Require, Max-Forwards), OPTIONS answered
// with our capabilities (§11.2), and requests for dialogs we do not have (§12.2.2).
// With a B2BUA attached, INVITEs, requests inside dialogs (and the ACKs for our 2xx) and
// CANCELs go to it once they pass those checks; the registrar will plug in here too.
#include <string>

#include "config/config.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/transport_layer.hpp"

namespace voxedge::daemon {

class b2bua;

/// Counters for the metrics endpoint, by what the core answered.
struct uas_stats {
  std::uint64_t options_answered = 0;
  std::uint64_t rejected_method = 0;     // 405 / 501
  std::uint64_t rejected_no_dialog = 0;  // 481
  std::uint64_t rejected_loop = 0;       // 483
  std::uint64_t rejected_other = 0;      // 416, 420
  std::uint64_t acks_ignored = 0;        // ACKs for no transaction we know
};

class uas_core final : public sip::transaction_layer::listener {
 public:
  explicit uas_core(const config::config& cfg);

  void attach(sip::transaction_layer& transactions);
  /// Hands calls to `calls` (null: INVITE is answered 405 as before). Must outlive this.
  void attach_calls(b2bua* calls) noexcept { calls_ = calls; }
  void update(const config::config& cfg);

  /// The methods voxedge accepts, for Allow headers.
  static std::string allow_header();

  const uas_stats& stats() const noexcept { return stats_; }

  // sip::transaction_layer::listener
  void on_request(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from) override;
  void on_cancel(sip::server_transaction_handle invite, const sip::message& cancel, const sip::peer& from) override;
  void on_server_failure(sip::server_transaction_handle h, sip::server_failure why) override;

 private:
  void reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view reason = {},
             bool with_allow = false);

  std::string allow() const;
  std::string unsupported_extensions(const sip::message& req) const;

  std::string server_header_;
  sip::transaction_layer* transactions_ = nullptr;
  b2bua* calls_ = nullptr;
  uas_stats stats_;
};

}  // namespace voxedge::daemon
