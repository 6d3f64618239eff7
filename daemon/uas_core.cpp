#include "daemon/uas_core.hpp"

#include <spdlog/spdlog.h>

#include "base/build_info.hpp"
#include "base/text.hpp"
#include "daemon/call/b2bua.hpp"
#include "daemon/call/header_policy.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::daemon {

using sip::method;

namespace {

// Methods that only make sense inside a dialog: without one the answer is 481 (§12.2.2,
// §15.1.2), not 405.
bool dialog_only(method m) {
  return m == method::bye || m == method::info || m == method::update || m == method::prack || m == method::notify;
}

}  // namespace

uas_core::uas_core(const config::config& cfg) { update(cfg); }

void uas_core::attach(sip::transaction_layer& transactions) { transactions_ = &transactions; }

void uas_core::update(const config::config& cfg) {
  server_header_ = cfg.node.user_agent + "/" + build_info::version;
}

std::string uas_core::allow_header() { return "OPTIONS"; }

std::string uas_core::unsupported_extensions(const sip::message& req) const {
  std::string unsupported;
  for (auto v : req.header_values("Require")) {
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto tag = text::trim(rest.substr(0, comma));
      if (!tag.empty() && !(calls_ != nullptr && text::iequals(tag, "timer"))) {
        if (!unsupported.empty()) unsupported += ", ";
        unsupported += tag;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return unsupported;
}

std::string uas_core::allow() const { return calls_ != nullptr ? std::string(call_allow) : allow_header(); }

void uas_core::reply(sip::server_transaction_handle h, const sip::message& req, int status, std::string_view reason,
                     bool with_allow) {
  auto resp = sip::make_response(req, status, reason, transactions_->new_tag());
  resp.add_header("Server", server_header_);
  if (with_allow) resp.add_header("Allow", allow());
  if (!transactions_->respond(h, std::move(resp))) {
    spdlog::debug("sip[{}]: response {} not sent: transaction gone", req.call_id, status);
  }
}

void uas_core::on_request(sip::server_transaction_handle h, sip::message&& req, const sip::peer& from) {
  if (!h) {
    // The ACK for a 2xx (§13.3.1.4): the call's, if it has the dialog. Otherwise a 2xx we
    // never sent, or a late one: nothing to do (§17.2.3 leaves it to the TU).
    if (calls_ != nullptr && calls_->on_in_dialog(h, std::move(req), from)) return;
    ++stats_.acks_ignored;
    return;
  }
  const auto m = req.method_id;
  const auto log_reject = [&](int status, std::string_view why) {
    spdlog::info("sip[{}]: {} from {} rejected with {}: {}", req.call_id, req.method_name, from.to_string(), status,
                 why);
  };

  // §8.2.1: an unknown method is 501; we check it before anything that depends on it.
  if (m == method::unknown) {
    ++stats_.rejected_method;
    log_reject(501, "method not implemented");
    reply(h, req, 501, {}, true);
    return;
  }
  // §16.3 item 2 lets an element answer OPTIONS addressed to it even at Max-Forwards 0.
  if (req.max_forwards && *req.max_forwards == 0 && m != method::options) {
    ++stats_.rejected_loop;
    log_reject(483, "Max-Forwards reached 0");
    reply(h, req, 483);
    return;
  }
  // §8.2.2.1: we serve sip: and sips: only.
  if (req.request_uri.scheme == sip::uri_scheme::tel) {
    ++stats_.rejected_other;
    log_reject(416, "tel: Request-URI");
    reply(h, req, 416);
    return;
  }
  // §8.2.2.3: name every extension we do not implement. With calls, RFC 4028 session
  // timers ("timer") are supported.
  if (auto unsupported = unsupported_extensions(req); !unsupported.empty()) {
    ++stats_.rejected_other;
    log_reject(420, "requires " + unsupported);
    auto resp = sip::make_response(req, 420, {}, transactions_->new_tag());
    resp.add_header("Server", server_header_);
    resp.add_header("Unsupported", unsupported);
    transactions_->respond(h, std::move(resp));
    return;
  }
  if (calls_ != nullptr) {
    if (!req.to.tag().empty()) {
      // §12.2.2: the call that owns the dialog, if any; else 481 below.
      if (calls_->on_in_dialog(h, std::move(req), from)) return;
    } else if (m == method::invite) {
      calls_->on_invite(h, std::move(req), from);
      return;
    }
  }
  // §12.2.2: a request with a To tag belongs to a dialog, and we have none.
  if (!req.to.tag().empty() || dialog_only(m)) {
    ++stats_.rejected_no_dialog;
    log_reject(481, "no such dialog");
    reply(h, req, 481);
    return;
  }
  if (m == method::options) {
    // §11.2: what we would do with an INVITE, in Allow/Accept/Supported.
    ++stats_.options_answered;
    auto resp = sip::make_response(req, 200, {}, transactions_->new_tag());
    resp.add_header("Server", server_header_);
    resp.add_header("Allow", allow());
    resp.add_header("Accept", "application/sdp");
    resp.add_header("Accept-Encoding", "identity");
    resp.add_header("Accept-Language", "en");
    resp.add_header("Supported", calls_ != nullptr ? "timer" : "");
    transactions_->respond(h, std::move(resp));
    return;
  }
  ++stats_.rejected_method;
  log_reject(405, "method not allowed here");
  reply(h, req, 405, {}, true);
}

void uas_core::on_cancel(sip::server_transaction_handle invite, const sip::message& cancel, const sip::peer&) {
  if (calls_ != nullptr && calls_->on_cancel(invite, cancel)) return;
  // §9.2: the CANCEL got its 200 from the layer; the INVITE ends with 487.
  if (const auto* req = transactions_->original_request(invite)) {
    auto resp = sip::make_response(*req, 487, {}, transactions_->new_tag());
    resp.add_header("Server", server_header_);
    transactions_->respond(invite, std::move(resp));
  }
  spdlog::info("sip[{}]: INVITE cancelled", cancel.call_id);
}

void uas_core::on_server_failure(sip::server_transaction_handle h, sip::server_failure why) {
  if (calls_ != nullptr) calls_->on_server_failure(h, why);
  spdlog::debug("sip: server transaction failed: {}",
                why == sip::server_failure::no_ack ? "no ACK (Timer H)" : "transport error");
}

}  // namespace voxedge::daemon
