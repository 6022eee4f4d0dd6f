#!/usr/bin/env python3
"""Capture real TLS first-flight bytes as unit-test fixtures for TLSWire.

For every scenario this script

  * starts a TLS server (openssl s_server or gnutls-serv) on 127.0.0.1 with an
    ephemeral port, using throwaway certificates generated in a temp dir,
  * runs a TLS client (openssl s_client or gnutls-cli) through an in-process
    TCP relay (client -> relay -> server) that records every chunk in both
    directions, in the order the relay saw them,
  * cuts the recordings down to the first flight of each side and writes

        Tests/TLSWireTests/Fixtures/NAME.client.bin   ClientHello record(s)
        Tests/TLSWireTests/Fixtures/NAME.server.bin   first server flight

  * computes the facts a parser must find in those bytes with an independent
    Python record/handshake parser and cross-checks them against what the
    client tool itself reported (cipher, protocol, temp key, peer
    certificates, alert number),
  * writes expected.json and README.md next to the fixtures.

Only the Python 3 standard library is used.  The script is re-runnable and
overwrites the fixtures (certificates are regenerated each run, so the bytes
and expected.json change together).

Isolation: when `unshare -n` is usable (root or user namespaces), the whole
capture runs inside a private network namespace with only `lo`, so nothing is
reachable from outside even though gnutls-serv has no bind-address option and
listens on the wildcard address.  Pass --no-netns to skip that.

Usage:  python3 scripts/lib/capture_fixtures.py [--only NAME[,NAME...]] [--keep-tmp]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "TLSWireTests" / "Fixtures"
HOST = "127.0.0.1"

CT_CCS, CT_ALERT, CT_HANDSHAKE, CT_APPDATA = 20, 21, 22, 23
HS_NAMES = {0: "hello_request", 1: "client_hello", 2: "server_hello", 4: "new_session_ticket",
            8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
            13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
            16: "client_key_exchange", 20: "finished"}
GROUP_NAMES = {23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448",
               256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096"}
ALERT_NAMES = {0: "close_notify", 10: "unexpected_message", 40: "handshake_failure",
               47: "illegal_parameter", 70: "protocol_version", 71: "insufficient_security",
               80: "internal_error", 109: "missing_extension", 112: "unrecognized_name"}
VERSION_NAMES = {0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2",
                 0x0304: "TLSv1.3"}
# SHA-256("HelloRetryRequest"), RFC 8446 4.1.3
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

CLIENT_TIMEOUT = 20
RELAY_IDLE_TIMEOUT = 8


class CaptureError(Exception):
    pass


def hx(v: int, width: int = 4) -> str:
    return "0x%0*X" % (width, v)


# --------------------------------------------------------------------------------------
# Independent TLS parsing (records, handshake messages, hellos, certificates, SKE, alerts)
# --------------------------------------------------------------------------------------

def parse_records(buf: bytes):
    """Split a byte stream into TLS records.  Returns (records, trailing_bytes)."""
    recs, off = [], 0
    while off + 5 <= len(buf):
        ctype, ver, ln = buf[off], int.from_bytes(buf[off + 1:off + 3], "big"), \
            int.from_bytes(buf[off + 3:off + 5], "big")
        if off + 5 + ln > len(buf):
            break
        recs.append({"type": ctype, "version": ver, "length": ln,
                     "payload": buf[off + 5:off + 5 + ln], "offset": off, "end": off + 5 + ln})
        off += 5 + ln
    return recs, buf[off:]


def split_handshake(data: bytes):
    """Split concatenated handshake bytes into (type, body) messages. Returns (msgs, rest)."""
    msgs, off = [], 0
    while off + 4 <= len(data):
        ln = int.from_bytes(data[off + 1:off + 4], "big")
        if off + 4 + ln > len(data):
            break
        msgs.append((data[off], data[off + 4:off + 4 + ln]))
        off += 4 + ln
    return msgs, data[off:]


class Reader:
    def __init__(self, b: bytes):
        self.b, self.o = b, 0

    def take(self, n: int) -> bytes:
        if self.o + n > len(self.b):
            raise CaptureError("truncated structure (need %d at %d of %d)" % (n, self.o, len(self.b)))
        r = self.b[self.o:self.o + n]
        self.o += n
        return r

    def u(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vec(self, lenbytes: int) -> bytes:
        return self.take(self.u(lenbytes))

    def done(self) -> bool:
        return self.o == len(self.b)


def parse_extensions(r: Reader):
    exts = []
    if r.done():
        return exts
    er = Reader(r.vec(2))
    while not er.done():
        et = er.u(2)
        exts.append((et, er.vec(2)))
    return exts


def parse_client_hello(body: bytes) -> dict:
    r = Reader(body)
    legacy = r.u(2)
    r.take(32)
    sid = r.vec(1)
    suites_raw = r.vec(2)
    suites = [int.from_bytes(suites_raw[i:i + 2], "big") for i in range(0, len(suites_raw), 2)]
    comp = list(r.vec(1))
    exts = parse_extensions(r)
    if not r.done():
        raise CaptureError("ClientHello has trailing bytes")
    out = {"legacy_version": hx(legacy), "session_id_length": len(sid),
           "cipher_suites": [hx(s) for s in suites], "compression_methods": comp,
           "extensions": [e for e, _ in exts], "sni": None, "supported_versions": None,
           "supported_groups": None, "key_share_groups": None}
    for et, ed in exts:
        er = Reader(ed)
        if et == 0:  # server_name
            lr = Reader(er.vec(2))
            while not lr.done():
                nt, name = lr.u(1), lr.vec(2)
                if nt == 0:
                    out["sni"] = name.decode("ascii", "replace")
        elif et == 10:  # supported_groups
            g = er.vec(2)
            out["supported_groups"] = [int.from_bytes(g[i:i + 2], "big") for i in range(0, len(g), 2)]
        elif et == 43:  # supported_versions
            v = er.vec(1)
            out["supported_versions"] = [hx(int.from_bytes(v[i:i + 2], "big")) for i in range(0, len(v), 2)]
        elif et == 51:  # key_share
            kr = Reader(er.vec(2))
            groups = []
            while not kr.done():
                groups.append(kr.u(2))
                kr.vec(2)
            out["key_share_groups"] = groups
    return out


def parse_server_hello(body: bytes) -> dict:
    r = Reader(body)
    legacy = r.u(2)
    rnd = r.take(32)
    sid = r.vec(1)
    suite = r.u(2)
    comp = r.u(1)
    exts = parse_extensions(r)
    if not r.done():
        raise CaptureError("ServerHello has trailing bytes")
    is_hrr = rnd == HRR_RANDOM
    out = {"legacy_version": legacy, "hrr": is_hrr, "session_id_length": len(sid), "suite": suite,
           "compression": comp, "extensions": [e for e, _ in exts], "selected_version": None,
           "key_share_group": None, "key_share_length": None}
    for et, ed in exts:
        er = Reader(ed)
        if et == 43:
            out["selected_version"] = er.u(2)
        elif et == 51:
            out["key_share_group"] = er.u(2)
            if not is_hrr:
                out["key_share_length"] = len(er.vec(2))
    return out


def parse_certificate_tls12(body: bytes):
    r = Reader(body)
    lr = Reader(r.vec(3))
    if not r.done():
        raise CaptureError("Certificate message has trailing bytes")
    ders = []
    while not lr.done():
        ders.append(lr.vec(3))
    return ders


def parse_ske_ecdhe(body: bytes) -> dict:
    r = Reader(body)
    curve_type = r.u(1)
    if curve_type != 3:
        raise CaptureError("ServerKeyExchange curve_type %d is not named_curve" % curve_type)
    curve = r.u(2)
    point = r.vec(1)
    return {"curve": curve, "public_length": len(point), "rest_length": len(body) - r.o}


def first_client_flight(stream: bytes) -> bytes:
    """All records up to and including the one that completes the first ClientHello."""
    recs, _ = parse_records(stream)
    hs = b""
    for rec in recs:
        if rec["type"] != CT_HANDSHAKE:
            raise CaptureError("client sent record type %d before ClientHello completed" % rec["type"])
        hs += rec["payload"]
        msgs, _ = split_handshake(hs)
        if msgs:
            if msgs[0][0] != 1:
                raise CaptureError("first client handshake message is type %d" % msgs[0][0])
            return stream[:rec["end"]]
    raise CaptureError("no complete ClientHello in client stream (%d bytes)" % len(stream))


def cut_server_flight(kind: str, full: bytes, before_client2: bytes) -> bytes:
    """Cut the first server flight out of the full server->client stream.

    `before_client2` is what the server had sent before the relay saw the first
    client byte after the ClientHello (a causal bound: the client cannot start
    its second flight before it has the whole first server flight)."""
    recs, _ = parse_records(full)
    if not recs:
        raise CaptureError("server sent no complete record (%d bytes)" % len(full))
    if kind == "alert":
        if recs[0]["type"] != CT_ALERT:
            raise CaptureError("expected an alert, server's first record is type %d" % recs[0]["type"])
        return full[:recs[0]["end"]]
    if kind == "tls12":
        hs = b""
        for rec in recs:
            if rec["type"] != CT_HANDSHAKE:
                raise CaptureError("record type %d before ServerHelloDone" % rec["type"])
            hs += rec["payload"]
            msgs, rest = split_handshake(hs)
            if msgs and msgs[-1][0] == 14 and not rest:
                end = rec["end"]
                if end > len(before_client2):
                    raise CaptureError("ServerHelloDone arrived after the client's second flight?")
                return full[:end]
        raise CaptureError("no ServerHelloDone in server stream")
    if kind == "hrr":
        hs, end = b"", None
        for i, rec in enumerate(recs):
            if rec["type"] != CT_HANDSHAKE:
                raise CaptureError("record type %d before HRR complete" % rec["type"])
            hs += rec["payload"]
            msgs, rest = split_handshake(hs)
            if msgs:
                end = rec["end"]
                j = i + 1
                while j < len(recs) and recs[j]["type"] == CT_CCS:  # middlebox-compat CCS
                    end = recs[j]["end"]
                    j += 1
                return full[:end]
        raise CaptureError("no complete HelloRetryRequest")
    if kind == "tls13":
        # ServerHello (+CCS) in clear, then encrypted records up to the client's 2nd flight.
        pre, trailing = parse_records(before_client2)
        if trailing:
            raise CaptureError("server flight does not end on a record boundary (%d stray bytes)"
                               % len(trailing))
        if not pre or pre[0]["type"] != CT_HANDSHAKE:
            raise CaptureError("TLS 1.3 flight does not start with a handshake record")
        if not any(r["type"] == CT_APPDATA for r in pre):
            raise CaptureError("TLS 1.3 flight has no encrypted records")
        return before_client2
    raise ValueError(kind)


def analyze(client_bin: bytes, server_bin: bytes) -> dict:
    """Facts a parser must extract, computed independently of the Swift codec."""
    f = {"_server_bin": server_bin, "version": None, "legacy_version": None, "record_version": None, "suite": None,
         "compression": None, "group": None, "group_name": None, "group_source": None,
         "ske_curve": None, "certificates": None, "hrr": False, "alert": None,
         "session_id_length": None, "server_hello_extensions": None}
    # client
    crecs, ctrail = parse_records(client_bin)
    if ctrail:
        raise CaptureError("client fixture has trailing bytes")
    chs, crest = split_handshake(b"".join(r["payload"] for r in crecs))
    if len(chs) != 1 or crest or chs[0][0] != 1:
        raise CaptureError("client fixture is not exactly one ClientHello")
    f["client_hello"] = parse_client_hello(chs[0][1])
    f["client_hello"]["records"] = [{"type": r["type"], "version": hx(r["version"]),
                                     "length": r["length"]} for r in crecs]
    # server
    srecs, strail = parse_records(server_bin)
    if strail:
        raise CaptureError("server fixture has trailing bytes")
    f["server_records"] = [{"type": r["type"], "version": hx(r["version"]), "length": r["length"]}
                           for r in srecs]
    f["record_version"] = hx(srecs[0]["version"])
    if srecs[0]["type"] == CT_ALERT:
        p = srecs[0]["payload"]
        if len(p) != 2:
            raise CaptureError("alert payload length %d" % len(p))
        f["alert"] = {"level": p[0], "description": p[1],
                      "name": ALERT_NAMES.get(p[1], "unknown")}
        f["server_handshake_messages"] = []
        return f
    # Handshake bytes from the cleartext part (stop at CCS: TLS 1.3 encrypts after it).
    hs = b""
    for r in srecs:
        if r["type"] == CT_HANDSHAKE:
            hs += r["payload"]
        elif r["type"] in (CT_CCS, CT_APPDATA):
            continue
        else:
            raise CaptureError("unexpected record type %d in server flight" % r["type"])
    msgs, rest = split_handshake(hs)
    if rest:
        raise CaptureError("server handshake stream has %d dangling bytes" % len(rest))
    f["server_handshake_messages"] = [m[0] for m in msgs]
    f["server_handshake_message_lengths"] = [len(m[1]) for m in msgs]
    f["encrypted_records"] = sum(1 for r in srecs if r["type"] == CT_APPDATA)
    # records carrying >1 handshake message / messages spanning >1 record
    f["handshake_messages_per_record"] = []
    for r in srecs:
        if r["type"] == CT_HANDSHAKE:
            f["handshake_messages_per_record"].append(None)
    if not msgs or msgs[0][0] != 2:
        raise CaptureError("server flight does not start with ServerHello")
    sh = parse_server_hello(msgs[0][1])
    f["legacy_version"] = hx(sh["legacy_version"])
    f["version"] = hx(sh["selected_version"] or sh["legacy_version"])
    f["suite"] = hx(sh["suite"])
    f["compression"] = sh["compression"]
    f["hrr"] = sh["hrr"]
    f["session_id_length"] = sh["session_id_length"]
    f["server_hello_extensions"] = sh["extensions"]
    if sh["key_share_group"] is not None:
        f["group"] = sh["key_share_group"]
        f["group_source"] = "hello_retry_request.key_share" if sh["hrr"] else "server_hello.key_share"
        f["key_share_length"] = sh["key_share_length"]
    for t, body in msgs[1:]:
        if t == 11:
            f["certificates"] = [len(d) for d in parse_certificate_tls12(body)]
            f["_certificate_ders"] = parse_certificate_tls12(body)
        elif t == 12:
            ske = parse_ske_ecdhe(body)
            f["ske_curve"] = ske["curve"]
            f["ske_public_length"] = ske["public_length"]
            f["group"] = ske["curve"]
            f["group_source"] = "server_key_exchange"
    if f["group"] is not None:
        f["group_name"] = GROUP_NAMES.get(f["group"], "unknown")
    # which handshake messages sit in which record (for the multi-record fixture)
    layout, hs_off = [], 0
    msg_bounds, o = [], 0
    for t, body in msgs:
        msg_bounds.append((t, o, o + 4 + len(body)))
        o += 4 + len(body)
    for r in srecs:
        if r["type"] != CT_HANDSHAKE:
            layout.append({"type": r["type"], "length": r["length"], "handshake": None})
            continue
        a, b = hs_off, hs_off + r["length"]
        layout.append({"type": r["type"], "length": r["length"],
                       "handshake": [HS_NAMES.get(t, str(t)) + ("" if (s >= a and e <= b) else "(part)")
                                     for t, s, e in msg_bounds if s < b and e > a]})
        hs_off = b
    f["record_layout"] = layout
    del f["handshake_messages_per_record"]
    return f


# --------------------------------------------------------------------------------------
# Relay, servers, clients
# --------------------------------------------------------------------------------------

class Relay(threading.Thread):
    """One-connection TCP relay that logs (direction, bytes) in the order seen."""

    def __init__(self, upstream_port: int):
        super().__init__(daemon=True)
        self.upstream_port = upstream_port
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((HOST, 0))
        self.lsock.listen(1)
        self.port = self.lsock.getsockname()[1]
        self.events: list[tuple[str, bytes]] = []
        self.error: Exception | None = None
        self.stop = threading.Event()

    def run(self):
        try:
            self.lsock.settimeout(CLIENT_TIMEOUT)
            c, _ = self.lsock.accept()
            s = socket.create_connection((HOST, self.upstream_port), timeout=5)
            peers = {c: (s, "c2s"), s: (c, "s2c")}
            open_ = {c, s}
            last = time.monotonic()
            while open_ and not self.stop.is_set():
                r, _, _ = select.select(list(open_), [], [], 0.2)
                if not r:
                    if time.monotonic() - last > RELAY_IDLE_TIMEOUT:
                        break
                    continue
                last = time.monotonic()
                for sock in r:
                    other, d = peers[sock]
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    if data:
                        self.events.append((d, data))
                        try:
                            other.sendall(data)
                        except OSError:
                            pass
                    else:
                        open_.discard(sock)
                        try:
                            other.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
            for x in (c, s):
                x.close()
        except Exception as e:  # noqa: BLE001
            self.error = e
        finally:
            self.lsock.close()

    def streams(self):
        c2s = b"".join(d for k, d in self.events if k == "c2s")
        s2c = b"".join(d for k, d in self.events if k == "s2c")
        return c2s, s2c

    def server_before_client_second_flight(self, ch_len: int) -> bytes:
        seen_c, out = 0, []
        for k, d in self.events:
            if k == "c2s":
                seen_c += len(d)
                if seen_c > ch_len:
                    break
            else:
                out.append(d)
        return b"".join(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(path).read_text().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            parts = ln.split()
            if parts[3] == "0A" and int(parts[1].split(":")[1], 16) == port:
                return True
    return False


def wait_listening(proc: subprocess.Popen, port: int, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise CaptureError("server exited early with %s" % proc.returncode)
        if listening(port):
            return
        time.sleep(0.05)
    raise CaptureError("server did not start listening on %d" % port)


def stop_proc(proc: subprocess.Popen):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        raise CaptureError("command failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


# --------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------

def make_certs(tmp: Path) -> dict:
    c = {}
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(tmp / "rsa.key"), "-out", str(tmp / "rsa.crt")])
    c["rsa"] = (tmp / "rsa.crt", tmp / "rsa.key")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-sha256", "-days", "30", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(tmp / "ec.key"), "-out", str(tmp / "ec.crt")])
    c["ec"] = (tmp / "ec.crt", tmp / "ec.key")
    # Chain for the multi-record scenario: root -> intermediate -> leaf with many SANs.
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
         "-subj", "/CN=tlsmatrix fixture root", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign",
         "-keyout", str(tmp / "root.key"), "-out", str(tmp / "root.crt")])
    (tmp / "ca.ext").write_text("basicConstraints=critical,CA:TRUE\n"
                                "keyUsage=critical,keyCertSign,cRLSign\n")
    run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
         "-subj", "/CN=tlsmatrix fixture intermediate",
         "-keyout", str(tmp / "int.key"), "-out", str(tmp / "int.csr")])
    run(["openssl", "x509", "-req", "-in", str(tmp / "int.csr"), "-CA", str(tmp / "root.crt"),
         "-CAkey", str(tmp / "root.key"), "-CAcreateserial", "-days", "30", "-sha256",
         "-extfile", str(tmp / "ca.ext"), "-out", str(tmp / "int.crt")])
    sans = ["DNS:localhost"] + ["DNS:host-%04d.multi-record.tlsmatrix.test" % i for i in range(560)]
    (tmp / "leaf.ext").write_text("basicConstraints=CA:FALSE\nsubjectAltName=%s\n" % ",".join(sans))
    run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", str(tmp / "big.key"), "-out", str(tmp / "big.csr")])
    run(["openssl", "x509", "-req", "-in", str(tmp / "big.csr"), "-CA", str(tmp / "int.crt"),
         "-CAkey", str(tmp / "int.key"), "-CAcreateserial", "-days", "30", "-sha256",
         "-extfile", str(tmp / "leaf.ext"), "-out", str(tmp / "big.crt")])
    c["big"] = (tmp / "big.crt", tmp / "big.key")
    c["big_chain"] = tmp / "int.crt"
    return c


def pem_ders(text: str):
    return [base64.b64decode("".join(m.split()))
            for m in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
                                text, re.S)]


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------

OSSL_SERVER_BASE = ["openssl", "s_server", "-accept", "{HOST}:{PORT}", "-naccept", "1"]
OSSL_CLIENT_BASE = ["openssl", "s_client", "-connect", "{HOST}:{RELAY}", "-showcerts"]

SCENARIOS = [
    dict(name="tls12-ecdhe-rsa", kind="tls12", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}", "-tls1_2",
                                    "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-groups", "P-256"],
         client=OSSL_CLIENT_BASE + ["-tls1_2", "-servername", "localhost"],
         what="TLS 1.2 ECDHE_RSA with AES-128-GCM, P-256 key exchange, RSA-2048 self-signed cert"),
    dict(name="tls12-ecdhe-ecdsa-x25519", kind="tls12", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{ec.crt}", "-key", "{ec.key}", "-tls1_2",
                                    "-groups", "X25519"],
         client=OSSL_CLIENT_BASE + ["-tls1_2"],
         what="TLS 1.2 ECDHE_ECDSA (server's default cipher choice), X25519 key exchange, "
              "P-256 self-signed cert"),
    dict(name="tls13-x25519", kind="tls13", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}"],
         client=OSSL_CLIENT_BASE + ["-tls1_3", "-groups", "X25519"],
         what="TLS 1.3 full handshake, X25519 key share; everything after ServerHello is encrypted"),
    dict(name="tls13-hrr", kind="hrr", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}", "-tls1_3",
                                    "-groups", "P-384"],
         client=OSSL_CLIENT_BASE + ["-tls1_3", "-groups", "X25519:P-384"],
         what="TLS 1.3 HelloRetryRequest: client offers an X25519 key share only, server "
              "(P-384 only) asks for secp384r1"),
    dict(name="tls10-rsa", kind="tls12", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}", "-tls1",
                                    "-cipher", "AES128-SHA@SECLEVEL=0"],
         client=OSSL_CLIENT_BASE + ["-tls1", "-cipher", "AES128-SHA@SECLEVEL=0"],
         what="TLS 1.0 static-RSA key exchange (no ServerKeyExchange), AES128-SHA"),
    dict(name="alert-handshake-failure", kind="alert", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}", "-tls1_2",
                                    "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"],
         client=OSSL_CLIENT_BASE + ["-tls1_2", "-cipher", "AES128-SHA"],
         what="no shared cipher suite: server answers the ClientHello with a fatal "
              "handshake_failure alert"),
    dict(name="alert-protocol-version", kind="alert", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{rsa.crt}", "-key", "{rsa.key}", "-tls1_3"],
         client=OSSL_CLIENT_BASE + ["-tls1_2"],
         what="TLS 1.3-only server, TLS 1.2-only client: fatal protocol_version alert"),
    dict(name="gnutls-tls10-rc4", kind="tls12", tool="gnutls",
         server=["gnutls-serv", "-p", "{PORT}", "--priority", "{PRIO}",
                 "--x509certfile", "{rsa.crt}", "--x509keyfile", "{rsa.key}"],
         client=["gnutls-cli", "--priority", "{PRIO}", "--insecure", "--print-cert",
                 "-p", "{RELAY}", "{HOST}"],
         prio="NONE:+VERS-TLS1.0:+ARCFOUR-128:+RSA:+MD5:+COMP-NULL:+SIGN-ALL:+CTYPE-X509",
         what="GnuTLS server, TLS 1.0 TLS_RSA_WITH_RC4_128_MD5 (static RSA, no ServerKeyExchange)"),
    dict(name="tls12-multi-record", kind="tls12", tool="openssl",
         server=OSSL_SERVER_BASE + ["-cert", "{big.crt}", "-key", "{big.key}",
                                    "-cert_chain", "{big_chain}", "-tls1_2", "-no_ticket",
                                    "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-groups", "P-256"],
         client=OSSL_CLIENT_BASE + ["-tls1_2"],
         what="TLS 1.2 flight whose Certificate message (leaf with 561 SANs + intermediate) is "
              "larger than 2^14 and therefore fragmented over two handshake records; -no_ticket so "
              "the server assigns a 32-byte session id"),
]


def subst(args, mapping):
    out = []
    for a in args:
        for k, v in mapping.items():
            a = a.replace("{%s}" % k, str(v))
        out.append(a)
    return out


def display_cmd(args):
    return " ".join(a if re.fullmatch(r"[\w@:.,/{}=+-]+", a) else "'%s'" % a for a in args)


_cipher_table: dict | None = None


def openssl_cipher_codes() -> dict:
    global _cipher_table
    if _cipher_table is None:
        out = run(["openssl", "ciphers", "-V", "ALL:COMPLEMENTOFALL@SECLEVEL=0"])
        _cipher_table = {}
        for m in re.finditer(r"0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)", out):
            _cipher_table[m.group(3)] = "0x" + m.group(1) + m.group(2)
    return _cipher_table


def gnutls_cipher_codes(prio: str) -> dict:
    out = run(["gnutls-cli", "-l", "--priority", prio])
    return {m.group(1): "0x%s%s" % (m.group(2).upper(), m.group(3).upper())
            for m in re.finditer(r"^(TLS_\S+)\s+0x([0-9a-fA-F]{2}), 0x([0-9a-fA-F]{2})", out, re.M)}


def tool_report(sc, stdout: str, stderr: str) -> dict:
    """What the client tool says about the handshake (independent of our byte parser)."""
    t = {}
    if sc["tool"] == "openssl":
        m = re.search(r"^\s*Protocol\s*: (\S+)", stdout, re.M)
        if m:
            t["protocol"] = m.group(1)
        m = re.search(r"^\s*Cipher\s*: (\S+)", stdout, re.M)
        if m and m.group(1) not in ("0000", "(NONE)"):
            t["cipher"] = m.group(1)
            t["suite"] = openssl_cipher_codes().get(m.group(1))
        m = re.search(r"New, (\S+), Cipher is (\S+)", stdout)
        if m and m.group(2) != "(NONE)":
            if "cipher" not in t:  # TLS 1.3: no SSL-Session block before s_client exits
                t["cipher"] = m.group(2)
                t["suite"] = openssl_cipher_codes().get(m.group(2))
            if "protocol" not in t and m.group(1) == "TLSv1.3":  # else it is the cipher's min version
                t["protocol"] = m.group(1)
        m = re.search(r"SSL handshake has read (\d+) bytes", stdout)
        if m:
            t["handshake_bytes_read"] = int(m.group(1))
        m = re.search(r"^\s*Session-ID: ([0-9A-F]*)$", stdout, re.M)
        if m:
            t["session_id_length"] = len(m.group(1)) // 2
        m = re.search(r"Server Temp Key: ([^\n]+)", stdout)
        if m:
            t["temp_key"] = m.group(1).strip()
        ders = pem_ders(stdout)
        if ders:
            t["certificates"] = [len(d) for d in ders]
            t["_ders"] = ders
        m = re.search(r"SSL alert number (\d+)", stderr)
        if m:
            t["alert_description"] = int(m.group(1))
    else:
        m = re.search(r"Description: \((TLS[\d.]+)[^)]*\)-\(([^)]+)\)-\(([^)]+)\)-\(([^)]+)\)", stdout)
        m2 = re.search(r"^- Session ID: ([0-9A-Fa-f:]*)$", stdout, re.M)
        if m2:
            t["session_id_length"] = len(m2.group(1).replace(":", "")) // 2
        if m:
            t["protocol"] = m.group(1)
            t["cipher"] = "%s-%s-%s" % m.group(2, 3, 4)
            kx, enc, mac = m.group(2, 3, 4)
            want = "TLS_%s_%s_%s" % (kx, enc.replace("-", "_"), mac)
            t["suite"] = gnutls_cipher_codes(sc["prio"]).get(want)
        ders = pem_ders(stdout)
        if ders:
            t["certificates"] = [len(d) for d in ders]
            t["_ders"] = ders
    return t


TEMPKEY_GROUP = {"X25519": 29, "prime256v1": 23, "secp384r1": 24, "secp521r1": 25, "X448": 30}


def cross_check(sc, facts: dict, tool: dict) -> list:
    """Compare byte-level facts with the tool's own report; return notes, raise on mismatch."""
    notes = []

    def must(cond, msg):
        if not cond:
            raise CaptureError("%s: cross-check failed: %s (facts=%s tool=%s)"
                               % (sc["name"], msg, {k: v for k, v in facts.items()
                                                    if not k.startswith("_")},
                                  {k: v for k, v in tool.items() if not k.startswith("_")}))
        notes.append(msg)

    if facts["alert"]:
        if "alert_description" in tool:
            must(tool["alert_description"] == facts["alert"]["description"],
                 "client reported SSL alert number %d" % tool["alert_description"])
        return notes
    if facts["hrr"]:
        # The retried handshake completes with the group the HRR asked for.
        m = re.match(r"ECDH, (\w+)", tool.get("temp_key", ""))
        must(m and TEMPKEY_GROUP.get(m.group(1)) == facts["group"],
             "completed handshake used temp key '%s'" % tool.get("temp_key"))
        must(tool.get("suite") is not None and tool["suite"].upper() == facts["suite"].upper(),
             "client reported cipher %s = %s" % (tool.get("cipher"), tool.get("suite")))
        return notes
    must(tool.get("suite") is not None and tool["suite"].upper() == facts["suite"].upper(),
         "client reported cipher %s = %s" % (tool.get("cipher"), tool.get("suite")))
    proto_codes = {"TLSv1": 0x0301, "TLS1.0": 0x0301, "TLSv1.1": 0x0302, "TLS1.1": 0x0302,
                   "TLSv1.2": 0x0303, "TLS1.2": 0x0303, "TLSv1.3": 0x0304, "TLS1.3": 0x0304}
    must(proto_codes.get(tool.get("protocol")) == int(facts["version"], 16),
         "client reported protocol %s" % tool.get("protocol"))
    if sc["kind"] == "tls12" and "session_id_length" in tool:
        if facts["session_id_length"] == 0 and 35 in facts["server_hello_extensions"]:
            notes.append("empty ServerHello session_id (server acknowledged session_ticket; the "
                         "client's own Session-ID is ticket-derived)")
        else:
            must(tool["session_id_length"] == facts["session_id_length"],
                 "client reported a %d-byte session id" % tool["session_id_length"])
    if sc["kind"] == "tls13" and "handshake_bytes_read" in tool:
        must(tool["handshake_bytes_read"] == len(facts["_server_bin"]),
             "s_client 'SSL handshake has read %d bytes' equals the server fixture size"
             % tool["handshake_bytes_read"])
    if "temp_key" in tool:
        m = re.match(r"(?:ECDH, )?(\w+)", tool["temp_key"])
        must(TEMPKEY_GROUP.get(m.group(1)) == facts["group"],
             "client reported Server Temp Key '%s'" % tool["temp_key"])
    if facts["certificates"] is not None:
        must(tool.get("_ders") == facts["_certificate_ders"],
             "client's peer certificate chain is byte-identical (DER lengths %s)"
             % tool.get("certificates"))
    elif tool.get("certificates"):
        notes.append("certificate chain is encrypted in the fixture; client saw DER lengths %s"
                     % tool["certificates"])
    return notes


