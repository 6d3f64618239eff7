#include "daemon/cdr/cdr_record.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// 2024-05-01T12:00:00Z
constexpr cdr_record::time_point t0{1714564800s};

cdr_record answered_call() {
  cdr_record r;
  r.call_id = "c-7f3a";
  r.direction = call_direction::inbound;
  r.from = "+12015550123";
  r.to = "+442079460958";
  r.source = "trunk:carrier";
  r.target = "endpoint:pbx";
  r.route = "from-carrier";
  r.start = t0 + 250ms;
  r.answer = t0 + 2s + 100ms;
  r.end = t0 + 64s + 445ms;
  r.end_reason = "BYE";
  r.sip_code = 200;
  r.hangup_by = hangup_party::callee;
  r.final_state = "ESTABLISHED";
  r.legs = {cdr_leg{"caller", "a84b4c76e66710@carrier", "PCMA", 3100, 533200, 0.25, 3.5, 41.0, 4.3},
            cdr_leg{"callee", "9f2e@voxedge", "PCMA", 3095, 532340, 0, 1.25, std::nullopt, std::nullopt}};
  return r;
}

TEST(cdr_record, rfc3339_utc_with_milliseconds) {
  EXPECT_EQ(format_rfc3339(t0), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(format_rfc3339(t0 + 1s + 7ms + 999us), "2024-05-01T12:00:01.007Z");  // truncated, not rounded
  EXPECT_EQ(format_rfc3339(cdr_record::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(cdr_record::time_point{} - 1ms), "1969-12-31T23:59:59.999Z");
}

TEST(cdr_record, durations) {
  auto r = answered_call();
  EXPECT_DOUBLE_EQ(duration_s(r), 62.345);
  EXPECT_EQ(setup_ms(r), 1850);
  r.answer.reset();
  EXPECT_EQ(duration_s(r), 0);
  EXPECT_EQ(setup_ms(r), 64195);  // how long the caller waited before giving up
  r.end = r.start - 1s;           // a clock step backwards never gives a negative figure
  EXPECT_EQ(setup_ms(r), 0);
}

TEST(cdr_record, json_shape_and_values) {
  const std::string line = to_json_line(answered_call());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind(R"({"call_id":"c-7f3a","direction":"inbound",)", 0), 0u) << line;

  const auto j = json::parse(line);
  EXPECT_EQ(j["call_id"], "c-7f3a");
  EXPECT_EQ(j["direction"], "inbound");
  EXPECT_EQ(j["from"], "+12015550123");
  EXPECT_EQ(j["to"], "+442079460958");
  EXPECT_EQ(j["source"], "trunk:carrier");
  EXPECT_EQ(j["target"], "endpoint:pbx");
  EXPECT_EQ(j["route"], "from-carrier");
  EXPECT_EQ(j["start"], "2024-05-01T12:00:00.250Z");
  EXPECT_EQ(j["answer"], "2024-05-01T12:00:02.100Z");
  EXPECT_EQ(j["end"], "2024-05-01T12:01:04.445Z");
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 62.345);
  EXPECT_EQ(j["setup_ms"], 1850);
  EXPECT_EQ(j["end_reason"], "BYE");
  EXPECT_EQ(j["sip_code"], 200);
  EXPECT_EQ(j["hangup_by"], "callee");
  EXPECT_EQ(j["final_state"], "ESTABLISHED");
  ASSERT_EQ(j["legs"].size(), 2u);
  const auto& a = j["legs"][0];
  EXPECT_EQ(a["role"], "caller");
  EXPECT_EQ(a["sip_call_id"], "a84b4c76e66710@carrier");
  EXPECT_EQ(a["codec"], "PCMA");
  EXPECT_EQ(a["packets"], 3100);
  EXPECT_EQ(a["bytes"], 533200);
  EXPECT_DOUBLE_EQ(a["loss_percent"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(a["jitter_ms"].get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(a["rtt_ms"].get<double>(), 41.0);
  EXPECT_DOUBLE_EQ(a["mos"].get<double>(), 4.3);
  const auto& b = j["legs"][1];
  EXPECT_TRUE(b["rtt_ms"].is_null());
  EXPECT_TRUE(b["mos"].is_null());
  EXPECT_EQ(j.size(), 17u);  // nothing unexpected sneaks in
  EXPECT_EQ(b.size(), 9u);
}

TEST(cdr_record, unanswered_call) {
  auto r = answered_call();
  r.answer.reset();
  r.sip_code.reset();
  r.end_reason = "CANCEL";
  r.hangup_by = hangup_party::caller;
  r.final_state = "RINGING";
  r.direction = call_direction::outbound;
  r.legs.resize(1);
  const auto j = json::parse(to_json_line(r));
  EXPECT_TRUE(j["answer"].is_null());
  EXPECT_TRUE(j["sip_code"].is_null());
  EXPECT_EQ(j["duration_s"], 0);
  EXPECT_EQ(j["hangup_by"], "caller");
  EXPECT_EQ(j["direction"], "outbound");
  EXPECT_EQ(j["final_state"], "RINGING");
}

TEST(cdr_record, hostile_text_still_gives_one_valid_line) {
  auto r = answered_call();
  r.from = "\"Eve\"\n\x01\xff\xfe <sip:eve@example.com>";  // control bytes and invalid UTF-8
  const std::string line = to_json_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = json::parse(line);
  EXPECT_EQ(j["from"].get<std::string>().substr(0, 7), "\"Eve\"\n\x01");
}

}  // namespace
}  // namespace voxedge::daemon
