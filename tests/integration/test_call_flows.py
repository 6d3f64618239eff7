"""Call flows through voxedge between two real SIP peers (SIPp on both sides): TCP, a BYE
from the callee, CANCEL before the answer, a relayed 486, hold and resume by re-INVITE,
the RTP timeout hanging up, loss measured on injected RTP, and the call metrics.

The caller ("pbx", SIPp UAC) calls voxedge, which routes everything to "far" (SIPp UAS);
the far end's SDP points RTP at a UDP sink the test owns (harness.RtpSink)."""

import os
import socket
import tempfile
import threading
import time
import unittest

from harness import (BINARY, SCENARIOS, Daemon, RtpSink, call_config, finish_sipp, free_port, read_cdrs,
                     read_port_file, rtp_packet, start_sipp, wait_bound)

SSRC = 0x5EED1234


def scenario(name):
    return os.path.join(SCENARIOS, name)


class CallFlowTestCase(unittest.TestCase):
    """A fresh daemon per test, routing pbx -> far; helpers to run both SIPp sides."""

    far_transport = "udp"
    calls_extra = ""

    def setUp(self):
        if not BINARY or not os.path.exists(BINARY):
            self.fail("VOXEDGE_BINARY is not set to the built daemon")
        self.tmp = tempfile.TemporaryDirectory(prefix="vx-flow-")
        self.uas_dir = os.path.join(self.tmp.name, "uas")
        self.uac_dir = os.path.join(self.tmp.name, "uac")
        os.mkdir(self.uas_dir)
        os.mkdir(self.uac_dir)
        self.uas_port = free_port()
        self.sink = RtpSink()
        self.cdr_path = os.path.join(self.tmp.name, "cdr.jsonl")
        # Apart from test_calls' range (30000 + ...): the suites may run side by side.
        base = 40000 + (os.getpid() % 150) * 100
        self.daemon = Daemon(self.tmp.name, call_config(base, self.uas_port, self.cdr_path, self.far_transport,
                                                        self.calls_extra)).start()
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.communicate(timeout=5)
        self.sink.close()
        try:
            if self.daemon.alive():
                self.assertEqual(self.daemon.stop(), 0, self.daemon.log_text())
        finally:
            self.tmp.cleanup()

    # --- helpers --------------------------------------------------------------------------

    def sipp_transport(self):
        return ["-t", "t1"] if self.far_transport == "tcp" else []

    def start_uas(self, name, extra=()):
        p = start_sipp(["-sf", scenario(name), "-i", "127.0.0.1", "-p", str(self.uas_port), "-mp",
                        str(free_port()), "-m", "1", "-set", "sink_port", str(self.sink.port)]
                       + self.sipp_transport() + list(extra), self.uas_dir)
        self.procs.append(p)
        if not wait_bound(self.uas_port, tcp=self.far_transport == "tcp") or p.poll() is not None:
            self.fail("the far end's SIPp did not come up:\n" + finish_sipp(p, self.uas_dir)[1])
        return p

    def start_uac(self, name, extra=()):
        p = start_sipp(["-sf", scenario(name), "-s", "+442071234567", "-i", "127.0.0.1", "-p", str(free_port()),
                        "-mp", str(free_port()), "-m", "1"] + self.sipp_transport() + list(extra)
                       + [f"127.0.0.1:{self.daemon.sip_port}"], self.uac_dir)
        self.procs.append(p)
        return p

    def run_call(self, uac_name, uas_name, uac_extra=(), uas_extra=(), during=None):
        """Runs both sides to completion and asserts both passed; `during(uac)` runs while
        the call is up. Returns the seconds the caller's SIPp ran."""
        uas = self.start_uas(uas_name, uas_extra)
        started = time.monotonic()
        uac = self.start_uac(uac_name, uac_extra)
        if during is not None:
            during(uac)
        rc, out = finish_sipp(uac, self.uac_dir)
        elapsed = time.monotonic() - started
        uas_rc, uas_out = finish_sipp(uas, self.uas_dir)
        context = (f"\n---- caller (SIPp UAC) ----\n{out}\n---- far end (SIPp UAS) ----\n{uas_out}"
                   f"\n---- voxedge ----\n{self.daemon.log_text()}")
        self.assertEqual(rc, 0, "the caller's scenario failed" + context)
        self.assertEqual(uas_rc, 0, "the far end's scenario failed" + context)
        return elapsed

    def cdr(self):
        records = read_cdrs(self.cdr_path)
        self.assertEqual(len(records), 1, f"{records}\n{self.daemon.log_text()}")
        return records[0]

    def assert_finished(self, result):
        """The call metrics count one finished call from pbx to far with `result`."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.daemon.metric("voxedge_calls_finished_total", {"peer": "endpoint:far", "result": result}) == 1:
                break
            time.sleep(0.1)
        text = self.daemon.metrics_text()
        finished = [l for l in text.splitlines() if l.startswith("voxedge_calls_finished_total")]
        self.assertEqual(finished, [f'voxedge_calls_finished_total{{peer="endpoint:far",result="{result}"}} 1'],
                         text)

    def port_from(self, directory):
        """voxedge's RTP port on a leg, as the scenario running in `directory` wrote it."""
        port = read_port_file(os.path.join(directory, "vx_port.txt"))
        if port is None:
            self.fail("no voxedge RTP port from the scenario in " + directory + "\n" + self.daemon.log_text())
        return port

    def udp_socket(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        self.addCleanup(s.close)
        return s

    def udp_pair(self):
        """RTP and RTCP sockets on an even port and the next one (RFC 3550 §11)."""
        for _ in range(100):
            rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rtp.bind(("127.0.0.1", 0))
            port = rtp.getsockname()[1]
            if port % 2 == 0:
                rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    rtcp.bind(("127.0.0.1", port + 1))
                except OSError:
                    rtcp.close()
                else:
                    self.addCleanup(rtp.close)
                    self.addCleanup(rtcp.close)
                    return rtp, rtcp
            rtp.close()
        self.fail("no free even/odd port pair")


def answer_sender_reports(rtcp, own_ssrc, hold_s, stop):
    """Answers each RTCP SR voxedge sends with an RR whose LSR names it and whose DLSR is
    0, after holding it `hold_s`: voxedge must then measure an RTT of about `hold_s`
    (RFC 3550 §6.4.1). Returns (RTCP packets seen from voxedge, SRs answered)."""
    answered = 0
    seen = 0
    rtcp.settimeout(0.1)
    while not stop.is_set():
        try:
            data, source = rtcp.recvfrom(2048)
        except socket.timeout:
            continue
        except OSError:
            break
        if len(data) >= 8 and data[0] >> 6 == 2 and data[1] in (200, 201):
            seen += 1
        if len(data) < 28 or data[0] >> 6 != 2 or data[1] != 200:
            continue
        sender_ssrc = data[4:8]
        ntp_msw = int.from_bytes(data[8:12], "big")
        ntp_lsw = int.from_bytes(data[12:16], "big")
        lsr = ((ntp_msw & 0xFFFF) << 16) | (ntp_lsw >> 16)
        time.sleep(hold_s)
        block = (sender_ssrc + bytes(4) + bytes(4) + bytes(4) + lsr.to_bytes(4, "big") + bytes(4))
        rr = bytes([0x81, 201]) + (7).to_bytes(2, "big") + own_ssrc.to_bytes(4, "big") + block
        rtcp.sendto(rr, source)
        answered += 1
    return seen, answered


class CallFlows(CallFlowTestCase):
    def test_bye_from_the_callee(self):
        self.run_call("flow_uac_wait_bye.xml", "flow_uas_bye.xml")
        cdr = self.cdr()
        self.assertEqual(cdr["hangup_by"], "callee", cdr)
        self.assertEqual(cdr["end_reason"], "BYE", cdr)
        self.assertEqual(cdr["sip_code"], 200, cdr)
        self.assertEqual(cdr["final_state"], "ESTABLISHED", cdr)
        self.assertGreater(cdr["duration_s"], 1.5, cdr)
        self.assertIn("BYE from the callee", self.daemon.log_text())
        self.assert_finished("answered")

    def test_cancel_before_the_answer(self):
        self.run_call("flow_uac_cancel.xml", "flow_uas_cancel.xml")
        cdr = self.cdr()
        self.assertEqual(cdr["end_reason"], "CANCEL", cdr)
        self.assertEqual(cdr["hangup_by"], "caller", cdr)
        self.assertEqual(cdr["sip_code"], 487, cdr)
        self.assertEqual(cdr["final_state"], "RINGING", cdr)
        self.assertIsNone(cdr["answer"], cdr)
        self.assertIn("CANCEL from the caller", self.daemon.log_text())
        self.assert_finished("cancelled")

    def test_busy_is_relayed_with_a_reason(self):
        # The caller's scenario checks the 486 carries "Reason: SIP;cause=486".
        self.run_call("flow_uac_busy.xml", "flow_uas_busy.xml")
        cdr = self.cdr()
        self.assertEqual(cdr["sip_code"], 486, cdr)
        self.assertEqual(cdr["end_reason"], "rejected: 486 Busy Here", cdr)
        self.assertEqual(cdr["hangup_by"], "callee", cdr)
        self.assertIsNone(cdr["answer"], cdr)
        self.assertIn("the B side answered 486 Busy Here: 486 to A", self.daemon.log_text())
        self.assert_finished("busy")

    def test_hold_and_resume_by_the_caller(self):
        # Both scenarios check the directions: the far end sees a=sendonly then no hold
        # direction; the caller gets a=recvonly then none. The test plays both peers' RTP
        # itself (20 ms apart) to see what crosses: during the hold the caller (sendonly)
        # keeps sending, but nothing goes towards it.
        caller_sink = RtpSink()
        self.addCleanup(caller_sink.close)
        done = threading.Event()

        def play_both_ways():
            to_a = ("127.0.0.1", self.port_from(self.uac_dir))
            to_b = ("127.0.0.1", self.port_from(self.uas_dir))
            start = time.monotonic()
            for i in range(750):  # 15 s at most; the call lasts about 5 s
                if done.wait(max(0.0, start + i * 0.02 - time.monotonic())):
                    return
                caller_sink.sock.sendto(rtp_packet(100 + i, 160 * i, SSRC), to_a)
                self.sink.sock.sendto(rtp_packet(5000 + i, 160 * i, SSRC + 1), to_b)

        player = threading.Thread(target=play_both_ways, daemon=True)
        self.addCleanup(player.join, 2)
        self.addCleanup(done.set)
        self.run_call("flow_uac_hold.xml", "flow_uas_hold.xml", uac_extra=["-set", "a_rtp_port", str(caller_sink.port)],
                      during=lambda uac: player.start())
        done.set()
        log = self.daemon.log_text()
        self.assertIn("relayed to the other leg (sendonly -> sendonly)", log)
        self.assertIn("relayed to the other leg (sendrecv -> sendrecv)", log)

        gap, after = caller_sink.longest_gap()
        flows = f"towards the caller: {caller_sink.packets} packets, longest gap {gap:.2f}s before #{after}; " \
                f"towards the far end: {self.sink.packets} packets, longest gap {self.sink.longest_gap()[0]:.2f}s\n"
        self.assertGreaterEqual(after, 25, flows + log)  # media before the hold (1.5 s)
        self.assertGreaterEqual(caller_sink.packets - after, 25, flows + log)  # and after the resume (1.5 s)
        self.assertGreater(gap, 1.5, flows + log)  # the 2 s hold: nothing towards the holder
        self.assertLess(gap, 4.0, flows + log)
        self.assertGreaterEqual(self.sink.packets, 200, flows + log)  # the holder is still heard
        self.assertLess(self.sink.longest_gap()[0], 0.5, flows + log)

        cdr = self.cdr()
        self.assertEqual(cdr["hangup_by"], "caller", cdr)
        self.assertEqual(cdr["end_reason"], "BYE", cdr)
        self.assertEqual(cdr["final_state"], "ESTABLISHED", cdr)
        self.assert_finished("answered")

    def test_injected_loss_is_measured(self):
        # The caller's RTP comes from the test: 400 packets 20 ms apart from the port its
        # offer advertised (symmetric latching accepts it), every 20th one withheld. Its
        # RTCP port listens for voxedge's own reports (RTCP is terminated per leg, so they
        # come even though the far end sends none) and answers any SR 80 ms late.
        caller, caller_rtcp = self.udp_pair()
        withheld = 0
        stop_rtcp = threading.Event()
        rtcp_answers = []
        rtcp_thread = threading.Thread(
            target=lambda: rtcp_answers.append(answer_sender_reports(caller_rtcp, SSRC, 0.08, stop_rtcp)), daemon=True)
        rtcp_thread.start()
        self.addCleanup(rtcp_thread.join, 2)
        self.addCleanup(stop_rtcp.set)

        def play_with_loss(uac):
            nonlocal withheld
            to = ("127.0.0.1", self.port_from(self.uac_dir))
            # The far end talks too (no loss): voxedge then sends RTP to the caller, so
            # its reports there are SRs the caller can answer (RTT needs an SR, §6.4.1).
            far_to = ("127.0.0.1", self.port_from(self.uas_dir))
            start = time.monotonic()
            for i in range(400):
                time.sleep(max(0.0, start + i * 0.02 - time.monotonic()))
                self.sink.sock.sendto(rtp_packet(7000 + i, 160 * i, SSRC + 7), far_to)
                if i % 20 == 10:
                    withheld += 1
                    continue
                caller.sendto(rtp_packet(1000 + i, 4000 + 160 * i, SSRC), to)

        self.run_call("flow_uac_rtp.xml", "call_uas.xml", uac_extra=["-set", "a_rtp_port", str(caller.getsockname()[1])],
                      during=play_with_loss)
        self.assertEqual(withheld, 20)
        self.assertEqual(self.sink.payload_types, {8})
        self.assertGreaterEqual(self.sink.packets, 370, "what was sent arrives at the far end")
        self.assertLessEqual(self.sink.packets, 380)
        cdr = self.cdr()
        caller_leg = [l for l in cdr["legs"] if l["role"] == "caller"]
        self.assertEqual(len(caller_leg), 1, cdr)
        self.assertGreaterEqual(caller_leg[0]["packets"], 370, cdr)
        self.assertGreaterEqual(caller_leg[0]["loss_percent"], 3.0, cdr)
        self.assertLessEqual(caller_leg[0]["loss_percent"], 7.0, cdr)
        self.assertEqual(cdr["hangup_by"], "caller", cdr)
        stop_rtcp.set()
        rtcp_thread.join(2)
        seen, answered = rtcp_answers[0] if rtcp_answers else (0, 0)
        self.assertGreaterEqual(seen, 1, "voxedge sent no RTCP report to the caller")
        # 20 ms pacing from a Python thread: a little jitter, well under a packet time.
        self.assertGreaterEqual(caller_leg[0]["jitter_ms"], 0.0, cdr)
        self.assertLess(caller_leg[0]["jitter_ms"], 20.0, cdr)
        # The caller held each SR 80 ms before answering with DLSR 0: that is the RTT.
        self.assertGreaterEqual(answered, 1, "voxedge sent no SR to the caller")
        self.assertIsNotNone(caller_leg[0].get("rtt_ms"), cdr)
        self.assertGreaterEqual(caller_leg[0]["rtt_ms"], 70.0, cdr)
        self.assertLess(caller_leg[0]["rtt_ms"], 200.0, cdr)
        # G.711 with 5 % random loss: Ie_eff = 95 * 5 / (5 + 25.1) = 15.8, R = 77.4,
        # MOS = 3.92 by the simplified E-model (media/rtp/mos.hpp); loss-free it is 4.4.
        self.assertIsNotNone(caller_leg[0].get("mos"), cdr)
        self.assertGreater(caller_leg[0]["mos"], 3.7, cdr)
        self.assertLess(caller_leg[0]["mos"], 4.1, cdr)
        # ...and the aggregated histograms hold it under the caller's endpoint.
        self.assertEqual(self.daemon.metric("voxedge_call_packet_loss_percent_count", {"peer": "endpoint:pbx"}), 1)
        self.assertEqual(self.daemon.metric("voxedge_call_mos_count", {"peer": "endpoint:pbx"}), 1)
        self.assertEqual(self.daemon.metric("voxedge_call_rtt_seconds_count", {"peer": "endpoint:pbx"}), 1)
        callee_leg = [l for l in cdr["legs"] if l["role"] == "callee"][0]
        self.assertGreaterEqual(callee_leg["packets"], 390, cdr)  # the far end's 400, none withheld
        self.assertLess(callee_leg["loss_percent"], 1.0, cdr)

    def test_metrics_after_a_call(self):
        self.assertEqual(self.daemon.metric("voxedge_calls_total", {"direction": "internal"}), 0)
        seen_active = []

        def sample(uac):
            # The far end hangs up 2 s after its answer: sample while the call is up.
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and not seen_active:
                if self.daemon.metric("voxedge_calls_by_state", {"state": "ESTABLISHED"}) == 1:
                    seen_active.append(self.daemon.metric("voxedge_calls_active", {"direction": "internal"}))
                time.sleep(0.05)

        self.run_call("flow_uac_wait_bye.xml", "flow_uas_bye.xml", during=sample)
        self.assertEqual(seen_active, [1.0], "one internal call ESTABLISHED while it was up")
        self.assert_finished("answered")
        m = self.daemon.metric
        self.assertEqual(m("voxedge_calls_total", {"direction": "internal"}), 1)
        self.assertEqual(m("voxedge_calls_total", {"direction": "inbound"}), 0)
        self.assertEqual(m("voxedge_calls_total", {"direction": "outbound"}), 0)
        text = self.daemon.metrics_text()
        for family in ("voxedge_calls_active", "voxedge_calls_by_state", "voxedge_calls_rejected_total"):
            samples = [l for l in text.splitlines() if l.startswith(family + "{")]
            self.assertTrue(samples, text)
            self.assertTrue(all(l.endswith(" 0") for l in samples), samples)
        self.assertEqual(m("voxedge_call_setup_seconds_count"), 1, text)
        self.assertEqual(m("voxedge_call_setup_seconds_bucket", {"le": "+Inf"}), 1, text)


class CallOverTcp(CallFlowTestCase):
    far_transport = "tcp"  # both SIPp sides use -t t1; the far endpoint is dialled over TCP

    def test_call_over_tcp(self):
        self.run_call("call_uac.xml", "call_uas.xml")
        log = self.daemon.log_text()
        self.assertIn("INVITE from tcp:127.0.0.1:", log)
        self.assertIn(f"to endpoint:far (tcp:127.0.0.1:{self.uas_port})", log)
        self.assertGreaterEqual(self.sink.packets, 200, log)
        self.assertEqual(self.sink.payload_types, {8})
        cdr = self.cdr()
        self.assertEqual(cdr["hangup_by"], "caller", cdr)
        self.assertEqual(cdr["end_reason"], "BYE", cdr)
        self.assertGreater(cdr["duration_s"], 6, cdr)
        self.assert_finished("answered")


class MediaTimeout(CallFlowTestCase):
    calls_extra = "  media_timeout_s: 2\n  media_hangup_s: 2\n"

    def test_no_rtp_ends_the_call(self):
        # No RTP either way: MEDIA_DISRUPTED after 2 s, BYE to both sides 2 s later.
        self.run_call("flow_uac_wait_bye.xml", "call_uas.xml")
        cdr = self.cdr()
        log = self.daemon.log_text()
        self.assertEqual(cdr["end_reason"], "media timeout", cdr)
        self.assertEqual(cdr["hangup_by"], "system", cdr)
        self.assertEqual(cdr["final_state"], "MEDIA_DISRUPTED", cdr)
        self.assertGreaterEqual(cdr["duration_s"], 3.5, cdr)
        self.assertLessEqual(cdr["duration_s"], 6.5, cdr)
        self.assertIn("ESTABLISHED -> MEDIA_DISRUPTED", log)
        self.assertIn("media did not come back: hanging up", log)
        self.assert_finished("answered")

    def test_no_rtp_after_a_long_ring_ends_the_call(self):
        # The far end rings 3 s (longer than media_timeout_s) before answering: the
        # supervision must still start from the answer.
        self.run_call("flow_uac_wait_bye.xml", "flow_uas_late_answer.xml")
        cdr = self.cdr()
        self.assertEqual(cdr["end_reason"], "media timeout", cdr)
        self.assertEqual(cdr["hangup_by"], "system", cdr)
        self.assertLessEqual(cdr["duration_s"], 6.5, cdr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