def capture(sc, certs, tmp: Path, env) -> dict:
    port = free_port()
    mapping = {"HOST": HOST, "PORT": port, "PRIO": sc.get("prio", ""),
               "rsa.crt": certs["rsa"][0], "rsa.key": certs["rsa"][1],
               "ec.crt": certs["ec"][0], "ec.key": certs["ec"][1],
               "big.crt": certs["big"][0], "big.key": certs["big"][1],
               "big_chain": certs["big_chain"]}
    srv_cmd = subst(sc["server"], mapping)
    srv_log = open(tmp / ("%s.server.log" % sc["name"]), "w+")
    srv = subprocess.Popen(srv_cmd, stdin=subprocess.PIPE, stdout=srv_log, stderr=subprocess.STDOUT,
                           env=env)
    try:
        wait_listening(srv, port)
        relay = Relay(port)
        relay.start()
        mapping["RELAY"] = relay.port
        cli_cmd = subst(sc["client"], mapping)
        try:
            cp = subprocess.run(cli_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace",
                                timeout=CLIENT_TIMEOUT, env=env)
            cout, cerr = cp.stdout, cp.stderr
        except subprocess.TimeoutExpired as e:
            cout = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            cerr = "client timed out"
        relay.stop.set()
        relay.join(RELAY_IDLE_TIMEOUT + 2)
        if relay.error:
            raise CaptureError("relay failed: %r" % relay.error)
    finally:
        stop_proc(srv)
        srv_log.close()
    (tmp / ("%s.client.log" % sc["name"])).write_text(cout + "\n--- stderr ---\n" + cerr)
    c2s, s2c = relay.streams()
    client_bin = first_client_flight(c2s)
    before = relay.server_before_client_second_flight(len(client_bin))
    server_bin = cut_server_flight(sc["kind"], s2c, before)
    if not s2c.startswith(server_bin) or not c2s.startswith(client_bin):
        raise CaptureError("fixture is not a prefix of the recorded stream")
    facts = analyze(client_bin, server_bin)
    tool = tool_report(sc, cout, cerr)
    notes = cross_check(sc, facts, tool)
    return {"client_bin": client_bin, "server_bin": server_bin, "facts": facts, "notes": notes,
            "tool": {k: v for k, v in tool.items() if not k.startswith("_")},
            "server_cmd": display_cmd(sc["server"]), "client_cmd": display_cmd(sc["client"]),
            "recorded": {"c2s": len(c2s), "s2c": len(s2c)}}


