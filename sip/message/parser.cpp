#include "sip/message/parser.hpp"

#include <cstring>
#include <optional>
#include <utility>

#include "base/text.hpp"
#include "sip/message/abnf.hpp"
#include "sip/message/header_name.hpp"

namespace voxedge::sip {

std::string_view to_string(parse_error e) noexcept {
  switch (e) {
    case parse_error::too_large: return "too_large";
    case parse_error::too_many_headers: return "too_many_headers";
    case parse_error::bad_start_line: return "bad_start_line";
    case parse_error::bad_version: return "bad_version";
    case parse_error::bad_header: return "bad_header";
    case parse_error::missing_header: return "missing_header";
    case parse_error::bad_via: return "bad_via";
    case parse_error::bad_from: return "bad_from";
    case parse_error::bad_to: return "bad_to";
    case parse_error::bad_call_id: return "bad_call_id";
    case parse_error::bad_cseq: return "bad_cseq";
    case parse_error::cseq_method_mismatch: return "cseq_method_mismatch";
    case parse_error::bad_max_forwards: return "bad_max_forwards";
    case parse_error::bad_content_length: return "bad_content_length";
    case parse_error::bad_contact: return "bad_contact";
    case parse_error::bad_route: return "bad_route";
    case parse_error::bad_request_uri: return "bad_request_uri";
    case parse_error::body_truncated: return "body_truncated";
    case parse_error::duplicate_header: return "duplicate_header";
  }
  return "unknown";
}

namespace {

constexpr std::string_view sip_version = "SIP/2.0";

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!abnf::is_digit(c)) return false;
  }
  return true;
}

// Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP /
// HTAB): anything but control characters (RFC 3261 §25.1).
bool valid_reason(std::string_view s) noexcept {
  for (char c : s) {
    if (abnf::is_ctl(c)) return false;
  }
  return true;
}

// callid = word [ "@" word ] (RFC 3261 §25.1). Real Call-IDs stray outside `word` (base64
// '=' is common), so only what would break framing or comparison is refused: white
// space and control characters.
bool valid_call_id(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (abnf::is_ctl(c) || abnf::is_wsp(c)) return false;
  }
  return true;
}

class message_parser {
 public:
  message_parser(std::string_view in, const parse_limits& limits) : in_(in), limits_(limits) {}

  result<message, parse_failure> run();

 private:
  // Only the first error is reported: later ones are often consequences of it.
  void error(parse_error e, std::string_view phrase, int status = 400) {
    if (error_) return;
    error_ = e;
    phrase_.assign(phrase);
    status_ = status;
  }
  // A sanity limit outranks a syntax error found before it (DESIGN.md §4: limits first).
  void limit(parse_error e, std::string_view phrase, int status) {
    if (error_ == parse_error::too_large) return;
    error_ = e;
    phrase_.assign(phrase);
    status_ = status;
  }

  bool parse_start_line(std::string_view line);
  void parse_status_line(std::string_view line);
  void parse_request_line(std::string_view line);
  // Returns the offset of the body, or nullopt when the header section is unterminated
  // or over the header limit.
  std::optional<std::size_t> parse_headers(std::size_t pos);
  void fold(std::string_view continuation);
  void on_header(std::string_view name, std::string_view value);
  bool single(std::optional<std::string_view>& slot, std::string_view canonical, std::string_view value);
  void keep_raw(std::string_view canonical, std::string_view value);
  void on_via(std::string_view value);
  void on_cseq(std::string_view value);
  void on_contact(std::string_view value);
  void check_mandatory();
  result<message, parse_failure> failure();

  std::string_view in_;
  const parse_limits& limits_;
  message msg_;
  std::optional<parse_error> error_;
  std::string phrase_;
  int status_ = 0;

