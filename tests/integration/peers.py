"""Real SIP peers for voxedge's trunk tests, each a class with start()/stop(), its own
temp files, a log kept for failure messages, ephemeral loopback ports and a bound on every
wait. Python 3 stdlib only.

    Stunnel            stunnel4 in client mode (plain TCP in -> TLS out) or server mode
                       (TLS in -> plain TCP out), so that SIPp (no TLS in Debian) can be a
                       TLS trunk peer.
    Sipp               one SIPp process in the background (UAC or UAS), output kept.
    Baresip            a baresip UA: SIP over TLS (listener on sip_port + 1), SDES-SRTP,
                       plays a WAV tone, records what it hears, driven over ctrl_tcp.
    KamailioProvider   a Kamailio TLS proxy that answers INVITEs with a digest challenge
                       (407, or 401) and relays authenticated ones to a target over TLS,
                       leaving SDP alone: "the provider" in front of a baresip.
    RtpPeer            one UDP port that sends a G.711 tone and records what arrives
                       (symmetric latching finds it), decoded for tone checks.
                       tests (voxedge's dns.servers), checked against c-ares.
    make_tone / tone_fraction / wav_stats / write_rtp_pcap: tone files and checks (pure
                       Python Goertzel; no parsing of sox output), a G.711 RTP pcap for
                       SIPp's play_pcap_audio.
    parse_digest / verify_digest / logged_credentials: RFC 7616/8760 checks of the
                       credentials a challenging SIPp UAS logged (SIPp 3.6.1's verifyauth
                       knows only MD5 and only the Authorization header).

Every address is on 127.0.0.0/8."""

import glob
import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import time

LOOPBACK = "127.0.0.1"


# --- small helpers ---------------------------------------------------------------------------

def free_tcp_port(host=LOOPBACK):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_port_pair(host=LOOPBACK, attempts=50):
    """A port p with p and p + 1 free for both UDP and TCP right now (baresip binds its
    TLS listener on sip_port + 1)."""
    for _ in range(attempts):
        p = free_tcp_port(host)
        if p >= 65535:
            continue
        ok = True
        held = []
        try:
            for port in (p, p + 1):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    held.append(s)
                    s.bind((host, port))
        except OSError:
            ok = False
        finally:
            for s in held:
                s.close()
        if ok:
            return p
    raise RuntimeError("no free port pair")


def wait_tcp_listening(port, host=LOOPBACK, timeout=10.0, proc=None):
    """True once something accepts TCP connections on host:port (bounded); False when the
    deadline passes or `proc` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_udp_bound(port, host=LOOPBACK, timeout=10.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                return True
        time.sleep(0.05)
    return False


def _read(path, limit=200_000):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
        return text if len(text) <= limit else "[...]\n" + text[-limit:]
    except OSError:
        return ""


class _Process:
    """A child process whose stdout+stderr go to a log file; stop() ends it (SIGTERM, then
    SIGKILL) and is safe to call twice."""

    name = "peer"

    def __init__(self, workdir, name):
        self.workdir = workdir
        self.name = name
        os.makedirs(workdir, exist_ok=True)
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.proc = None
        self._log = None

    def _spawn(self, cmd, cwd=None, env=None):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=cwd or self.workdir, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        return self.proc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        return _read(self.log_path)

    def describe(self):
        """Log text with a header, for assertion messages."""
        return f"\n---- {self.name} ({self.log_path}) ----\n{self.log_text()}"

    def stop(self, timeout=5.0):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.proc.returncode if self.proc is not None else None

    def kill(self):
        """SIGKILL, as a crashed peer would go."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


# --- stunnel -------------------------------------------------------------------------------