# --------------------------------------------------------------------------------------
# Verification + output
# --------------------------------------------------------------------------------------

def verify_file(path: Path, expect_first: tuple) -> None:
    b = path.read_bytes()
    if not b or b[0] not in expect_first:
        raise CaptureError("%s: first byte %s not in %s" % (path.name, b[:1].hex(), expect_first))
    recs, trail = parse_records(b)
    if trail or sum(5 + r["length"] for r in recs) != len(b):
        raise CaptureError("%s: record lengths do not add up to the file size" % path.name)
    for r in recs:
        if r["type"] not in (20, 21, 22, 23) or r["version"] >> 8 != 3 or r["length"] > 16384 + 2048:
            raise CaptureError("%s: implausible record header %r" % (path.name, r))


def public_facts(name, res) -> dict:
    f = res["facts"]
    order = ["version", "legacy_version", "record_version", "suite", "group", "group_name",
             "group_source", "ske_curve", "certificates", "hrr", "alert", "session_id_length",
             "compression", "key_share_length", "ske_public_length", "server_hello_extensions",
             "server_handshake_messages", "server_handshake_message_lengths", "encrypted_records",
             "server_records", "record_layout", "client_hello"]
    out = {k: f.get(k) for k in order if k in f}
    out["client_bytes"] = len(res["client_bin"])
    out["server_bytes"] = len(res["server_bin"])
    out["sha256"] = {"client": hashlib.sha256(res["client_bin"]).hexdigest(),
                     "server": hashlib.sha256(res["server_bin"]).hexdigest()}
    if res["tool"].get("certificates") and f.get("certificates") is None:
        out["certificates_encrypted_der_lengths"] = res["tool"]["certificates"]
    return out


