#include "sip/message/response_builder.hpp"

#include <utility>

#include "base/text.hpp"

namespace voxedge::sip {

namespace {

// RFC 3261 §21 and the extension codes of the IANA "Response Codes" registry.
constexpr std::pair<int, std::string_view> reasons[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {199, "Early Dialog Terminated"},  // RFC 6228
    {200, "OK"},
    {202, "Accepted"},         // RFC 6665
    {204, "No Notification"},  // RFC 5839
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {412, "Conditional Request Failed"},  // RFC 3903
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {417, "Unknown Resource-Priority"},  // RFC 4412
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {422, "Session Interval Too Small"},  // RFC 4028
    {423, "Interval Too Brief"},
    {424, "Bad Location Information"},          // RFC 6442
    {425, "Bad Alert Message"},                 // RFC 8876
    {428, "Use Identity Header"},               // RFC 8224
    {429, "Provide Referrer Identity"},         // RFC 3892
    {430, "Flow Failed"},                       // RFC 5626
    {433, "Anonymity Disallowed"},              // RFC 5079
    {436, "Bad Identity Info"},                 // RFC 8224
    {437, "Unsupported Credential"},            // RFC 8224
    {438, "Invalid Identity Header"},           // RFC 8224
    {439, "First Hop Lacks Outbound Support"},  // RFC 5626
    {440, "Max-Breadth Exceeded"},              // RFC 5393
    {469, "Bad Info Package"},                  // RFC 6086
    {470, "Consent Needed"},                    // RFC 5360
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {489, "Bad Event"},  // RFC 6665
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {494, "Security Agreement Required"},  // RFC 3329
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {555, "Push Notification Service Not Supported"},  // RFC 8599
    {580, "Precondition Failure"},                     // RFC 3312
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
    {607, "Unwanted"},  // RFC 8197
    {608, "Rejected"},  // RFC 8688
};

}  // namespace

std::string_view default_reason(int status) noexcept {
  for (const auto& [code, phrase] : reasons) {
    if (code == status) return phrase;
  }
  return "Unknown";
}

message make_response(const message& request, int status, std::string_view reason, std::string_view to_tag) {
  message r;
  r.is_request = false;
  r.status = status;
  r.reason.assign(reason.empty() ? default_reason(status) : reason);
  // RFC 3261 §8.2.6.2: Via (all, in order), From, To, Call-ID and CSeq are copied.
  r.vias = request.vias;
  r.from = request.from;
  r.to = request.to;
  r.call_id = request.call_id;
  r.cseq = request.cseq;
  // A To tag identifies the UAS's side of the dialog; 100 Trying never carries one as it
  // is hop-by-hop (§8.2.6.2).
  if (status > 100 && !to_tag.empty() && r.to.tag().empty() && !r.to.empty()) r.to.set_tag(to_tag);
  for (const auto& h : request.headers) {
    // §8.2.6.1: a 100 echoes the request's Timestamp.
    const bool timestamp = status == 100 && text::iequals(h.name, "Timestamp");
    // A partial request (parse_failure::partial) keeps unparseable mandatory headers raw;
    // echo them so the error response still matches what was sent.
    const bool raw_mandatory = (text::iequals(h.name, "From") && request.from.empty()) ||
                               (text::iequals(h.name, "To") && request.to.empty()) ||
                               (text::iequals(h.name, "Call-ID") && request.call_id.empty()) ||
                               (text::iequals(h.name, "CSeq") && request.cseq.method_name.empty());
    if (timestamp || raw_mandatory) r.headers.push_back(h);
  }
  return r;
}

}  // namespace voxedge::sip