class Stunnel(_Process):
    """stunnel4 on loopback, in the foreground, one service.

    client mode: accepts plain TCP on `self.port` and connects with TLS to
                 connect_host:connect_port (e.g. SIPp UAC -> stunnel -> voxedge's TLS
                 listener). ca_file + verify=True check the server's chain, check_host its
                 name (RFC 6125), sni the name sent; cert/key present a client certificate;
                 local_address is the source address of the TLS connection (e.g. 127.0.0.2
                 to look like an unlisted source).
    server mode: accepts TLS on `self.port` with cert/key and forwards plain TCP to
                 connect_host:connect_port (e.g. voxedge -> stunnel -> SIPp UAS);
                 ca_file + verify=True require a client certificate from that CA."""

    def __init__(self, workdir, mode, connect_port, connect_host=LOOPBACK, port=None, cert=None, key=None,
                 ca_file=None, verify=False, check_host=None, sni=None, local_address=None, name=None,
                 debug="info"):
        if mode not in ("client", "server"):
            raise ValueError("mode is client or server")
        if mode == "server" and not (cert and key):
            raise ValueError("server mode needs cert and key")
        super().__init__(workdir, name or f"stunnel-{mode}")
        self.mode = mode
        self.port = port or free_tcp_port()
        self.connect_host = connect_host
        self.connect_port = connect_port
        self.config_path = os.path.join(workdir, f"{self.name}.conf")
        lines = [
            "foreground = yes",
            "pid =",
            "syslog = no",
            f"debug = {debug}",
            "",
            "[sip]",
            f"client = {'yes' if mode == 'client' else 'no'}",
            f"accept = {LOOPBACK}:{self.port}",
            f"connect = {connect_host}:{connect_port}",
            # SIP keeps connections long; make sure a stalled peer cannot hold a test.
            "TIMEOUTconnect = 5",
            "TIMEOUTclose = 0",
        ]
        if cert:
            lines.append(f"cert = {cert}")
        if key:
            lines.append(f"key = {key}")
        if ca_file:
            lines.append(f"CAfile = {ca_file}")
        if verify:
            lines += ["verifyChain = yes"]
            if mode == "server":
                lines.append("requireCert = yes")
        if check_host:
            lines.append(f"checkHost = {check_host}")
        if sni and mode == "client":
            lines.append(f"sni = {sni}")
        if local_address:
            lines.append(f"local = {local_address}")
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout=10.0):
        exe = shutil.which("stunnel4") or shutil.which("stunnel") or "stunnel4"
        self._spawn([exe, self.config_path])
        if not wait_tcp_listening(self.port, timeout=timeout, proc=self.proc):
            self.stop()
            raise AssertionError(f"{self.name} did not listen on {self.port}" + self.describe())
        return self

    def handshake_errors(self):
        """stunnel's log lines about failed TLS handshakes or certificate checks."""
        keys = ("SSL_accept", "SSL_connect", "Rejected", "CERT: ", "verify failed", "Certificate check failed")
        return [l for l in self.log_text().splitlines() if any(k in l for k in keys)]


# --- SIPp ----------------------------------------------------------------------------------

class Sipp(_Process):
    """One SIPp in the background with its own working directory (its *_errors.log and
    port files land there). `args` are SIPp's own; -nostdin, -trace_err and -timeout are
    added. wait() returns (exit code, output + error logs)."""

    def __init__(self, workdir, scenario, args, name="sipp", timeout_s=30):
        super().__init__(os.path.join(workdir, name), name)
        self.scenario = scenario
        self.args = list(args)
        self.timeout_s = timeout_s

    def start(self, wait_port=None, wait_tcp=False, timeout=5.0):
        cmd = ["sipp", "-nostdin", "-trace_err", "-timeout", f"{self.timeout_s}s", "-timeout_error",
               "-sf", self.scenario] + self.args
        self._spawn(cmd)
        if wait_port is not None:
            ok = (wait_tcp_listening(wait_port, timeout=timeout, proc=self.proc) if wait_tcp
                  else wait_udp_bound(wait_port, timeout=timeout, proc=self.proc))
            if not ok:
                out = self.describe()
                self.stop()
                raise AssertionError(f"{self.name} did not bind {wait_port}" + out)
        return self

    def wait(self, timeout=None):
        timeout = timeout if timeout is not None else self.timeout_s + 10
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            with open(self.log_path, "a") as f:
                f.write("\n[SIPp overran and was killed]\n")
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.proc.returncode, self.output()

    def output(self):
        text = self.log_text()
        for name in sorted(os.listdir(self.workdir)):
            if name.endswith("_errors.log"):
                text += f"\n---- {name} ----\n" + _read(os.path.join(self.workdir, name))
        return text

    def describe(self):
        return f"\n---- {self.name} ----\n{self.output()}"

    def stop(self, timeout=5.0):
        # SIPp writes its statistics on SIGUSR1/SIGTERM too; a plain kill is fine here.
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.proc.returncode if self.proc is not None else None


# --- baresip -------------------------------------------------------------------------------