def fmt_group(g):
    return "—" if g is None else "%d (0x%04X, %s)" % (g, g, GROUP_NAMES.get(g, "?"))


def write_readme(results: dict, failures: dict):
    L = []
    A = L.append
    A("# TLSWire fixtures — real first-flight captures")
    A("")
    A("Generated by `scripts/lib/capture_fixtures.py` (re-run it to regenerate; it overwrites every")
    A("file in this directory that it produces, including this README and `expected.json`).")
    A("The certificates are throwaway keys generated per run in a temp dir, so the bytes (and the")
    A("certificate lengths / hashes below) change on every regeneration; `expected.json` always")
    A("matches the `.bin` files written in the same run.")
    A("")
    A("## How the bytes were captured")
    A("")
    A("* The server listens on `127.0.0.1:<ephemeral>`; the client connects to a Python relay on")
    A("  `127.0.0.1:<ephemeral>` which forwards to the server and records every chunk in both")
    A("  directions in the order it saw them. When `unshare -n` works the whole capture runs in a")
    A("  private network namespace (loopback only).")
    A("* `NAME.client.bin` — client→server bytes up to and including the TLS record that completes")
    A("  the first ClientHello (here always exactly one record).")
    A("* `NAME.server.bin` — server→client bytes of the first server flight only:")
    A("  * TLS ≤ 1.2: records up to and including the one that ends with ServerHelloDone;")
    A("  * TLS 1.3: ServerHello, the middlebox-compat ChangeCipherSpec and the encrypted records")
    A("    (EncryptedExtensions, Certificate, CertificateVerify, Finished) — exactly the bytes the")
    A("    server had sent before the client's second flight reached the relay;")
    A("  * HRR: the HelloRetryRequest record plus the ChangeCipherSpec record that follows it;")
    A("  * alert scenarios: the single alert record.")
    A("* Files are raw binary TLS records (no pcap/hex framing). Every file starts with 0x16")
    A("  (handshake) or 0x15 (alert) and the 5-byte record headers add up exactly to the file size.")
    A("* The facts below were computed by an independent Python parser inside the capture script")
    A("  and cross-checked against the client tool's own report (`openssl s_client` \"Cipher is\",")
    A("  \"Server Temp Key\", `-showcerts` chain; `gnutls-cli` session description and")
    A("  `--print-cert`; the alert number the client printed). The same values are in")
    A("  `expected.json`.")
    A("")
    A("Commands (`{PORT}` = server port, `{RELAY}` = relay port, `{HOST}` = 127.0.0.1, cert/key paths")
    A("are the throwaway files). Servers get stdin from an open pipe, clients get `/dev/null` as stdin.")
    A("")
    A("Certificates: `rsa` = RSA-2048 self-signed CN=localhost; `ec` = P-256 self-signed")
    A("CN=localhost; `big` = RSA-2048 leaf CN=localhost with 561 DNS SANs signed by a throwaway")
    A("intermediate (`big_chain`), itself signed by a throwaway root (root not sent).")
    A("")
    A("`expected.json` keys: `version` (negotiated: supported_versions if present, else")
    A("ServerHello.legacy_version), `suite`, `group` (IANA NamedGroup, decimal; from the ECDHE")
    A("ServerKeyExchange in ≤1.2, from key_share in 1.3/HRR), `ske_curve`, `certificates` (DER length")
    A("of each certificate in the Certificate message, in order; `null` if not visible in cleartext),")
    A("`hrr`, `alert` (`{level, description}`), `session_id_length`, plus record/handshake layout and")
    A("a `client_hello` summary for the builder tests. `record_version` is the version field of the")
    A("server's first record header; `certificates_encrypted_der_lengths` (TLS 1.3 only) is what the")
    A("client saw after decryption and is NOT readable from the fixture. `record_layout` lists, per")
    A("record, which handshake messages it carries (`(part)` = fragment of a message spanning records).")
    A("")
    A("Note: OpenSSL 3.0 and GnuTLS 3.7 write every handshake message into its own record(s), so no")
    A("fixture here has several handshake messages coalesced in one record; `tls12-multi-record`")
    A("covers the other case (one message fragmented over two records, first one 16384 bytes).")
    A("")
    A("## Fixtures")
    for name, res in results.items():
        f, p = res["facts"], public_facts(name, res)
        sc = next(s for s in SCENARIOS if s["name"] == name)
        A("")
        A("### `%s`" % name)
        A("")
        A(sc["what"] + ".")
        A("")
        A("```")
        A("server: " + res["server_cmd"])
        A("client: " + res["client_cmd"])
        if sc.get("prio"):
            A("PRIO = " + sc["prio"])
        A("```")
        A("")
        A("* `%s.client.bin`: %d bytes — ClientHello record(s) %s; legacy_version %s, %d cipher suites,"
          " SNI %s, supported_versions %s, key_share groups %s."
          % (name, p["client_bytes"],
             ", ".join("%d/%s/%d" % (r["type"], r["version"], r["length"])
                       for r in f["client_hello"]["records"]),
             f["client_hello"]["legacy_version"], len(f["client_hello"]["cipher_suites"]),
             f["client_hello"]["sni"] or "none", f["client_hello"]["supported_versions"] or "none",
             f["client_hello"]["key_share_groups"] or "none"))
        A("* `%s.server.bin`: %d bytes — records (type/version/length): %s."
          % (name, p["server_bytes"], ", ".join("%d/%s/%d" % (r["type"], r["version"], r["length"])
                                                for r in f["server_records"])))
        if f["alert"]:
            A("  * Alert: level %d (fatal), description %d (%s)." %
              (f["alert"]["level"], f["alert"]["description"], f["alert"]["name"]))
        else:
            A("  * Record layout: %s." % "; ".join(
                "rec%d type %d len %d%s" % (i, r["type"], r["length"],
                                             (" [" + ", ".join(r["handshake"]) + "]") if r["handshake"]
                                             else (" [ChangeCipherSpec]" if r["type"] == 20 else
                                                   " [encrypted]"))
                for i, r in enumerate(f["record_layout"])))
            A("  * %s: version **%s** (legacy_version %s), cipher suite **%s**, compression %d,"
              " session_id length **%d**, extensions %s."
              % ("HelloRetryRequest" if f["hrr"] else "ServerHello", f["version"], f["legacy_version"],
                 f["suite"], f["compression"], f["session_id_length"], f["server_hello_extensions"]))
            A("  * Selected group: **%s** (source: %s)%s." % (
                fmt_group(f["group"]), f["group_source"] or "none — static RSA key exchange",
                "; ServerKeyExchange named_curve %s, public point %d bytes"
                % (fmt_group(f["ske_curve"]), f["ske_public_length"]) if f["ske_curve"] is not None
                else ""))
            if f["certificates"] is not None:
                A("  * Certificate message: **%d** certificate(s), DER lengths **%s**."
                  % (len(f["certificates"]), f["certificates"]))
            else:
                A("  * Certificates: not visible (encrypted / not part of this flight)%s."
                  % ("; the client saw a chain with DER lengths %s" % p["certificates_encrypted_der_lengths"]
                     if p.get("certificates_encrypted_der_lengths") else ""))
            if f.get("encrypted_records"):
                A("  * Encrypted (type 23) records after the CCS: %d." % f["encrypted_records"])
        A("  * Cross-checked: " + "; ".join(res["notes"]) + "." if res["notes"] else
          "  * Cross-checked: (nothing the client reported)")
    if failures:
        A("")
        A("## Scenarios that could not be produced")
        for n, why in failures.items():
            A("")
            A("* `%s`: %s" % (n, why))
    A("")
    (FIXTURES / "README.md").write_text("\n".join(L))


