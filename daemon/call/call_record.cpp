#include "daemon/call/call_record.hpp"

namespace voxedge::daemon {

cdr_leg make_cdr_leg(media_leg leg, const std::string& sip_call_id,
                     const std::optional<media::negotiated_stream>& stream, const std::optional<media_report>& report) {
  cdr_leg c;
  c.role = leg == media_leg::a ? "caller" : "callee";
  c.sip_call_id = sip_call_id;
  if (stream && !stream->codecs.empty()) c.codec = stream->codecs.front().encoding;
  if (report) {
    const auto& m = (*report)[leg];
    c.packets = m.packets_received;
    c.bytes = m.bytes_received;
    c.loss_percent = m.loss_percent;
    c.jitter_ms = m.jitter_ms;
    c.rtt_ms = m.rtt_ms;
    if (m.mos > 0) c.mos = m.mos;
  }
  return c;
}

std::string_view call_result(const cdr_record& r) noexcept {
  if (r.answer) return "answered";
  const int code = r.sip_code.value_or(0);
  if (r.end_reason == "CANCEL" || code == 487) return "cancelled";
  if (r.end_reason == "no route") return "no_route";
  if (r.end_reason == "unknown source") return "forbidden";
  if (r.end_reason == "timeout" || code == 408 || code == 480) return "no_answer";
  if (r.end_reason == "unreachable") return "unreachable";
  if (code == 486 || code == 600) return "busy";
  if (r.end_reason.starts_with("rejected")) return "rejected";
  return "failed";
}

}  // namespace voxedge::daemon