class Baresip(_Process):
    """A baresip UA in its own config directory.

    user        the account's user part; baresip answers only requests for it.
    sip_port    UDP/TCP port; baresip's TLS listener binds sip_port + 1 (self.tls_port).
    transport   tls (default), tcp or udp: the account's transport for calls it places.
    mediaenc    None (plain RTP), "srtp" (SDES offered, RTP/AVP), "srtp-mand" (RTP/SAVP
                required) or "srtp-mandf" (RTP/SAVPF).
    tone        WAV (8 kHz mono) played as the microphone (aufile, once, then silence);
                None = a 20 s 440 Hz tone made in its directory.
    record      received audio is written by the sndfile module into self.record_dir as
                dump-<call>-dec.wav (what was decoded; -enc.wav what was sent).
    auto_answer answer incoming calls at once (answermode=auto).
    certificate PEM with certificate and key (libre wants one file) for its TLS listener
                and client side; ca_file: CAs it trusts.
    outbound    an outbound proxy URI for its calls (e.g. "sip:127.0.0.1:5061;transport=tls").
    auth_user / auth_pass: credentials it answers challenges with.

    Commands go over ctrl_tcp (netstring JSON): dial(uri), hangup(); events (CALL_*) are
    collected by wait_event()."""

    def __init__(self, workdir, user, sip_port=None, transport="tls", mediaenc=None, tone=None,
                 auto_answer=True, certificate=None, ca_file=None, outbound=None, auth_user=None,
                 auth_pass=None, codecs="pcmu,pcma", name=None, address=LOOPBACK, rtp_ports=None):
        name = name or f"baresip-{user}"
        super().__init__(os.path.join(workdir, name), name)
        self.user = user
        self.address = address
        self.sip_port = sip_port or free_port_pair(address)
        self.tls_port = self.sip_port + 1
        self.ctrl_port = free_tcp_port()
        self.transport = transport
        self.mediaenc = mediaenc
        self.config_dir = os.path.join(self.workdir, "cfg")
        self.record_dir = os.path.join(self.workdir, "rec")
        os.makedirs(self.config_dir, exist_ok=True)
        os.makedirs(self.record_dir, exist_ok=True)
        if tone is None:
            tone = os.path.join(self.workdir, "default-tone.wav")
            make_tone(tone, 440, 20)
        self.tone = tone
        self.events = []
        self._sock = None
        self._buf = b""
        self._token = 0

        if rtp_ports is None:
            # Below the kernel's ephemeral range and apart from voxedge's test media ranges.
            low = 10000 + (os.getpid() % 40) * 200
            rtp_ports = f"{low}-{low + 199}"
        config = [
            "poll_method\tepoll",
            # An address, not an interface name (PEERS.md); without it SDP carries eth0's.
            f"net_interface\t{address}",
            "statmode_default\toff",
            f"sip_listen\t{address}:{self.sip_port}",
            "call_local_timeout\t30",
            "call_max_calls\t4",
            f"audio_source\taufile,{tone}",
            # aufile in baresip 1.0 is a source only; the player is an aubridge device with
            # no source side, so nothing plays: sndfile records the decoded audio instead.
            "audio_player\taubridge,vx-nowhere",
            "audio_alert\taubridge,vx-nowhere",
            "ausrc_srate\t8000",
            "auplay_srate\t8000",
            "ausrc_channels\t1",
            "auplay_channels\t1",
            "audio_level\tno",
            "rtcp_mux\tno",
            f"rtp_ports\t{rtp_ports}",
            "jitter_buffer_delay\t1-10",
            "rtp_timeout\t0",
            f"snd_path\t{self.record_dir}",
            f"ctrl_tcp_listen\t{LOOPBACK}:{self.ctrl_port}",
            "module_path\t/usr/lib/baresip/modules",
            "module\tg711.so",
            "module\taufile.so",
            "module\taubridge.so",
            "module\tsndfile.so",
            "module\tsrtp.so",
            "module_tmp\tuuid.so",
            "module_tmp\taccount.so",
            "module_app\tmenu.so",
            "module_app\tctrl_tcp.so",
        ]
        if certificate:
            config.append(f"sip_certificate\t{certificate}")
        if ca_file:
            config.append(f"sip_cafile\t{ca_file}")
        with open(os.path.join(self.config_dir, "config"), "w") as f:
            f.write("\n".join(config) + "\n")

        params = [f"regint=0", f"answermode={'auto' if auto_answer else 'manual'}", f"audio_codecs={codecs}",
                  "ptime=20"]
        if mediaenc:
            params.append(f"mediaenc={mediaenc}")
        if outbound:
            params.append(f'outbound="{outbound}"')
        if auth_user:
            params.append(f"auth_user={auth_user}")
        if auth_pass:
            params.append(f"auth_pass={auth_pass}")
        port = self.tls_port if transport == "tls" else self.sip_port
        self.aor = f"sip:{user}@{address}:{port};transport={transport}"
        with open(os.path.join(self.config_dir, "accounts"), "w") as f:
            f.write(f"<{self.aor}>;" + ";".join(params) + "\n")
        for extra in ("contacts",):
            open(os.path.join(self.config_dir, extra), "w").close()

    @property
    def uri(self):
        """Where to reach this UA (its own number, on its own transport)."""
        return self.aor

    def start(self, timeout=10.0):
        self._spawn(["baresip", "-f", self.config_dir, "-v", "-s"])
        deadline = time.monotonic() + timeout
        if not wait_tcp_listening(self.ctrl_port, timeout=timeout, proc=self.proc):
            out = self.describe()
            self.stop()
            raise AssertionError(f"{self.name}: ctrl_tcp did not come up" + out)
        listen_port = self.tls_port if self.transport == "tls" else self.sip_port
        if not wait_tcp_listening(listen_port, timeout=max(0.5, deadline - time.monotonic()), proc=self.proc):
            out = self.describe()
            self.stop()
            raise AssertionError(f"{self.name}: SIP listener {listen_port} did not come up" + out)
        self._sock = socket.create_connection((LOOPBACK, self.ctrl_port), timeout=2)
        return self

    # ctrl_tcp: netstrings "<len>:<json>,"
    def command(self, command, params="", timeout=5.0):
        self._token += 1
        token = f"t{self._token}"
        data = json.dumps({"command": command, "params": params, "token": token}).encode()
        self._sock.sendall(str(len(data)).encode() + b":" + data + b",")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self._read_messages(deadline):
                if msg.get("response") and msg.get("token") == token:
                    return msg
        raise AssertionError(f"{self.name}: no response to {command} {params}" + self.describe())

    def _read_messages(self, deadline):
        """Messages from ctrl_tcp read until `deadline` or until at least one arrived;
        events are also kept in self.events."""
        out = []
        while not out and time.monotonic() < deadline:
            while True:
                colon = self._buf.find(b":")
                if colon <= 0 or not self._buf[:colon].isdigit():
                    break
                n = int(self._buf[:colon])
                if len(self._buf) < colon + 1 + n + 1:
                    break
                payload = self._buf[colon + 1:colon + 1 + n]
                self._buf = self._buf[colon + 2 + n:]
                try:
                    msg = json.loads(payload)
                except ValueError:
                    continue
                if msg.get("event"):
                    self.events.append(msg)
                out.append(msg)
            if out:
                break
            self._sock.settimeout(max(0.01, min(0.2, deadline - time.monotonic())))
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                time.sleep(0.05)
                if not self.alive():
                    break
                continue
            self._buf += chunk
        return out

    def dial(self, uri):
        r = self.command("dial", uri)
        if not r.get("ok", False):
            raise AssertionError(f"{self.name}: dial {uri} refused: {r}" + self.describe())
        return r

    def hangup(self):
        return self.command("hangup")

    def wait_event(self, types, timeout=10.0, since=0):
        """The first CALL event (from index `since` of self.events) whose type is in `types`;
        None when the deadline passes."""
        if isinstance(types, str):
            types = (types,)
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for ev in self.events[checked:]:
                if ev.get("type") in types:
                    return ev
            checked = max(checked, len(self.events))
            if time.monotonic() >= deadline or not self.alive():
                return None
            self._read_messages(min(deadline, time.monotonic() + 0.2))

    def wait_established(self, timeout=10.0):
        return self.wait_event("CALL_ESTABLISHED", timeout)

    def wait_closed(self, timeout=10.0):
        return self.wait_event("CALL_CLOSED", timeout)

    def recordings(self):
        """Paths of the decoded-audio recordings (one per call), oldest first."""
        return sorted(glob.glob(os.path.join(self.record_dir, "dump-*-dec.wav")), key=os.path.getmtime)

    def recorded_path(self):
        r = self.recordings()
        return r[-1] if r else None

    def srtp_active(self):
        """True once baresip's srtp module said it is encrypting a stream."""
        return "SRTP is Enabled" in self.log_text()

    def sdp_lines(self, prefix):
        """Every SDP line starting with `prefix` (e.g. "m=audio", "a=crypto") in the SIP trace
        (-s): both what it sent and what it received."""
        return [l.strip() for l in self.log_text().splitlines() if l.strip().startswith(prefix)]

    def rtp_sources(self):
        """(host, port) of every incoming RTP stream baresip reported."""
        import re
        return [(m.group(1), int(m.group(2))) for m in
                re.finditer(r"incoming rtp for 'audio' established, receiving from ([0-9.]+):([0-9]+)", self.log_text())]

    def stop(self, timeout=5.0):
        if self._sock is not None:
            try:
                if self.alive():
                    self.command("quit", timeout=1.0)
            except (OSError, AssertionError):
                pass
            self._sock.close()
            self._sock = None
        return super().stop(timeout)


