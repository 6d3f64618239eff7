"""A small authoritative DNS server for integration tests (Python 3 standard library only).

Runs in threads inside the test process, on 127.0.0.1, UDP and TCP on the same port:

    with DnsServer() as dns:                       # port=0: an ephemeral port
        dns.set("example.com", "NAPTR", [(10, 10, "s", "SIPS+D2T", "", "_sips._tcp.example.com")], ttl=60)
        dns.set("_sips._tcp.example.com", "SRV", [(10, 0, 5061, "sip.example.com")])
        dns.set("sip.example.com", "A", ["127.0.0.1"], ttl=5)
        ... daemon config: dns: {servers: ["127.0.0.1:%d" % dns.port]}
        dns.set("sip.example.com", "A", ["127.0.0.2"])   # change the zone at runtime
        dns.remove("sip.example.com", "A")
        assert dns.queries[("sip.example.com", "A")] >= 1
        dns.fail("sip.example.com", "SERVFAIL")          # or "REFUSED", "DROP" (no answer), None

Answers: the records of (name, type) with their TTL; NOERROR with no answer when the name
has records of other types only; NXDOMAIN for names it does not know. Names compare
case-insensitively, a trailing dot ignored. A UDP answer that does not fit (512 bytes, or
the EDNS size the query offers) is sent truncated (TC) so the client retries over TCP.

`python3 dns_server.py` runs a self-check against itself.
"""

import collections
import ipaddress
import socket
import socketserver
import struct
import threading

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33,
         "NAPTR": 35, "OPT": 41, "ANY": 255}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}


def _norm(name):
    name = name.lower()
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


def encode_name(name):
    out = bytearray()
    for label in _norm(name).split("."):
        if label:
            raw = label.encode("ascii")
            if len(raw) > 63:
                raise ValueError("label too long: %r" % label)
            out += bytes([len(raw)]) + raw
    return bytes(out + b"\0")


def _char_string(s):
    raw = s.encode("ascii") if isinstance(s, str) else bytes(s)
    if len(raw) > 255:
        raise ValueError("character-string too long")
    return bytes([len(raw)]) + raw


def encode_rdata(rtype, record):
    """The RDATA of one record: A/AAAA "address", SRV (priority, weight, port, target),
    NAPTR (order, preference, flags, service, regexp, replacement), CNAME "name"."""
    if rtype == "A":
        return ipaddress.IPv4Address(record).packed
    if rtype == "AAAA":
        return ipaddress.IPv6Address(record).packed
    if rtype == "SRV":
        priority, weight, port, target = record
        return struct.pack(">HHH", priority, weight, port) + encode_name(target)
    if rtype == "NAPTR":
        order, preference, flags, service, regexp, replacement = record
        return (struct.pack(">HH", order, preference) + _char_string(flags) + _char_string(service)
                + _char_string(regexp) + encode_name(replacement))
    if rtype == "CNAME":
        return encode_name(record)
    raise ValueError("unsupported record type %r" % rtype)


