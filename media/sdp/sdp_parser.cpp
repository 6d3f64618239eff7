#include "media/sdp/sdp_parser.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/text.hpp"
#include "media/sdp/rtp_payload_types.hpp"
#include "media/sdp/sdp_grammar.hpp"

namespace voxedge::media {

namespace g = sdp_grammar;

std::string_view to_string(sdp_errc e) noexcept {
  switch (e) {
    case sdp_errc::too_large: return "too_large";
    case sdp_errc::too_many_lines: return "too_many_lines";
    case sdp_errc::line_too_long: return "line_too_long";
    case sdp_errc::too_many_media: return "too_many_media";
    case sdp_errc::too_many_attributes: return "too_many_attributes";
    case sdp_errc::too_many_formats: return "too_many_formats";
    case sdp_errc::bad_line: return "bad_line";
    case sdp_errc::bad_version: return "bad_version";
    case sdp_errc::bad_origin: return "bad_origin";
    case sdp_errc::bad_connection: return "bad_connection";
    case sdp_errc::bad_bandwidth: return "bad_bandwidth";
    case sdp_errc::bad_timing: return "bad_timing";
    case sdp_errc::bad_media: return "bad_media";
    case sdp_errc::bad_attribute: return "bad_attribute";
    case sdp_errc::bad_field: return "bad_field";
    case sdp_errc::missing_field: return "missing_field";
    case sdp_errc::misplaced_field: return "misplaced_field";
    case sdp_errc::duplicate_field: return "duplicate_field";
    case sdp_errc::unknown_field: return "unknown_field";
    case sdp_errc::missing_connection: return "missing_connection";
  }
  return "unknown";
}

std::string sdp_error::to_string() const {
  if (line == 0) return reason;
  return "line " + std::to_string(line) + ": " + reason;
}

namespace {

class sdp_parser {
 public:
  sdp_parser(std::string_view in, const sdp_limits& limits) : in_(in), limits_(limits) {}

  result<session_description, sdp_error> run();

 private:
  // Records the first error; always returns false so callers can `return error(...)`.
  bool error(sdp_errc code, std::string_view reason) {
    if (!error_) error_ = sdp_error{code, line_no_, std::string(reason)};
    return false;
  }

  bool on_line(char type, std::string_view value);
  bool on_session_line(char type, std::string_view value);
  bool on_media_section_line(char type, std::string_view value);
  bool on_origin(std::string_view value);
  bool on_timing(std::string_view value);
  bool on_media(std::string_view value);
  bool on_attribute(std::string_view value, sdp_attribute_list& list);
  bool on_connection(std::string_view value, std::optional<sdp_connection>& slot);
  bool on_bandwidth(std::string_view value, std::vector<sdp_bandwidth>& list);
  bool text_once(std::optional<std::string>& slot, std::string_view value, std::string_view what);
  bool finish();

