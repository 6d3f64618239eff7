#include "daemon/trunk/provider_hints.hpp"

namespace voxedge::daemon {

std::string provider_hint(int status, std::string_view source) {
  const std::string from = source.empty() ? std::string("our address") : std::string(source);
  switch (status) {
    case 401:
    case 407:
      return "credentials rejected: check the trunk's credentials.username (the trunk id) and the password in its "
             "password_file";
    case 403:
      return "source address not whitelisted on the trunk? The provider must allow " + from +
             " (set bind_address to the whitelisted static IP)";
    case 404:
    case 484:
      return "number not accepted: is the called number E.164 (+ and country code)? Check numbering and routes";
    case 408:
      return "the provider timed the call out: check that it can reach our Contact address";
    case 480:
      return "the callee is temporarily unavailable";
    case 488:
    case 606:
      return "media refused: check codecs and the trunk's srtp policy (off/optional/required)";
    case 500:
    case 502:
    case 504:
      return "provider-side error: retry later; if it persists, open a ticket with the provider";
    case 503:
      return "provider overloaded or trunk down: backing off (Retry-After honoured) and trying the next target";
    default:
      break;
  }
  if (status >= 300 && status < 400) return "redirects are not followed on trunks";
  return {};
}

std::string unreachable_hint(bool timed_out) {
  if (timed_out) {
    return "no answer from the target: wrong host/port/transport, or a firewall dropping SIP (TCP 5060 / TLS 5061)?";
  }
  return "cannot connect: connection refused/reset or TLS handshake failed (certificate name, CA bundle, TLS "
         "version)?";
}

}  // namespace voxedge::daemon
