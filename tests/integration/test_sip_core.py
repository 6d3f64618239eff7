"""The daemon answers SIP on loopback over UDP, TCP and TLS, rejects malformed and
unsupported requests with the right status, and counts all of it in /metrics."""

import os
import socket
import time
import unittest

from harness import (SCENARIOS, DaemonTestCase, free_port, read_sip_messages, run_sipp, sip_request, status_of,
                     tls_client_context, udp_exchange)


class SippOptions(DaemonTestCase):
    def sipp_options(self, transport):
        rc, out = run_sipp(["-sf", os.path.join(SCENARIOS, "options_uac.xml"), "-t", transport, "-m", "20",
                            "-r", "100", "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port()),
                            f"127.0.0.1:{self.daemon.sip_port}"], timeout=30)
        self.assertEqual(rc, 0, out + self.daemon.log_text())

    def test_options_over_udp(self):
        self.sipp_options("u1")
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_requests_received_total", {"method": "OPTIONS"}), 20)
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_responses_sent_total", {"status_class": "2xx"}), 20)

    def test_options_over_tcp(self):
        self.sipp_options("t1")
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_requests_received_total", {"method": "OPTIONS"}), 20)
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_connection_events_total", {"event": "accepted"}), 1)

    def test_malformed_request_gets_400(self):
        rc, out = run_sipp(["-sf", os.path.join(SCENARIOS, "malformed_uac.xml"), "-t", "u1", "-m", "3",
                            "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port()),
                            f"127.0.0.1:{self.daemon.sip_port}"],
                           timeout=30)
        self.assertEqual(rc, 0, out + self.daemon.log_text())
        self.assertGreaterEqual(
            self.daemon.metric("voxedge_sip_parse_failures_total", {"reason": "bad_request_uri"}), 3)
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_stateless_error_responses_total"), 3)


