#include "sip/dialog/dialog_registry.hpp"

#include <algorithm>
#include <utility>

namespace voxedge::sip {

namespace {

dialog_id pending_key(std::string_view call_id, std::string_view local_tag) {
  return dialog_id{std::string(call_id), std::string(local_tag), {}};
}

}  // namespace

std::string_view to_string(dialog_registry::refusal r) noexcept {
  switch (r) {
    case dialog_registry::refusal::duplicate: return "duplicate";
    case dialog_registry::refusal::full: return "full";
    case dialog_registry::refusal::owner_full: return "owner_full";
  }
  return "full";
}

dialog_registry::dialog_registry(limits l) : limits_(l) {}

result<void, dialog_registry::refusal> dialog_registry::admit(owner_id owner) const {
  if (dialogs_.size() + pending_.size() >= limits_.max_dialogs) return fail(refusal::full);
  if (count_of(owner) >= limits_.max_per_owner) return fail(refusal::owner_full);
  return {};
}

void dialog_registry::forget(std::vector<dialog_id>& ids, const dialog_id& id) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  if (it != ids.end()) ids.erase(it);
}

void dialog_registry::drop_owner_if_empty(owner_id owner) {
  const auto it = per_owner_.find(owner);
  if (it != per_owner_.end() && it->second.size() == 0) per_owner_.erase(it);
}

std::size_t dialog_registry::count_of(owner_id owner) const noexcept {
  const auto it = per_owner_.find(owner);
  return it == per_owner_.end() ? 0 : it->second.size();
}

result<dialog*, dialog_registry::refusal> dialog_registry::add(dialog d, owner_id owner) {
  if (dialogs_.contains(d.id())) return fail(refusal::duplicate);
  if (auto ok = admit(owner); !ok) return fail(ok.error());
  per_owner_[owner].dialogs.push_back(d.id());
  auto id = d.id();
  const auto it = dialogs_.emplace(std::move(id), entry{std::make_unique<dialog>(std::move(d)), owner}).first;
  return it->second.d.get();
}

result<void, dialog_registry::refusal> dialog_registry::add_pending(std::string_view call_id,
                                                                    std::string_view local_tag, owner_id owner) {
  auto key = pending_key(call_id, local_tag);
  if (pending_.contains(key)) return fail(refusal::duplicate);
  if (auto ok = admit(owner); !ok) return ok;
  per_owner_[owner].pending.push_back(key);
  pending_.emplace(std::move(key), owner);
  return {};
}

bool dialog_registry::remove_pending(std::string_view call_id, std::string_view local_tag) {
  const auto it = pending_.find(pending_key(call_id, local_tag));
  if (it == pending_.end()) return false;
  const owner_id owner = it->second;
  if (auto o = per_owner_.find(owner); o != per_owner_.end()) forget(o->second.pending, it->first);
  pending_.erase(it);
  drop_owner_if_empty(owner);
  return true;
}

std::optional<dialog_registry::owner_id> dialog_registry::find_pending(std::string_view call_id,
                                                                       std::string_view local_tag) const {
  const auto it = pending_.find(pending_key(call_id, local_tag));
  if (it == pending_.end()) return std::nullopt;
  return it->second;
}

dialog* dialog_registry::find(const dialog_id& id) noexcept {
  const auto it = dialogs_.find(id);
  return it == dialogs_.end() ? nullptr : it->second.d.get();
}

const dialog* dialog_registry::find(const dialog_id& id) const noexcept {
  const auto it = dialogs_.find(id);
  return it == dialogs_.end() ? nullptr : it->second.d.get();
}

std::optional<dialog_registry::owner_id> dialog_registry::owner_of(const dialog_id& id) const noexcept {
  const auto it = dialogs_.find(id);
  if (it == dialogs_.end()) return std::nullopt;
  return it->second.owner;
}

dialog* dialog_registry::find_for_request(const message& request) {
  // §12.2: a request without a To tag is outside any dialog, whatever its Call-ID.
  if (request.to.tag().empty()) return nullptr;
  return find(request_dialog_id(request));
}

dialog* dialog_registry::find_for_response(const message& response) {
  if (response.to.tag().empty()) return nullptr;
  return find(response_dialog_id(response));
}

bool dialog_registry::remove(const dialog_id& id) {
  const auto it = dialogs_.find(id);
  if (it == dialogs_.end()) return false;
  const owner_id owner = it->second.owner;
  if (auto o = per_owner_.find(owner); o != per_owner_.end()) forget(o->second.dialogs, id);
  dialogs_.erase(it);
  drop_owner_if_empty(owner);
  return true;
}

std::size_t dialog_registry::remove_owner(owner_id owner) {
  const auto o = per_owner_.find(owner);
  if (o == per_owner_.end()) return 0;
  const std::size_t n = o->second.size();
  for (const auto& id : o->second.dialogs) dialogs_.erase(id);
  for (const auto& key : o->second.pending) pending_.erase(key);
  per_owner_.erase(o);
  return n;
}

std::vector<dialog*> dialog_registry::dialogs_of(owner_id owner) {
  std::vector<dialog*> out;
  const auto o = per_owner_.find(owner);
  if (o == per_owner_.end()) return out;
  for (const auto& id : o->second.dialogs) {
    if (auto* d = find(id)) out.push_back(d);
  }
  return out;
}

}  // namespace voxedge::sip
