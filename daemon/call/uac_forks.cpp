#include "daemon/call/uac_forks.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace voxedge::daemon {

uac_forks::uac_forks(sip::transaction_layer& transactions, sip::dialog_registry& dialogs, std::uint64_t owner,
                     const call_leg& leg, std::string user_agent)
    : transactions_(transactions), dialogs_(dialogs), owner_(owner), leg_(leg), user_agent_(std::move(user_agent)) {}

uac_forks::~uac_forks() {
  for (const auto id : byes_) transactions_.detach(sip::client_transaction_handle{id});
}

void uac_forks::set_invite(const sip::message& invite, const sip::peer& to) {
  current_.invite = invite;
  current_.invite.body.clear();
  current_.to = to;
}

void uac_forks::abandon(std::uint64_t tx) { abandoned_.emplace(tx, current_); }

bool uac_forks::end_abandoned(std::uint64_t tx, const sip::message& response) {
  const auto it = abandoned_.find(tx);
  if (it == abandoned_.end()) return false;
  spdlog::warn("sip[{}]: {} answered after we gave up on it: ACK and BYE", response.call_id,
               it->second.to.to_string());
  end_stray_of(it->second, response);
  return true;
}

sip::dialog* uac_forks::dialog_for(const sip::message& response) {
  if (response.to.tag().empty()) return nullptr;
  if (auto* d = dialogs_.find_for_response(response)) {
    (void)d->on_response(response);
    return d;
  }
  // §12.1.2: each To tag is a dialog of its own.
  auto created = sip::dialog::create_uac(current_.invite, response, current_.to);
  if (!created) {
    spdlog::info("sip[{}]: {} creates no dialog: {}", response.call_id, response.status, to_string(created.error()));
    return nullptr;
  }
  auto added = dialogs_.add(std::move(created).value(), owner_);
  if (!added) {
    // A fork beyond dialog_limits::max_per_owner, or the registry is full.
    spdlog::warn("sip[{}]: dialog not kept: {}", response.call_id, to_string(added.error()));
    return nullptr;
  }
  return *added;
}

void uac_forks::end_stray(const sip::message& response) { end_stray_of(current_, response); }

void uac_forks::end_stray_of(const attempt& from, const sip::message& response) {
  const std::string tag(response.to.tag());
  if (const auto it = strays_.find(tag); it != strays_.end()) {
    transactions_.send_ack(it->second.ack, it->second.to);
    return;
  }
  auto d = sip::dialog::create_uac(from.invite, response, from.to);
  if (!d) return;
  // From where that INVITE left (an abandoned attempt's listener and Via may not be the
  // leg's current ones after failover), with its TLS identity.
  auto to = d->request_target().value_or(from.to);
  if (to.listener < 0) to.listener = from.to.listener >= 0 ? from.to.listener : leg_.local().listener;
  if (to.tls_identity.empty() && to.transport == from.to.transport) to.tls_identity = from.to.tls_identity;
  sip::via via = from.invite.vias.empty() ? leg_.make_via() : from.invite.vias.front();
  via.params.erase("branch");  // each request its own transaction
  // §13.2.2.4: "the UAC core MUST generate an ACK for each 2xx ... If the UAC does not want
  // to continue with that dialog, then the UAC MUST terminate the dialog by sending a BYE".
  stray_ack s{d->make_ack(response.cseq.number), to};
  s.ack.vias.push_back(via);
  transactions_.send_ack(s.ack, s.to);
  strays_.emplace(tag, std::move(s));
  auto bye = d->make_request(sip::method::bye);
  bye.vias.push_back(via);
  bye.add_header("User-Agent", user_agent_);
  if (const auto h = transactions_.send_request(std::move(bye), to, *this)) byes_.insert(h.id);
}

}  // namespace voxedge::daemon
