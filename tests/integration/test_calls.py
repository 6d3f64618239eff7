"""Calls through voxedge between two real SIP peers (SIPp on both sides), with the RTP
SIPp plays relayed through voxedge's media workers to a UDP sink the test owns."""

import json
import os
import subprocess
import tempfile
import time
import unittest

from harness import BINARY, SCENARIOS, Daemon, RtpSink, free_port, run_sipp, wait_bound


class CallThroughVoxedge(unittest.TestCase):
    def setUp(self):
        if not BINARY or not os.path.exists(BINARY):
            self.fail("VOXEDGE_BINARY is not set to the built daemon")
        self.tmp = tempfile.TemporaryDirectory(prefix="vx-call-")
        self.uas_port = free_port()
        self.sink = RtpSink()
        base = 30000 + (os.getpid() % 300) * 100
        self.cdr_path = os.path.join(self.tmp.name, "cdr.jsonl")
        extra = f"""media:
  port_min: {base}
  port_max: {base + 99}
  workers: 1
endpoints:
  - name: pbx
    uri: "sip:127.0.0.1:5999"
    inbound:
      allow: [127.0.0.1]
  - name: far
    uri: "sip:127.0.0.1:{self.uas_port}"
routes:
  - name: everything-to-far
    match:
      source: "endpoint:pbx"
    target: "endpoint:far"
calls:
  cdr_file: {self.cdr_path}
"""
        self.daemon = Daemon(self.tmp.name, extra).start()

    def tearDown(self):
        self.sink.close()
        try:
            if self.daemon.alive():
                self.assertEqual(self.daemon.stop(), 0, self.daemon.log_text())
        finally:
            self.tmp.cleanup()

    def start_uas(self):
        cmd = ["sipp", "-nostdin", "-sf", os.path.join(SCENARIOS, "call_uas.xml"), "-i", "127.0.0.1",
               "-p", str(self.uas_port), "-mp", str(free_port()), "-m", "1", "-set", "sink_port", str(self.sink.port),
               "-timeout", "40s", "-timeout_error", "-trace_err"]
        return subprocess.Popen(cmd, cwd=self.tmp.name, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)

    def test_call_with_media_and_cdr(self):
        uas = self.start_uas()
        try:
            self.assertTrue(wait_bound(self.uas_port), "the far end's SIPp did not bind its port")
            rc, out = run_sipp(["-sf", os.path.join(SCENARIOS, "call_uac.xml"), "-s", "+442071234567",
                                "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port()), "-m", "1",
                                f"127.0.0.1:{self.daemon.sip_port}"], timeout=40)
            uas_out, _ = uas.communicate(timeout=30)
        finally:
            if uas.poll() is None:
                uas.kill()
        self.assertEqual(rc, 0, out + "\n---- far end ----\n" + uas_out + "\n---- voxedge ----\n" +
                         self.daemon.log_text())
        self.assertEqual(uas.returncode, 0, uas_out + "\n---- voxedge ----\n" + self.daemon.log_text())

        # 236 packets were played; allow for the ones in flight before the answer latched.
        self.assertGreaterEqual(self.sink.packets, 200, self.daemon.log_text())
        self.assertEqual(self.sink.payload_types, {8})
        self.assertEqual(len(self.sink.ssrcs), 1, "one continuous stream towards the far end")

        deadline = time.monotonic() + 10
        lines = []
        while time.monotonic() < deadline:
            if os.path.exists(self.cdr_path):
                with open(self.cdr_path) as f:
                    lines = [l for l in f.read().splitlines() if l.strip()]
                if lines:
                    break
            time.sleep(0.1)
        self.assertEqual(len(lines), 1, self.daemon.log_text())
        cdr = json.loads(lines[0])
        self.assertEqual(cdr["hangup_by"], "caller", cdr)
        self.assertEqual(cdr["final_state"], "ESTABLISHED", cdr)  # the state the call ended from
        self.assertGreater(cdr["duration_s"], 6, cdr)
        self.assertIn("pbx", json.dumps(cdr["source"]))
        self.assertIn("far", json.dumps(cdr["target"]))
        self.assertEqual(len(cdr["legs"]), 2, cdr)
        caller_leg = max(cdr["legs"], key=lambda l: l["packets"])
        self.assertGreaterEqual(caller_leg["packets"], 200, cdr)
        self.assertLess(caller_leg["loss_percent"], 1.0, cdr)

        # The same call in the aggregated metrics: one finished call, relayed packets,
        # and the caller leg's quality observed under its endpoint.
        self.assertGreaterEqual(self.daemon.metric("voxedge_media_relayed_packets_total", {"worker": "0"}), 200)
        self.assertEqual(self.daemon.metric("voxedge_call_packet_loss_percent_count", {"peer": "endpoint:pbx"}), 1)
        self.assertEqual(self.daemon.metric("voxedge_media_sessions", {"worker": "0"}), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
