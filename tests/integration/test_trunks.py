"""Trunks (issue 4) against the real daemon on loopback: the trunk-side ACL (403 or
silent drop, counted), OPTIONS health checks marking a target down and up again, and new
calls failing fast with 503 while every target is down.

Sources other than 127.0.0.1 are other loopback addresses (127.0.0.2, ...), which Linux
routes to lo without any setup."""

import os
import socket
import tempfile
import threading
import time
import unittest

from dns_server import DnsServer
from harness import BINARY, SCENARIOS, Daemon, free_port, sip_request, start_sipp, finish_sipp, status_of, wait_bound

OFFER = ("v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 40000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n")


def call_final(daemon_port, called="+442071234567", timeout=8.0):
    """Places an INVITE (with SDP) from the PBX at 127.0.0.1 and returns its final status,
    ACKing a failure (RFC 3261 §17.1.1.3). Bounded."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        invite = sip_request("INVITE", daemon_port, ruri=f"sip:{called}@127.0.0.1:{daemon_port}", local_port=port,
                             extra_headers=f"Contact: <sip:pbx@127.0.0.1:{port}>\r\nContent-Type: application/sdp\r\n",
                             body=OFFER)
        s.settimeout(1.0)
        s.sendto(invite, ("127.0.0.1", daemon_port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = s.recvfrom(65536)[0]
            except socket.timeout:
                continue
            status = status_of(data)[0]
            if status < 200:
                continue
            if status >= 300:
                text = invite.decode()
                head = dict(l.split(": ", 1) for l in text.split("\r\n")[1:] if ": " in l)
                to = next(l.split(": ", 1)[1] for l in data.decode().split("\r\n") if l.lower().startswith("to:"))
                ack = (f"ACK sip:{called}@127.0.0.1:{daemon_port} SIP/2.0\r\nVia: {head['Via']}\r\n"
                       f"Max-Forwards: 70\r\nFrom: {head['From']}\r\nTo: {to}\r\nCall-ID: {head['Call-ID']}\r\n"
                       f"CSeq: {head['CSeq'].split()[0]} ACK\r\nContent-Length: 0\r\n\r\n")
                s.sendto(ack.encode(), ("127.0.0.1", daemon_port))
            return status
    return None


# The PBX (any loopback source on the inside listener) calls out through trunk "carrier".
PBX_TO_CARRIER = """endpoints:
  - name: pbx
    uri: "sip:127.0.0.1:5999"
    inbound:
      allow: [127.0.0.1]
routes:
  - name: out
    match:
      source: "endpoint:pbx"
    target: "trunk:carrier"
"""


def trunk_yaml(trunk_port, dead_port, reject="respond", allow="127.0.0.2", media_base=43000):
    return f"""  - name: provider
    transport: udp
    address: 127.0.0.1
    port: {trunk_port}
    side: trunk
media:
  port_min: {media_base}
  port_max: {media_base + 99}
  workers: 1
trunks:
  - name: carrier
    outbound:
      uri: "sip:127.0.0.1:{dead_port}"
      transport: udp
      attempt_timeout_ms: 500
    inbound:
      allow: [{allow}]
      reject: {reject}
    options_interval_s: 1
    options_timeout_ms: 300
    down_after: 2
""" + PBX_TO_CARRIER


def exchange_from(source_ip, payload, port, timeout=2.0):
    """One datagram from `source_ip`; the first answer or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((source_ip, 0))
        s.settimeout(timeout)
        s.sendto(payload, ("127.0.0.1", port))
        try:
            return s.recvfrom(65536)[0]
        except socket.timeout:
            return None


