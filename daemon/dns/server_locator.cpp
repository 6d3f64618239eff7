#include "daemon/dns/server_locator.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <utility>

#include "base/text.hpp"

namespace voxedge::daemon::dns {

namespace {

using sip::transport_kind;

std::uint16_t default_port(transport_kind t) {
  // RFC 3261 §19.1.2
  return t == transport_kind::tls || t == transport_kind::wss ? 5061 : 5060;
}

// RFC 3263 §4.1 NAPTR services and the SRV prefix for each transport we dial. TLS is
// "SIPS+D2T" / _sips._tcp for sip: URIs too (§4.1: TLS with a SIP URI).
std::string_view naptr_service(transport_kind t) {
  switch (t) {
    case transport_kind::tls: return "SIPS+D2T";
    case transport_kind::tcp: return "SIP+D2T";
    default: return "SIP+D2U";
  }
}

std::string_view srv_prefix(transport_kind t) {
  switch (t) {
    case transport_kind::tls: return "_sips._tcp.";
    case transport_kind::tcp: return "_sip._tcp.";
    default: return "_sip._udp.";
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string describe(dns_error e) { return std::string(to_string(e)); }

void note_partial(std::vector<std::string>& notes, const address_answer& a, const std::string& host) {
  if (a.ipv4_failure) notes.push_back("A for " + host + ": " + describe(*a.ipv4_failure));
  if (a.ipv6_failure) notes.push_back("AAAA for " + host + ": " + describe(*a.ipv6_failure));
}

server_locator::random_source default_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine](std::uint32_t max) { return std::uniform_int_distribution<std::uint32_t>(0, max)(*engine); };
}

}  // namespace

struct server_locator::operation {
  request_id id = 0;
  callback cb;
  transport_kind transport = transport_kind::udp;
  std::string host;  // TARGET of §4.1: maddr or the host
  std::vector<dns_resolver::query_id> queries;
  std::uint32_t ttl = literal_ttl;
  std::vector<std::string> notes;

  // SRV names to try, in order, and what came of them.
  std::vector<std::string> srv_names;
  std::size_t next_srv = 0;
  std::vector<std::string> srv_misses;    // "_sip._udp.example.com (NXDOMAIN)"
  std::vector<std::string> srv_failures;  // SRV sets whose targets did not resolve
  bool srv_had_records = false;

  // The SRV set being expanded.
  std::string srv_name;
  std::uint32_t srv_ttl = 0;
  std::vector<srv_record> ordered;
  std::unordered_map<std::string, std::optional<result<address_answer, dns_error>>> resolved;
  std::size_t waiting = 0;

  void add_srv_name(const std::string& name) {
    const auto n = normalize_name(name);
    for (const auto& existing : srv_names) {
      if (normalize_name(existing) == n) return;
    }
    srv_names.push_back(name);
  }
};

server_locator::server_locator(dns_resolver& resolver, random_source random)
    : resolver_(resolver), random_(random ? std::move(random) : default_random()) {}

server_locator::~server_locator() {
  for (auto& [id, op] : ops_) {
    for (const auto q : op->queries) resolver_.cancel(q);
  }
}

result<server_locator::request_id, std::string> server_locator::locate(const sip::uri& uri, transport_kind transport,
                                                                       callback cb) {
  if (uri.scheme != sip::uri_scheme::sip && uri.scheme != sip::uri_scheme::sips) {
    return fail("cannot locate a server for " + uri.to_string() + ": not a sip: or sips: URI");
  }
  if (transport == transport_kind::ws || transport == transport_kind::wss) {
    return fail("cannot locate a server over WebSocket (" + std::string(sip::to_string(transport)) + ")");
  }
  // RFC 3261 §26.2.2: a sips: URI is reached over TLS only.
  if (uri.scheme == sip::uri_scheme::sips) transport = transport_kind::tls;

  auto op = std::make_unique<operation>();
  op->id = next_id_++;
  op->cb = std::move(cb);
  op->transport = transport;
  const auto maddr = uri.params.get("maddr");
  op->host = maddr && !maddr->empty() ? std::string(*maddr) : uri.host;
  if (op->host.empty()) return fail("cannot locate a server for " + uri.to_string() + ": no host");

  operation& o = *op;
  const request_id id = o.id;
  ops_.emplace(id, std::move(op));

  if (parse_ip_literal(o.host) || uri.port || resolver_.from_hosts_file(o.host)) {
    // §4.2: a numeric address, or a port, means no SRV. So does a name the hosts file
    // gives addresses: the operator pinned it there.
    start_addresses(o, uri.port.value_or(default_port(transport)));
  } else if (uri.params.has("transport")) {
    // §4.1: an explicit transport skips NAPTR.
    o.add_srv_name(std::string(srv_prefix(transport)) + o.host);
    next_srv(o);
  } else {
    start_naptr(o);
  }
  return id;
}

void server_locator::cancel(request_id id) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  for (const auto q : it->second->queries) resolver_.cancel(q);
  ops_.erase(it);
}

