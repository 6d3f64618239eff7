#pragma once
// A dns_resolver for tests: answers from a table when the test calls run(), so tests
// decide when answers arrive. Unknown names answer NXDOMAIN; IP literals answer
// themselves, as the real resolver's do.
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <variant>

#include "daemon/dns/dns_resolver.hpp"

namespace voxedge::daemon::dns::testing {

class fake_resolver final : public dns_resolver {
 public:
  using address_result = result<address_answer, dns_error>;
  using srv_result = result<srv_answer, dns_error>;
  using naptr_result = result<naptr_answer, dns_error>;

  void set_addresses(const std::string& name, address_result r) { put(addresses_, name, std::move(r)); }
  void set_srv(const std::string& name, srv_result r) { put(srv_, name, std::move(r)); }
  void set_naptr(const std::string& name, naptr_result r) { put(naptr_, name, std::move(r)); }

  /// Convenience: A/AAAA answer from text addresses.
  static address_answer addrs(std::initializer_list<const char*> list, std::uint32_t ttl) {
    address_answer a;
    for (const char* s : list) a.addresses.push_back(boost::asio::ip::make_address(s));
    a.ttl = ttl;
    return a;
  }

  query_id resolve_addresses(std::string_view name, callback<address_answer> cb) override {
    return add('A', name, std::move(cb));
  }
  query_id resolve_srv(std::string_view name, callback<srv_answer> cb) override {
    return add('S', name, std::move(cb));
  }
  query_id resolve_naptr(std::string_view name, callback<naptr_answer> cb) override {
    return add('N', name, std::move(cb));
  }
  void cancel(query_id id) override {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->id == id) {
        pending_.erase(it);
        return;
      }
    }
  }

  /// Answers every pending query, including those the callbacks start, in order.
  /// Returns how many were answered.
  std::size_t run() {
    std::size_t n = 0;
    while (run_one()) ++n;
    return n;
  }
  bool run_one() {
    if (pending_.empty()) return false;
    query q = std::move(pending_.front());
    pending_.pop_front();
    answer(q);
    return true;
  }

  std::size_t pending() const { return pending_.size(); }
  /// How often a name was asked for: type 'A' (addresses), 'S' (SRV), 'N' (NAPTR).
  int asked(const std::string& name, char type) const {
    const auto it = asked_.find({normalize_name(name), type});
    return it == asked_.end() ? 0 : it->second;
  }
  int total_asked() const {
    int n = 0;
    for (const auto& [k, v] : asked_) n += v;
    return n;
  }

 private:
  using any_callback = std::variant<callback<address_answer>, callback<srv_answer>, callback<naptr_answer>>;
  struct query {
    query_id id;
    char type;
    std::string name;
    any_callback cb;
  };

  template <class M, class R>
  static void put(M& table, const std::string& name, R r) {
    table.insert_or_assign(normalize_name(name), std::move(r));
  }

  template <class T>
  query_id add(char type, std::string_view name, callback<T> cb) {
    const query_id id = next_++;
    if (!parse_ip_literal(name)) ++asked_[{normalize_name(name), type}];
    pending_.push_back(query{id, type, std::string(name), std::move(cb)});
    return id;
  }

  template <class T, class M>
  static result<T, dns_error> lookup(const M& table, const std::string& name) {
    const auto it = table.find(normalize_name(name));
    if (it == table.end()) return fail(dns_error::nxdomain);
    return it->second;
  }

  void answer(query& q) {
    switch (q.type) {
      case 'A': {
        auto cb = std::get<callback<address_answer>>(std::move(q.cb));
        if (const auto lit = parse_ip_literal(q.name)) {
          cb(address_answer{{*lit}, literal_ttl, std::nullopt, std::nullopt});
        } else {
          cb(lookup<address_answer>(addresses_, q.name));
        }
        break;
      }
      case 'S': std::get<callback<srv_answer>>(std::move(q.cb))(lookup<srv_answer>(srv_, q.name)); break;
      default: std::get<callback<naptr_answer>>(std::move(q.cb))(lookup<naptr_answer>(naptr_, q.name)); break;
    }
  }

  std::map<std::string, address_result> addresses_;
  std::map<std::string, srv_result> srv_;
  std::map<std::string, naptr_result> naptr_;
  std::deque<query> pending_;
  std::map<std::pair<std::string, char>, int> asked_;
  query_id next_ = 1;
};

}  // namespace voxedge::daemon::dns::testing
