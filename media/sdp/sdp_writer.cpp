#include "media/sdp/sdp_writer.hpp"

#include "base/text.hpp"

namespace voxedge::media {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view redacted = "<redacted>";

void line(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += crlf;
}

void write_connection(std::string& out, const sdp_connection& c) {
  out += "c=";
  c.append_to(out);
  out += crlf;
}

void write_bandwidths(std::string& out, const std::vector<sdp_bandwidth>& list) {
  for (const auto& b : list) {
    out += "b=";
    out += b.type;
    out += ':';
    out += std::to_string(b.value);
    out += crlf;
  }
}

void write_attributes(std::string& out, const sdp_attribute_list& list, bool redact) {
  for (const auto& a : list) {
    out += "a=";
    out += a.name;
    if (a.value) {
      out += ':';
      if (redact && text::iequals(a.name, "crypto")) {
        auto c = parse_crypto(*a.value);
        out += c ? c->to_redacted_value() : std::string(redacted);
      } else if (redact && text::iequals(a.name, "ice-pwd")) {
        out += redacted;
      } else {
        out += *a.value;
      }
    }
    out += crlf;
  }
}

void write_key(std::string& out, const std::optional<std::string>& key, bool redact) {
  if (key) line(out, 'k', redact ? std::string_view(redacted) : std::string_view(*key));
}

void write(const session_description& sd, std::string& out, bool redact) {
  out += "v=";
  out += std::to_string(sd.version);
  out += crlf;
  const auto& o = sd.origin;
  out += "o=";
  out += o.username;
  out += ' ';
  out += o.session_id;
  out += ' ';
  out += std::to_string(o.session_version);
  out += ' ';
  o.connection.append_to(out);
  out += crlf;
  line(out, 's', sd.session_name);
  if (sd.information) line(out, 'i', *sd.information);
  if (sd.uri) line(out, 'u', *sd.uri);
  for (const auto& e : sd.emails) line(out, 'e', e);
  for (const auto& p : sd.phones) line(out, 'p', p);
  if (sd.connection) write_connection(out, *sd.connection);
  write_bandwidths(out, sd.bandwidths);
  if (sd.timings.empty()) out += "t=0 0\r\n";
  for (const auto& t : sd.timings) {
    out += "t=";
    out += std::to_string(t.start);
    out += ' ';
    out += std::to_string(t.stop);
    out += crlf;
    for (const auto& r : t.repeats) line(out, 'r', r);
  }
  if (sd.zone_adjustments) line(out, 'z', *sd.zone_adjustments);
  write_key(out, sd.key, redact);
  write_attributes(out, sd.attributes, redact);
  for (const auto& m : sd.media) {
    out += "m=";
    out += m.media;
    out += ' ';
    out += std::to_string(m.port);
    if (m.port_count) {
      out += '/';
      out += std::to_string(*m.port_count);
    }
    out += ' ';
    out += m.proto;
    for (const auto& f : m.formats) {
      out += ' ';
      out += f;
    }
    out += crlf;
    if (m.title) line(out, 'i', *m.title);
    if (m.connection) write_connection(out, *m.connection);
    write_bandwidths(out, m.bandwidths);
    write_key(out, m.key, redact);
    write_attributes(out, m.attributes, redact);
  }
}

}  // namespace

void write_sdp(const session_description& sd, std::string& out) { write(sd, out, false); }

std::string write_sdp(const session_description& sd) {
  std::string out;
  out.reserve(512 + sd.media.size() * 512);
  write(sd, out, false);
  return out;
}

std::string write_sdp_redacted(const session_description& sd) {
  std::string out;
  write(sd, out, true);
  return out;
}

}  // namespace voxedge::media