  // The value of the header being assembled: a view into the input, or into `arena_`
  // once continuation lines had to be joined (RFC 3261 §7.3.1).
  std::string_view cur_name_;
  std::string_view cur_value_;
  bool have_cur_ = false;
  bool cur_folded_ = false;
  std::size_t cur_mark_ = 0;
  // Reserved to the input size on first use and never grown past it (an unfolded value
  // is never longer than its raw lines), so views into it stay valid.
  std::string arena_;

  // First raw value of each single-valued header, for the duplicate check.
  std::optional<std::string_view> from_raw_, to_raw_, call_id_raw_, cseq_raw_, max_forwards_raw_, content_length_raw_;
  std::optional<std::size_t> content_length_;
  bool via_seen_ = false;
  bool cseq_ok_ = false;
};

result<message, parse_failure> message_parser::run() {
  if (in_.size() > limits_.max_message_bytes) {
    limit(parse_error::too_large, "Message Too Large", 513);
    // Read no further than the limit: enough to answer 513 if the headers fit.
    in_ = in_.substr(0, limits_.max_message_bytes);
  }
  std::size_t pos = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (pos < in_.size() && (in_[pos] == '\r' || in_[pos] == '\n')) ++pos;
  const auto nl = in_.find('\n', pos);
  if (nl == std::string_view::npos) {
    error(parse_error::bad_start_line, "Bad Start-Line", 0);
    return failure();
  }
  auto line = in_.substr(pos, nl - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!parse_start_line(line)) return failure();

  msg_.headers.reserve(16);
  const auto body_start = parse_headers(nl + 1);
  // A header section cut short explains any header it lacks.
  if (!body_start) error(parse_error::bad_header, "Missing Empty Line After Headers");
  check_mandatory();
  if (error_) return failure();

  // RFC 3261 §18.3: on a datagram, bytes past Content-Length are discarded, fewer are an
  // error (RFC 4475 §3.1.1.8, §3.1.2.2); without Content-Length the body runs to the end.
  const auto rest = in_.substr(*body_start);
  if (content_length_) {
    if (*content_length_ > rest.size()) {
      error(parse_error::body_truncated, "Content-Length Exceeds Body");
      return failure();
    }
    msg_.body.assign(rest.substr(0, *content_length_));
  } else {
    msg_.body.assign(rest);
  }
  return std::move(msg_);
}

bool message_parser::parse_start_line(std::string_view line) {
  // A method is a token, so '/' tells a status line apart (RFC 3261 §7.1, §7.2). ABNF
  // literals are case-insensitive: "sip/2.0" is still SIP.
  if (text::istarts_with(line, "SIP/")) {
    msg_.is_request = false;
    parse_status_line(line);
    return !error_ || error_ == parse_error::too_large;
  }
  const auto sp = line.find(' ');
  const auto method = line.substr(0, sp);
  if (sp == std::string_view::npos || !abnf::is_token(method)) {
    // Not recognisably SIP: nothing to answer.
    error(parse_error::bad_start_line, "Bad Request-Line", 0);
    return false;
  }
  msg_.is_request = true;
  msg_.method_name.assign(method);
  msg_.method_id = method_from_string(method);
  parse_request_line(line.substr(sp + 1));
  return true;
}

// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
void message_parser::parse_status_line(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) return error(parse_error::bad_start_line, "Bad Status-Line", 0);
  if (!text::iequals(line.substr(0, sp), sip_version))
    return error(parse_error::bad_version, "Version Not Supported", 0);
  const auto rest = line.substr(sp + 1);
  // Status-Code = 3DIGIT; RFC 4475 §3.1.2.19 sends 4294967301.
  const auto code = rest.substr(0, 3);
  if (code.size() != 3 || !all_digits(code) || code[0] < '1' || code[0] > '6' || (rest.size() > 3 && rest[3] != ' ')) {
    return error(parse_error::bad_start_line, "Bad Status-Code", 0);
  }
  msg_.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  // The SP before an empty Reason-Phrase is sometimes omitted; tolerate it.
  const auto reason = rest.size() > 4 ? rest.substr(4) : std::string_view{};
  if (!valid_reason(reason)) return error(parse_error::bad_start_line, "Bad Reason-Phrase", 0);
  msg_.reason.assign(reason);
}

