#include "daemon/dns/cares_resolver.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <sys/time.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/text.hpp"
#include "daemon/dns/dns_answer.hpp"

namespace voxedge::daemon::dns {

namespace {

// --- servers ---------------------------------------------------------------------------

std::optional<ares_addr_port_node> parse_server(std::string_view s) {
  std::string_view host = s;
  std::uint16_t port = 53;
  if (!parse_ip_literal(s)) {
    std::string_view port_text;
    if (s.starts_with('[')) {
      const auto close = s.find("]:");
      if (close == std::string_view::npos) return std::nullopt;
      host = s.substr(1, close - 1);
      if (host.find(':') == std::string_view::npos) return std::nullopt;  // brackets are for IPv6
      port_text = s.substr(close + 2);
    } else {
      const auto colon = s.rfind(':');
      if (colon == std::string_view::npos || s.find(':') != colon) return std::nullopt;
      host = s.substr(0, colon);
      port_text = s.substr(colon + 1);
    }
    const auto n = text::parse_uint(port_text, 65535);
    if (!n || *n == 0) return std::nullopt;
    port = static_cast<std::uint16_t>(*n);
  }
  const auto a = parse_ip_literal(host);
  if (!a) return std::nullopt;
  ares_addr_port_node node{};
  if (a->is_v4()) {
    node.family = AF_INET;
    node.addr.addr4.s_addr = htonl(a->to_v4().to_uint());
  } else {
    node.family = AF_INET6;
    const auto bytes = a->to_v6().to_bytes();
    std::memcpy(node.addr.addr6._S6_un._S6_u8, bytes.data(), bytes.size());
  }
  node.udp_port = port;
  node.tcp_port = port;
  return node;
}

}  // namespace

// --- the state shared with handlers ----------------------------------------------------

struct cares_resolver::state : std::enable_shared_from_this<cares_resolver::state> {
  // One socket c-ares asked us to watch.
  struct fd_watch {
    fd_watch(boost::asio::io_context& context, std::uint64_t gen) : descriptor(context), generation(gen) {}
    boost::asio::posix::stream_descriptor descriptor;
    std::uint64_t generation;  // tells a new socket from an old one that had the same fd
    bool want_read = false;
    bool want_write = false;
    bool read_waiting = false;
    bool write_waiting = false;
  };

  struct pending {
    std::variant<callback<address_answer>, callback<srv_answer>, callback<naptr_answer>> cb;
    // Address lookups: the two halves as they arrive.
    std::optional<result<address_answer, dns_error>> ipv4;
    std::optional<result<address_answer, dns_error>> ipv6;
  };

  // What c-ares carries for us through a query; freed by the c-ares callback, which
  // c-ares runs exactly once per query (ARES_EDESTRUCTION at the latest).
  struct query_tag {
    state* owner;
    query_id id;
    int type;
  };

  explicit state(boost::asio::io_context& context) : io(context), timer(context) {}
  ~state() { shutdown(); }

  boost::asio::io_context& io;
  ares_channel channel = nullptr;
  bool library_initialised = false;
  bool shutting_down = false;
  boost::asio::steady_timer timer;
  std::unordered_map<int, std::unique_ptr<fd_watch>> watches;
  std::uint64_t next_generation = 1;
  std::unordered_map<query_id, pending> queries;
  query_id next_id = 1;
  // c-ares queries not yet called back, cancelled ones included: c-ares 1.18 refuses to
  // change servers (ARES_ENOTIMP) while any is outstanding.
  std::size_t in_flight = 0;
  std::optional<std::vector<std::string>> deferred_servers;  // set_servers waiting for idle

  void shutdown() {
    shutting_down = true;
    queries.clear();
    timer.cancel();
    if (channel != nullptr) {
      ares_destroy(channel);  // runs every query callback (dropped) and closes every socket
      channel = nullptr;
    }
    for (auto& [fd, w] : watches) release(*w);
    watches.clear();
    if (library_initialised) ares_library_cleanup();
    library_initialised = false;
  }

