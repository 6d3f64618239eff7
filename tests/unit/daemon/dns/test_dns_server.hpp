#pragma once
// A tiny authoritative DNS responder for tests: UDP on 127.0.0.1, an ephemeral port, on
// the test's io_context. Answers A, AAAA, SRV and NAPTR from a table; NXDOMAIN for
// names it does not know, NOERROR with no answer for a known name and another type.
// Names can be told to answer SERVFAIL or not at all (to provoke timeouts).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace voxedge::daemon::dns::testing {

class test_dns_server {
 public:
  enum rtype : std::uint16_t { a = 1, aaaa = 28, srv = 33, naptr = 35 };

  explicit test_dns_server(boost::asio::io_context& io);

  std::uint16_t port() const { return port_; }
  /// "127.0.0.1:port", for dns_settings.servers.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  void add_a(const std::string& name, const std::string& ip, std::uint32_t ttl);
  void add_aaaa(const std::string& name, const std::string& ip, std::uint32_t ttl);
  void add_srv(const std::string& name, std::uint16_t priority, std::uint16_t weight, std::uint16_t port,
               const std::string& target, std::uint32_t ttl);
  void add_naptr(const std::string& name, std::uint16_t order, std::uint16_t preference, const std::string& flags,
                 const std::string& service, const std::string& regexp, const std::string& replacement,
                 std::uint32_t ttl);
  void servfail(const std::string& name) { servfail_.insert(lower(name)); }
  void drop(const std::string& name) { drop_.insert(lower(name)); }

  /// Queries received for (name, type).
  int queries(const std::string& name, std::uint16_t type) const;

 private:
  struct record {
    std::uint32_t ttl;
    std::vector<unsigned char> rdata;
  };

  static std::string lower(const std::string& s);
  void receive();
  void answer(std::size_t length);

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint from_;
  std::vector<unsigned char> buffer_;
  std::uint16_t port_ = 0;
  std::map<std::pair<std::string, std::uint16_t>, std::vector<record>> zone_;
  std::set<std::string> names_;
  std::set<std::string> servfail_;
  std::set<std::string> drop_;
  std::map<std::pair<std::string, std::uint16_t>, int> queries_;
};

}  // namespace voxedge::daemon::dns::testing
