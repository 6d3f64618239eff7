#include "sip/message/uri.hpp"

#include <gtest/gtest.h>

namespace voxedge::sip {
namespace {

uri parse(std::string_view s) {
  auto r = parse_uri(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().what);
  return r.ok() ? std::move(r).value() : uri{};
}

TEST(uri, full_sip_uri) {
  const auto u = parse(
      "sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");
  EXPECT_EQ(u.scheme, uri_scheme::sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "atlanta.com");
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.params.get("transport"), "tcp");
  EXPECT_EQ(u.params.get("lr"), "");
  EXPECT_EQ(u.params.get("maddr"), "239.255.255.1");
  EXPECT_EQ(u.headers.get("subject"), "project%20x");
  EXPECT_EQ(u.headers.get("priority"), "urgent");
  EXPECT_EQ(
      u.to_string(),
      "sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");
}

TEST(uri, scheme_is_case_insensitive) {
  EXPECT_EQ(parse("SIP:bob@Biloxi.COM").scheme, uri_scheme::sip);
  EXPECT_EQ(parse("Sips:bob@biloxi.com").scheme, uri_scheme::sips);
  EXPECT_EQ(parse("TEL:+15551234").scheme, uri_scheme::tel);
}

TEST(uri, host_forms) {
  EXPECT_EQ(parse("sip:192.0.2.1").host, "192.0.2.1");
  EXPECT_EQ(parse("sip:example.com.").host, "example.com.");
  const auto v6 = parse("sip:[2001:db8::1]:5060");
  EXPECT_EQ(v6.host, "2001:db8::1");
  EXPECT_TRUE(v6.host_is_ipv6());
  EXPECT_EQ(v6.host_for_wire(), "[2001:db8::1]");
  EXPECT_EQ(v6.to_string(), "sip:[2001:db8::1]:5060");
  EXPECT_EQ(parse("sip:[::ffff:192.0.2.1]").host, "::ffff:192.0.2.1");
  EXPECT_EQ(parse("sip:user@host_name.example.com").host, "host_name.example.com");
}

TEST(uri, rejects_malformed) {
  for (const char* bad : {"",
                          "sip:",
                          "sip:@host",
                          "sip:user@",
                          "sip:host:",
                          "sip:host:65536",
                          "sip:host:5x",
                          "sip:[2001:db8::1",
                          "sip:[2001:db8:::1]",
                          "sip:[1:2:3:4:5:6:7:8:9]",
                          "sip:2001:db8::1",
                          "sip:1.2.3.256",
                          "sip:1.2.3",
                          "sip:host;",
                          "sip:host;=x",
                          "sip:host;a=",
                          "sip:host?",
                          "sip:us er@host",
                          "sip:user@host name",
                          "sip:a%2@host",
                          "sip:a%zz@host",
                          "sip:host;a=%",
                          "sip:<host>",
                          "1sip:host",
                          ":host",
                          "tel:",
                          "tel:12;",
                          "tel:12 34",
                          "mailto:",
                          "x:a b",
                          "sip:host>",
                          "sip:host\r\n"}) {
    EXPECT_FALSE(parse_uri(bad).ok()) << bad;
  }
}

TEST(uri, user_part_may_hold_reserved_characters) {
  // RFC 4475 §3.1.1.9: ';' before '@' is part of the user.
  const auto u = parse("sip:user;par=u%40example.net@example.com;lr");
  EXPECT_EQ(u.user, "user;par=u%40example.net");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_TRUE(u.params.has("lr"));
  EXPECT_EQ(parse("sip:*21#@pbx.example.com").user, "*21#");  // tolerated unescaped '#'
}

TEST(uri, tel_uri) {
  const auto u = parse("tel:+1-201-555-0123;ext=42;phone-context=+1");
  EXPECT_EQ(u.scheme, uri_scheme::tel);
  EXPECT_EQ(u.user, "+1-201-555-0123");
  EXPECT_EQ(u.params.get("ext"), "42");
  EXPECT_EQ(u.to_string(), "tel:+1-201-555-0123;ext=42;phone-context=+1");
  EXPECT_EQ(parse("tel:7042;phone-context=example.com").user, "7042");
}

TEST(uri, other_schemes_are_kept_opaque) {
  const auto u = parse("mailto:watson@bell-telephone.com");
  EXPECT_EQ(u.scheme, uri_scheme::other);
  EXPECT_EQ(u.scheme_name, "mailto");
  EXPECT_EQ(u.opaque, "watson@bell-telephone.com");
  EXPECT_EQ(u.to_string(), "mailto:watson@bell-telephone.com");
  EXPECT_EQ(parse("urn:service:sos").opaque, "service:sos");
}

TEST(uri, serialization_escapes_what_needs_it) {
  uri u;
  u.user = "a b";
  u.host = "example.com";
  u.params.set("x", "v>w");
  u.headers.set("Subject", "hi there");
  EXPECT_EQ(u.to_string(), "sip:a%20b@example.com;x=v%3Ew?Subject=hi%20there");
  const auto back = parse(u.to_string());
  EXPECT_EQ(back.user, "a%20b");         // stored as on the wire...
  EXPECT_TRUE(uri_equivalent(u, back));  // ...and equivalent to the raw form (§19.1.4)
}

// RFC 3261 §19.1.4: "the following are equivalent".
TEST(uri_equivalent, rfc3261_equivalent_examples) {
  const std::pair<const char*, const char*> same[] = {
      {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;security=on"},
      {"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"},
      {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
      {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
  };
  for (const auto& [a, b] : same) {
    EXPECT_TRUE(uri_equivalent(parse(a), parse(b))) << a << " vs " << b;
    EXPECT_TRUE(uri_equivalent(parse(b), parse(a))) << b << " vs " << a;
  }
}

// RFC 3261 §19.1.4: "the following are not equivalent".
TEST(uri_equivalent, rfc3261_non_equivalent_examples) {
  const std::pair<const char*, const char*> differ[] = {
      {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
      {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"},
      {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"},
  };
  for (const auto& [a, b] : differ) {
    EXPECT_FALSE(uri_equivalent(parse(a), parse(b))) << a << " vs " << b;
    EXPECT_FALSE(uri_equivalent(parse(b), parse(a))) << b << " vs " << a;
  }
}

TEST(uri_equivalent, parameter_rules) {
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h;user=phone"), parse("sip:a@h")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h;ttl=1"), parse("sip:a@h")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h;method=INVITE"), parse("sip:a@h")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h;maddr=1.2.3.4"), parse("sip:a@h")));
  EXPECT_TRUE(uri_equivalent(parse("sip:a@h;lr"), parse("sip:a@h")));
  EXPECT_TRUE(uri_equivalent(parse("sip:a@h;%6C%72"), parse("sip:a@h;lr")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h;x=1"), parse("sip:a@h;x")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h"), parse("sips:a@h")));
  // An escaped reserved character is not the character itself.
  EXPECT_FALSE(uri_equivalent(parse("sip:a%3Bb@h"), parse("sip:a;b@h")));
  EXPECT_TRUE(uri_equivalent(parse("sip:a%3bb@h"), parse("sip:a%3Bb@h")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a@h?x=1"), parse("sip:a@h?x=1&y=2")));
  EXPECT_FALSE(uri_equivalent(parse("sip:a:pw@h"), parse("sip:a@h")));
}

TEST(uri_equivalent, ipv6_hosts_compare_as_addresses) {
  EXPECT_TRUE(uri_equivalent(parse("sip:[2001:db8::1]"), parse("sip:[2001:DB8:0:0:0:0:0:1]")));
  EXPECT_FALSE(uri_equivalent(parse("sip:[2001:db8::1]"), parse("sip:[2001:db8::2]")));
}

TEST(uri_equivalent, tel_and_other) {
  EXPECT_TRUE(uri_equivalent(parse("tel:+1-201-555-0123"), parse("tel:+1.201.555.0123")));
  EXPECT_TRUE(uri_equivalent(parse("tel:7042;phone-context=EXAMPLE.com"), parse("tel:7042;phone-context=example.com")));
  EXPECT_FALSE(uri_equivalent(parse("tel:7042;phone-context=a.com"), parse("tel:7042")));
  EXPECT_TRUE(uri_equivalent(parse("MAILTO:a@b"), parse("mailto:a@b")));
  EXPECT_FALSE(uri_equivalent(parse("mailto:a@b"), parse("mailto:A@b")));
  EXPECT_FALSE(uri_equivalent(parse("tel:123"), parse("sip:123@h")));
}

}  // namespace
}  // namespace voxedge::sip