// Request-Line = Method SP Request-URI SP SIP-Version CRLF (the method is already read)
void message_parser::parse_request_line(std::string_view rest) {
  const auto sp = rest.rfind(' ');
  // Exactly one SP between elements and none at the end (RFC 4475 §3.1.2.9, §3.1.2.10).
  if (sp == std::string_view::npos || sp == 0 || abnf::is_wsp(rest.back()) || abnf::is_wsp(rest.front()) ||
      abnf::is_wsp(rest[sp - 1])) {
    return error(parse_error::bad_start_line, "Bad Request-Line");
  }
  if (!text::iequals(rest.substr(sp + 1), sip_version)) {
    return error(parse_error::bad_version, "Version Not Supported", 505);
  }
  auto u = parse_uri(rest.substr(0, sp));
  if (!u) return error(parse_error::bad_request_uri, "Bad Request-URI");
  if (u->scheme == uri_scheme::other) {
    // RFC 3261 §8.2.2.1, RFC 4475 §3.3.2/§3.3.3.
    return error(parse_error::bad_request_uri, "Unsupported URI Scheme", 416);
  }
  if (!u->headers.empty()) {
    // Headers are not allowed in a Request-URI (RFC 3261 §19.1.1 table; RFC 4475
    // §3.1.2.11 lets us reject rather than silently drop them).
    return error(parse_error::bad_request_uri, "Bad Request-URI");
  }
  msg_.request_uri = std::move(u).value();
}

std::optional<std::size_t> message_parser::parse_headers(std::size_t pos) {
  std::size_t count = 0;
  auto flush = [this] {
    if (!have_cur_) return;
    have_cur_ = false;
    on_header(cur_name_, abnf::rtrim(cur_value_));
  };
  while (pos < in_.size()) {
    const void* found = std::memchr(in_.data() + pos, '\n', in_.size() - pos);
    const std::size_t nl = found ? static_cast<std::size_t>(static_cast<const char*>(found) - in_.data()) : in_.size();
    auto line = in_.substr(pos, nl - pos);
    // Lines end in CRLF; a bare LF is tolerated (RFC 3261 §7.5 leniency), a bare CR is
    // not: some elements would take it for a line break and see different headers.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = found ? nl + 1 : in_.size();
    if (line.empty()) {
      if (!found) break;  // a lone CR at the very end: no empty line
      flush();
      return pos;
    }
    if (line.find('\r') != std::string_view::npos) {
      error(parse_error::bad_header, "Bad Line Ending");
    }
    if (abnf::is_wsp(line.front())) {
      // LWS continuation: part of the previous header's value (RFC 3261 §7.3.1).
      if (have_cur_) {
        fold(line);
      } else {
        error(parse_error::bad_header, "Bad Header Continuation");
      }
      continue;
    }
    flush();
    if (++count > limits_.max_headers) {
      limit(parse_error::too_many_headers, "Too Many Headers", 400);
      return std::nullopt;
    }
    // header = field-name HCOLON field-value; HCOLON = *( SP / HTAB ) ":" SWS
    const auto colon = line.find(':');
    const auto name = abnf::rtrim(line.substr(0, colon));
    if (colon == std::string_view::npos || !abnf::is_token(name)) {
      error(parse_error::bad_header, "Bad Header Line");
      continue;
    }
    cur_name_ = name;
    cur_value_ = abnf::ltrim(line.substr(colon + 1));
    have_cur_ = true;
    cur_folded_ = false;
  }
  flush();
  return std::nullopt;
}

void message_parser::fold(std::string_view continuation) {
  if (!cur_folded_) {
    // While the arena is empty no view into it exists, so reserving is safe; later
    // folds never need more room than this.
    if (arena_.empty()) arena_.reserve(in_.size());
    cur_mark_ = arena_.size();
    arena_.append(abnf::rtrim(cur_value_));
    cur_folded_ = true;
  }
  // The folding LWS becomes a single SP.
  const auto more = abnf::trim(continuation);
  if (!more.empty()) {
    if (arena_.size() > cur_mark_) arena_ += ' ';
    arena_.append(more);
  }
  cur_value_ = std::string_view(arena_).substr(cur_mark_);
}