# --- tones ---------------------------------------------------------------------------------

def make_tone(path, freq, seconds, rate=8000, amplitude=0.5):
    """A mono 16-bit WAV sine tone: sox when present (as PEERS.md suggests), else Python."""
    sox = shutil.which("sox")
    if sox:
        subprocess.run([sox, "-n", "-r", str(rate), "-c", "1", "-b", "16", path, "synth", str(seconds), "sine",
                        str(freq), "vol", str(amplitude)], check=True, timeout=20, capture_output=True)
        return path
    import wave
    n = int(rate * seconds)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(n)))
    return path


def read_wav_mono(path):
    """(samples as floats in -1..1 of the first channel, sample rate)."""
    import wave
    with wave.open(path, "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples; only 16-bit is read")
    count = len(raw) // (2 * ch)
    vals = struct.unpack(f"<{count * ch}h", raw[:count * ch * 2])
    return [v / 32768.0 for v in vals[::ch]], rate


def _goertzel_power(block, freq, rate):
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in block:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - k * s1 * s2


def tone_fraction(path, freq, block_ms=50, skip_s=0.0, max_s=10.0):
    """Fraction (0..1) of the recording's energy that sits at `freq`, from a Goertzel filter
    per block: sum over blocks of 2*|X(f)|^2/N against N*sum(x^2) (Parseval), which is 1.0
    for a pure tone and ~0 for silence, noise or another tone. Blocks of silence add little
    to either side, so a recording that starts late still scores high."""
    samples, rate = read_wav_mono(path)
    start = int(skip_s * rate)
    samples = samples[start:start + int(max_s * rate)]
    n = max(1, int(rate * block_ms / 1000))
    tone = total = 0.0
    for i in range(0, len(samples) - n + 1, n):
        block = samples[i:i + n]
        energy = sum(x * x for x in block)
        if energy <= 0:
            continue
        total += energy
        tone += min(energy, 2 * _goertzel_power(block, freq, rate) / n)
    return tone / total if total > 0 else 0.0


