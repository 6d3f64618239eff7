#pragma once
// RFC 4028 session timer negotiation for one dialog: what our requests ask for (§7.1,
// §7.4), what a 2xx (§7.2) or a 422 (§7.3) to them means, and how we answer the
// requests of the other side (§9). The result is a negotiated_session, which a
// session_timer then runs (§10).
//
// One object per dialog, because the dialog plays both roles over its life: the UAC of
// the refreshes it sends and the UAS of the ones it receives. The roles in the header
// fields ("refresher=uac") are those of the refresh transaction, not of the dialog;
// negotiated_session turns them into "do we refresh".
//
// Plain state, no timers, no callbacks.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/dialog/session_expires.hpp"
#include "sip/message/message.hpp"

namespace voxedge::sip {

struct session_timer_config {
  /// Turns the extension off: we neither advertise nor ask for nor grant a session
  /// timer (and behave as a UA that does not know RFC 4028).
  bool enabled = true;
  /// The session interval we ask for and the largest we grant (§4 recommends 1800 s).
  std::uint32_t interval = 1800;
  /// The smallest interval we accept; raised to 90 if configured lower (§4, §5).
  std::uint32_t min_se = session_expires_floor;
  /// When the choice is ours (our initial request; a request whose UAC supports the
  /// extension but names no refresher), whether we refresh or let the peer do it.
  bool prefer_to_refresh = false;
};

/// The outcome of a negotiation, from our point of view.
struct negotiated_session {
  std::chrono::seconds interval{0};
  bool we_refresh = false;

  friend bool operator==(const negotiated_session&, const negotiated_session&) = default;
};

/// How we answer a request that asked about session timers (§9).
struct session_timer_answer {
  /// 0: accept (put `header` in the 2xx, if any); 422 (with Min-SE: `min_se`, §6); 400
  /// for a malformed Session-Expires or Min-SE (`reason` is the phrase).
  int reject_status = 0;
  std::string_view reason;
  std::uint32_t min_se = 0;
  /// The Session-Expires of our 2xx, always with a refresher (§9). nullopt: no session
  /// timer for this session.
  std::optional<session_expires> header;
  /// §9: Require: timer in the 2xx when the UAC supports the extension.
  bool require_timer = false;
  /// What runs once the 2xx is sent.
  std::optional<negotiated_session> session;
};

class session_negotiation {
 public:
  /// §7.3 tolerates any Min-SE in a 422; we refuse to chase one above a day.
  static constexpr std::uint32_t max_min_se = 86400;

  explicit session_negotiation(session_timer_config config = {});

  // --- as the UAC of an INVITE or UPDATE (initial request or refresh) --------------------
  /// §7.1/§7.4: adds Supported: timer, Session-Expires (the current interval once one is
  /// negotiated, with the refresher staying where it is; else the configured interval,
  /// raised by any 422) and Min-SE (our minimum, or the largest a 422 taught us, §7.3).
  /// Remembers what it asked for, for on_2xx().
  void add_to_request(message& request);
  /// §7.2: a 2xx to the request last decorated. A Session-Expires in it decides (a
  /// missing refresher means we refresh; an interval under 90 s is raised to 90 so a
  /// peer cannot make us refresh at will). Without one (or with a malformed one): if we
  /// asked, the UAS does not support the extension and we refresh with what we asked;
  /// else there is no session expiration. Records and returns the outcome.
  std::optional<negotiated_session> on_2xx(const message& response);
  /// §7.3: a 422 to the request last decorated. Raises our Min-SE and interval to the
  /// 422's Min-SE and returns true: decorate the request again and resend it. False (give
  /// up, the call fails) when the 422 has no usable Min-SE, asks no more than we already
  /// did, or asks more than max_min_se.
  bool on_422(const message& response);

  // --- as the UAS ----------------------------------------------------------------------
  /// §9: how to answer an INVITE or UPDATE (initial or refresh). Pure: nothing changes
  /// until accept().
  session_timer_answer on_request(const message& request) const;
  /// Adds the answer to our 2xx (Session-Expires, Require: timer, Supported: timer) and
  /// records its session as the current one. Returns it. A rejecting answer changes
  /// nothing (a refused refresh leaves the running session as it was).
  std::optional<negotiated_session> accept(const session_timer_answer& answer, message& response_2xx);
  /// §6: the Min-SE of a 422 built from `answer`.
  static void add_to_422(const session_timer_answer& answer, message& response_422);

  /// The session agreed last (by either role), or nullopt when none runs.
  const std::optional<negotiated_session>& current() const noexcept { return current_; }
  const session_timer_config& config() const noexcept { return config_; }

 private:
  std::uint32_t min_se() const noexcept;

  session_timer_config config_;
  std::uint32_t learned_min_se_ = 0;    // the largest Min-SE a 422 sent us (§7.3)
  std::optional<std::uint32_t> asked_;  // Session-Expires of our last request
  std::optional<negotiated_session> current_;
};

}  // namespace voxedge::sip
