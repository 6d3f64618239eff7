// The DNS answer parsers (daemon/dns/dns_answer.hpp) on the seed corpus of
// dns_answer_fuzz, message by message, and the corpus replayed through the same
// properties the fuzz target checks, so every input kept there (the seeds and any crasher
// the fuzzer ever finds) stays a regression test.
#include "daemon/dns/dns_answer.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "tests/fuzz/dns_answer_properties.hpp"

namespace voxedge::daemon::dns {
namespace {

using bytes = std::vector<unsigned char>;

const std::filesystem::path corpus_dir = std::filesystem::path(VOXEDGE_SOURCE_DIR) / "tests/fuzz/corpus/dns_answer";

bytes seed(const std::string& name) {
  std::ifstream in(corpus_dir / (name + ".bin"), std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int size_of(const bytes& b) { return static_cast<int>(b.size()); }

boost::asio::ip::address ip(const char* s) { return boost::asio::ip::make_address(s); }

TEST(dns_answer_fuzz_corpus, every_seed_keeps_the_fuzz_properties) {
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus_dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.front() == '.') continue;
    ++seeds;
    SCOPED_TRACE(name);
    std::ifstream in(entry.path(), std::ios::binary);
    const bytes b{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const char* why = fuzz::check_dns_answer_properties(b);
    EXPECT_EQ(why, nullptr) << why;
  }
  EXPECT_GE(seeds, 10);
}

TEST(dns_answer, a_records_in_answer_order_with_the_smallest_ttl) {
  const auto m = seed("a_two_compressed");
  const auto r = parse_a(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->addresses, (std::vector{ip("192.0.2.1"), ip("192.0.2.2")}));
  EXPECT_EQ(r->ttl, 30u);
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_a), 30u);
}

TEST(dns_answer, aaaa_record) {
  const auto m = seed("aaaa_one");
  const auto r = parse_aaaa(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->addresses, std::vector{ip("2001:db8::5060")});
  EXPECT_EQ(r->ttl, 300u);
  EXPECT_FALSE(parse_a(m.data(), size_of(m)).ok());
}

TEST(dns_answer, a_behind_a_cname_takes_the_smaller_ttl) {
  const auto m = seed("a_cname_chain");
  const auto r = parse_a(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->addresses, std::vector{ip("192.0.2.7")});
  EXPECT_EQ(r->ttl, 20u);
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_cname), 120u);
}

TEST(dns_answer, srv_records_with_compressed_targets) {
  const auto m = seed("srv_two_compressed");
  const auto r = parse_srv(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, (std::vector<srv_record>{{10, 60, 5061, "sip1.example.com"}, {20, 0, 5061, "sip2.example.net"}}));
  EXPECT_EQ(r->ttl, 90u);
}

TEST(dns_answer, srv_root_target_is_kept_as_a_dot) {
  const auto m = seed("srv_root_target");
  const auto r = parse_srv(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].target, ".");
  EXPECT_EQ(r->ttl, 60u);
}

TEST(dns_answer, ttl_with_the_top_bit_set_counts_as_zero) {
  const auto m = seed("srv_ttl_top_bit");
  const auto r = parse_srv(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ttl, 0u);
}

TEST(dns_answer, srv_ignores_other_classes_and_the_additional_section) {
  const auto m = seed("srv_additional_class_ch");
  const auto r = parse_srv(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, (std::vector<srv_record>{{5, 5, 5060, "b.example.com"}}));
  EXPECT_EQ(r->ttl, 50u);
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_a), std::nullopt);
}

TEST(dns_answer, truncated_srv_answer_is_a_bad_response) {
  const auto m = seed("srv_truncated");
  const auto r = parse_srv(m.data(), size_of(m));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), dns_error::bad_response);
  // The walk keeps what it saw before the cut: the first record only.
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_srv), 3600u);
}

TEST(dns_answer, naptr_records) {
  const auto m = seed("naptr_two");
  const auto r = parse_naptr(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, (std::vector<naptr_record>{{10, 10, "s", "SIPS+D2T", "", "_sips._tcp.example.com"},
                                                   {20, 10, "s", "SIP+D2U", "", "_sip._udp.example.com"}}));
  EXPECT_EQ(r->ttl, 300u);
}

TEST(dns_answer, naptr_with_a_regexp_and_an_empty_replacement) {
  const auto m = seed("naptr_regexp");
  const auto r = parse_naptr(m.data(), size_of(m));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, (std::vector<naptr_record>{{30, 50, "u", "E2U+sip", "!^.*$!sip:info@example.com!", "."}}));
  EXPECT_EQ(r->ttl, 60u);
}

TEST(dns_answer, answers_without_records_are_no_data) {
  for (const char* name : {"nxdomain", "nodata_soa", "udp_truncated_tc"}) {
    SCOPED_TRACE(name);
    const auto m = seed(name);
    const auto a = parse_a(m.data(), size_of(m));
    const auto aaaa = parse_aaaa(m.data(), size_of(m));
    const auto srv = parse_srv(m.data(), size_of(m));
    const auto naptr = parse_naptr(m.data(), size_of(m));
    ASSERT_FALSE(a.ok() || aaaa.ok() || srv.ok() || naptr.ok());
    EXPECT_EQ(a.error(), dns_error::no_data);
    EXPECT_EQ(aaaa.error(), dns_error::no_data);
    EXPECT_EQ(srv.error(), dns_error::no_data);
    EXPECT_EQ(naptr.error(), dns_error::no_data);
  }
}

TEST(dns_answer, compression_loop_is_a_bad_response) {
  const auto m = seed("pointer_loop");
  const auto r = parse_a(m.data(), size_of(m));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), dns_error::bad_response);
  // The walk does not follow pointers, so it still reads the record behind the name.
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_a), 5u);
}

TEST(dns_answer, min_answer_ttl_needs_a_header) {
  const bytes m(11, 0);
  EXPECT_EQ(min_answer_ttl(nullptr, 100, ns_t_a), std::nullopt);
  EXPECT_EQ(min_answer_ttl(m.data(), size_of(m), ns_t_a), std::nullopt);
  EXPECT_EQ(min_answer_ttl(m.data(), -1, ns_t_a), std::nullopt);
}

TEST(dns_answer, cares_status_mapping) {
  EXPECT_EQ(from_ares(ARES_ENOTFOUND), dns_error::nxdomain);
  EXPECT_EQ(from_ares(ARES_ENODATA), dns_error::no_data);
  EXPECT_EQ(from_ares(ARES_ETIMEOUT), dns_error::timeout);
  EXPECT_EQ(from_ares(ARES_ESERVFAIL), dns_error::server_failure);
  EXPECT_EQ(from_ares(ARES_ECONNREFUSED), dns_error::server_failure);
  EXPECT_EQ(from_ares(ARES_EREFUSED), dns_error::refused);
  EXPECT_EQ(from_ares(ARES_EBADRESP), dns_error::bad_response);
  EXPECT_EQ(from_ares(ARES_EDESTRUCTION), dns_error::cancelled);
  EXPECT_EQ(from_ares(ARES_ENOMEM), dns_error::other);
}

}  // namespace
}  // namespace voxedge::daemon::dns
