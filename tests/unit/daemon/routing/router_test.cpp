#include "daemon/routing/router.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "config/value_syntax.hpp"

namespace voxedge::daemon {
namespace {

config::route make_route(std::string name, const std::string& source, const std::string& target,
                         std::string prefix = {}, std::string regex = {}) {
  config::route r;
  r.name = std::move(name);
  r.match.source = *config::parse_route_source(source);
  r.match.called_prefix = std::move(prefix);
  r.match.called_regex = std::move(regex);
  r.target = *config::parse_route_target(target);
  return r;
}

// A UK deployment: a PBX inside, a provider trunk with a mapped number, a second trunk
// without one, and a voice bot.
config::config base_config() {
  config::config c;
  c.numbering.country_code = "44";
  config::trunk carrier;
  carrier.name = "carrier";
  carrier.outbound.uri = "sips:sip.carrier.example.com:5061";
  carrier.caller_id = config::caller_id_settings{"+442071234567", true};
  config::trunk backup;
  backup.name = "backup";
  backup.outbound.uri = "sip:backup.example.com";
  c.trunks = {carrier, backup};
  config::endpoint pbx;
  pbx.name = "pbx";
  pbx.uri = "sip:pbx.internal.example:5060";
  config::endpoint bot;
  bot.name = "bot";
  bot.uri = "sip:bot.internal.example:5060";
  c.endpoints = {pbx, bot};
  return c;
}

router build(const config::config& c) {
  auto r = router::build(c);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return std::move(r).value();
}

call_source pbx() { return {call_source::kind::endpoint, "pbx"}; }
call_source carrier() { return {call_source::kind::trunk, "carrier"}; }
call_source alice() { return {call_source::kind::user, "alice"}; }
call_source nobody() { return {}; }

TEST(router, first_matching_route_in_file_order_wins) {
  auto c = base_config();
  c.routes = {make_route("premium-to-backup", "endpoint:pbx", "trunk:backup", "+449"),
              make_route("uk", "endpoint:pbx", "trunk:carrier", "+44"),
              make_route("never", "endpoint:pbx", "trunk:backup", "+44")};
  const auto r = build(c);

  auto d = r.route(pbx(), "0909 123 4567");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->route, "premium-to-backup");
  EXPECT_EQ(d->called.number, "+449091234567");

  d = r.route(pbx(), "020 7946 0958");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->route, "uk");
  EXPECT_EQ(d->target.name, "carrier");
  ASSERT_TRUE(d->trunk.has_value());
  EXPECT_EQ(d->trunk->outbound.uri, "sips:sip.carrier.example.com:5061");
  EXPECT_FALSE(d->endpoint.has_value());
}

TEST(router, source_matching) {
  auto c = base_config();
  c.routes = {make_route("from-carrier", "trunk:carrier", "endpoint:pbx"),
              make_route("from-bot", "endpoint:bot", "trunk:backup"), make_route("users", "user", "endpoint:bot"),
              make_route("rest", "any", "trunk:carrier")};
  const auto r = build(c);

  EXPECT_EQ(r.route(carrier(), "+442079460958")->route, "from-carrier");
  EXPECT_EQ(r.route({call_source::kind::endpoint, "bot"}, "+442079460958")->route, "from-bot");
  EXPECT_EQ(r.route(alice(), "+442079460958")->route, "users");
  EXPECT_EQ(r.route(pbx(), "+442079460958")->route, "rest");
  EXPECT_EQ(r.route({call_source::kind::trunk, "backup"}, "+442079460958")->route, "rest");
  // Names are exact: "trunk:carrier" is not "endpoint:carrier".
  EXPECT_EQ(r.route({call_source::kind::endpoint, "carrier"}, "+442079460958")->route, "rest");
}

TEST(router, unknown_source_matches_not_even_any) {
  auto c = base_config();
  c.routes = {make_route("open", "any", "trunk:carrier")};
  const auto r = build(c);
  const auto d = r.route(nobody(), "+442079460958");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), route_failure::no_route);
}

TEST(router, prefix_with_plus_matches_the_normalised_number_only) {
  auto c = base_config();
  c.routes = {make_route("uk", "any", "trunk:carrier", "+44")};
  const auto r = build(c);
  EXPECT_TRUE(r.route(pbx(), "+44 20 7946 0958").ok());
  EXPECT_TRUE(r.route(pbx(), "020 7946 0958").ok());      // national, normalised to +44
  EXPECT_TRUE(r.route(pbx(), "0044 20 7946 0958").ok());  // international, likewise
  EXPECT_FALSE(r.route(pbx(), "001 201 555 0123").ok());
  EXPECT_FALSE(r.route(pbx(), "1234").ok());
}

