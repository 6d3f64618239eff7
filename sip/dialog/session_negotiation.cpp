#include "sip/dialog/session_negotiation.hpp"

#include <algorithm>
#include <string>

namespace voxedge::sip {

namespace {

std::chrono::seconds secs(std::uint32_t s) { return std::chrono::seconds(s); }

}  // namespace

session_negotiation::session_negotiation(session_timer_config config) : config_(config) {
  // §4/§5: nothing below 90 s; and we never ask for less than we would accept.
  config_.min_se = std::max(config_.min_se, session_expires_floor);
  config_.interval = std::max(config_.interval, config_.min_se);
}

std::uint32_t session_negotiation::min_se() const noexcept { return std::max(config_.min_se, learned_min_se_); }

// --- UAC ---------------------------------------------------------------------------------

void session_negotiation::add_to_request(message& request) {
  asked_.reset();
  if (!config_.enabled) return;
  // §7.1: "A UAC that supports the session timer extension defined here MUST include a
  // Supported header field in each request (except ACK), listing the option tag 'timer'".
  add_option_tag(request, "Supported", "timer");
  session_expires se;
  if (current_) {
    // §7.4: a refresh carries the current session interval, and the refresher stays put:
    // "uac" when we (the UAC of this refresh) refresh, "uas" when the peer does.
    se.seconds = std::max(static_cast<std::uint32_t>(current_->interval.count()), min_se());
    se.refresher = current_->we_refresh ? refresher::uac : refresher::uas;
  } else {
    // §7.1: an initial request asks for an interval no smaller than any Min-SE we know
    // (§7.3), and may leave the refresher to the UAS.
    se.seconds = std::max(config_.interval, min_se());
    if (config_.prefer_to_refresh) se.refresher = refresher::uac;
  }
  request.set_header("Session-Expires", to_string(se));
  // §7.3/§7.4: once a 422 taught us a Min-SE, every later request carries it; carrying
  // our own floor from the start keeps a UAS or proxy from lowering the interval below it.
  request.set_header("Min-SE", std::to_string(min_se()));
  asked_ = se.seconds;
}

std::optional<negotiated_session> session_negotiation::on_2xx(const message& response) {
  const auto asked = asked_;
  asked_.reset();
  if (!config_.enabled) {
    current_.reset();
    return current_;
  }
  session_expires se;
  if (find_session_expires(response, se) == header_presence::present) {
    // §7.2: "The UAC MUST set the identity of the refresher to the value of this
    // parameter." It "will always be present" with Require: timer; when a peer leaves it
    // out anyway, taking the job is the reading that cannot leave the session unrefreshed.
    // An interval under §4's floor is raised so the peer cannot make us refresh at will.
    current_ = negotiated_session{secs(std::max(se.seconds, session_expires_floor)), se.refresher != refresher::uas};
  } else if (asked) {
    // §7.2: the UAS does not support the extension and no proxy asked for a timer; "if the
    // UAC still wishes to use the session timer (they are purely for its benefit alone),
    // it has to perform them ... as if the Session-Expires header field were in the 2xx
    // response, and its value was the same as the one in the most recent Session-Expires
    // header field in the request. The refresher parameter would be 'uac'."
    current_ = negotiated_session{secs(*asked), true};
  } else {
    // §7.2: "If the 2xx response did not contain a Session-Expires header field, there is
    // no session expiration."
    current_.reset();
  }
  return current_;
}

bool session_negotiation::on_422(const message& response) {
  const auto asked = asked_.value_or(0);
  asked_.reset();
  std::uint32_t their_min = 0;
  if (find_min_se(response, their_min) != header_presence::present) return false;
  // A 422 that does not ask for more than we sent would have us loop; one asking for more
  // than a day is not a session timer we want to keep.
  if (their_min <= asked || their_min > max_min_se) return false;
  // §7.3: the UAC "MAY retry the request with a Session-Expires whose value is at least
  // the Min-SE value in the 422 ... and MUST include a Min-SE header field with the value
  // from the 422" (the largest seen, should several arrive).
  learned_min_se_ = std::max(learned_min_se_, their_min);
  return true;
}

// --- UAS ---------------------------------------------------------------------------------

session_timer_answer session_negotiation::on_request(const message& request) const {
  session_timer_answer answer;
  if (!config_.enabled) return answer;
  const bool supported = supports_timer(request);
  session_expires asked;
  std::uint32_t their_min = 0;
  const auto se_presence = find_session_expires(request, asked);
  const auto min_presence = find_min_se(request, their_min);
  if (se_presence == header_presence::malformed) {
    answer.reject_status = 400;
    answer.reason = "Bad Session-Expires";
    return answer;
  }
  if (min_presence == header_presence::malformed) {
    answer.reject_status = 400;
    answer.reason = "Bad Min-SE";
    return answer;
  }
  // The interval may not go below our own minimum nor the request's Min-SE (§9).
  const std::uint32_t lower = std::max(config_.min_se, their_min);

  std::uint32_t seconds = 0;
  std::optional<refresher> who;
  if (se_presence == header_presence::present) {
    if (asked.seconds < config_.min_se) {
      // §9: "If an incoming request contains a Supported header field with a value 'timer'
      // and a Session Expires header field, the UAS MAY reject the INVITE request with a
      // 422 (Session Interval Too Small) response if the session interval in the
      // Session-Expires header field is smaller than the minimum interval defined by the
      // UAS' local policy." §6: the 422 carries our minimum in Min-SE.
      if (supported) {
        answer.reject_status = 422;
        answer.reason = "Session Interval Too Small";
        answer.min_se = lower;
        return answer;
      }
      // A UAC that does not know the extension cannot act on a 422 (a proxy added the
      // header): raise the interval instead, as §8.1 has proxies do (RFC 4028 erratum 1687).
      asked.seconds = lower;
    }
    // §9: "The UAS response MAY reduce its value but MUST NOT set it to a duration lower
    // than the value in the Min-SE header field in the request ... The UAS MUST NOT
    // increase the value of the Session-Expires header field."
    seconds = asked.seconds <= lower ? asked.seconds : std::clamp(config_.interval, lower, asked.seconds);
    who = asked.refresher;
  } else {
    // §9: with no Session-Expires in the request, the UAS may still use a session timer:
    // any interval not below the request's Min-SE (or 90 s).
    seconds = std::max(config_.interval, lower);
  }
  // §9 table: a UAC that does not support the extension cannot refresh: "uas". One that
  // does gets what it asked for, or our choice when it named no refresher.
  if (!supported) {
    who = refresher::uas;
  } else if (!who) {
    who = config_.prefer_to_refresh ? refresher::uas : refresher::uac;
  }
  answer.header = session_expires{seconds, who};
  // §9: Require: timer is a MUST with refresher=uac ("the response has to be processed
  // for the UAC to know this") and a SHOULD with refresher=uas when the UAC supports it.
  answer.require_timer = supported;
  answer.session = negotiated_session{secs(seconds), *who == refresher::uas};
  return answer;
}

std::optional<negotiated_session> session_negotiation::accept(const session_timer_answer& answer,
                                                              message& response_2xx) {
  if (answer.reject_status != 0) return current_;
  if (answer.header) response_2xx.set_header("Session-Expires", to_string(*answer.header));
  if (answer.require_timer) add_option_tag(response_2xx, "Require", "timer");
  if (config_.enabled) add_option_tag(response_2xx, "Supported", "timer");
  current_ = answer.session;
  return current_;
}

void session_negotiation::add_to_422(const session_timer_answer& answer, message& response_422) {
  // §6: "A 422 response MUST contain a Min-SE header field with the minimum timer for that
  // server."
  response_422.set_header("Min-SE", std::to_string(answer.min_se));
}

}  // namespace voxedge::sip