// --- NAPTR (§4.1) ------------------------------------------------------------------------

void server_locator::start_naptr(operation& op) {
  const request_id id = op.id;
  op.queries.push_back(
      resolver_.resolve_naptr(op.host, [this, id](result<naptr_answer, dns_error> r) { on_naptr(id, std::move(r)); }));
}

void server_locator::on_naptr(request_id id, result<naptr_answer, dns_error> r) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  operation& op = *it->second;
  const std::string_view service = naptr_service(op.transport);
  if (r.ok()) {
    std::vector<naptr_record> usable;
    for (const auto& rec : r->records) {
      // Only terminal "S" records for our transport lead to SRV (§4.1); we never
      // follow "A"/"U" or non-terminal rewrites.
      if (text::iequals(rec.flags, "s") && text::iequals(rec.service, service) && rec.replacement != ".") {
        usable.push_back(rec);
      }
    }
    std::stable_sort(usable.begin(), usable.end(), [](const naptr_record& a, const naptr_record& b) {
      return a.order != b.order ? a.order < b.order : a.preference < b.preference;
    });
    if (usable.empty()) {
      op.notes.push_back("NAPTR for " + op.host + " has no " + std::string(service) + " record");
    } else {
      op.ttl = std::min(op.ttl, r->ttl);
      for (const auto& rec : usable) op.add_srv_name(rec.replacement);
    }
  } else if (!is_definitive(r.error())) {
    op.notes.push_back("NAPTR for " + op.host + ": " + describe(r.error()));
  }
  // No (usable) NAPTR: the SRV name for our transport (§4.1, last paragraphs).
  op.add_srv_name(std::string(srv_prefix(op.transport)) + op.host);
  next_srv(op);
}

// --- SRV (§4.2, RFC 2782) ------------------------------------------------------------------

void server_locator::next_srv(operation& op) {
  if (op.next_srv < op.srv_names.size()) {
    const std::string name = op.srv_names[op.next_srv++];
    const request_id id = op.id;
    op.queries.push_back(resolver_.resolve_srv(
        name, [this, id, name](result<srv_answer, dns_error> r) { on_srv(id, name, std::move(r)); }));
    return;
  }
  if (op.srv_had_records) {
    // §4.2: SRV records exist, so falling back to the host's A/AAAA would be wrong.
    finish(op.id, fail(join(op.srv_failures, "; ")));
    return;
  }
  start_addresses(op, default_port(op.transport));
}

void server_locator::on_srv(request_id id, const std::string& name, result<srv_answer, dns_error> r) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  operation& op = *it->second;
  if (!r.ok()) {
    op.srv_misses.push_back(name + " (" + describe(r.error()) + ")");
    next_srv(op);
    return;
  }
  std::vector<srv_record> records;
  for (const auto& rec : r->records) {
    if (rec.target != ".") records.push_back(rec);
  }
  if (records.empty()) {
    // RFC 2782: a lone target of "." means the service is decidedly not available.
    finish(id, fail("SRV " + name + " says there is no such service here (target \".\")"));
    return;
  }
  op.srv_had_records = true;
  op.srv_name = name;
  op.srv_ttl = r->ttl;
  op.ordered = order_srv(std::move(records), random_);
  op.resolved.clear();
  std::vector<std::string> hosts;  // each target once, in SRV order
  for (const auto& rec : op.ordered) {
    if (op.resolved.try_emplace(rec.target).second) hosts.push_back(rec.target);
  }
  op.waiting = hosts.size();
  for (const auto& host : hosts) {
    op.queries.push_back(resolver_.resolve_addresses(
        host, [this, id, host](result<address_answer, dns_error> a) { on_srv_target(id, host, std::move(a)); }));
  }
}

