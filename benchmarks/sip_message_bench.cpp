// SIP message layer throughput: parse and serialize a typical trunk INVITE with SDP and
// its 200 OK, build a response, and cut a pipelined TCP stream.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/stream_framer.hpp"

namespace {

using namespace voxedge::sip;

std::string crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string& sdp() {
  static const std::string value = crlf(
      "v=0\n"
      "o=- 1719427462 1719427462 IN IP4 198.51.100.7\n"
      "s=voxedge\n"
      "c=IN IP4 198.51.100.7\n"
      "t=0 0\n"
      "m=audio 16384 RTP/AVP 0 8 9 101\n"
      "a=rtpmap:0 PCMU/8000\n"
      "a=rtpmap:8 PCMA/8000\n"
      "a=rtpmap:9 G722/8000\n"
      "a=rtpmap:101 telephone-event/8000\n"
      "a=fmtp:101 0-16\n"
      "a=ptime:20\n"
      "a=sendrecv\n");
  return value;
}

std::string with_body(std::string_view head, std::string_view body) {
  return crlf(head) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

const std::string& invite() {
  static const std::string value = with_body(
      "INVITE sip:+15551234567@trunk.example.com:5061;transport=tls;user=phone SIP/2.0\n"
      "Via: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bK-524287-1---5f0a6c3e2d1b;rport\n"
      "Max-Forwards: 70\n"
      "Contact: <sip:gw@198.51.100.7:5061;transport=tls>\n"
      "To: <sip:+15551234567@trunk.example.com;user=phone>\n"
      "From: \"Acme Support\" <sip:+15550001111@trunk.example.com;user=phone>;tag=5f0a6c3e\n"
      "Call-ID: 8d1c3f2a-6e7b-4c5d-9e0f-1a2b3c4d5e6f@198.51.100.7\n"
      "CSeq: 1 INVITE\n"
      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER, NOTIFY, INFO\n"
      "Supported: replaces, timer, 100rel\n"
      "Session-Expires: 1800;refresher=uac\n"
      "Min-SE: 90\n"
      "P-Asserted-Identity: <sip:+15550001111@trunk.example.com;user=phone>\n"
      "User-Agent: voxedge/0.1\n"
      "Content-Type: application/sdp\n",
      sdp());
  return value;
}

const std::string& ok() {
  static const std::string value = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bK-524287-1---5f0a6c3e2d1b;rport=5061;received=198.51.100.7\n"
      "Record-Route: <sip:edge1.trunk.example.com:5061;transport=tls;lr>\n"
      "Contact: <sip:+15551234567@203.0.113.20:5061;transport=tls>\n"
      "To: <sip:+15551234567@trunk.example.com;user=phone>;tag=as4f2c1e\n"
      "From: \"Acme Support\" <sip:+15550001111@trunk.example.com;user=phone>;tag=5f0a6c3e\n"
      "Call-ID: 8d1c3f2a-6e7b-4c5d-9e0f-1a2b3c4d5e6f@198.51.100.7\n"
      "CSeq: 1 INVITE\n"
      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER, NOTIFY, INFO\n"
      "Supported: replaces, timer\n"
      "Require: timer\n"
      "Session-Expires: 1800;refresher=uac\n"
      "Server: TrunkProvider SBC\n"
      "Content-Type: application/sdp\n",
      sdp());
  return value;
}

void parse_bench(benchmark::State& state, const std::string& bytes) {
  for (auto _ : state) {
    auto r = parse_message(bytes);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void serialize_bench(benchmark::State& state, const std::string& bytes) {
  const message m = parse_message(bytes).value();
  std::string out;
  for (auto _ : state) {
    out.clear();
    serialize_to(m, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}

void BM_parse_invite(benchmark::State& state) { parse_bench(state, invite()); }
void BM_parse_200_ok(benchmark::State& state) { parse_bench(state, ok()); }
void BM_serialize_invite(benchmark::State& state) { serialize_bench(state, invite()); }
void BM_serialize_200_ok(benchmark::State& state) { serialize_bench(state, ok()); }

void BM_make_and_serialize_180(benchmark::State& state) {
  const message req = parse_message(invite()).value();
  for (auto _ : state) {
    auto r = serialize(make_response(req, 180, {}, "as4f2c1e"));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_stream_frame_and_parse(benchmark::State& state) {
  // Ten pipelined messages per read, as a busy trunk connection delivers them.
  std::string chunk;
  for (int i = 0; i < 5; ++i) chunk += invite() + ok();
  stream_framer framer;
  std::string frame;
  for (auto _ : state) {
    framer.append(chunk);
    while (framer.next(frame) == stream_framer::status::message) {
      auto r = parse_message(frame);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 10));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * chunk.size()));
}

}  // namespace

BENCHMARK(BM_parse_invite);
BENCHMARK(BM_parse_200_ok);
BENCHMARK(BM_serialize_invite);
BENCHMARK(BM_serialize_200_ok);
BENCHMARK(BM_make_and_serialize_180);
BENCHMARK(BM_stream_frame_and_parse);

BENCHMARK_MAIN();
