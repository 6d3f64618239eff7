"""A throw-away test PKI made with the `openssl` CLI: one CA and the certificates the
trunk tests need. Nothing here is trusted outside the temp directory it is written to.

    pki = make_pki(directory)
    pki.ca            CA certificate (PEM) every certificate below chains to
    pki.trunk_cert    "trunk.test" with SAN DNS:trunk.test and IP:127.0.0.1 (+ pki.trunk_key)
    pki.wrong_cert    "wrong.test" with SAN DNS:wrong.test only, no IP (+ pki.wrong_key)
    pki.voxedge_cert  "voxedge.test" with SAN DNS:voxedge.test and IP:127.0.0.1 (+ key),
                      for voxedge's own TLS listener so peers can verify it
    pki.client_cert   "client.test" client certificate (+ key), for mutual TLS

Every openssl run is bounded in time; a failure raises with openssl's own output."""

import os
import subprocess
import types

OPENSSL_TIMEOUT_S = 30


def _openssl(args, cwd):
    p = subprocess.run(["openssl"] + args, cwd=cwd, capture_output=True, text=True,
                       timeout=OPENSSL_TIMEOUT_S, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return p.stdout


def _key(path, cwd):
    # EC P-256: fast to generate, accepted by OpenSSL 3, stunnel, kamailio and baresip (libre).
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path], cwd)


def _leaf(d, name, cn, san, usage, ca_cert, ca_key):
    key = os.path.join(d, f"{name}.key")
    csr = os.path.join(d, f"{name}.csr")
    cert = os.path.join(d, f"{name}.pem")
    ext = os.path.join(d, f"{name}.ext")
    _key(key, d)
    _openssl(["req", "-new", "-key", key, "-subj", f"/CN={cn}", "-out", csr], d)
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                f"extendedKeyUsage={usage}\n"
                f"subjectAltName={san}\n")
    _openssl(["x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
              "-days", "30", "-sha256", "-extfile", ext, "-out", cert], d)
    return cert, key


def make_pki(directory):
    """Writes the CA and certificates into `directory` (created if needed) once; later calls
    with the same directory return the same files. Returns a namespace of paths."""
    d = os.path.abspath(directory)
    os.makedirs(d, exist_ok=True)
    pki = types.SimpleNamespace(
        dir=d,
        ca=os.path.join(d, "ca.pem"), ca_key=os.path.join(d, "ca.key"),
        trunk_cert=os.path.join(d, "trunk.pem"), trunk_key=os.path.join(d, "trunk.key"),
        wrong_cert=os.path.join(d, "wrong.pem"), wrong_key=os.path.join(d, "wrong.key"),
        voxedge_cert=os.path.join(d, "voxedge.pem"), voxedge_key=os.path.join(d, "voxedge.key"),
        client_cert=os.path.join(d, "client.pem"), client_key=os.path.join(d, "client.key"),
        trunk_name="trunk.test", wrong_name="wrong.test", voxedge_name="voxedge.test",
    )
    if os.path.exists(os.path.join(d, "done")):
        return pki
    _key(pki.ca_key, d)
    _openssl(["req", "-x509", "-new", "-key", pki.ca_key, "-subj", "/CN=voxedge test CA", "-days", "30",
              "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", pki.ca], d)
    _leaf(d, "trunk", "trunk.test", "DNS:trunk.test,IP:127.0.0.1", "serverAuth,clientAuth", pki.ca, pki.ca_key)
    _leaf(d, "wrong", "wrong.test", "DNS:wrong.test", "serverAuth,clientAuth", pki.ca, pki.ca_key)
    _leaf(d, "voxedge", "voxedge.test", "DNS:voxedge.test,IP:127.0.0.1", "serverAuth,clientAuth", pki.ca, pki.ca_key)
    _leaf(d, "client", "client.test", "DNS:client.test", "clientAuth", pki.ca, pki.ca_key)
    # baresip (libre) reads certificate and key from one PEM file.
    for name in ("trunk", "wrong", "voxedge", "client"):
        with open(os.path.join(d, f"{name}.pem")) as c, open(os.path.join(d, f"{name}.key")) as k, \
                open(os.path.join(d, f"{name}-combined.pem"), "w") as out:
            out.write(c.read() + k.read())
    with open(os.path.join(d, "done"), "w") as f:
        f.write("ok\n")
    return pki


def combined(pki, name):
    """Certificate + key in one PEM file (what baresip's sip_certificate wants)."""
    return os.path.join(pki.dir, f"{name}-combined.pem")