class RequestChecks(DaemonTestCase):
    """RFC 3261 §8.2 checks, one request each, over UDP."""

    def ask(self, payload):
        return status_of(udp_exchange(payload, self.daemon.sip_port))

    def test_missing_call_id_is_400(self):
        req = sip_request("OPTIONS", self.daemon.sip_port).replace(b"Call-ID: ", b"X-Call-ID: ")
        status = self.ask(req)
        self.assertEqual(status[0], 400, status)
        self.assertIn("Call-ID", status[1])
        self.assertEqual(self.daemon.metric("voxedge_sip_parse_failures_total", {"reason": "missing_header"}), 1)

    def test_bad_cseq_is_400(self):
        status = self.ask(sip_request("OPTIONS", self.daemon.sip_port, cseq="x OPTIONS"))
        self.assertEqual(status[0], 400, status)

    def test_unknown_method_is_501(self):
        status = self.ask(sip_request("FOOBAR", self.daemon.sip_port))
        self.assertEqual(status[0], 501, status)

    def test_invite_from_unknown_source_is_403(self):
        # No trunk or endpoint lists 127.0.0.1 here: unknown sources are never routed.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(3)
            sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
            invite = sip_request("INVITE", self.daemon.sip_port, body=sdp,
                                 extra_headers="Contact: <sip:itest@127.0.0.1:5999>\r\n"
                                               "Content-Type: application/sdp\r\n")
            s.sendto(invite, ("127.0.0.1", self.daemon.sip_port))
            statuses = []
            while not statuses or statuses[-1] < 200:
                statuses.append(status_of(s.recvfrom(65536)[0])[0])
        self.assertEqual(statuses[-1], 403, statuses)

    def test_subscribe_is_405_with_allow(self):
        reply = udp_exchange(sip_request("SUBSCRIBE", self.daemon.sip_port), self.daemon.sip_port).decode()
        self.assertEqual(status_of(reply)[0], 405, reply)
        self.assertRegex(reply, r"(?im)^Allow:.*INVITE.*OPTIONS")

    def test_max_forwards_zero_is_483(self):
        req = sip_request("MESSAGE", self.daemon.sip_port).replace(b"Max-Forwards: 70", b"Max-Forwards: 0")
        self.assertEqual(self.ask(req)[0], 483)

    def test_options_with_max_forwards_zero_is_answered(self):
        req = sip_request("OPTIONS", self.daemon.sip_port).replace(b"Max-Forwards: 70", b"Max-Forwards: 0")
        self.assertEqual(self.ask(req)[0], 200)

    def test_bye_without_dialog_is_481(self):
        self.assertEqual(self.ask(sip_request("BYE", self.daemon.sip_port))[0], 481)

    def test_require_unknown_extension_is_420(self):
        reply = udp_exchange(sip_request("OPTIONS", self.daemon.sip_port, extra_headers="Require: foo, bar\r\n"),
                             self.daemon.sip_port).decode()
        self.assertEqual(status_of(reply)[0], 420, reply)
        self.assertRegex(reply, r"(?im)^Unsupported:\s*foo, bar")

    def test_tel_request_uri_is_416(self):
        req = sip_request("OPTIONS", self.daemon.sip_port, ruri="tel:+15551234567")
        self.assertEqual(self.ask(req)[0], 416)

    def test_wrong_sip_version_is_505(self):
        req = sip_request("OPTIONS", self.daemon.sip_port).replace(b" SIP/2.0\r\n", b" SIP/7.0\r\n", 1)
        self.assertEqual(self.ask(req)[0], 505)

    def test_garbage_and_responses_are_dropped_and_counted(self):
        self.assertIsNone(udp_exchange(b"\x16\x03\x01 definitely not SIP\r\n\r\n", self.daemon.sip_port, 0.5))
        self.assertIsNone(udp_exchange(b"SIP/2.0 200 OK\r\nVia: broken\r\n\r\n", self.daemon.sip_port, 0.5))
        self.assertGreaterEqual(
            self.daemon.metric("voxedge_sip_messages_dropped_total", {"reason": "unanswerable"}), 2)
        # ...and the daemon still answers.
        self.assertEqual(self.ask(sip_request("OPTIONS", self.daemon.sip_port))[0], 200)

    def test_retransmitted_request_is_absorbed(self):
        req = sip_request("OPTIONS", self.daemon.sip_port)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(3)
            s.sendto(req, ("127.0.0.1", self.daemon.sip_port))
            first = s.recvfrom(65536)[0]
            s.sendto(req, ("127.0.0.1", self.daemon.sip_port))
            second = s.recvfrom(65536)[0]
        self.assertEqual(first, second, "a retransmission must get the same response (RFC 3261 §17.2.2)")
        self.assertEqual(self.daemon.metric("voxedge_sip_requests_received_total", {"method": "OPTIONS"}), 2)
        self.assertGreaterEqual(self.daemon.metric("voxedge_sip_retransmissions_total", {"direction": "absorbed"}), 1)

    def test_response_goes_to_rport(self):
        # The Via names a port nobody listens on; rport makes the answer come back to us.
        reply = udp_exchange(sip_request("OPTIONS", self.daemon.sip_port, local_port=9), self.daemon.sip_port)
        self.assertEqual(status_of(reply)[0], 200)
        self.assertRegex(reply.decode(), r"(?im)^Via:.*;rport=\d+")
        self.assertRegex(reply.decode(), r"(?im)^Via:.*;received=127\.0\.0\.1")


class OversizeMessages(DaemonTestCase):
    extra_yaml = "sip:\n  max_message_bytes: 4096\n"

    def test_oversize_datagram_is_513(self):
        body = "v=0\r\n" + "a=x-padding:" + "x" * 5000 + "\r\n"
        status = status_of(udp_exchange(sip_request("OPTIONS", self.daemon.sip_port, body=body,
                                                    extra_headers="Content-Type: application/sdp\r\n"),
                                        self.daemon.sip_port))
        self.assertEqual(status[0], 513, status)


