#include "daemon/call/leg_addressing.hpp"

#include "daemon/transport_kind.hpp"

#include <algorithm>

#include "sip/transport/transport_layer.hpp"

namespace voxedge::daemon {

namespace {

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

}  // namespace

transport_leg_addressing::transport_leg_addressing(const sip::transport_layer& transport) : transport_(transport) {}

void transport_leg_addressing::update(std::vector<binding> bindings, std::string advertised_address) {
  bindings_ = std::move(bindings);
  advertised_ = std::move(advertised_address);
}

std::optional<local_address> transport_leg_addressing::of_listener(int listener) const {
  const auto local = transport_.local_address(listener);
  if (!local) return std::nullopt;
  local_address out;
  out.listener = listener;
  out.transport = local->transport;
  out.port = local->port;
  // A wildcard bind (0.0.0.0, ::) has no address to advertise: node.advertised_address
  // must say it, and when set it always wins (NAT, DESIGN.md §1).
  out.host = advertised_.empty() ? local->address.to_string() : advertised_;
  return out;
}

std::optional<local_address> transport_leg_addressing::for_target(const sip::peer& to, config::listener_side side,
                                                                  const std::string& source_ip) const {
  if (to.listener >= 0) return of_listener(to.listener);
  const bool v6 = to.address.is_v6();
  const binding* best = nullptr;
  int best_score = -1;
  for (const auto& b : bindings_) {
    if (to_transport_kind(b.spec.transport) != to.transport) continue;
    if (is_v6(b.spec.address) != v6) continue;
    const int score = (b.spec.side == side ? 2 : 0) + (!source_ip.empty() && b.spec.address == source_ip ? 1 : 0);
    if (score > best_score) {
      best = &b;
      best_score = score;
    }
  }
  if (best != nullptr) return of_listener(best->index);
  if (auto idx = transport_.find_listener(to.transport, v6)) return of_listener(*idx);
  return std::nullopt;
}

config::listener_side transport_leg_addressing::side_of(int listener) const {
  const auto it =
      std::find_if(bindings_.begin(), bindings_.end(), [&](const binding& b) { return b.index == listener; });
  return it == bindings_.end() ? config::listener_side::inside : it->spec.side;
}

}  // namespace voxedge::daemon
