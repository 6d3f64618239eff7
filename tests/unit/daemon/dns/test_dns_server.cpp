#include "test_dns_server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>

#include "base/text.hpp"

namespace voxedge::daemon::dns::testing {

namespace {

void put16(std::vector<unsigned char>& out, std::uint16_t v) {
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v & 0xFF));
}

void put32(std::vector<unsigned char>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

// RFC 1035 §3.1, uncompressed; "" or "." is the root.
void put_name(std::vector<unsigned char>& out, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out.push_back(static_cast<unsigned char>(dot - start));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
               name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
}

void put_string(std::vector<unsigned char>& out, const std::string& s) {
  out.push_back(static_cast<unsigned char>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

test_dns_server::test_dns_server(boost::asio::io_context& io)
    : socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)), buffer_(1500) {
  port_ = socket_.local_endpoint().port();
  receive();
}

std::string test_dns_server::lower(const std::string& s) { return text::to_lower(s); }

void test_dns_server::add_a(const std::string& name, const std::string& ip, std::uint32_t ttl) {
  const auto bytes = boost::asio::ip::make_address_v4(ip).to_bytes();
  zone_[{lower(name), a}].push_back({ttl, {bytes.begin(), bytes.end()}});
  names_.insert(lower(name));
}

void test_dns_server::add_aaaa(const std::string& name, const std::string& ip, std::uint32_t ttl) {
  const auto bytes = boost::asio::ip::make_address_v6(ip).to_bytes();
  zone_[{lower(name), aaaa}].push_back({ttl, {bytes.begin(), bytes.end()}});
  names_.insert(lower(name));
}

void test_dns_server::add_srv(const std::string& name, std::uint16_t priority, std::uint16_t weight, std::uint16_t port,
                              const std::string& target, std::uint32_t ttl) {
  std::vector<unsigned char> rdata;
  put16(rdata, priority);
  put16(rdata, weight);
  put16(rdata, port);
  put_name(rdata, target);
  zone_[{lower(name), srv}].push_back({ttl, std::move(rdata)});
  names_.insert(lower(name));
}

void test_dns_server::add_naptr(const std::string& name, std::uint16_t order, std::uint16_t preference,
                                const std::string& flags, const std::string& service, const std::string& regexp,
                                const std::string& replacement, std::uint32_t ttl) {
  std::vector<unsigned char> rdata;
  put16(rdata, order);
  put16(rdata, preference);
  put_string(rdata, flags);
  put_string(rdata, service);
  put_string(rdata, regexp);
  put_name(rdata, replacement);
  zone_[{lower(name), naptr}].push_back({ttl, std::move(rdata)});
  names_.insert(lower(name));
}

int test_dns_server::queries(const std::string& name, std::uint16_t type) const {
  const auto it = queries_.find({lower(name), type});
  return it == queries_.end() ? 0 : it->second;
}

void test_dns_server::receive() {
  socket_.async_receive_from(boost::asio::buffer(buffer_), from_,
                             [this](const boost::system::error_code& ec, std::size_t n) {
                               if (ec) return;  // closed
                               answer(n);
                               receive();
                             });
}

void test_dns_server::answer(std::size_t length) {
  const unsigned char* q = buffer_.data();
  if (length < 12 || (q[2] & 0x80) != 0) return;  // too short, or a response
  // The question: one name, uncompressed, then type and class.
  std::string name;
  std::size_t pos = 12;
  while (pos < length && q[pos] != 0) {
    const std::size_t n = q[pos];
    if (pos + 1 + n > length) return;
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(q + pos + 1), n);
    pos += 1 + n;
  }
  if (pos + 5 > length) return;
  const std::size_t question_end = pos + 5;
  const auto type = static_cast<std::uint16_t>((q[pos + 1] << 8) | q[pos + 2]);
  name = lower(name);
  ++queries_[{name, type}];
  if (drop_.contains(name)) return;

  std::uint8_t rcode = 0;
  const std::vector<record>* records = nullptr;
  if (servfail_.contains(name)) {
    rcode = 2;
  } else if (!names_.contains(name)) {
    rcode = 3;
  } else if (const auto it = zone_.find({name, type}); it != zone_.end()) {
    records = &it->second;
  }

  std::vector<unsigned char> out(q, q + 2);                         // ID
  out.push_back(static_cast<unsigned char>(0x84 | (q[2] & 0x01)));  // QR, AA, RD copied
  out.push_back(static_cast<unsigned char>(0x80 | rcode));          // RA, RCODE
  put16(out, 1);
  put16(out, static_cast<std::uint16_t>(records != nullptr ? records->size() : 0));
  put16(out, 0);
  put16(out, 0);
  out.insert(out.end(), q + 12, q + question_end);
  if (records != nullptr) {
    for (const auto& r : *records) {
      put16(out, 0xC00C);  // the question's name
      put16(out, type);
      put16(out, 1);  // IN
      put32(out, r.ttl);
      put16(out, static_cast<std::uint16_t>(r.rdata.size()));
      out.insert(out.end(), r.rdata.begin(), r.rdata.end());
    }
  }
  boost::system::error_code ignored;
  socket_.send_to(boost::asio::buffer(out), from_, 0, ignored);
}

}  // namespace voxedge::daemon::dns::testing