class StreamTransports(DaemonTestCase):
    def test_pipelined_and_fragmented_tcp(self):
        with socket.create_connection(("127.0.0.1", self.daemon.sip_port), timeout=5) as s:
            a = sip_request("OPTIONS", self.daemon.sip_port, transport="TCP")
            b = sip_request("OPTIONS", self.daemon.sip_port, transport="TCP")
            s.sendall(a + b)  # two messages in one segment
            c = sip_request("OPTIONS", self.daemon.sip_port, transport="TCP")
            for i in range(0, len(c), 37):  # one message in many segments
                s.sendall(c[i:i + 37])
                time.sleep(0.01)
            replies = read_sip_messages(s, 3)
        self.assertEqual([status_of(r)[0] for r in replies], [200, 200, 200], replies)

    def test_crlf_keepalive_is_answered(self):
        with socket.create_connection(("127.0.0.1", self.daemon.sip_port), timeout=5) as s:
            s.sendall(b"\r\n\r\n")
            self.assertEqual(s.recv(16), b"\r\n")
        self.assertEqual(self.daemon.metric("voxedge_sip_keepalives_answered_total"), 1)

    def test_broken_framing_closes_only_that_connection(self):
        good = socket.create_connection(("127.0.0.1", self.daemon.sip_port), timeout=5)
        with socket.create_connection(("127.0.0.1", self.daemon.sip_port), timeout=5) as bad:
            bad.sendall(b"OPTIONS sip:x SIP/2.0\r\nContent-Length: nope\r\n\r\n")
            self.assertEqual(bad.recv(100), b"", "the broken connection must be closed")
        good.sendall(sip_request("OPTIONS", self.daemon.sip_port, transport="TCP"))
        self.assertEqual(status_of(read_sip_messages(good, 1)[0])[0], 200)
        good.close()

    def test_options_over_tls_with_generated_certificate(self):
        ctx = tls_client_context()
        with socket.create_connection(("127.0.0.1", self.daemon.tls_port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertIn(s.version(), ("TLSv1.2", "TLSv1.3"))
                s.sendall(sip_request("OPTIONS", self.daemon.tls_port, transport="TLS"))
                replies = read_sip_messages(s, 1)
        self.assertEqual(status_of(replies[0])[0], 200, replies)
        self.assertTrue(os.path.exists(os.path.join(self.daemon.state_dir, "tls", "selfsigned.crt")))
        key_mode = os.stat(os.path.join(self.daemon.state_dir, "tls", "selfsigned.key")).st_mode & 0o777
        self.assertEqual(key_mode, 0o600)

    def test_tls_1_1_is_refused(self):
        import ssl
        import warnings

        def client(max_version):
            ctx = tls_client_context()
            # Security level 0 lets this client offer TLS 1.0/1.1, so a refusal can only
            # come from the daemon.
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = max_version
            return ctx

        with socket.create_connection(("127.0.0.1", self.daemon.tls_port), timeout=5) as raw:
            with client(ssl.TLSVersion.TLSv1_2).wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.version(), "TLSv1.2")  # the same client succeeds at 1.2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old = client(ssl.TLSVersion.TLSv1_1)
        with socket.create_connection(("127.0.0.1", self.daemon.tls_port), timeout=5) as raw:
            with self.assertRaises((ssl.SSLError, ConnectionResetError)):
                with old.wrap_socket(raw, server_hostname="localhost"):
                    pass


class Metrics(DaemonTestCase):
    def test_exposition_has_the_core_families(self):
        udp_exchange(sip_request("OPTIONS", self.daemon.sip_port), self.daemon.sip_port)
        text = self.daemon.metrics_text()
        for family in ("voxedge_build_info", "voxedge_uptime_seconds", "voxedge_event_loop_lag_seconds_bucket",
                       "voxedge_sip_requests_received_total", "voxedge_sip_responses_sent_total",
                       "voxedge_sip_parse_failures_total", "voxedge_sip_transactions",
                       "voxedge_sip_retransmissions_total", "voxedge_config_reloads_total"):
            self.assertIn(family, text)
        self.assertEqual(self.daemon.metric("voxedge_build_info"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