class OptionsResponder:
    """Answers every OPTIONS on a UDP port with 200 (a trunk target that is alive)."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.seen = 0
        self.stop_at = time.monotonic() + 60
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while time.monotonic() < self.stop_at:
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode(errors="replace")
            if not text.startswith("OPTIONS "):
                continue
            self.seen += 1
            head = text.split("\r\n\r\n", 1)[0].split("\r\n")
            keep = [h for h in head[1:] if h.split(":", 1)[0].strip().lower() in ("via", "from", "to", "call-id", "cseq")]
            reply = "SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n"
            self.sock.sendto(reply.encode(), addr)

    def close(self):
        self.stop_at = 0
        self.thread.join(timeout=2)
        self.sock.close()


class LoopbackDaemonCase(unittest.TestCase):
    """A temp dir and a daemon started on the harness's default config plus `extra`
    (more listeners first, then top-level sections), stopped cleanly afterwards."""

    def setUp(self):
        if not BINARY or not os.path.exists(BINARY):
            self.fail("VOXEDGE_BINARY is not set to the built daemon")
        self.tmp = tempfile.TemporaryDirectory(prefix="vx-trunk-")
        self.addCleanup(self.tmp.cleanup)
        self.daemon = Daemon(self.tmp.name)

    def start_daemon(self, extra):
        text = self.daemon.default_config()
        at = text.index("metrics:")  # the harness's listeners end there
        self.daemon.write_config(text[:at] + extra + text[at:])
        self.daemon.start()

    def tearDown(self):
        if self.daemon.alive():
            self.assertEqual(self.daemon.stop(), 0, self.daemon.log_text())


class TrunkCase(LoopbackDaemonCase):
    reject = "respond"

    def setUp(self):
        super().setUp()
        self.trunk_port = free_port()
        self.dead_port = free_port()
        self.start_daemon(trunk_yaml(self.trunk_port, self.dead_port, self.reject))

    def wait_metric(self, name, labels, value, timeout=8.0):
        deadline = time.monotonic() + timeout
        got = None
        while time.monotonic() < deadline:
            got = self.daemon.metric(name, labels)
            if got == value:
                return
            time.sleep(0.1)
        self.fail(f"{name}{labels} stayed {got}, wanted {value}\n{self.daemon.log_text()[-4000:]}")


class TrunkAclRespond(TrunkCase):
    def test_unlisted_source_gets_403_and_is_counted(self):
        answer = exchange_from("127.0.0.1", sip_request("OPTIONS", self.trunk_port), self.trunk_port)
        self.assertIsNotNone(answer, self.daemon.log_text())
        self.assertEqual(status_of(answer)[0], 403)
        answer = exchange_from("127.0.0.1", sip_request("INVITE", self.trunk_port), self.trunk_port)
        self.assertEqual(status_of(answer)[0], 403)
        self.assertEqual(self.daemon.metric("voxedge_sip_acl_rejects_total",
                                            {"listener": "provider", "action": "respond"}), 2)
        self.assertIn("source not in any trunk's inbound.allow", self.daemon.log_text())

    def test_in_dialog_requests_from_unlisted_sources_are_refused_too(self):
        bye = sip_request("BYE", self.trunk_port).replace(b"To: <sip:voxedge@127.0.0.1>",
                                                          b"To: <sip:voxedge@127.0.0.1>;tag=guessed")
        self.assertEqual(status_of(exchange_from("127.0.0.1", bye, self.trunk_port))[0], 403)
        ack = sip_request("ACK", self.trunk_port)
        self.assertIsNone(exchange_from("127.0.0.1", ack, self.trunk_port, timeout=0.5), "an ACK is never answered")
        self.assertEqual(self.daemon.metric("voxedge_sip_acl_rejects_total",
                                            {"listener": "provider", "action": "respond"}), 2)

    def test_listed_source_is_served(self):
        answer = exchange_from("127.0.0.2", sip_request("OPTIONS", self.trunk_port), self.trunk_port)
        self.assertEqual(status_of(answer)[0], 200, self.daemon.log_text())
        self.assertEqual(self.daemon.metric("voxedge_sip_acl_rejects_total",
                                            {"listener": "provider", "action": "respond"}), 0)

    def test_the_inside_listener_is_not_screened_by_trunk_rules(self):
        answer = exchange_from("127.0.0.3", sip_request("OPTIONS", self.daemon.sip_port), self.daemon.sip_port)
        self.assertEqual(status_of(answer)[0], 200)


class TrunkAclDrop(TrunkCase):
    reject = "drop"

    def test_unlisted_source_is_dropped_silently_and_counted(self):
        answer = exchange_from("127.0.0.1", sip_request("OPTIONS", self.trunk_port), self.trunk_port, timeout=1.0)
        self.assertIsNone(answer, "reject: drop must not answer")
        self.assertEqual(self.daemon.metric("voxedge_sip_acl_rejects_total",
                                            {"listener": "provider", "action": "drop"}), 1)


class TrunkHealth(TrunkCase):
    def invite_final(self, payload):
        """Sends an INVITE from the PBX (127.0.0.1) and returns the final status (bounded)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(3.0)
            s.sendto(payload, ("127.0.0.1", self.daemon.sip_port))
            for _ in range(5):
                try:
                    status = status_of(s.recvfrom(65536)[0])[0]
                except socket.timeout:
                    return None
                if status >= 200:
                    return status
        return None

    def test_dead_target_goes_down_calls_fail_fast_and_it_comes_back(self):
        # Nothing listens on the target: two unanswered pings (1 s apart) mark it down.
        self.wait_metric("voxedge_trunk_up", {"trunk": "carrier"}, 0)
        self.assertIn("is DOWN", self.daemon.log_text())
        started = time.monotonic()
        final = self.invite_final(sip_request("INVITE", self.daemon.sip_port,
                                              ruri=f"sip:+442071234567@127.0.0.1:{self.daemon.sip_port}",
                                              extra_headers="Contact: <sip:pbx@127.0.0.1:5999>\r\n"))
        self.assertEqual(final, 503, self.daemon.log_text()[-3000:])
        self.assertLess(time.monotonic() - started, 1.5, "fail fast, not after timeouts")
        self.assertGreaterEqual(self.daemon.metric("voxedge_trunk_fail_fast_total", {"trunk": "carrier"}), 1)

        responder = OptionsResponder(self.dead_port)
        try:
            self.wait_metric("voxedge_trunk_up", {"trunk": "carrier"}, 1)
            self.assertIn("is UP again", self.daemon.log_text())
            self.assertGreater(self.daemon.metric("voxedge_trunk_options_rtt_seconds",
                                                  {"trunk": "carrier", "target": f"udp:127.0.0.1:{self.dead_port}"}), 0)
        finally:
            responder.close()


