// libFuzzer target for the SIP message layer: parser, serializer, response builder,
// auth-header parser and stream framer. Properties checked beyond "no crash":
//  - what parses serializes to something that parses again, and serializing that
//    gives the same bytes (the serializer writes only valid SIP and loses nothing);
//  - a URI is equivalent to itself; an auth header that parses re-parses from to_string;
//  - a Reason that parses is written as one that parses to the same (text without CTLs).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "sip/message/auth_header.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/reason_header.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/stream_framer.hpp"

namespace {

using namespace voxedge::sip;

[[noreturn]] void die(const char* what, std::string_view detail) {
  std::fprintf(stderr, "sip_parser_fuzz: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void check_round_trip(const message& m) {
  const std::string wire = serialize(m);
  // Serializing may legitimately grow a message past the receive limits (compact names
  // expanded, one header line per Via), so the second parse is unbounded.
  parse_limits relaxed;
  relaxed.max_message_bytes = std::numeric_limits<std::size_t>::max();
  relaxed.max_headers = std::numeric_limits<std::size_t>::max();
  auto again = parse_message(wire, relaxed);
  if (!again) die(again.error().phrase.c_str(), wire);
  if (serialize(*again) != wire) die("serialization is not a fixed point", wire);
  if (m.is_request && !uri_equivalent(m.request_uri, m.request_uri)) die("URI not equivalent to itself", wire);
  for (const auto& h : m.headers) {
    if (h.name == "Reason") {
      if (const auto r = parse_reason(h.value)) {
        const auto written = r->to_string();
        const auto reparsed = parse_reason(written);
        if (!reparsed || reparsed->to_string() != written || reparsed->cause != r->cause || reparsed->proto != r->proto) {
          die("Reason does not re-parse to itself", written);
        }
      }
      continue;
    }
    if (h.name != "Authorization" && h.name != "WWW-Authenticate" && h.name != "Proxy-Authorization" &&
        h.name != "Proxy-Authenticate") {
      continue;
    }
    auto auth = parse_auth_header(h.value);
    if (!auth) continue;
    const auto text = auth->to_string();
    if (!parse_auth_header(text)) die("auth header does not re-parse", text);
  }
}

void feed_framer(std::string_view in, std::size_t chunk) {
  stream_framer framer(4096);
  std::string frame;
  for (std::size_t pos = 0; pos < in.size(); pos += chunk) {
    framer.append(in.substr(pos, chunk));
    for (;;) {
      const auto st = framer.next(frame);
      if (st == stream_framer::status::need_more || st == stream_framer::status::error) break;
      if (st == stream_framer::status::message) (void)parse_message(frame);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_message(in);
  if (parsed) {
    check_round_trip(*parsed);
  } else if (parsed.error().status != 0) {
    const auto& f = parsed.error();
    if (!f.partial) die("answerable failure without a partial message", in);
    (void)serialize(make_response(*f.partial, f.status, f.phrase, "fuzztag"));
  }
  feed_framer(in, size == 0 ? 1 : static_cast<std::size_t>(data[0] % 61) + 1);
  return 0;
}
