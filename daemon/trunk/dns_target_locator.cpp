#include "daemon/trunk/dns_target_locator.hpp"

#include <spdlog/spdlog.h>

namespace voxedge::daemon {

void dns_target_locator::locate(const sip::uri& uri, sip::transport_kind transport, callback done) {
  auto shared = std::make_shared<callback>(std::move(done));
  const std::string host = uri.host;
  auto started = locator_.locate(uri, transport, [shared, host](result<dns::location, std::string> r) {
    if (!r) return (*shared)(fail(r.error()), duration::zero());
    for (const auto& note : r->notes) spdlog::info("dns: {}: {}", host, note);
    std::vector<trunk_target> targets;
    targets.reserve(r->targets.size());
    for (const auto& t : r->targets) {
      trunk_target out;
      out.key = {t.transport, t.address, t.port};
      out.host = t.host;
      targets.push_back(std::move(out));
    }
    (*shared)(std::move(targets), std::chrono::seconds(r->ttl));
  });
  if (!started) {
    timers_.schedule(duration::zero(), [shared, why = started.error()] { (*shared)(fail(why), duration::zero()); });
  }
}

}  // namespace voxedge::daemon