def wav_stats(path):
    """(seconds, RMS in 0..1) of a WAV's first channel."""
    samples, rate = read_wav_mono(path)
    if not samples:
        return 0.0, 0.0
    return len(samples) / rate, math.sqrt(sum(x * x for x in samples) / len(samples))


# --- RTP pcap for SIPp's play_pcap_audio ------------------------------------------------------

def _ulaw(sample):
    """G.711 mu-law of a 16-bit linear sample."""
    BIAS, CLIP = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, CLIP) + BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _alaw(sample):
    """G.711 A-law of a 16-bit linear sample."""
    sign = 0x80 if sample >= 0 else 0
    if sample < 0:
        sample = -sample - 1
    sample = min(sample, 32767) >> 3
    if sample >= 32:
        exponent = 1
        while sample >= 64 and exponent < 7:
            sample >>= 1
            exponent += 1
        mantissa = (sample >> 1) & 0x0F
        code = (exponent << 4) | mantissa
    else:
        code = sample >> 1
    return (code | sign) ^ 0x55


def write_rtp_pcap(path, freq, seconds, payload_type=0, amplitude=0.5, ssrc=0x5157A11E):
    """A pcap (Ethernet/IPv4/UDP) of G.711 RTP, 20 ms packets, carrying a sine tone:
    PCMU for payload_type 0, PCMA for 8. SIPp's <exec play_pcap_audio=...> replays it to
    the remote media address with the capture's timing."""
    encode = _ulaw if payload_type == 0 else _alaw
    rate, per = 8000, 160
    packets = int(seconds * 1000 / 20)
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i in range(packets):
        payload = bytes(encode(int(amplitude * 32767 * math.sin(2 * math.pi * freq * (i * per + j) / rate)))
                        for j in range(per))
        rtp = struct.pack("!BBHII", 0x80, payload_type & 0x7F, i & 0xFFFF, (i * per) & 0xFFFFFFFF, ssrc) + payload
        udp = struct.pack("!HHHH", 4000, 4002, 8 + len(rtp), 0) + rtp
        total = 20 + len(udp)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, i & 0xFFFF, 0, 64, 17, 0,
                         socket.inet_aton(LOOPBACK), socket.inet_aton(LOOPBACK))
        csum = sum(struct.unpack("!10H", ip))
        while csum >> 16:
            csum = (csum & 0xFFFF) + (csum >> 16)
        ip = ip[:10] + struct.pack("!H", ~csum & 0xFFFF) + ip[12:]
        frame = b"\x00" * 12 + b"\x08\x00" + ip + udp
        usec = i * 20000
        out.append(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(frame), len(frame)) + frame)
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return path


