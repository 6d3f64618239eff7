#pragma once
// Every dialog of the daemon, found by its id (RFC 3261 §12): incoming in-dialog requests
// and responses are matched here; a request that matches nothing gets 481 from the TU
// (§12.2.2). The registry owns the dialogs; each belongs to an owner (the call, by id).
//
// An INVITE we sent has no dialog until a response brings a To tag (§12.1.2), and forking
// may bring several. A pending entry (Call-ID, local tag) -> owner stands for it meanwhile,
// so a response with a new To tag finds the call that must create the new early dialog.
//
// Bounded (DESIGN.md §8): a total limit, and a per-owner limit that caps the forks one
// INVITE can multiply into. Pending entries count towards both.
//
// Single-threaded (control thread); no callbacks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "sip/dialog/dialog.hpp"

namespace voxedge::sip {

struct dialog_limits {
  std::size_t max_dialogs = 50000;  // dialogs plus pending entries, all owners
  std::size_t max_per_owner = 16;   // dialogs plus pending entries of one owner (forks)
};

class dialog_registry {
 public:
  using owner_id = std::uint64_t;
  using limits = dialog_limits;

  enum class refusal : std::uint8_t {
    duplicate,   // that id (or pending key) is registered already
    full,        // max_dialogs reached
    owner_full,  // max_per_owner reached
  };

  explicit dialog_registry(limits l = {});
  dialog_registry(const dialog_registry&) = delete;
  dialog_registry& operator=(const dialog_registry&) = delete;

  /// Takes `d`. The pointer stays valid until the dialog is removed (remove() of its id or
  /// remove_owner() of its owner), whatever else is added or removed meanwhile.
  result<dialog*, refusal> add(dialog d, owner_id owner);
  /// §12.1.2: we sent an INVITE with From tag `local_tag` and await To tags.
  result<void, refusal> add_pending(std::string_view call_id, std::string_view local_tag, owner_id owner);
  /// The final response arrived (or the INVITE failed): no more dialogs will come.
  bool remove_pending(std::string_view call_id, std::string_view local_tag);
  std::optional<owner_id> find_pending(std::string_view call_id, std::string_view local_tag) const;

  dialog* find(const dialog_id& id) noexcept;
  const dialog* find(const dialog_id& id) const noexcept;
  std::optional<owner_id> owner_of(const dialog_id& id) const noexcept;
  /// §12.2.2: the dialog of an incoming request (To tag = local, From tag = remote), or
  /// nullptr: answer 481 (the TU's job). A request without To tag never matches.
  dialog* find_for_request(const message& request);
  /// The dialog of a response to our request (From tag = local, To tag = remote), or
  /// nullptr: a new fork (find_pending) or a stray.
  dialog* find_for_response(const message& response);

  bool remove(const dialog_id& id);
  /// Removes every dialog and pending entry of `owner`; returns how many.
  std::size_t remove_owner(owner_id owner);
  /// The dialogs of `owner`, in no particular order.
  std::vector<dialog*> dialogs_of(owner_id owner);

  std::size_t size() const noexcept { return dialogs_.size(); }
  std::size_t pending_size() const noexcept { return pending_.size(); }
  std::size_t count_of(owner_id owner) const noexcept;
  const limits& configured_limits() const noexcept { return limits_; }
  /// Applies new limits to what is added next; nothing registered is dropped.
  void set_limits(limits l) noexcept { limits_ = l; }

 private:
  struct entry {
    std::unique_ptr<dialog> d;  // heap: stable address across rehashes
    owner_id owner = 0;
  };

  // What one owner holds, so that removing a call costs its own size, not the registry's.
  struct owned {
    std::vector<dialog_id> dialogs;
    std::vector<dialog_id> pending;
    std::size_t size() const noexcept { return dialogs.size() + pending.size(); }
  };

  result<void, refusal> admit(owner_id owner) const;
  static void forget(std::vector<dialog_id>& ids, const dialog_id& id);
  void drop_owner_if_empty(owner_id owner);

  limits limits_;
  std::unordered_map<dialog_id, entry, dialog_id_hash> dialogs_;
  // Keyed by dialog_id with an empty remote tag: (Call-ID, local tag).
  std::unordered_map<dialog_id, owner_id, dialog_id_hash> pending_;
  std::unordered_map<owner_id, owned> per_owner_;
};

std::string_view to_string(dialog_registry::refusal r) noexcept;

}  // namespace voxedge::sip
