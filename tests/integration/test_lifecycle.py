"""Configuration checking, SIGHUP reloads, SIGTERM, the built-in default configuration and
the systemd unit, against the real binary."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import (BINARY, SOURCE_DIR, Daemon, DaemonTestCase, free_port, sip_request, status_of, udp_exchange)

EXAMPLE = os.path.join(SOURCE_DIR, "config", "voxedge.example.yaml")
BROKEN = os.path.join(SOURCE_DIR, "tests", "unit", "config", "data", "broken.yaml")


def check_config(path):
    return subprocess.run([BINARY, "--check-config", path], capture_output=True, text=True, timeout=20)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class CheckConfig(unittest.TestCase):
    def test_example_file_is_valid(self):
        r = check_config(EXAMPLE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("test is successful", r.stderr)

    def test_broken_file_names_file_line_and_field(self):
        r = check_config(BROKEN)
        self.assertEqual(r.returncode, 1, r.stderr)
        problems = [l for l in r.stderr.splitlines() if re.match(r"^.*broken\.yaml:\d+:\d+: \S+: ", l)]
        self.assertGreaterEqual(len(problems), 3, r.stderr)
        self.assertIn("test failed", r.stderr)

    def test_missing_file(self):
        r = check_config("/nonexistent/voxedge.yaml")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/voxedge.yaml", r.stderr)

    def test_unreadable_certificate_is_reported(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "tls.yaml")
            with open(path, "w") as f:
                f.write("listeners:\n  - name: t\n    transport: tls\n    tls:\n"
                        f"      certificate: {d}/none.crt\n      private_key: {d}/none.key\n")
            r = check_config(path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("none.crt", r.stderr)

    def test_version(self):
        r = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^voxedge \d+\.\d+\.\d+ ")

    def test_bad_config_refuses_to_start(self):
        r = subprocess.run([BINARY, "--config", BROKEN], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("broken.yaml:", r.stderr)


class Reload(DaemonTestCase):
    def options_ok(self, port):
        return status_of(udp_exchange(sip_request("OPTIONS", port), port, timeout=1.0)) == (200, "OK")

    def test_broken_file_keeps_running_configuration(self):
        with open(BROKEN) as f:
            self.daemon.write_config(f.read())
        self.daemon.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: self.daemon.metric("voxedge_config_reloads_total",
                                                             {"result": "failure"}) == 1),
                        self.daemon.log_text())
        self.assertTrue(self.daemon.alive())
        self.assertTrue(self.options_ok(self.daemon.sip_port))
        self.assertEqual(self.daemon.metric("voxedge_config_last_reload_successful"), 0)
        self.assertRegex(self.daemon.log_text(), r"voxedge\.yaml:\d+:\d+: listeners\[0\]\.port: ")
        self.assertIn("keeping the running configuration", self.daemon.log_text())

    def test_valid_change_is_applied(self):
        extra_port = free_port()
        text = self.daemon.default_config().replace(
            "listeners:\n", f"listeners:\n  - name: udp2\n    transport: udp\n    address: 127.0.0.1\n"
                            f"    port: {extra_port}\n", 1)
        self.daemon.write_config(text)
        self.daemon.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: self.daemon.metric("voxedge_config_reloads_total",
                                                             {"result": "success"}) == 1),
                        self.daemon.log_text())
        self.assertTrue(self.options_ok(extra_port))
        self.assertTrue(self.options_ok(self.daemon.sip_port), "unchanged listeners stay open")
        # Back to the original: the extra listener closes.
        self.daemon.write_config(self.daemon.default_config())
        self.daemon.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: self.daemon.metric("voxedge_config_reloads_total",
                                                             {"result": "success"}) == 2))
        self.assertIsNone(udp_exchange(sip_request("OPTIONS", extra_port), extra_port, timeout=0.5))

    def test_unbindable_listener_rejects_reload(self):
        # Port 1 needs privileges we drop in tests? Root can bind it, so use an address
        # that is not on this machine instead.
        text = self.daemon.default_config().replace(
            "listeners:\n", "listeners:\n  - name: nowhere\n    transport: udp\n    address: 192.0.2.1\n"
                            "    port: 5060\n", 1)
        self.daemon.write_config(text)
        self.daemon.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: self.daemon.metric("voxedge_config_reloads_total",
                                                             {"result": "failure"}) == 1),
                        self.daemon.log_text())
        self.assertTrue(self.options_ok(self.daemon.sip_port))


class DefaultConfiguration(unittest.TestCase):
    """The quick start: no --config at all. Uses the fixed default ports (5060/5061/9095)."""

    def test_starts_answers_and_stops(self):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, HOME=home)
            env.pop("XDG_STATE_HOME", None)
            env.pop("STATE_DIRECTORY", None)
            with open(os.path.join(home, "log"), "w") as log:
                p = subprocess.Popen([BINARY], env=env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
                try:
                    ok = wait_for(lambda: status_of(udp_exchange(sip_request("OPTIONS", 5060), 5060, 0.5)) ==
                                  (200, "OK"), timeout=15)
                    with open(os.path.join(home, "log")) as f:
                        self.assertTrue(ok, f.read())
                    self.assertTrue(os.path.exists(
                        os.path.join(home, ".local", "state", "voxedge", "tls", "selfsigned.crt")))
                finally:
                    p.send_signal(signal.SIGTERM)
                    rc = p.wait(timeout=10)
            self.assertEqual(rc, 0)


class SystemdUnit(unittest.TestCase):
    def test_unit_verifies(self):
        if shutil.which("systemd-analyze") is None:
            self.fail("systemd-analyze is missing: scripts/install-deps.sh --test installs it")
        with tempfile.TemporaryDirectory() as d:
            # The unit names /usr/bin/voxedge; point it at the binary under test.
            with open(os.path.join(SOURCE_DIR, "systemd", "voxedge.service")) as f:
                unit = f.read().replace("/usr/bin/voxedge", BINARY)
            path = os.path.join(d, "voxedge.service")
            with open(path, "w") as f:
                f.write(unit)
            r = subprocess.run(["systemd-analyze", "verify", "--man=no", path], capture_output=True, text=True,
                               timeout=60)
            output = "\n".join(l for l in (r.stdout + r.stderr).splitlines()
                               if "voxedge" in l or "Unknown" in l or "Invalid" in l)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertNotRegex(output, r"(?i)unknown|invalid|failed to", output)

    def test_hardening_is_present(self):
        with open(os.path.join(SOURCE_DIR, "systemd", "voxedge.service")) as f:
            unit = f.read()
        for directive in ("Type=notify", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                          "PrivateTmp=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "LimitNOFILE=",
                          "WatchdogSec=", "Restart=on-failure"):
            self.assertIn(directive, unit)


if __name__ == "__main__":
    unittest.main(verbosity=2)