void server_locator::on_srv_target(request_id id, const std::string& host, result<address_answer, dns_error> r) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  operation& op = *it->second;
  auto slot = op.resolved.find(host);
  if (slot == op.resolved.end() || slot->second) return;
  slot->second.emplace(std::move(r));
  if (--op.waiting == 0) finish_srv_targets(op);
}

void server_locator::finish_srv_targets(operation& op) {
  location loc;
  loc.ttl = std::min(op.ttl, op.srv_ttl);
  std::vector<std::string> notes;
  std::vector<std::string> failed;
  std::set<std::string> seen;
  for (const auto& rec : op.ordered) {
    const auto& answer = *op.resolved.at(rec.target);
    const bool first_time = seen.insert(rec.target).second;
    if (!answer.ok()) {
      if (first_time) failed.push_back(rec.target + ": " + describe(answer.error()));
      continue;
    }
    for (const auto& a : answer->addresses) loc.targets.push_back(target{op.transport, a, rec.port, rec.target});
    loc.ttl = std::min(loc.ttl, answer->ttl);
    if (first_time) note_partial(notes, *answer, rec.target);
  }
  if (loc.targets.empty()) {
    op.srv_failures.push_back("SRV " + op.srv_name + ": none of its " + std::to_string(seen.size()) +
                              " targets resolved (" + join(failed, "; ") + ")");
    next_srv(op);
    return;
  }
  for (const auto& f : failed) notes.push_back("SRV target " + f + " (skipped)");
  loc.notes = std::move(op.notes);
  loc.notes.insert(loc.notes.end(), notes.begin(), notes.end());
  finish(op.id, std::move(loc));
}

std::vector<srv_record> server_locator::order_srv(std::vector<srv_record> records, const random_source& random) {
  std::stable_sort(records.begin(), records.end(),
                   [](const srv_record& a, const srv_record& b) { return a.priority < b.priority; });
  std::vector<srv_record> out;
  out.reserve(records.size());
  auto group_begin = records.begin();
  while (group_begin != records.end()) {
    const auto group_end = std::find_if(group_begin, records.end(),
                                        [&](const srv_record& r) { return r.priority != group_begin->priority; });
    std::vector<srv_record> group(group_begin, group_end);
    // RFC 2782: weight-0 records at the beginning, then select by running sum.
    std::stable_partition(group.begin(), group.end(), [](const srv_record& r) { return r.weight == 0; });
    while (!group.empty()) {
      std::uint32_t sum = 0;
      for (const auto& r : group) sum += r.weight;
      const std::uint32_t draw = random(sum);
      std::uint32_t running = 0;
      auto pick = group.begin();
      for (; pick != group.end(); ++pick) {
        running += pick->weight;
        if (running >= draw) break;
      }
      if (pick == group.end()) pick = std::prev(group.end());  // a draw above `sum`
      out.push_back(std::move(*pick));
      group.erase(pick);
    }
    group_begin = group_end;
  }
  return out;
}

// --- A/AAAA (§4.2) -------------------------------------------------------------------------

void server_locator::start_addresses(operation& op, std::uint16_t port) {
  const request_id id = op.id;
  op.queries.push_back(resolver_.resolve_addresses(
      op.host, [this, id, port](result<address_answer, dns_error> r) { on_addresses(id, port, std::move(r)); }));
}

void server_locator::on_addresses(request_id id, std::uint16_t port, result<address_answer, dns_error> r) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  operation& op = *it->second;
  if (!r.ok()) {
    std::string what = "no A/AAAA for " + op.host + ": " + describe(r.error());
    if (!op.srv_misses.empty()) what = "no SRV for " + join(op.srv_misses, ", ") + " and " + what;
    finish(id, fail(std::move(what)));
    return;
  }
  location loc;
  loc.ttl = std::min(op.ttl, r->ttl);
  for (const auto& a : r->addresses) loc.targets.push_back(target{op.transport, a, port, op.host});
  loc.notes = std::move(op.notes);
  note_partial(loc.notes, *r, op.host);
  finish(id, std::move(loc));
}

void server_locator::finish(request_id id, result<location, std::string> r) {
  const auto it = ops_.find(id);
  if (it == ops_.end()) return;
  const std::unique_ptr<operation> op = std::move(it->second);
  ops_.erase(it);
  for (const auto q : op->queries) resolver_.cancel(q);
  auto cb = std::move(op->cb);
  // Last: the callback may destroy this locator.
  cb(std::move(r));
}

}  // namespace voxedge::daemon::dns