  static void release(fd_watch& w) {
    boost::system::error_code ignored;
    w.descriptor.cancel(ignored);
    // c-ares owns the fd and closes it; the descriptor must not.
    if (w.descriptor.is_open()) (void)w.descriptor.release();
  }

  // --- sockets --------------------------------------------------------------------------

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
    static_cast<state*>(data)->socket_state(fd, readable != 0, writable != 0);
  }

  void socket_state(int fd, bool readable, bool writable) {
    if (!readable && !writable) {
      const auto it = watches.find(fd);
      if (it != watches.end()) {
        release(*it->second);
        watches.erase(it);
      }
      return;
    }
    if (shutting_down) return;
    auto& w = watches[fd];
    if (!w) {
      w = std::make_unique<fd_watch>(io, next_generation++);
      boost::system::error_code ec;
      w->descriptor.assign(fd, ec);
      // Unwatchable (cannot happen for sockets): c-ares still times the query out.
      if (ec) return;
    }
    w->want_read = readable;
    w->want_write = writable;
    arm(fd, *w);
  }

  void arm(int fd, fd_watch& w) {
    if (!w.descriptor.is_open()) return;
    using wait = boost::asio::posix::stream_descriptor::wait_type;
    if (w.want_read && !w.read_waiting) {
      w.read_waiting = true;
      w.descriptor.async_wait(wait::wait_read,
                              [self = weak_from_this(), fd, gen = w.generation](const boost::system::error_code& ec) {
                                if (const auto s = self.lock()) s->on_ready(fd, gen, true, ec);
                              });
    }
    if (w.want_write && !w.write_waiting) {
      w.write_waiting = true;
      w.descriptor.async_wait(wait::wait_write,
                              [self = weak_from_this(), fd, gen = w.generation](const boost::system::error_code& ec) {
                                if (const auto s = self.lock()) s->on_ready(fd, gen, false, ec);
                              });
    }
  }

  fd_watch* find_watch(int fd, std::uint64_t generation) {
    const auto it = watches.find(fd);
    return it != watches.end() && it->second->generation == generation ? it->second.get() : nullptr;
  }

