#pragma once
// dns_resolver over c-ares 1.18, driven by the control thread's io_context.
//
// c-ares owns its sockets; it tells us through its socket-state callback which ones to
// watch, and we watch them with posix::stream_descriptor::async_wait (releasing the fd,
// never closing it) and hand readiness to ares_process_fd. One steady_timer follows
// ares_timeout() for retransmissions and timeouts: c-ares measures time with the real
// clock, so this is the one DNS timer that is not on timer_service.
//
// c-ares callbacks only record results; every user callback is posted to the io_context
// and runs outside c-ares, so a callback may do anything (including destroy this object)
// without c-ares being on the stack.
//
// c-ares 1.18 tries the next server after a SERVFAIL, REFUSED or NOTIMP answer (good
// with several resolvers) but then reports all three, like an unreachable server, as
// ARES_ECONNREFUSED: they all come out as dns_error::server_failure.
//
// Queries use ares_query (no search domains); a name in /etc/hosts is answered from the
// file without DNS (ares_gethostbyname_file, read on each lookup). SRV and NAPTR records are
// parsed by c-ares; their TTLs, which the 1.18 parsers do not return, by a small walk of
// the answer section (both in dns_answer.hpp, which the fuzz target exercises).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "base/result.hpp"
#include "config/config.hpp"
#include "daemon/dns/dns_resolver.hpp"

namespace voxedge::daemon::dns {

class cares_resolver final : public dns_resolver {
 public:
  /// Servers come from settings.servers ("ip", "ip:port", "[v6]:port"; port 53 when
  /// absent) or, when that is empty, from /etc/resolv.conf. The error says what failed
  /// ("dns.servers: cannot parse ..." or the c-ares message), for the startup log.
  static result<std::unique_ptr<cares_resolver>, std::string> create(boost::asio::io_context& io,
                                                                     const config::dns_settings& settings);

  /// Outstanding queries are dropped: their callbacks never run.
  ~cares_resolver() override;
  cares_resolver(const cares_resolver&) = delete;
  cares_resolver& operator=(const cares_resolver&) = delete;

  query_id resolve_addresses(std::string_view name, callback<address_answer> cb) override;
  query_id resolve_srv(std::string_view name, callback<srv_answer> cb) override;
  query_id resolve_naptr(std::string_view name, callback<naptr_answer> cb) override;
  void cancel(query_id id) override;
  /// /etc/hosts through ares_gethostbyname_file, IPv4 entries first.
  std::optional<address_answer> from_hosts_file(std::string_view name) override;
  /// New servers (reload). c-ares 1.18 cannot change servers while a query is
  /// outstanding, so the change waits for the first moment no query is (lookups under
  /// way finish on the old servers); servers_pending() says it is still waiting.
  /// timeout_ms and tries keep their start-up values. Empty: the servers in
  /// /etc/resolv.conf at start-up are not re-read, so an empty list keeps the current
  /// servers. The error names the entry that does not parse; nothing changes then.
  result<void, std::string> set_servers(const std::vector<std::string>& servers);
  bool servers_pending() const;

  /// Queries started and not yet delivered or cancelled (for tests and metrics).
  std::size_t outstanding() const;

 private:
  struct state;
  explicit cares_resolver(std::shared_ptr<state> s);

  // Shared with the handlers (which hold it weakly) so a handler that outlives this
  // object finds it gone instead of dangling.
  std::shared_ptr<state> state_;
};

}  // namespace voxedge::daemon::dns
