#include "daemon/routing/number_normalizer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace voxedge::daemon {
namespace {

struct row {
  std::string input;
  std::string number;  // expected normalised number
  bool e164;
};

config::numbering_settings plan(std::string cc, std::string national, std::string international) {
  config::numbering_settings n;
  n.country_code = std::move(cc);
  n.national_prefix = std::move(national);
  n.international_prefix = std::move(international);
  return n;
}

void check_table(const number_normalizer& n, const std::vector<row>& rows) {
  for (const auto& r : rows) {
    const auto got = n.normalize(r.input);
    EXPECT_EQ(got.number, r.number) << "input: " << r.input;
    EXPECT_EQ(got.e164, r.e164) << "input: " << r.input;
  }
}

TEST(number_normalizer, united_kingdom) {
  const number_normalizer uk(plan("44", "0", "00"));
  check_table(uk, {
                      {"020 7946 0958", "+442079460958", true},
                      {"02079460958", "+442079460958", true},
                      {"(020) 7946-0958", "+442079460958", true},
                      {"+44 20 7946 0958", "+442079460958", true},
                      {"+44 (0)20 7946 0958", "+442079460958", true},
                      {"+44.20.7946.0958", "+442079460958", true},
                      {"0044 20 7946 0958", "+442079460958", true},
                      {"00 1 201 555 0123", "+12015550123", true},
                      {"07700 900123", "+447700900123", true},
                      {"  020 7946 0958\t", "+442079460958", true},
                      // Short codes and extensions stay as dialled.
                      {"999", "999", false},
                      {"112", "112", false},
                      {"1234", "1234", false},
                      {"12-34", "1234", false},
                      {"0", "0", false},  // "+44" alone is too short to be a number
                      {"*21#", "*21#", false},
                      {"#31#02079460958", "#31#02079460958", false},
                      // Not numbers at all: kept exactly.
                      {"alice", "alice", false},
                      {"alice.smith", "alice.smith", false},
                      {"", "", false},
                      {"+", "+", false},
                      {"++442079460958", "++442079460958", false},
                      // E.164 allows at most 15 digits (ITU-T E.164 §6.1).
                      {"+4420794609581234", "+4420794609581234", false},
                  });
}

TEST(number_normalizer, united_states_uses_1_as_trunk_prefix) {
  const number_normalizer us(plan("1", "1", "011"));
  check_table(us, {
                      {"1 (201) 555-0123", "+12015550123", true},
                      {"1-201-555-0123", "+12015550123", true},
                      {"+1 201 555 0123", "+12015550123", true},
                      {"011 44 20 7946 0958", "+442079460958", true},
                      {"01144 20 7946 0958", "+442079460958", true},
                      {"911", "911", false},
                      // Ten digits without the trunk prefix cannot be told from a long
                      // extension without national number lengths: left alone.
                      {"201.555.0123", "2015550123", false},
                  });
}

TEST(number_normalizer, germany) {
  const number_normalizer de(plan("49", "0", "00"));
  check_table(de, {
                      {"030 1234567", "+49301234567", true},
                      {"030/1234567", "030/1234567", false},  // '/' is no RFC 3966 separator
                      {"+49 (0)30 1234567", "+49301234567", true},
                      {"0049 30 1234567", "+49301234567", true},
                      {"0151 23456789", "+4915123456789", true},
                      {"110", "110", false},
                  });
}

TEST(number_normalizer, without_country_code_only_international_dialling_is_known) {
  const number_normalizer unknown(config::numbering_settings{});
  check_table(unknown, {
                           {"0044 20 7946 0958", "+442079460958", true},
                           {"+44 20 7946 0958", "+442079460958", true},
                           {"020 7946 0958", "02079460958", false},
                       });
}

TEST(number_normalizer, dialled_keeps_the_digits_before_rewriting) {
  const number_normalizer uk(plan("44", "0", "00"));
  const auto n = uk.normalize("020 7946 0958");
  EXPECT_EQ(n.dialled, "02079460958");
  EXPECT_EQ(n.number, "+442079460958");
  EXPECT_EQ(uk.normalize("+44 (0)20 7946 0958").dialled, "+442079460958");
  EXPECT_EQ(uk.normalize("12-34").dialled, "1234");
}

TEST(number_normalizer, phone_context) {
  const number_normalizer uk(plan("44", "0", "00"));
  check_table(uk, {
                      // RFC 3966 §5.1.5 global-number-digits context: joined to the local number.
                      {"7946-0958;phone-context=+44-20", "+442079460958", true},
                      {"2079460958;phone-context=+44", "+442079460958", true},
                      // Our own country code as context: the national prefix is dropped.
                      {"02079460958;phone-context=+44", "+442079460958", true},
                      {"201 555 0123;phone-context=+1", "+12015550123", true},
                      // A global number needs no context (RFC 3966 §5.1.4): ignored.
                      {"+12015550123;phone-context=+44", "+12015550123", true},
                      // Parameter names are case-insensitive; other parameters are dropped.
                      {"2079460958;ext=12;Phone-Context=+44", "+442079460958", true},
                      {"+442079460958;isub=1234", "+442079460958", true},
                      // A domain context: our dialling plan applies, extensions stay.
                      {"1234;phone-context=pbx.example.com", "1234", false},
                      {"02079460958;phone-context=example.com", "+442079460958", true},
                      // Context joined but too short to be E.164.
                      {"12;phone-context=+44", "12", false},
                  });
}

TEST(number_normalizer, sip_and_tel_uris) {
  const number_normalizer uk(plan("44", "0", "00"));
  check_table(uk, {
                      {"sip:02079460958@pbx.example.com", "+442079460958", true},
                      {"sip:+442079460958@carrier.example.com;user=phone", "+442079460958", true},
                      {"SIP:+44-20-7946-0958@carrier.example.com;user=phone", "+442079460958", true},
                      {"sips:0044207946 0958@x.example.com", "sips:0044207946 0958@x.example.com", false},
                      {"sips:00442079460958@x.example.com:5061", "+442079460958", true},
                      // %HH escapes are decoded (RFC 3261 §19.1.2).
                      {"sip:%2B442079460958@carrier.example.com", "+442079460958", true},
                      {"sip:020%207946%200958@pbx.example.com", "+442079460958", true},
                      // RFC 3261 §19.1.6: a telephone-subscriber with context in the user part.
                      {"sip:7946-0958;phone-context=+44-20@gw.example.com;user=phone", "+442079460958", true},
                      // An escaped ';' belongs to the user part, so there is no parameter.
                      {"sip:1234%3Bphone-context=+44@pbx.example.com", "1234;phone-context=+44", false},
                      {"tel:+44-20-7946-0958", "+442079460958", true},
                      {"tel:7946-0958;phone-context=+44-20", "+442079460958", true},
                      {"tel:1234;phone-context=pbx.example.com", "1234", false},
                      {"sip:alice@example.com", "alice", false},
                      {"sip:1234@pbx.example.com", "1234", false},
                      {"sip:pbx.example.com", "", false},
                      {"mailto:alice@example.com", "mailto:alice@example.com", false},
                  });
}

TEST(number_normalizer, number_from_uri_splits_before_unescaping) {
  auto u = sip::parse_uri("sip:%2B44-20;phone-context=%2B44@gw.example.com");
  ASSERT_TRUE(u.ok());
  const auto n = number_from_uri(*u);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->number, "+44-20");
  EXPECT_EQ(n->phone_context, "+44");

  auto t = sip::parse_uri("tel:863-1234;phone-context=+1-914-555");
  ASSERT_TRUE(t.ok());
  const auto tn = number_from_uri(*t);
  ASSERT_TRUE(tn.has_value());
  EXPECT_EQ(tn->number, "863-1234");
  EXPECT_EQ(tn->phone_context, "+1-914-555");

  auto host_only = sip::parse_uri("sip:example.com");
  ASSERT_TRUE(host_only.ok());
  EXPECT_FALSE(number_from_uri(*host_only).has_value());
}

}  // namespace
}  // namespace voxedge::daemon