  void on_ready(int fd, std::uint64_t generation, bool read, const boost::system::error_code& ec) {
    if (shutting_down) return;
    fd_watch* w = find_watch(fd, generation);
    if (w == nullptr) return;
    (read ? w->read_waiting : w->write_waiting) = false;
    if (ec == boost::asio::error::operation_aborted) return;
    if ((read && w->want_read) || (!read && w->want_write)) {
      ares_process_fd(channel, read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
    }
    // c-ares may have closed the socket, or reused its number for a new one.
    if (fd_watch* still = find_watch(fd, generation)) arm(fd, *still);
    rearm_timer();
  }

  // --- retransmissions and timeouts -----------------------------------------------------

  void rearm_timer() {
    if (shutting_down) return;
    timeval tv{};
    const timeval* next = ares_timeout(channel, nullptr, &tv);
    if (next == nullptr) {
      timer.cancel();
      return;
    }
    timer.expires_after(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec));
    timer.async_wait([self = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      const auto s = self.lock();
      if (!s || s->shutting_down) return;
      ares_process_fd(s->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      s->rearm_timer();
    });
  }

  // --- queries --------------------------------------------------------------------------

  template <class T>
  query_id add(callback<T> cb) {
    const query_id id = next_id++;
    queries.emplace(id, pending{std::move(cb), std::nullopt, std::nullopt});
    return id;
  }

  void start(query_id id, const std::string& name, int type) {
    auto* tag = new query_tag{this, id, type};
    ++in_flight;
    ares_query(channel, name.c_str(), ns_c_in, type, &state::on_answer, tag);
    rearm_timer();
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* buf, int len) {
    const std::unique_ptr<query_tag> tag(static_cast<query_tag*>(arg));
    state& s = *tag->owner;
    if (s.in_flight > 0) --s.in_flight;
    if (s.shutting_down) return;
    s.answer(tag->id, tag->type, status, buf, len);
    if (s.in_flight == 0 && s.deferred_servers) {
      // c-ares frees the query after this callback returns: change servers from the loop.
      boost::asio::post(s.io, [self = s.weak_from_this()] {
        const auto st = self.lock();
        if (!st || st->shutting_down || !st->deferred_servers) return;
        (void)st->apply_servers(*st->deferred_servers);
      });
    }
  }

  // ares_set_servers_ports; ARES_ENOTIMP (queries outstanding) defers it to the next idle
  // moment, which counts as success.
  result<void, std::string> apply_servers(const std::vector<std::string>& list);

  void answer(query_id id, int type, int status, const unsigned char* buf, int len) {
    const auto it = queries.find(id);
    if (it == queries.end()) return;  // cancelled
    pending& p = it->second;
    switch (type) {
      case ns_t_a:
      case ns_t_aaaa: {
        auto half = status != ARES_SUCCESS ? result<address_answer, dns_error>(fail(from_ares(status)))
                    : type == ns_t_a       ? parse_a(buf, len)
                                           : parse_aaaa(buf, len);
        (type == ns_t_a ? p.ipv4 : p.ipv6) = std::move(half);
        if (p.ipv4 && p.ipv6) deliver<address_answer>(id, combine_families(*p.ipv4, *p.ipv6));
        break;
      }
      case ns_t_srv:
        deliver<srv_answer>(id, status != ARES_SUCCESS ? fail(from_ares(status)) : parse_srv(buf, len));
        break;
      case ns_t_naptr:
        deliver<naptr_answer>(id, status != ARES_SUCCESS ? fail(from_ares(status)) : parse_naptr(buf, len));
        break;
      default: break;
    }
  }

  // Runs the callback later, from the io_context, if the query is still wanted then.
  template <class T>
  void deliver(query_id id, result<T, dns_error> r) {
    boost::asio::post(io, [self = weak_from_this(), id, r = std::move(r)]() mutable {
      const auto s = self.lock();
      if (!s || s->shutting_down) return;
      const auto it = s->queries.find(id);
      if (it == s->queries.end()) return;
      auto cb = std::move(std::get<callback<T>>(it->second.cb));
      s->queries.erase(it);
      cb(std::move(r));
    });
  }
};

namespace {

// dns.servers as c-ares wants them: a linked list over the vector's storage.
result<std::vector<ares_addr_port_node>, std::string> server_nodes(const std::vector<std::string>& list) {
  std::vector<ares_addr_port_node> servers;
  for (const auto& s : list) {
    auto node = parse_server(s);
    if (!node) return fail("dns.servers: cannot parse \"" + s + "\" (expected ip, ip:port or [ipv6]:port)");
    servers.push_back(*node);
  }
  for (std::size_t i = 0; i + 1 < servers.size(); ++i) servers[i].next = &servers[i + 1];
  return servers;
}

}  // namespace

result<std::unique_ptr<cares_resolver>, std::string> cares_resolver::create(boost::asio::io_context& io,
                                                                            const config::dns_settings& settings) {
  auto nodes = server_nodes(settings.servers);
  if (!nodes) return fail(nodes.error());
  auto servers = std::move(nodes).value();

  auto st = std::make_shared<state>(io);
  int rc = ares_library_init(ARES_LIB_INIT_ALL);
  if (rc != ARES_SUCCESS) return fail(std::string("c-ares library init: ") + ares_strerror(rc));
  st->library_initialised = true;

  ares_options options{};
  options.timeout = static_cast<int>(settings.timeout_ms);
  options.tries = static_cast<int>(settings.tries);
  options.sock_state_cb = &state::on_socket_state;
  options.sock_state_cb_data = st.get();
  rc = ares_init_options(&st->channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
  if (rc != ARES_SUCCESS) {
    st->channel = nullptr;
    return fail(std::string("c-ares init: ") + ares_strerror(rc));
  }
  if (!servers.empty()) {
    rc = ares_set_servers_ports(st->channel, servers.data());
    if (rc != ARES_SUCCESS) return fail(std::string("c-ares dns.servers: ") + ares_strerror(rc));
  }
  return std::unique_ptr<cares_resolver>(new cares_resolver(std::move(st)));
}

cares_resolver::cares_resolver(std::shared_ptr<state> s) : state_(std::move(s)) {}

cares_resolver::~cares_resolver() { state_->shutdown(); }

dns_resolver::query_id cares_resolver::resolve_addresses(std::string_view name, callback<address_answer> cb) {
  const query_id id = state_->add(std::move(cb));
  if (const auto literal = parse_ip_literal(name)) {
    state_->deliver<address_answer>(id, address_answer{{*literal}, literal_ttl, std::nullopt, std::nullopt});
    return id;
  }
  if (auto local = from_hosts_file(name)) {
    state_->deliver<address_answer>(id, std::move(*local));
    return id;
  }
  const std::string n(name);
  state_->start(id, n, ns_t_a);
  state_->start(id, n, ns_t_aaaa);
  return id;
}

dns_resolver::query_id cares_resolver::resolve_srv(std::string_view name, callback<srv_answer> cb) {
  const query_id id = state_->add(std::move(cb));
  if (parse_ip_literal(name)) {
    state_->deliver<srv_answer>(id, fail(dns_error::no_data));
    return id;
  }
  state_->start(id, std::string(name), ns_t_srv);
  return id;
}

dns_resolver::query_id cares_resolver::resolve_naptr(std::string_view name, callback<naptr_answer> cb) {
  const query_id id = state_->add(std::move(cb));
  if (parse_ip_literal(name)) {
    state_->deliver<naptr_answer>(id, fail(dns_error::no_data));
    return id;
  }
  state_->start(id, std::string(name), ns_t_naptr);
  return id;
}

void cares_resolver::cancel(query_id id) { state_->queries.erase(id); }

std::optional<address_answer> cares_resolver::from_hosts_file(std::string_view name) {
  if (state_->channel == nullptr || name.empty() || parse_ip_literal(name)) return std::nullopt;
  const std::string n = normalize_name(name);
  address_answer answer;
  answer.ttl = hosts_file_ttl;
  for (const int family : {AF_INET, AF_INET6}) {
    hostent* h = nullptr;
    if (ares_gethostbyname_file(state_->channel, n.c_str(), family, &h) != ARES_SUCCESS || h == nullptr) continue;
    if (h->h_addrtype != family || h->h_length != (family == AF_INET ? 4 : 16)) {
      ares_free_hostent(h);
      continue;
    }
    for (char** a = h->h_addr_list; a != nullptr && *a != nullptr; ++a) {
      if (family == AF_INET) {
        boost::asio::ip::address_v4::bytes_type b{};
        std::memcpy(b.data(), *a, b.size());
        answer.addresses.emplace_back(boost::asio::ip::address_v4(b));
      } else {
        boost::asio::ip::address_v6::bytes_type b{};
        std::memcpy(b.data(), *a, b.size());
        const boost::asio::ip::address_v6 v6(b);
        if (!v6.is_v4_mapped()) answer.addresses.emplace_back(v6);  // an IPv4 line seen as IPv6
      }
    }
    ares_free_hostent(h);
  }
  if (answer.addresses.empty()) return std::nullopt;
  return answer;
}

result<void, std::string> cares_resolver::state::apply_servers(const std::vector<std::string>& list) {
  auto nodes = server_nodes(list);
  if (!nodes) return fail(nodes.error());
  if (nodes->empty() || channel == nullptr) return {};
  const int rc = ares_set_servers_ports(channel, nodes->data());
  if (rc == ARES_ENOTIMP) {
    deferred_servers = list;
    return {};
  }
  deferred_servers.reset();
  if (rc != ARES_SUCCESS) return fail(std::string("c-ares dns.servers: ") + ares_strerror(rc));
  return {};
}

result<void, std::string> cares_resolver::set_servers(const std::vector<std::string>& servers) {
  return state_->apply_servers(servers);
}

bool cares_resolver::servers_pending() const { return state_->deferred_servers.has_value(); }

std::size_t cares_resolver::outstanding() const { return state_->queries.size(); }

}  // namespace voxedge::daemon::dns