class TrunkDns(LoopbackDaemonCase):
    """FQDN allow lists and RFC 3263 targets against a DNS server the test owns."""

    def setUp(self):
        super().setUp()
        self.dns = DnsServer()
        self.addCleanup(self.dns.close)
        self.trunk_port = free_port()
        self.primary_port = free_port()
        self.secondary_port = free_port()
        self.dns.set("carrier.test", "A", ["127.0.0.2"], ttl=1)
        self.dns.set("_sip._udp.carrier.test", "SRV",
                     [(10, 0, self.primary_port, "a.carrier.test"), (20, 0, self.secondary_port, "b.carrier.test")],
                     ttl=1)
        self.dns.set("a.carrier.test", "A", ["127.0.0.1"], ttl=1)
        self.dns.set("b.carrier.test", "A", ["127.0.0.1"], ttl=1)
        base = 44000 + (os.getpid() % 50) * 100
        self.start_daemon(f"""  - name: provider
    transport: udp
    address: 127.0.0.1
    port: {self.trunk_port}
    side: trunk
media:
  port_min: {base}
  port_max: {base + 99}
  workers: 1
dns:
  servers: ["127.0.0.1:{self.dns.port}"]
  ttl_floor_s: 1
  ttl_ceiling_s: 2
  timeout_ms: 300
trunks:
  - name: carrier
    outbound:
      uri: "sip:carrier.test"
      transport: udp
      attempt_timeout_ms: 1000
    inbound:
      allow: [carrier.test]
    options_interval_s: 0
""" + PBX_TO_CARRIER)

    def options_status(self, source):
        answer = exchange_from(source, sip_request("OPTIONS", self.trunk_port), self.trunk_port, timeout=1.0)
        return status_of(answer)[0] if answer else None

    def wait_status(self, source, status, timeout=6.0):
        deadline = time.monotonic() + timeout
        got = None
        while time.monotonic() < deadline:
            got = self.options_status(source)
            if got == status:
                return
            time.sleep(0.2)
        self.fail(f"OPTIONS from {source}: {got}, wanted {status}\n{self.daemon.log_text()[-4000:]}")

    def test_fqdn_rule_follows_a_dns_change_after_its_ttl(self):
        self.wait_status("127.0.0.2", 200)
        self.assertEqual(self.options_status("127.0.0.3"), 403)
        self.dns.set("carrier.test", "A", ["127.0.0.3"], ttl=1)
        self.wait_status("127.0.0.3", 200)
        self.assertEqual(self.options_status("127.0.0.2"), 403, "the old address is no longer the trunk")
        self.assertIn("carrier.test now resolves to 127.0.0.3", self.daemon.log_text())
        self.assertGreaterEqual(self.daemon.metric("voxedge_dns_resolutions_total",
                                                   {"purpose": "allow_list", "result": "ok"}), 2)

    def test_last_good_addresses_are_kept_when_dns_fails(self):
        self.wait_status("127.0.0.2", 200)
        self.dns.fail("carrier.test", "SERVFAIL")
        time.sleep(2.5)
        self.assertEqual(self.options_status("127.0.0.2"), 200)
        self.assertGreaterEqual(self.daemon.metric("voxedge_dns_resolutions_total",
                                                   {"purpose": "allow_list", "result": "failed"}), 1)

    def test_srv_failover_when_the_primary_dies(self):
        primary = start_sipp(["-sf", os.path.join(SCENARIOS, "flow_uas_busy.xml"), "-i", "127.0.0.1",
                              "-p", str(self.primary_port), "-mp", str(free_port()), "-m", "1", "-set", "sink_port",
                              "0"], self.tmp.name)
        secondary_dir = os.path.join(self.tmp.name, "secondary")
        os.mkdir(secondary_dir)
        secondary = start_sipp(["-sf", os.path.join(SCENARIOS, "flow_uas_busy.xml"), "-i", "127.0.0.1",
                                "-p", str(self.secondary_port), "-mp", str(free_port()), "-m", "1", "-set",
                                "sink_port", "0"], secondary_dir)
        try:
            # Each SIPp has its own media port (-mp): two on the default 6000 race each other.
            if not (wait_bound(self.primary_port) and wait_bound(self.secondary_port)):
                outputs = [finish_sipp(p, d, timeout=2)[1] for p, d in ((primary, self.tmp.name),
                                                                        (secondary, secondary_dir))]
                self.fail("SIPp did not bind its port:\n" + "\n".join(outputs))
            # Wait until the trunk has its targets (first lookup).
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.daemon.metric("voxedge_trunk_targets", {"trunk": "carrier"}) < 2:
                time.sleep(0.1)
            self.assertEqual(call_final(self.daemon.sip_port), 486, self.daemon.log_text()[-4000:])
            rc, out = finish_sipp(primary, self.tmp.name, timeout=10)
            self.assertEqual(rc, 0, out)  # the primary took the first call, then exited (-m 1)
            self.assertEqual(call_final(self.daemon.sip_port), 486, self.daemon.log_text()[-4000:])
            rc, out = finish_sipp(secondary, secondary_dir, timeout=10)
            self.assertEqual(rc, 0, out)
        finally:
            for p in (primary, secondary):
                if p.poll() is None:
                    p.kill()
        self.assertIn("failing over to", self.daemon.log_text())
        self.assertEqual(self.daemon.metric("voxedge_trunk_failovers_total", {"trunk": "carrier"}), 1)


if __name__ == "__main__":
    unittest.main()