bool message_parser::single(std::optional<std::string_view>& slot, std::string_view canonical, std::string_view value) {
  if (!slot) {
    slot = value;
    return true;
  }
  // A repeated identical value is harmless; a different one makes the message ambiguous
  // (RFC 4475 §3.3.8, §3.3.9).
  if (*slot != value) {
    std::string phrase = "Conflicting ";
    phrase.append(canonical);
    error(parse_error::duplicate_header, phrase);
  }
  return false;
}

void message_parser::keep_raw(std::string_view canonical, std::string_view value) {
  // A mandatory header that did not parse is kept as received, so make_response can
  // still echo it in the error response (RFC 3261 §8.2.6.2).
  msg_.headers.push_back(header{std::string(canonical), std::string(value)});
}

void message_parser::on_header(std::string_view name, std::string_view value) {
  const header_info* info = find_header(name);
  if (!info) {
    msg_.headers.push_back(header{std::string(name), std::string(value)});
    return;
  }
  switch (info->id) {
    case header_id::other: msg_.headers.push_back(header{std::string(info->canonical), std::string(value)}); return;
    case header_id::via: return on_via(value);
    case header_id::from:
    case header_id::to: {
      const bool is_from = info->id == header_id::from;
      if (!single(is_from ? from_raw_ : to_raw_, info->canonical, value)) return;
      auto na = parse_name_addr(value);
      if (na) {
        (is_from ? msg_.from : msg_.to) = std::move(na).value();
      } else {
        error(is_from ? parse_error::bad_from : parse_error::bad_to, is_from ? "Bad From" : "Bad To");
        keep_raw(info->canonical, value);
      }
      return;
    }
    case header_id::call_id:
      if (!single(call_id_raw_, info->canonical, value)) return;
      if (valid_call_id(value)) {
        msg_.call_id.assign(value);
      } else {
        error(parse_error::bad_call_id, "Bad Call-ID");
        keep_raw(info->canonical, value);
      }
      return;
    case header_id::cseq:
      if (single(cseq_raw_, info->canonical, value)) on_cseq(value);
      return;
    case header_id::max_forwards:
      if (!single(max_forwards_raw_, info->canonical, value)) return;
      if (!all_digits(value)) return error(parse_error::bad_max_forwards, "Bad Max-Forwards");
      // RFC 3261 §20.22 allows 0-255. RFC 4475 §3.1.2.4 lets an element treat a larger
      // value as if the header were absent, which is what we do.
      if (const auto mf = abnf::parse_number(value, 255)) msg_.max_forwards = static_cast<std::uint32_t>(*mf);
      return;
    case header_id::contact: return on_contact(value);
    case header_id::route:
    case header_id::record_route: {
      auto list = parse_name_addr_list(value);
      if (!list) {
        return error(parse_error::bad_route, info->id == header_id::route ? "Bad Route" : "Bad Record-Route");
      }
      auto& target = info->id == header_id::route ? msg_.routes : msg_.record_routes;
      for (auto& r : list.value()) target.push_back(std::move(r));
      return;
    }
    case header_id::content_length: {
      if (!single(content_length_raw_, info->canonical, value)) return;
      // RFC 4475 §3.1.2.3 sends a negative length.
      const auto len = abnf::parse_number(value, std::uint64_t{1} << 40);
      if (!len) return error(parse_error::bad_content_length, "Bad Content-Length");
      content_length_ = static_cast<std::size_t>(*len);
      return;
    }
  }
}

