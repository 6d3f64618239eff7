#include "daemon/call/failure_mapping.hpp"

#include <algorithm>
#include <cctype>

#include "base/text.hpp"
#include "sip/message/response_builder.hpp"

namespace voxedge::daemon {

namespace {

mapped_status keep(int status) noexcept { return {status, sip::default_reason(status)}; }

std::string reason_value(std::string_view protocol, int cause, std::string_view text) {
  std::string out(protocol);
  out += ";cause=";
  out += std::to_string(cause);
  out += ";text=\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;  // a quoted-string holds no CTLs (RFC 3261 §25.1)
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

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
  // RFC 3326 §2: protocol *(SEMI reason-params); we keep cause and text and write the
  // header afresh, so nothing but those two crosses from one leg to the other.
  const std::string_view value = *v;
  const auto semi = value.find(';');
  if (semi == std::string_view::npos) return {};
  const auto protocol = text::trim(value.substr(0, semi));
  const bool sip = text::iequals(protocol, "SIP");
  if (!sip && !text::iequals(protocol, "Q.850")) return {};
  std::optional<int> cause;
  std::string reason_text;
  std::size_t i = semi;
  while (i < value.size() && value[i] == ';') {
    ++i;
    const auto eq = value.find_first_of("=;", i);
    const auto name = text::trim(value.substr(i, eq == std::string_view::npos ? std::string_view::npos : eq - i));
    if (eq == std::string_view::npos || value[eq] == ';') {
      i = eq == std::string_view::npos ? value.size() : eq;  // a parameter without a value
      continue;
    }
    i = eq + 1;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    std::string param;
    if (i < value.size() && value[i] == '"') {
      // quoted-string (RFC 3261 §25.1) with quoted-pairs.
      ++i;
      bool closed = false;
      while (i < value.size()) {
        if (value[i] == '\\' && i + 1 < value.size()) {
          param += value[i + 1];
          i += 2;
        } else if (value[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          param += value[i++];
        }
      }
      if (!closed) return {};
    } else {
      const auto stop = value.find(';', i);
      param = std::string(text::trim(value.substr(i, stop == std::string_view::npos ? std::string_view::npos : stop - i)));
      i = stop == std::string_view::npos ? value.size() : stop;
    }
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    if (text::iequals(name, "cause")) {
      if (param.empty() || param.size() > 5 ||
          param.find_first_not_of("0123456789") != std::string::npos) {
        return {};
      }
      cause = std::stoi(param);
    } else if (text::iequals(name, "text")) {
      reason_text = std::move(param);
    }
  }
  if (!cause || i != value.size()) return {};
  return sip ? sip_reason(*cause, reason_text) : q850_reason(*cause, reason_text);
}

std::string sip_reason(int cause, std::string_view text) { return reason_value("SIP", cause, text); }

std::string q850_reason(int cause, std::string_view text) { return reason_value("Q.850", cause, text); }

}  // namespace voxedge::daemon
