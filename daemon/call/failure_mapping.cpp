#include "daemon/call/failure_mapping.hpp"

#include "sip/message/reason_header.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::daemon {

namespace {

mapped_status keep(int status) noexcept { return {status, sip::default_reason(status)}; }

}  // namespace

mapped_status map_far_failure(int far_status) noexcept {
  if (far_status >= 300 && far_status < 400) return keep(480);
  switch (far_status) {
    case 401:
    case 402:
    case 403:
    case 407: return keep(403);
    case 400:
    case 405:
    case 406:
    case 412:
    case 413:
    case 414:
    case 415:
    case 416:
    case 417:
    case 420:
    case 421:
    case 422:  // only left over when the session timer negotiation gave up
    case 423:
    case 428:
    case 429:
    case 433:
    case 436:
    case 437:
    case 438:
    case 469:
    case 470:
    case 481:
    case 482:
    case 489:
    case 493:
    case 494:
    case 501:
    case 505:
    case 513:
    case 580: return keep(500);
    case 503: return keep(480);
    case 408: return keep(408);
    default: break;
  }
  // Unknown codes are treated as the x00 of their class (RFC 3261 §8.1.3.2), which
  // all describe the callee or the far network from here.
  if (far_status >= 400 && far_status < 700) {
    const auto phrase = sip::default_reason(far_status);
    if (phrase == "Unknown") return keep(far_status / 100 * 100);
    return keep(far_status);
  }
  return keep(500);
}

mapped_status map_local_failure(local_failure f) noexcept {
  switch (f) {
    case local_failure::timeout: return keep(408);
    case local_failure::transport_error: return keep(503);
  }
  return keep(500);
}

std::string carried_reason(const sip::message& m) {
  const auto v = m.header_value("Reason");
  if (!v || v->size() > 256) return {};
  // Written afresh: nothing but protocol, cause and text crosses from one leg to the other.
  const auto r = sip::parse_reason(*v);
  return r ? r->to_string() : std::string();
}

std::string sip_reason(int cause, std::string_view text) {
  return sip::reason{sip::reason::protocol::sip, static_cast<std::uint32_t>(cause), std::string(text)}.to_string();
}

std::string q850_reason(int cause, std::string_view text) {
  return sip::reason{sip::reason::protocol::q850, static_cast<std::uint32_t>(cause), std::string(text)}.to_string();
}

}  // namespace voxedge::daemon