void message_parser::on_via(std::string_view value) {
  via_seen_ = true;
  auto list = parse_via_list(value);
  if (list) {
    for (auto& v : list.value()) msg_.vias.push_back(std::move(v));
    return;
  }
  error(parse_error::bad_via, "Bad Via");
  if (!msg_.vias.empty()) return;
  // Salvage the topmost sent-protocol and sent-by so a 400 can still be routed back
  // (RFC 3261 §18.2.2); RFC 4475 §3.1.2.1 expects an answer to a Via with broken params.
  const auto cut = value.find_first_of(";,");
  auto top = parse_via_list(value.substr(0, cut));
  if (top && top->size() == 1) msg_.vias.push_back(std::move(top->front()));
}

// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16)
void message_parser::on_cseq(std::string_view value) {
  std::size_t pos = 0;
  while (pos < value.size() && abnf::is_digit(value[pos])) ++pos;
  // The number must fit in 32 bits (§8.1.1.5); RFC 4475 §3.1.2.4 sends 2**65.
  const auto number = abnf::parse_number(value.substr(0, pos), UINT32_MAX);
  const bool lws = abnf::skip_wsp(value, pos) > 0;
  const auto method = value.substr(pos);
  if (!number || !lws || !abnf::is_token(method)) {
    error(parse_error::bad_cseq, "Bad CSeq");
    keep_raw("CSeq", value);
    return;
  }
  msg_.cseq.number = static_cast<std::uint32_t>(*number);
  msg_.cseq.method_name.assign(method);
  msg_.cseq.method_id = method_from_string(method);
  cseq_ok_ = true;
}

// Contact = ( STAR / (contact-param *(COMMA contact-param)) ) (RFC 3261 §20.10)
void message_parser::on_contact(std::string_view value) {
  if (value == "*") {
    if (!msg_.contacts.empty() || msg_.contact_wildcard) return error(parse_error::bad_contact, "Bad Contact");
    msg_.contact_wildcard = true;
    return;
  }
  if (msg_.contact_wildcard) return error(parse_error::bad_contact, "Bad Contact");
  auto list = parse_name_addr_list(value);
  if (!list) return error(parse_error::bad_contact, "Bad Contact");
  for (auto& c : list.value()) msg_.contacts.push_back(std::move(c));
}

void message_parser::check_mandatory() {
  // RFC 3261 §8.1.1: every request and response carries these. Max-Forwards is
  // mandatory only when sending (RFC 2543 peers omit it, RFC 4475 §3.4.1).
  if (!via_seen_) error(parse_error::missing_header, "Missing Via Header");
  if (!from_raw_) error(parse_error::missing_header, "Missing From Header");
  if (!to_raw_) error(parse_error::missing_header, "Missing To Header");
  if (!call_id_raw_) error(parse_error::missing_header, "Missing Call-ID Header");
  if (!cseq_raw_) error(parse_error::missing_header, "Missing CSeq Header");
  // RFC 3261 §8.2.2.3 / RFC 4475 §3.1.2.17: the CSeq method matches the request's.
  if (msg_.is_request && cseq_ok_ && msg_.cseq.method_name != msg_.method_name) {
    error(parse_error::cseq_method_mismatch, "CSeq Method Mismatch");
  }
}

result<message, parse_failure> message_parser::failure() {
  parse_failure f;
  f.reason = error_.value_or(parse_error::bad_start_line);
  f.phrase = std::move(phrase_);
  // Only a request whose topmost Via and CSeq were read can be answered: the response is
  // routed by the Via (RFC 3261 §18.2.2) and matched to the client transaction by the
  // branch and the CSeq method (§17.1.3). A bad response is dropped silently (§18.1.2).
  if (msg_.is_request && !msg_.vias.empty() && cseq_raw_ && status_ != 0) {
    f.status = status_;
    f.partial = std::make_shared<message>(std::move(msg_));
  }
  return fail(std::move(f));
}

}  // namespace

result<message, parse_failure> parse_message(std::string_view bytes, const parse_limits& limits) {
  return message_parser(bytes, limits).run();
}

}  // namespace voxedge::sip
