#pragma once
// target_locator over dns::server_locator (RFC 3263 through c-ares): what the trunks use
// in the daemon. Results are handed over on a later turn of the loop, as target_locator
// promises, also when the locator refuses a URI at once.
#include <memory>

#include "base/timer_service.hpp"
#include "daemon/dns/server_locator.hpp"
#include "daemon/trunk/trunk_runtime.hpp"

namespace voxedge::daemon {

class dns_target_locator final : public target_locator {
 public:
  dns_target_locator(dns::server_locator& locator, timer_service& timers) : locator_(locator), timers_(timers) {}

  void locate(const sip::uri& uri, sip::transport_kind transport, callback done) override;

 private:
  dns::server_locator& locator_;
  timer_service& timers_;
};

}  // namespace voxedge::daemon