def _read_name(msg, pos):
    """The name at `pos` (following compression pointers) and the position after it."""
    labels, end, jumps = [], None, 0
    while True:
        if pos >= len(msg):
            raise ValueError("name runs past the message")
        length = msg[pos]
        if length & 0xC0 == 0xC0:
            if pos + 1 >= len(msg) or jumps > 20:
                raise ValueError("bad compression pointer")
            if end is None:
                end = pos + 2
            pos = ((length & 0x3F) << 8) | msg[pos + 1]
            jumps += 1
            continue
        if length == 0:
            return ".".join(labels), (end if end is not None else pos + 1)
        labels.append(msg[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length


class DnsServer:
    def __init__(self, port=0, host="127.0.0.1"):
        self._lock = threading.Lock()
        self._zone = {}          # (name, type) -> (ttl, [records])
        self._names = collections.Counter()
        self._failures = {}      # name -> "SERVFAIL" | "REFUSED" | "DROP"
        self.queries = collections.Counter()  # (name, type name) -> count
        self._closed = threading.Event()
        self._udp, self._tcp = self._bind(host, port)
        self.host = host
        self.port = self._udp.getsockname()[1]
        self._threads = [threading.Thread(target=self._serve_udp, name="dns-udp", daemon=True),
                         threading.Thread(target=self._tcp.serve_forever, kwargs={"poll_interval": 0.05},
                                          name="dns-tcp", daemon=True)]
        for t in self._threads:
            t.start()

    # --- the zone --------------------------------------------------------------------------

    def set(self, name, rtype, records, ttl=300):
        """Replaces the records of (name, rtype); validates them at once."""
        rtype = rtype.upper()
        records = list(records)
        for r in records:
            encode_rdata(rtype, r)
        key = (_norm(name), rtype)
        with self._lock:
            if key not in self._zone:
                self._names[key[0]] += 1
            self._zone[key] = (int(ttl), records)

    def remove(self, name, rtype=None):
        """Removes (name, rtype), or every type of `name`; the name becomes NXDOMAIN once
        it has no records left."""
        name = _norm(name)
        with self._lock:
            for key in [k for k in self._zone if k[0] == name and (rtype is None or k[1] == rtype.upper())]:
                del self._zone[key]
                self._names[name] -= 1
                if self._names[name] <= 0:
                    del self._names[name]

    def fail(self, name, how):
        """Makes every query for `name` answer SERVFAIL or REFUSED, or go unanswered
        ("DROP"); None restores normal answers."""
        with self._lock:
            if how is None:
                self._failures.pop(_norm(name), None)
            else:
                assert how in ("SERVFAIL", "REFUSED", "DROP"), how
                self._failures[_norm(name)] = how

    def query_count(self, name, rtype):
        with self._lock:
            return self.queries[(_norm(name), rtype.upper())]

    def close(self):
        if self._closed.is_set():
            return
        self._closed.set()
        self._tcp.shutdown()
        self._tcp.server_close()
        for t in self._threads:
            t.join(timeout=2)
        self._udp.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- sockets ---------------------------------------------------------------------------

    def _bind(self, host, port):
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.settimeout(5)
                try:
                    while True:
                        head = self._exact(2)
                        if head is None:
                            return
                        query = self._exact(struct.unpack(">H", head)[0])
                        if query is None:
                            return
                        reply = server._answer(query, limit=65535)
                        if reply is not None:
                            self.request.sendall(struct.pack(">H", len(reply)) + reply)
                except OSError:
                    return

            def _exact(self, n):
                data = b""
                while len(data) < n:
                    chunk = self.request.recv(n - len(data))
                    if not chunk:
                        return None
                    data += chunk
                return data

        class TcpServer(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        for _ in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind((host, port))
            try:
                tcp = TcpServer((host, udp.getsockname()[1]), Handler)
            except OSError:
                udp.close()
                if port:
                    raise
                continue
            udp.settimeout(0.05)
            return udp, tcp
        raise RuntimeError("no port free for both UDP and TCP")

    def _serve_udp(self):
        while not self._closed.is_set():
            try:
                data, peer = self._udp.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                reply = self._answer(data, limit=None)
            except Exception:  # noqa: BLE001 - a test server must not die on a bad packet
                continue
            if reply is not None:
                try:
                    self._udp.sendto(reply, peer)
                except OSError:
                    pass

    # --- answers ---------------------------------------------------------------------------

    def _answer(self, query, limit):
        if len(query) < 12:
            return None
        qid, flags, qdcount, _an, _ns, arcount = struct.unpack(">HHHHHH", query[:12])
        if flags & 0x8000 or qdcount != 1:
            return None
        qname, pos = _read_name(query, 12)
        if pos + 4 > len(query):
            return None
        qtype, _qclass = struct.unpack(">HH", query[pos:pos + 4])
        question = query[12:pos + 4]
        if limit is None:
            limit = 512
            if arcount:  # EDNS (RFC 6891): the OPT record's class is the UDP size offered
                try:
                    _, opt_pos = _read_name(query, pos + 4)
                    opt_type, opt_size = struct.unpack(">HH", query[opt_pos:opt_pos + 4])
                    if opt_type == TYPES["OPT"]:
                        limit = max(512, opt_size)
                except (ValueError, struct.error):
                    pass
        name = _norm(qname)
        type_name = TYPE_NAMES.get(qtype, str(qtype))
        with self._lock:
            self.queries[(name, type_name)] += 1
            failure = self._failures.get(name)
            known = name in self._names
            ttl, records = self._zone.get((name, type_name), (0, []))
        if failure == "DROP":
            return None
        rcode = RCODES[failure] if failure else (0 if known else RCODES["NXDOMAIN"])
        answers = b""
        if not failure:
            for r in records:
                rdata = encode_rdata(type_name, r)
                answers += struct.pack(">HHHIH", 0xC00C, qtype, 1, ttl, len(rdata)) + rdata
        count = len(records) if not failure else 0
        reply_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode  # QR AA RD(copied) RA
        reply = struct.pack(">HHHHHH", qid, reply_flags, 1, count, 0, 0) + question + answers
        if len(reply) > limit:
            reply = struct.pack(">HHHHHH", qid, reply_flags | 0x0200, 1, 0, 0, 0) + question  # TC
        return reply


# --- a minimal client, for the self-check and for tests that want to look ------------------

def query(port, name, rtype, host="127.0.0.1", tcp=False, timeout=2.0):
    """Asks (name, rtype); returns (rcode, truncated, [(type name, ttl, rdata bytes)])."""
    qid = 0x1234
    msg = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack(">HH", TYPES[rtype], 1)
    if tcp:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(struct.pack(">H", len(msg)) + msg)
            length = struct.unpack(">H", s.recv(2, socket.MSG_WAITALL))[0]
            data = s.recv(length, socket.MSG_WAITALL)
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(msg, (host, port))
            data = s.recvfrom(65535)[0]
    _, flags, _, ancount, _, _ = struct.unpack(">HHHHHH", data[:12])
    _, pos = _read_name(data, 12)
    pos += 4
    out = []
    for _ in range(ancount):
        _, pos = _read_name(data, pos)
        rtype_num, _cls, ttl, rdlength = struct.unpack(">HHIH", data[pos:pos + 10])
        pos += 10
        out.append((TYPE_NAMES.get(rtype_num, str(rtype_num)), ttl, data[pos:pos + rdlength]))
        pos += rdlength
    return flags & 0x000F, bool(flags & 0x0200), out


def _self_check():
    with DnsServer() as dns:
        dns.set("Sip.Example.com.", "A", ["192.0.2.1", "192.0.2.2"], ttl=60)
        dns.set("_sips._tcp.example.com", "SRV", [(10, 0, 5061, "sip.example.com")], ttl=90)
        dns.set("example.com", "NAPTR", [(10, 10, "s", "SIPS+D2T", "", "_sips._tcp.example.com")])
        rcode, tc, answers = query(dns.port, "sip.example.com", "A")
        assert rcode == 0 and not tc and [a[2] for a in answers] == [bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])]
        assert answers[0][1] == 60
        assert query(dns.port, "sip.example.com", "AAAA")[0:3:2] == (0, [])
        assert query(dns.port, "nowhere.example.com", "A")[0] == RCODES["NXDOMAIN"]
        assert query(dns.port, "_sips._tcp.example.com", "SRV", tcp=True)[2][0][1] == 90
        assert query(dns.port, "example.com", "NAPTR")[2][0][0] == "NAPTR"
        dns.set("big.example.com", "A", ["10.0.%d.%d" % (i // 250, i % 250) for i in range(60)])
        rcode, tc, answers = query(dns.port, "big.example.com", "A")
        assert tc and answers == [], "truncated over UDP"
        assert len(query(dns.port, "big.example.com", "A", tcp=True)[2]) == 60
        dns.fail("sip.example.com", "SERVFAIL")
        assert query(dns.port, "sip.example.com", "A")[0] == RCODES["SERVFAIL"]
        dns.fail("sip.example.com", None)
        dns.remove("sip.example.com", "A")
        assert query(dns.port, "sip.example.com", "A")[0] == RCODES["NXDOMAIN"]
        assert dns.query_count("sip.example.com", "A") == 3
        print("dns_server self-check passed on port", dns.port)


if __name__ == "__main__":
    _self_check()