  std::string_view in_;
  const sdp_limits& limits_;
  session_description sd_;
  std::optional<sdp_error> error_;
  std::size_t line_no_ = 0;
  std::size_t attributes_ = 0;
  bool seen_version_ = false;
  bool seen_origin_ = false;
  bool seen_name_ = false;
  media_description* media_ = nullptr;    // the section being read, once the first m= is seen
  std::vector<std::size_t> media_lines_;  // line number of each m=
};

result<session_description, sdp_error> sdp_parser::run() {
  if (in_.size() > limits_.max_bytes) {
    error(sdp_errc::too_large, "description larger than the limit");
    return fail(std::move(*error_));
  }
  std::size_t pos = 0;
  std::size_t lines = 0;
  while (pos < in_.size()) {
    ++line_no_;
    auto nl = in_.find('\n', pos);
    if (nl == std::string_view::npos) nl = in_.size();
    auto line = in_.substr(pos, nl - pos);
    pos = nl + 1;
    if (++lines > limits_.max_lines) {
      error(sdp_errc::too_many_lines, "more lines than the limit");
      break;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits_.max_line_length) {
      error(sdp_errc::line_too_long, "line longer than the limit");
      break;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank: tolerated
    if (line.find('\0') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      error(sdp_errc::bad_line, "NUL or bare CR in line");
      break;
    }
    // <type>=<value> with no white space around '=' (RFC 8866 §5).
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      error(sdp_errc::bad_line, "not a <type>=<value> line");
      break;
    }
    auto value = line.substr(2);
    if (line[0] != 's' && line[0] != 'i') {
      while (!value.empty() && g::is_wsp(value.back())) value.remove_suffix(1);
    }
    if (!on_line(line[0], value)) break;
  }
  if (!error_) finish();
  if (error_) return fail(std::move(*error_));
  return std::move(sd_);
}

bool sdp_parser::on_line(char type, std::string_view value) {
  if (!seen_version_) {
    // RFC 8866 §5.1: v= comes first.
    if (type != 'v') return error(sdp_errc::bad_version, "first line is not v=");
    if (value != "0") return error(sdp_errc::bad_version, "v= is not 0");
    seen_version_ = true;
    return true;
  }
  switch (type) {
    case 'v': return error(sdp_errc::misplaced_field, "second v= line");
    case 'o':
    case 's':
    case 'u':
    case 'e':
    case 'p':
    case 't':
    case 'r':
    case 'z':
      if (media_) return error(sdp_errc::misplaced_field, std::string(1, type) + "= line inside a media section");
      return on_session_line(type, value);
    case 'i':
    case 'c':
    case 'b':
    case 'k':
    case 'a': return media_ ? on_media_section_line(type, value) : on_session_line(type, value);
    case 'm': return on_media(value);
    default: return error(sdp_errc::unknown_field, std::string("unknown line type ") + type + "=");
  }
}

bool sdp_parser::text_once(std::optional<std::string>& slot, std::string_view value, std::string_view what) {
  if (slot) return error(sdp_errc::duplicate_field, std::string("second ") + std::string(what) + " line");
  if (value.empty()) return error(sdp_errc::bad_field, std::string("empty ") + std::string(what) + " line");
  slot = std::string(value);
  return true;
}

bool sdp_parser::on_session_line(char type, std::string_view value) {
  switch (type) {
    case 'o': return on_origin(value);
    case 's':
      // RFC 8866 §5.3 asks for at least one character; an empty s= is common enough
      // (RFC 3264's own examples print it so) to be tolerated.
      if (seen_name_) return error(sdp_errc::duplicate_field, "second s= line");
      seen_name_ = true;
      sd_.session_name.assign(value);
      return true;
    case 'i': return text_once(sd_.information, value, "i=");
    case 'u': return text_once(sd_.uri, value, "u=");
    case 'e':
    case 'p':
      if (value.empty()) return error(sdp_errc::bad_field, std::string("empty ") + type + "= line");
      (type == 'e' ? sd_.emails : sd_.phones).emplace_back(value);
      return true;
    case 'c':
      if (sd_.connection) return error(sdp_errc::duplicate_field, "second session-level c= line");
      return on_connection(value, sd_.connection);
    case 'b': return on_bandwidth(value, sd_.bandwidths);
    case 't': return on_timing(value);
    case 'r':
      // RFC 8866 §5.10: r= belongs to the t= before it.
      if (sd_.timings.empty()) return error(sdp_errc::misplaced_field, "r= line before any t= line");
      if (value.empty()) return error(sdp_errc::bad_timing, "empty r= line");
      sd_.timings.back().repeats.emplace_back(value);
      return true;
    case 'z':
      if (sd_.zone_adjustments) return error(sdp_errc::duplicate_field, "second z= line");
      if (value.empty()) return error(sdp_errc::bad_timing, "empty z= line");
      sd_.zone_adjustments = std::string(value);
      return true;
    case 'k': return text_once(sd_.key, value, "k=");
    case 'a': return on_attribute(value, sd_.attributes);
    default: return error(sdp_errc::unknown_field, "unknown line type");
  }
}

bool sdp_parser::on_media_section_line(char type, std::string_view value) {
  switch (type) {
    case 'i': return text_once(media_->title, value, "media-level i=");
    case 'c':
      // Several c= per section are for layered multicast (RFC 8866 §5.7), never used for
      // the unicast RTP a B2BUA relays: refused rather than silently dropped.
      if (media_->connection) return error(sdp_errc::duplicate_field, "second c= line in a media section");
      return on_connection(value, media_->connection);
    case 'b': return on_bandwidth(value, media_->bandwidths);
    case 'k': return text_once(media_->key, value, "media-level k=");
    case 'a': return on_attribute(value, media_->attributes);
    default: return error(sdp_errc::unknown_field, "unknown line type");
  }
}

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
bool sdp_parser::on_origin(std::string_view value) {
  if (seen_origin_) return error(sdp_errc::duplicate_field, "second o= line");
  seen_origin_ = true;
  const auto f = g::split_fields(value);
  if (f.size() != 6) return error(sdp_errc::bad_origin, "bad o= line: expected 6 fields");
  auto& o = sd_.origin;
  o.username.assign(f[0]);
  // sess-id is 1*DIGIT, but it is only ever compared: any non-white-space string is kept.
  o.session_id.assign(f[1]);
  const auto version = g::parse_number(f[2], UINT64_MAX);
  if (!version) return error(sdp_errc::bad_origin, "bad o= line: session version is not a number");
  o.session_version = *version;
  if (!g::is_token(f[3]) || !g::is_token(f[4])) return error(sdp_errc::bad_origin, "bad o= line: nettype/addrtype");
  o.connection.net_type.assign(f[3]);
  o.connection.addr_type.assign(f[4]);
  // The origin address only names the session; it is never sent to, so a private or
  // malformed one (seen behind NATs and from softphones) is kept as text.
  o.connection.address.assign(f[5]);
  o.connection.ttl.reset();
  o.connection.address_count.reset();
  return true;
}

// t=<start-time> <stop-time>
bool sdp_parser::on_timing(std::string_view value) {
  const auto f = g::split_fields(value);
  if (f.size() != 2) return error(sdp_errc::bad_timing, "bad t= line: expected 2 fields");
  const auto start = g::parse_number(f[0], UINT64_MAX);
  const auto stop = g::parse_number(f[1], UINT64_MAX);
  if (!start || !stop) return error(sdp_errc::bad_timing, "bad t= line: times are not numbers");
  sd_.timings.push_back(sdp_timing{*start, *stop, {}});
  return true;
}

// m=<media> <port>[/<number of ports>] <proto> <fmt> ...
bool sdp_parser::on_media(std::string_view value) {
  if (!seen_origin_) return error(sdp_errc::missing_field, "m= line before o=");
  if (sd_.media.size() >= limits_.max_media) return error(sdp_errc::too_many_media, "more m= lines than the limit");
  auto rest = value;
  media_description m;
  const auto type = g::next_field(rest);
  if (!g::is_token(type)) return error(sdp_errc::bad_media, "bad m= line: media type");
  m.media.assign(type);
  const auto port_field = g::next_field(rest);
  const auto slash = port_field.find('/');
  const auto port = g::parse_number(port_field.substr(0, slash), 65535);
  if (!port) return error(sdp_errc::bad_media, "bad m= line: port is not a number 0-65535");
  m.port = static_cast<std::uint16_t>(*port);
  if (slash != std::string_view::npos) {
    const auto count = g::parse_number(port_field.substr(slash + 1), UINT32_MAX);
    if (!count || *count == 0) return error(sdp_errc::bad_media, "bad m= line: number of ports");
    m.port_count = static_cast<std::uint32_t>(*count);
  }
  const auto proto = g::next_field(rest);
  if (!g::is_proto(proto)) return error(sdp_errc::bad_media, "bad m= line: proto");
  m.proto.assign(proto);
  const bool rtp = m.is_rtp();
  while (!rest.empty()) {
    const auto fmt = g::next_field(rest);
    if (m.formats.size() >= limits_.max_formats)
      return error(sdp_errc::too_many_formats, "more formats than the limit");
    if (!g::is_token(fmt)) return error(sdp_errc::bad_media, "bad m= line: format");
    // RTP/AVP and its relatives list payload type numbers (RFC 8866 §5.14, RFC 3551 §6).
    if (rtp && !g::parse_number(fmt, max_payload_type)) {
      return error(sdp_errc::bad_media, "bad m= line: RTP format is not a payload type 0-127");
    }
    if (std::find(m.formats.begin(), m.formats.end(), fmt) != m.formats.end()) {
      return error(sdp_errc::bad_media, "bad m= line: format listed twice");
    }
    m.formats.emplace_back(fmt);
  }
  // At least one format (§5.14); a rejected stream without one is tolerated.
  if (m.formats.empty() && m.port != 0) return error(sdp_errc::bad_media, "bad m= line: no formats");
  sd_.media.push_back(std::move(m));
  media_ = &sd_.media.back();
  media_lines_.push_back(line_no_);
  return true;
}

// a=<attribute-name>[:<attribute-value>]
bool sdp_parser::on_attribute(std::string_view value, sdp_attribute_list& list) {
  if (++attributes_ > limits_.max_attributes)
    return error(sdp_errc::too_many_attributes, "more a= lines than the limit");
  const auto colon = value.find(':');
  const auto name = value.substr(0, colon);
  if (!g::is_token(name)) return error(sdp_errc::bad_attribute, "bad a= line: attribute name");
  sdp_attribute a;
  a.name.assign(name);
  if (colon != std::string_view::npos) a.value = std::string(value.substr(colon + 1));
  // The values the media plane reads must be well-formed; any other attribute is kept
  // as it came.
  const std::string_view v = a.value ? std::string_view(*a.value) : std::string_view();
  const auto bad = [&](std::string_view what) {
    return error(sdp_errc::bad_attribute, "bad a=" + std::string(what) + " value");
  };
  if (text::iequals(name, "rtpmap")) {
    if (!parse_rtpmap(v)) return bad("rtpmap");
  } else if (text::iequals(name, "fmtp")) {
    if (!parse_fmtp(v)) return bad("fmtp");
  } else if (text::iequals(name, "ptime") || text::iequals(name, "maxptime")) {
    if (!valid_packet_time(v)) return bad(name);
  } else if (text::iequals(name, "rtcp")) {
    if (!parse_rtcp(v)) return bad("rtcp");
  } else if (text::iequals(name, "crypto")) {
    if (!parse_crypto(v)) return bad("crypto");
  } else if (text::iequals(name, "ssrc")) {
    if (!parse_ssrc(v)) return bad("ssrc");
  } else if (text::iequals(name, "mid")) {
    if (!valid_mid(v)) return bad("mid");
  }
  list.push_back(std::move(a));
  return true;
}

bool sdp_parser::on_connection(std::string_view value, std::optional<sdp_connection>& slot) {
  auto c = parse_connection(value, true);
  if (!c) return error(sdp_errc::bad_connection, "bad c= line: " + std::string(c.error()));
  slot = std::move(*c);
  return true;
}

// b=<bwtype>:<bandwidth>
bool sdp_parser::on_bandwidth(std::string_view value, std::vector<sdp_bandwidth>& list) {
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) return error(sdp_errc::bad_bandwidth, "bad b= line: no ':'");
  const auto type = value.substr(0, colon);
  const auto amount = g::parse_number(value.substr(colon + 1), UINT64_MAX);
  if (!g::is_token(type) || !amount) return error(sdp_errc::bad_bandwidth, "bad b= line");
  list.push_back(sdp_bandwidth{std::string(type), *amount});
  return true;
}

bool sdp_parser::finish() {
  line_no_ = 0;
  if (!seen_version_) return error(sdp_errc::missing_field, "empty description");
  if (!seen_origin_) return error(sdp_errc::missing_field, "no o= line");
  // A missing t= is read as an unbounded session (RFC 8866 §5.9 "t=0 0").
  if (sd_.timings.empty()) sd_.timings.push_back(sdp_timing{});
  for (std::size_t i = 0; i < sd_.media.size(); ++i) {
    // §5.7: c= at session level or in every media section; a disabled stream needs none.
    if (sd_.media[i].port != 0 && sd_.connection_of(i) == nullptr) {
      line_no_ = media_lines_[i];
      return error(sdp_errc::missing_connection, "no c= line for this media section or the session");
    }
  }
  return true;
}

}  // namespace

result<session_description, sdp_error> parse_sdp(std::string_view text, const sdp_limits& limits) {
  return sdp_parser(text, limits).run();
}

}  // namespace voxedge::media