# --- Kamailio: a provider that challenges -------------------------------------------------

class KamailioProvider(_Process):
    """A Kamailio 5.6 proxy on loopback standing in for a trunk provider: it listens for SIP
    over TLS (and TCP and UDP on the same port number), answers every INVITE without valid
    credentials with a digest challenge, and relays authenticated ones, untouched apart from
    Via and Record-Route (SDP passes as is, so SRTP keys go end to end), to `target`.

    challenge   "proxy" (407 Proxy-Authenticate, the default) or "www" (401 WWW-Authenticate)
    algorithm   "MD5" or "SHA-256" (RFC 8760); qop=auth always
    target      a SIP URI for the next hop, e.g. baresip's "sip:127.0.0.1:P;transport=tls"
    cert/key    the provider's TLS certificate (required; e.g. certs' trunk.test); ca_file + verify
                check the client's (mutual TLS) and the target's certificate.

    self.tls_port, self.port (UDP/TCP); log_text() includes "vx-auth:" lines for every
    challenge, failure and success (with the user name), and "vx-relay:" lines."""

    MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"

    def __init__(self, workdir, target, username, password, realm="trunk.test", challenge="proxy",
                 algorithm="MD5", cert=None, key=None, ca_file=None, verify=False, name="kamailio"):
        super().__init__(os.path.join(workdir, name), name)
        if challenge not in ("proxy", "www"):
            raise ValueError("challenge is proxy or www")
        if not (cert and key):
            raise ValueError("kamailio's TLS listener needs cert and key (e.g. certs.make_pki().trunk_cert)")
        self.port = free_port_pair()
        self.tls_port = self.port + 1
        self.target = target
        self.username = username
        self.realm = realm
        self.run_dir = os.path.join(self.workdir, "run")
        os.makedirs(self.run_dir, exist_ok=True)
        self.config_path = os.path.join(self.workdir, "kamailio.cfg")
        tls_path = os.path.join(self.workdir, "tls.cfg")
        verify_flag = "yes" if verify else "no"
        tls = ["[server:default]", "method = TLSv1.2+", f"verify_certificate = {verify_flag}",
               f"require_certificate = {verify_flag}"]
        if cert:
            tls += [f"certificate = {cert}", f"private_key = {key}"]
        if ca_file:
            tls.append(f"ca_list = {ca_file}")
        tls += ["", "[client:default]", "method = TLSv1.2+", f"verify_certificate = {verify_flag}",
                "require_certificate = no"]
        if ca_file:
            tls.append(f"ca_list = {ca_file}")
        with open(tls_path, "w") as f:
            f.write("\n".join(tls) + "\n")

        pw = password.replace("\\", "\\\\").replace('"', '\\"')
        if challenge == "proxy":
            check = f'pv_proxy_authenticate("{realm}", "{pw}", "0")'
            send = f'proxy_challenge("{realm}", "1")'
        else:
            check = f'pv_www_authenticate("{realm}", "{pw}", "0")'
            send = f'www_challenge("{realm}", "1")'
        cfg = f"""#!KAMAILIO
# generated by tests/integration/peers.py (KamailioProvider)
debug=2
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=2
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=off
enable_tls=yes
tcp_connect_timeout=3
listen=udp:127.0.0.1:{self.port}
listen=tcp:127.0.0.1:{self.port}
listen=tls:127.0.0.1:{self.tls_port}
alias="{realm}"

mpath="{self.MODULES}/"
loadmodule "tls.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "auth.so"

modparam("tls", "config", "{tls_path}")
modparam("auth", "algorithm", "{algorithm}")
modparam("auth", "secret", "vx-test-{os.getpid()}")
modparam("rr", "enable_full_lr", 1)
modparam("tm", "fr_timer", 5000)
modparam("tm", "fr_inv_timer", 20000)

request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (is_method("OPTIONS") && uri == myself && !has_totag()) {{
        sl_send_reply("200", "OK");
        exit;
    }}
    if (has_totag()) {{
        if (loose_route()) {{
            xlog("L_NOTICE", "vx-relay: in-dialog $rm to $ru via $du from $si:$sp/$pr\\n");
            t_relay();
            exit;
        }}
        if (is_method("ACK")) {{
            if (t_check_trans()) {{
                t_relay();
            }}
            exit;
        }}
        sl_send_reply("404", "Not here");
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    if (is_method("ACK")) {{
        t_check_trans();
        exit;
    }}
    if (is_method("INVITE")) {{
        if (!{check}) {{
            xlog("L_NOTICE", "vx-auth: challenge $rm from $si:$sp/$pr (credentials for user '$au': $rc)\\n");
            {send};
            exit;
        }}
        if ($au != "{username}") {{
            xlog("L_NOTICE", "vx-auth: refused user '$au' from $si:$sp/$pr\\n");
            sl_send_reply("403", "Wrong user");
            exit;
        }}
        xlog("L_NOTICE", "vx-auth: ok user '$au' from $si:$sp/$pr\\n");
        consume_credentials();
    }}
    record_route();
    $du = "{target}";
    xlog("L_NOTICE", "vx-relay: $rm $ru via $du\\n");
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}
"""
        with open(self.config_path, "w") as f:
            f.write(cfg)

    @property
    def uri(self):
        return f"sip:127.0.0.1:{self.tls_port};transport=tls"

    def start(self, timeout=15.0):
        # -DD: no daemon, no fork of the main process; -E: log to stderr (our log file).
        self._spawn(["kamailio", "-f", self.config_path, "-DD", "-E", "-m", "64", "-M", "8",
                     "-Y", self.run_dir, "-w", self.workdir])
        if not wait_tcp_listening(self.tls_port, timeout=timeout, proc=self.proc):
            out = self.describe()
            self.stop()
            raise AssertionError(f"{self.name} did not listen on {self.tls_port}" + out)
        return self

    def auth_lines(self):
        return [l for l in self.log_text().splitlines() if "vx-auth:" in l]