def maybe_reexec_in_netns(args) -> None:
    if args.no_netns or os.environ.get("TLSMATRIX_CAPTURE_NETNS") or not shutil.which("unshare"):
        return
    env = dict(os.environ, TLSMATRIX_CAPTURE_NETNS="1")
    cmd = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    inner = "ip link set lo up 2>/dev/null; exec \"$@\""
    probe = subprocess.run(cmd + ["true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print("note: unshare -n not permitted; capturing in the host network namespace "
              "(gnutls-serv listens on the wildcard address while it runs)", file=sys.stderr)
        return
    print("note: capturing inside a private network namespace (%s)" % " ".join(cmd), file=sys.stderr)
    r = subprocess.run(cmd + ["sh", "-c", inner, "sh", sys.executable, os.path.abspath(__file__)]
                       + sys.argv[1:], env=env)
    sys.exit(r.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--keep-tmp", action="store_true", help="keep temp dir (certs, tool logs)")
    ap.add_argument("--no-netns", action="store_true", help="do not isolate in a network namespace")
    args = ap.parse_args()
    maybe_reexec_in_netns(args)

    for tool in ("openssl", "gnutls-serv", "gnutls-cli"):
        if not shutil.which(tool):
            print("warning: %s not found" % tool, file=sys.stderr)
    only = set(args.only.split(",")) if args.only else None
    tmp = Path(tempfile.mkdtemp(prefix="tlsmatrix-fixtures-"))
    # Neutral OpenSSL config so host-wide MinProtocol/CipherString policy cannot leak in.
    (tmp / "openssl.cnf").write_text("# empty on purpose\n")
    env = dict(os.environ, OPENSSL_CONF=str(tmp / "openssl.cnf"))
    os.environ["OPENSSL_CONF"] = env["OPENSSL_CONF"]
    FIXTURES.mkdir(parents=True, exist_ok=True)
    results, failures = {}, {}
    exp_path = FIXTURES / "expected.json"
    try:
        certs = make_certs(tmp)
        for sc in SCENARIOS:
            if only and sc["name"] not in only:
                continue
            try:
                res = capture(sc, certs, tmp, env)
                cpath = FIXTURES / ("%s.client.bin" % sc["name"])
                spath = FIXTURES / ("%s.server.bin" % sc["name"])
                cpath.write_bytes(res["client_bin"])
                spath.write_bytes(res["server_bin"])
                verify_file(cpath, (0x16,))
                verify_file(spath, (0x15,) if sc["kind"] == "alert" else (0x16,))
                results[sc["name"]] = res
                f = res["facts"]
                print("ok   %-26s client %5d B  server %5d B  version %s suite %s group %s certs %s "
                      "hrr %s alert %s" % (sc["name"], len(res["client_bin"]), len(res["server_bin"]),
                                           f["version"], f["suite"], f["group"], f["certificates"],
                                           f["hrr"], f["alert"]))
            except (CaptureError, OSError, subprocess.SubprocessError) as e:
                failures[sc["name"]] = str(e)
                print("FAIL %-26s %s" % (sc["name"], e), file=sys.stderr)
        # Merge with the previous expected.json when only a subset was regenerated.
        expected = {}
        if only and exp_path.exists():
            expected = json.loads(exp_path.read_text())
        for n, res in results.items():
            expected[n] = public_facts(n, res)
        ordered = {s["name"]: expected[s["name"]] for s in SCENARIOS if s["name"] in expected}
        exp_path.write_text(json.dumps(ordered, indent=2) + "\n")
        if not only:
            write_readme(results, failures)
        else:
            print("note: README.md is only rewritten on a full run", file=sys.stderr)
    finally:
        if args.keep_tmp:
            print("temp dir kept: %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