TEST(router, prefix_without_plus_also_matches_the_dialled_digits) {
  auto c = base_config();
  c.routes = {make_route("extensions", "any", "endpoint:pbx", "1"),
              make_route("freephone-as-dialled", "any", "trunk:backup", "0800"),
              make_route("not-e164-digits", "any", "trunk:carrier", "44")};
  const auto r = build(c);

  auto d = r.route(alice(), "1234");  // extension: normalised == dialled
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->route, "extensions");
  EXPECT_FALSE(d->called.e164);

  d = r.route(alice(), "0800 123 4567");  // dialled nationally, normalised to +44800...
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->route, "freephone-as-dialled");
  EXPECT_EQ(d->called.number, "+448001234567");

  // "44" is neither the start of "+44..." nor of the dialled "+44..." or "0044...".
  EXPECT_FALSE(r.route(alice(), "+44 20 7946 0958").ok());
  EXPECT_FALSE(r.route(alice(), "0044 20 7946 0958").ok());
}

TEST(router, regex_matches_the_whole_normalised_number) {
  auto c = base_config();
  c.routes = {make_route("uk-geo", "any", "trunk:carrier", {}, R"(\+44[12][0-9]{9})"),
              make_route("ext", "any", "endpoint:pbx", {}, "[2-5][0-9]{3}")};
  const auto r = build(c);

  auto d = r.route(pbx(), "020 7946 0958");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->route, "uk-geo");
  // regex_match, not regex_search: a match of part of the number is no match.
  EXPECT_FALSE(r.route(pbx(), "07700 900123").ok());
  EXPECT_EQ(r.route(pbx(), "2345")->route, "ext");
  EXPECT_FALSE(r.route(pbx(), "23456").ok());
  EXPECT_FALSE(r.route(pbx(), "92345").ok());
}

TEST(router, regex_is_not_run_on_overlong_subjects) {
  auto c = base_config();
  c.routes = {make_route("anything", "any", "endpoint:pbx", {}, "(a|b)*")};
  const auto r = build(c);
  EXPECT_TRUE(r.route(pbx(), "abab").ok());
  EXPECT_FALSE(r.route(pbx(), std::string(router::max_regex_subject + 1, 'a')).ok());
}

TEST(router, prefix_and_source_must_both_hold) {
  auto c = base_config();
  c.routes = {make_route("pbx-uk", "endpoint:pbx", "trunk:carrier", "+44"),
              make_route("carrier-in", "trunk:carrier", "endpoint:pbx")};
  const auto r = build(c);
  EXPECT_EQ(r.route(carrier(), "+442079460958")->route, "carrier-in");
  EXPECT_FALSE(r.route(pbx(), "+12015550123").ok());
}

TEST(router, caller_id_from_trunk_configuration) {
  auto c = base_config();
  c.routes = {make_route("out", "any", "trunk:carrier")};
  const auto r = build(c);
  const auto d = r.route(pbx(), "+442079460958", "sip:2001@pbx.internal.example");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->caller_id.has_value());
  EXPECT_EQ(d->caller_id->number, "+442071234567");
  EXPECT_TRUE(d->caller_id->e164);
  EXPECT_TRUE(d->add_pai);
}

TEST(router, caller_id_falls_back_to_the_normalised_calling_number) {
  auto c = base_config();
  c.routes = {make_route("out", "any", "trunk:backup")};
  const auto r = build(c);
  auto d = r.route(pbx(), "+442079460958", "sip:020%207946%200000@pbx.internal.example");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->caller_id.has_value());
  EXPECT_EQ(d->caller_id->number, "+442079460000");
  EXPECT_TRUE(d->caller_id->e164);
  EXPECT_FALSE(d->add_pai);

  // An extension is passed on as it is and flagged: the provider will refuse it.
  d = r.route(pbx(), "+442079460958", "2001");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->caller_id->number, "2001");
  EXPECT_FALSE(d->caller_id->e164);
}

TEST(router, endpoint_targets_carry_no_caller_id_rewrite) {
  auto c = base_config();
  c.routes = {make_route("in", "trunk:carrier", "endpoint:pbx")};
  const auto r = build(c);
  const auto d = r.route(carrier(), "tel:+442079460958", "+12015550123");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->endpoint.has_value());
  EXPECT_EQ(d->endpoint->uri, "sip:pbx.internal.example:5060");
  EXPECT_FALSE(d->trunk.has_value());
  EXPECT_FALSE(d->caller_id.has_value());
  EXPECT_FALSE(d->add_pai);
}

TEST(router, no_route_is_answered_404) {
  const auto r = build(base_config());  // no routes at all
  const auto d = r.route(pbx(), "+442079460958");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), route_failure::no_route);
  EXPECT_EQ(sip_status(d.error()), 404);
}

TEST(router, build_refuses_what_validation_would) {
  auto c = base_config();
  c.routes = {make_route("bad", "any", "trunk:carrier", {}, "(unclosed")};
  auto r = router::build(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("bad"), std::string::npos);

  c.routes = {make_route("ghost", "any", "trunk:nowhere")};
  r = router::build(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("nowhere"), std::string::npos);
}

TEST(router, decision_outlives_the_router) {
  auto c = base_config();
  c.routes = {make_route("out", "any", "trunk:carrier")};
  std::optional<route_decision> kept;
  {
    const auto r = build(c);
    auto d = r.route(pbx(), "+442079460958");
    ASSERT_TRUE(d.ok());
    kept = std::move(d).value();
  }
  EXPECT_EQ(kept->trunk->name, "carrier");
}

}  // namespace
}  // namespace voxedge::daemon