# --- digest checks for credentials a SIPp UAS logged ---------------------------------------

def parse_digest(header):
    """The parameters of a 'Digest k=v, k="v"' credentials or challenge value as a dict
    (keys lower-case); the leading 'Digest' and any 'Authorization:' name are dropped."""
    import re
    text = header.strip()
    text = re.sub(r"^(proxy-)?(authorization|authenticate|www-authenticate)\s*:\s*", "", text, flags=re.I)
    text = re.sub(r"^digest\s+", "", text, flags=re.I)
    out = {}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]+)', text):
        out[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return out


def verify_digest(header, method, username, password, realm=None, nonce=None, body=b""):
    """(ok, why): checks RFC 7616/8760 digest credentials (MD5, MD5-sess, SHA-256,
    SHA-256-sess; qop auth, auth-int or none) against the shared secret, and the realm,
    nonce and username when given."""
    import hashlib
    p = parse_digest(header)
    algo = p.get("algorithm", "MD5").upper()
    base = algo[:-5] if algo.endswith("-SESS") else algo
    hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-512-256": None}
    if hashes.get(base) is None:
        return False, f"unsupported algorithm {algo}"

    def h(s):
        return hashes[base](s.encode()).hexdigest()

    for key in ("username", "realm", "nonce", "uri", "response"):
        if key not in p:
            return False, f"no {key} in {header!r}"
    if p["username"] != username:
        return False, f"username {p['username']!r}, expected {username!r}"
    if realm is not None and p["realm"] != realm:
        return False, f"realm {p['realm']!r}, expected {realm!r}"
    if nonce is not None and p["nonce"] != nonce:
        return False, f"nonce {p['nonce']!r}, expected {nonce!r}"
    ha1 = h(f"{username}:{p['realm']}:{password}")
    if algo.endswith("-SESS"):
        ha1 = h(f"{ha1}:{p['nonce']}:{p.get('cnonce', '')}")
    qop = p.get("qop")
    if qop == "auth-int":
        ha2 = h(f"{method}:{p['uri']}:{hashes[base](body).hexdigest()}")
    else:
        ha2 = h(f"{method}:{p['uri']}")
    if qop:
        if "cnonce" not in p or "nc" not in p:
            return False, "qop without cnonce/nc"
        expected = h(f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{qop}:{ha2}")
    else:
        expected = h(f"{ha1}:{p['nonce']}:{ha2}")
    if expected != p["response"].lower():
        return False, f"response {p['response']} is not the expected {expected} ({algo}, qop={qop})"
    return True, f"{algo} digest for {username} verified"


def logged_credentials(sipp):
    """What the trunk_uas_*auth* scenarios logged (-trace_logs) of the retried INVITE's
    credentials: ["Authorization: Digest ..." or "Proxy-Authorization: Digest ..."]."""
    out = []
    for name in sorted(os.listdir(sipp.workdir)):
        if name.endswith("_logs.log"):
            for line in _read(os.path.join(sipp.workdir, name)).splitlines():
                if line.startswith("CREDENTIALS "):
                    out.append(line[len("CREDENTIALS "):].strip())
    return out


# --- an RTP receiver that keeps the audio ----------------------------------------------------

def _ulaw_decode(b):
    b = ~b & 0xFF
    sign, exponent, mantissa = b & 0x80, (b >> 4) & 0x07, b & 0x0F
    sample = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -sample if sign else sample


def _alaw_decode(b):
    b ^= 0x55
    sign, exponent, mantissa = b & 0x80, (b >> 4) & 0x07, b & 0x0F
    sample = (mantissa << 4) + 8
    if exponent:
        sample = (sample + 0x100) << (exponent - 1)
    return sample if sign else -sample


_ULAW = [_ulaw_decode(i) for i in range(256)]
_ALAW = [_alaw_decode(i) for i in range(256)]


class RtpPeer:
    """A media endpoint on one loopback UDP port (so symmetric latching finds it): a
    thread receives RTP (bounded to `max_s`) and keeps G.711 payloads (PT 0 PCMU, PT 8
    PCMA) in arrival order; send_tone() sends a G.711 tone from the same socket, 20 ms
    per packet. write_wav() gives what arrived as 16-bit 8 kHz for tone_fraction().
    Plain RTP only: SRTP payloads would be noise, by design."""

    def __init__(self, max_s=60):
        import threading
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.packets = 0
        self.sent = 0
        self.payload_types = set()
        self.samples = []
        self.sources = set()
        self._stop_at = time.monotonic() + max_s
        self._threads = [threading.Thread(target=self._run, daemon=True)]
        self._threads[0].start()

    def _run(self):
        while time.monotonic() < self._stop_at:
            try:
                data, src = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12 or data[0] >> 6 != 2 or 200 <= data[1] <= 204:
                continue
            pt = data[1] & 0x7F
            off = 12 + 4 * (data[0] & 0x0F)
            if data[0] & 0x10 and len(data) >= off + 4:
                off += 4 + 4 * int.from_bytes(data[off + 2:off + 4], "big")
            self.packets += 1
            self.payload_types.add(pt)
            self.sources.add(src)
            table = _ULAW if pt == 0 else _ALAW if pt == 8 else None
            if table is not None:
                self.samples.extend(table[b] for b in data[off:])

    def send_tone(self, port, freq, seconds, payload_type=0, host=LOOPBACK, amplitude=0.5, ssrc=0x7E57F00D):
        """Starts sending a tone to host:port in the background (paced, 20 ms packets)."""
        import threading
        encode = _ulaw if payload_type == 0 else _alaw
        frames = [bytes(encode(int(amplitude * 32767 * math.sin(2 * math.pi * freq * (i * 160 + j) / 8000)))
                        for j in range(160)) for i in range(50)]  # 1 s; 1000 Hz and 440 Hz repeat cleanly

        def run():
            start = time.monotonic()
            for i in range(int(seconds * 50)):
                if time.monotonic() >= self._stop_at:
                    return
                delay = start + i * 0.02 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pkt = struct.pack("!BBHII", 0x80, payload_type | (0x80 if i == 0 else 0), i & 0xFFFF,
                                  (i * 160) & 0xFFFFFFFF, ssrc) + frames[i % 50]
                try:
                    self.sock.sendto(pkt, (host, port))
                    self.sent += 1
                except OSError:
                    return

        t = threading.Thread(target=run, daemon=True)
        self._threads.append(t)
        t.start()

    def write_wav(self, path):
        import wave
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack(f"<{len(self.samples)}h", *self.samples))
        return path

    def close(self):
        self._stop_at = 0
        for t in self._threads:
            t.join(timeout=2)
        self.sock.close()

    stop = close
