#!/usr/bin/env python3
"""A misbehaving TLS origin for tests: one TCP server on 127.0.0.1 that breaks the protocol one way.

usage: hostile_origin.py --mode MODE [--log FILE] [--seed N]

Binds 127.0.0.1 on an ephemeral port, prints "LISTENING <port>" on stdout (flushed), then serves
every connection in a daemon thread of its own until killed (or until its stdin reaches EOF, so a
test run that dies cannot leave it behind). Python 3 standard library only (control-cn also runs openssl, through scripts/controlcert).

Modes (the answer is sent after the client's first hello has been read, unless said otherwise; a
ServerHello echoes the client's version and session id, and to an SSL 2.0 CLIENT-HELLO that version
is 0x0002, which no TLS ServerHello may carry):
  silent             accepts and never answers; keeps the socket open until the client leaves
  close              closes without a byte (FIN)
  reset              resets (SO_LINGER 0, then close: RST)
  http               "HTTP/1.1 400 Bad Request", as a plain web server on the TLS port would
  random             8 KB of seeded pseudo-random bytes (--seed, default 7), then close
  truncated          a record header claiming a full ServerHello, half of it, then close
  oversized          a handshake record whose length is 2^14 + 2048 + 1, with that many bytes
  zero-handshake     a handshake record holding a ServerHello of length 0
  unoffered-suite    a well-formed ServerHello (+ ServerHelloDone) choosing a suite the client did not offer
  unoffered-version  a ServerHello selecting, through supported_versions, a version not offered
                     (TLS 1.3 to a client that offered <= 1.2; 0x0305 to a TLS 1.3 client)
  hrr-twice          a HelloRetryRequest, and another one in answer to the second ClientHello
  sslv2              an SSL 2.0 SERVER-HELLO (whatever was asked), listing cipher kind 0x080080,
                     which no client offers, besides 0x0700C0
  unknown-alert      a fatal alert with an undefined description (254)
  slow               a real-looking ServerHello record, one byte per second
  huge-certificate   a ServerHello choosing an offered suite (TLS <= 1.2), then a Certificate message
                     claiming and really streaming 10 MiB
  endless            records of a handshake message that never ends (a ServerHello header claiming
                     1 MiB, then 16 KB fragments of it, forever) until the client leaves
  endless-alerts     warning alerts (unrecognized_name), one record each, forever until the client leaves
  chain-bomb         a ServerHello choosing an offered suite (TLS <= 1.2), then a Certificate message of
                     just under 1 MiB holding thousands of distinct tiny certificates that all share one
                     issuer and subject name (made once with openssl, serials patched), then ServerHelloDone
  forged-leaf        the same flight with a forged chain made at start with openssl: a brainpoolP256r1
                     leaf for localhost whose issuer name is a real intermediate's, signed (sha224WithRSA)
                     by another key, followed by that real intermediate; --root-out FILE receives the
                     real root (PEM) so a test can trust it
  control-cn         a ServerHello choosing an offered suite (TLS <= 1.2, RSA key exchange when offered),
                     a Certificate message with a real chain whose leaf's CN, O and a SAN carry ESC, CR,
                     BEL, OSC 52, C1 CSI, DEL and U+202E (made at start by scripts/controlcert), and
                     ServerHelloDone; then no more: a real client's handshake cannot finish

Modes that copy what a real stack does (not protocol-breaking in the sense above):
  hrr-no-group       TLS 1.3: a HelloRetryRequest with supported_versions only (no key_share, no cookie), as
                     wolfSSL 5.5 sends when it supports none of the offered groups; a second ClientHello, if
                     one comes, is read and answered with a close (FIN), as wolfSSL does
  hrr-cookie         TLS 1.3: a HelloRetryRequest with supported_versions and a cookie (no key_share); the
                     second ClientHello must be in a record of version 0x0303, echo the cookie extension
                     unchanged and carry a key share, and then gets a ServerHello for the first share's group
                     (else a fatal alert: illegal_parameter for a wrong cookie or record, missing_extension
                     (109) for none)
  ecdhe-no-kx        TLS <= 1.2: a ServerHello choosing an offered ECDHE suite and a Certificate message, then a
                     clean close (FIN) with no ServerKeyExchange and no alert, as mbedTLS 2.28 answers when
                     none of the offered curves is configured
  ecdhe-no-kx-reset  the same flight, then a reset (RST) instead of the clean close
  ecdhe-no-kx-cut    the same flight and the first half of a ServerKeyExchange record, then a clean close

With --log FILE, one JSON line per connection is appended when it ends:
  {"conn": 1, "mode": "...", "received": R, "sent": S, "hellos": H, "end": "..."}
where "sent" counts bytes the kernel accepted before the client left. Send buffers are kept small
(SO_SNDBUF 32 KB) and the streaming modes pace their records, so that count stays close to what the
client really read.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Callable, NoReturn, Optional

MODES = [
    "silent", "close", "reset", "http", "random", "truncated", "oversized", "zero-handshake",
    "unoffered-suite", "unoffered-version", "hrr-twice", "sslv2", "unknown-alert", "slow",
    "huge-certificate", "endless", "endless-alerts", "chain-bomb", "forged-leaf", "control-cn",
    "hrr-no-group", "hrr-cookie", "ecdhe-no-kx", "ecdhe-no-kx-reset", "ecdhe-no-kx-cut",
]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HANDSHAKE, ALERT = 22, 21
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
EXT_SUPPORTED_GROUPS, EXT_SUPPORTED_VERSIONS, EXT_KEY_SHARE, EXT_COOKIE = 10, 43, 51, 44
SIGNALING = {0x00FF, 0x5600}
# Pause after each 16 KB record of the streaming modes (about 16 MB/s at most): a client that stops
# reading is then not hidden by megabytes that loopback's autotuned receive buffer swallowed for it.
PACE = 0.001
KEY_LENGTHS = {0x001D: 32, 0x001E: 56, 0x0017: 65, 0x0018: 97, 0x0019: 133}


class ClientLeft(Exception):
    """The client closed or reset the connection."""


class Connection:
    """One accepted socket, counting what goes each way."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sent = 0
        self.received = 0

    def recv_exact(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ClientLeft("eof")
            self.received += len(chunk)
            out += chunk
        return out

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:
            raise ClientLeft(type(e).__name__)
        self.sent += len(data)

    def drain(self, timeout: float = 30.0) -> None:
        """Reads and discards until the client leaves (or `timeout` of silence)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                self.received += len(chunk)
        except (socket.timeout, ConnectionResetError, ConnectionAbortedError, OSError):
            return

    def finish(self) -> None:
        """Half-closes after the answer, then waits for the client to go, so the close is a FIN, never an RST."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        self.drain(timeout=10.0)


# ---------------------------------------------------------------- ClientHello

class ClientHello:
    """The parts of a client's first hello the modes need. Defaults stand in when it cannot be read."""

    def __init__(self) -> None:
        self.sslv2 = False
        self.legacy_version = 0x0303
        self.session_id = b""
        self.suites: list[int] = []
        self.versions: list[int] = []       # supported_versions, when sent
        self.groups: list[int] = []         # supported_groups
        self.share_groups: list[int] = []   # key_share entries
        self.cookie: Optional[bytes] = None # the cookie extension's data, when sent
        self.record_version: Optional[int] = None  # of the (first) record that carried the hello
        self.parsed = False

    @property
    def offers_tls13(self) -> bool:
        return 0x0304 in self.versions

    @property
    def version(self) -> int:
        """The version a willing server would answer with."""
        if self.offers_tls13:
            return 0x0304
        return min(self.legacy_version, 0x0303)


def read_client_hello(conn: Connection, timeout: float = 10.0) -> ClientHello:
    conn.sock.settimeout(timeout)
    hello = ClientHello()
    try:
        first = conn.recv_exact(1)
        if first[0] & 0x80:
            return read_sslv2_hello(conn, first, hello)
        header = first + conn.recv_exact(4)
        ctype, rversion, length = struct.unpack("!BHH", header)
        while ctype == 20:  # a middlebox-compatibility ChangeCipherSpec before the second ClientHello
            conn.recv_exact(length)
            ctype, rversion, length = struct.unpack("!BHH", conn.recv_exact(5))
        hello.record_version = rversion
        if ctype != HANDSHAKE:
            return hello
        body = conn.recv_exact(length)
        while len(body) < 4 or len(body) < 4 + int.from_bytes(body[1:4], "big"):
            ctype, _, length = struct.unpack("!BHH", conn.recv_exact(5))
            body += conn.recv_exact(length)
        if body[0] != 1:
            return hello
        parse_client_hello(body[4:4 + int.from_bytes(body[1:4], "big")], hello)
    except (socket.timeout, ValueError, IndexError, struct.error):
        pass
    return hello


def read_sslv2_hello(conn: Connection, first: bytes, hello: ClientHello) -> ClientHello:
    hello.sslv2 = True
    length = (first[0] & 0x7F) << 8 | conn.recv_exact(1)[0]
    msg = conn.recv_exact(length)
    if len(msg) >= 9 and msg[0] == 1:
        hello.legacy_version = struct.unpack("!H", msg[1:3])[0]
        specs_len, sid_len, _ = struct.unpack("!HHH", msg[3:9])
        specs = msg[9:9 + specs_len]
        hello.suites = [int.from_bytes(specs[i:i + 3], "big") for i in range(0, len(specs) - 2, 3)]
        hello.session_id = msg[9 + specs_len:9 + specs_len + sid_len]
        hello.parsed = True
    return hello


def parse_client_hello(b: bytes, hello: ClientHello) -> None:
    hello.legacy_version = struct.unpack("!H", b[0:2])[0]
    p = 34
    sid_len = b[p]
    hello.session_id = b[p + 1:p + 1 + sid_len]
    p += 1 + sid_len
    suites_len = struct.unpack("!H", b[p:p + 2])[0]
    p += 2
    hello.suites = [struct.unpack("!H", b[i:i + 2])[0] for i in range(p, p + suites_len, 2)]
    p += suites_len
    p += 1 + b[p]  # compression methods
    if p + 2 <= len(b):
        ext_len = struct.unpack("!H", b[p:p + 2])[0]
        p += 2
        end = p + ext_len
        while p + 4 <= end:
            etype, elen = struct.unpack("!HH", b[p:p + 4])
            data = b[p + 4:p + 4 + elen]
            p += 4 + elen
            if etype == EXT_SUPPORTED_VERSIONS and data:
                hello.versions = [struct.unpack("!H", data[i:i + 2])[0] for i in range(1, 1 + data[0], 2)]
            elif etype == EXT_SUPPORTED_GROUPS and len(data) >= 2:
                n = struct.unpack("!H", data[0:2])[0]
                hello.groups = [struct.unpack("!H", data[i:i + 2])[0] for i in range(2, 2 + n, 2)]
            elif etype == EXT_KEY_SHARE and len(data) >= 2:
                q, n = 2, struct.unpack("!H", data[0:2])[0]
                while q + 4 <= 2 + n:
                    group, klen = struct.unpack("!HH", data[q:q + 4])
                    hello.share_groups.append(group)
                    q += 4 + klen
            elif etype == EXT_COOKIE:
                hello.cookie = data
    hello.parsed = True


# ---------------------------------------------------------------- building blocks

def record(ctype: int, payload: bytes, version: int = 0x0303) -> bytes:
    return struct.pack("!BHH", ctype, version, len(payload)) + payload


def handshake(htype: int, body: bytes) -> bytes:
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def extension(etype: int, data: bytes) -> bytes:
    return struct.pack("!HH", etype, len(data)) + data


def server_hello(legacy_version: int, suite: int, session_id: bytes, extensions: bytes = b"",
                 random_bytes: Optional[bytes] = None) -> bytes:
    body = struct.pack("!H", legacy_version)
    body += random_bytes if random_bytes is not None else os.urandom(32)
    body += bytes([len(session_id)]) + session_id
    body += struct.pack("!HB", suite, 0)
    if extensions:
        body += struct.pack("!H", len(extensions)) + extensions
    return handshake(2, body)


def offered_suite(hello: ClientHello, tls13: bool) -> int:
    """A suite the client offered, of the right kind for the answer's version."""
    real = [s for s in hello.suites if s not in SIGNALING and s <= 0xFFFF]
    preferred = [s for s in real if (s >> 8 == 0x13) == tls13]
    for choice in (0x1301, 0xC02F, 0x009C, 0x002F):
        if choice in preferred:
            return choice
    if preferred:
        return preferred[0]
    return real[0] if real else (0x1301 if tls13 else 0xC02F)


def unoffered_suite(hello: ClientHello, tls13: bool) -> int:
    """A suite the client did not offer: a real one of the answer's kind when possible."""
    for choice in ((0x1301, 0x1302, 0x1303) if tls13 else ()) + (0xC02F, 0x009C, 0x002F, 0x0000, 0xFEFE):
        if choice not in hello.suites:
            return choice
    return next(c for c in range(1, 0xFFFF) if c not in hello.suites)


def key_share_for(hello: ClientHello) -> bytes:
    group = hello.share_groups[0] if hello.share_groups else (hello.groups[0] if hello.groups else 0x001D)
    size = KEY_LENGTHS.get(group, 32)
    key = os.urandom(size)
    if group in (0x0017, 0x0018, 0x0019):
        key = b"\x04" + key[1:]
    return extension(EXT_KEY_SHARE, struct.pack("!HH", group, len(key)) + key)


def willing_server_hello(hello: ClientHello, suite: Optional[int] = None, version: Optional[int] = None) -> bytes:
    """A ServerHello as a server that accepts would send it, at `version` (default: the client's best)."""
    version = version or hello.version
    if version == 0x0304:
        suite = suite if suite is not None else offered_suite(hello, True)
        exts = extension(EXT_SUPPORTED_VERSIONS, struct.pack("!H", 0x0304)) + key_share_for(hello)
        return server_hello(0x0303, suite, hello.session_id, exts)
    suite = suite if suite is not None else offered_suite(hello, False)
    exts = extension(0xFF01, b"\x00") if version > 0x0300 else b""
    return server_hello(version, suite, hello.session_id, exts)


def hello_retry_request(hello: ClientHello) -> bytes:
    group = next((g for g in hello.groups if g not in hello.share_groups), None)
    if group is None:
        group = hello.groups[0] if hello.groups else 0x0018
    exts = extension(EXT_SUPPORTED_VERSIONS, struct.pack("!H", 0x0304)) + extension(EXT_KEY_SHARE, struct.pack("!H", group))
    return server_hello(0x0303, offered_suite(hello, True), hello.session_id, exts, random_bytes=HRR_RANDOM)


def sslv2_server_hello() -> bytes:
    certificate = b"\x30\x82\x00\x10" + bytes(16)  # a placeholder, not a real certificate
    kinds = bytes.fromhex("0700c0") + bytes.fromhex("080080")
    connection_id = bytes(range(16))
    msg = struct.pack("!BBBHHHH", 4, 0, 1, 0x0002, len(certificate), len(kinds), len(connection_id))
    msg += certificate + kinds + connection_id
    return struct.pack("!H", 0x8000 | len(msg)) + msg


# ---------------------------------------------------------------- modes

def mode_silent(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    conn.drain(timeout=3600)
    return "client left"


def mode_close(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    return "closed"


def mode_reset(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return "reset"


def mode_http(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    body = (b"<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
            b"<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n")
    head = (b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n")
    conn.send(head + body)
    conn.finish()
    return "answered"


def mode_random(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    rng = random.Random(args.seed)
    conn.send(bytes(rng.getrandbits(8) for _ in range(8192)))
    conn.finish()
    return "answered"


def mode_truncated(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    message = willing_server_hello(hello)
    header = struct.pack("!BHH", HANDSHAKE, 0x0303, len(message))
    conn.send(header + message[:len(message) // 2])
    conn.finish()
    return "answered"


def mode_oversized(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    length = 16384 + 2048 + 1
    message = willing_server_hello(hello)
    payload = message + bytes(length - len(message))
    conn.send(struct.pack("!BHH", HANDSHAKE, 0x0303, length) + payload)
    conn.finish()
    return "answered"


def mode_zero_handshake(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    conn.send(record(HANDSHAKE, handshake(2, b"")))
    conn.finish()
    return "answered"


def mode_unoffered_suite(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    tls13 = hello.offers_tls13
    suite = unoffered_suite(hello, tls13)
    flight = willing_server_hello(hello, suite=suite)
    if not tls13:
        flight += handshake(14, b"")  # ServerHelloDone: the flight is complete as far as it goes
    conn.send(record(HANDSHAKE, flight))
    conn.finish()
    return "answered 0x%04X" % suite


def mode_unoffered_version(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    chosen = 0x0305 if hello.offers_tls13 else 0x0304
    suite = offered_suite(hello, hello.offers_tls13)
    exts = extension(EXT_SUPPORTED_VERSIONS, struct.pack("!H", chosen)) + key_share_for(hello)
    conn.send(record(HANDSHAKE, server_hello(0x0303, suite, hello.session_id, exts)))
    conn.finish()
    return "answered 0x%04X" % chosen


def mode_hrr_twice(conn: Connection, hello: ClientHello, args: argparse.Namespace, hellos: list[int]) -> str:
    conn.send(record(HANDSHAKE, hello_retry_request(hello)))
    second = read_client_hello(conn)
    if not second.parsed:
        return "client left after one HelloRetryRequest"
    hellos[0] += 1
    conn.send(record(HANDSHAKE, hello_retry_request(second)))
    conn.finish()
    return "answered twice"


def mode_sslv2(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    conn.send(sslv2_server_hello())
    conn.finish()
    return "answered"


def mode_unknown_alert(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    conn.send(record(ALERT, bytes([2, 254])))
    conn.finish()
    return "answered"


def mode_slow(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    message = record(HANDSHAKE, willing_server_hello(hello))
    for byte in message:
        conn.send(bytes([byte]))
        time.sleep(1.0)
    conn.finish()
    return "answered"


def mode_huge_certificate(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    version = min(hello.legacy_version, 0x0303)  # TLS 1.2 even to a TLS 1.3 client: the chain stays in clear
    if hello.sslv2:
        version = 0x0301
    flight = willing_server_hello(hello, version=version)
    total = 10 * 1024 * 1024
    entry = total - 3 - 3
    # Certificate: header (type 11, 10 MiB) + certificate_list length + one entry's length, then the bytes.
    head = handshake(11, b"")[:1] + total.to_bytes(3, "big") + (total - 3).to_bytes(3, "big") + entry.to_bytes(3, "big")
    conn.send(record(HANDSHAKE, flight, version=version))
    pending = head
    left = entry
    chunk = bytes([0x30]) + bytes(16383)
    while pending or left > 0:
        room = 16384 - len(pending)
        take = min(room, left)
        conn.send(record(HANDSHAKE, pending + chunk[:take], version=version))
        pending = b""
        left -= take
        time.sleep(PACE)
    conn.finish()
    return "streamed all 10 MiB"


def mode_endless(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    claimed = 1 << 20  # 1 MiB: the most a careful client would buffer for one message, so it must count
    first = struct.pack("!B", 2) + claimed.to_bytes(3, "big") + struct.pack("!H", 0x0303) + os.urandom(32)
    conn.send(record(HANDSHAKE, first))
    fragment = bytes(16384)
    while True:
        conn.send(record(HANDSHAKE, fragment))
        time.sleep(PACE)


def control_chain() -> list[bytes]:
    """The leaf with control characters in its names and its intermediate, from scripts/controlcert."""
    d = tempfile.mkdtemp(prefix="tlsmatrix-control-cn-")
    try:
        subprocess.run([os.path.join(ROOT, "scripts", "controlcert"), d], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        chain = []
        for name in ("rsa.crt", "chain.pem"):
            with open(os.path.join(d, name)) as f:
                chain.append(ssl.PEM_cert_to_DER_cert(f.read()))
        return chain
    finally:
        shutil.rmtree(d, ignore_errors=True)


RSA_SUITES = (0x009C, 0x009D, 0x002F, 0x0035, 0x003C, 0x003D, 0x000A)


def mode_endless_alerts(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    alert = record(ALERT, bytes([1, 112]))
    while True:
        conn.send(alert)


def certificate_flight(conn: Connection, hello: ClientHello, certificates: list[bytes]) -> str:
    """ServerHello (TLS <= 1.2, an offered RSA-key-exchange suite when there is one), Certificate, ServerHelloDone."""
    version = min(hello.legacy_version, 0x0303)  # TLS 1.2 even to a TLS 1.3 client: the chain stays in clear
    if hello.sslv2 or version < 0x0300:
        version = 0x0301
    offered = [s for s in hello.suites if s not in SIGNALING]
    suite = next((c for c in RSA_SUITES if c in offered), None)  # RSA key exchange: no ServerKeyExchange due
    body = b"".join(len(c).to_bytes(3, "big") + c for c in certificates)
    flight = willing_server_hello(hello, suite=suite, version=version)
    flight += handshake(11, len(body).to_bytes(3, "big") + body) + handshake(14, b"")
    for start in range(0, len(flight), 16384):
        conn.send(record(HANDSHAKE, flight[start:start + 16384], version=version))
    conn.finish()
    return "sent %d certificates (%d bytes)" % (len(certificates), len(body))


def openssl(*arguments: str, cwd: str) -> None:
    import subprocess
    subprocess.run(["openssl"] + list(arguments), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_der(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def make_chain_bomb(directory: str) -> list[bytes]:
    """Distinct tiny certificates, one issuer/subject name: one real certificate with its serial patched."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=b",
            "-days", "1", "-set_serial", "0x5A5A5A5A5A5A5A5A", "-keyout", "bomb.key", "-outform", "DER",
            "-out", "bomb.der", cwd=directory)
    template = read_der(os.path.join(directory, "bomb.der"))
    marker = bytes([0x5A] * 8)
    at = template.index(marker)
    count = (1024 * 1024 - 8192) // (len(template) + 3)
    return [template[:at] + i.to_bytes(8, "big") + template[at + 8:] for i in range(count)]


def make_forged_chain(directory: str, root_out: Optional[str]) -> list[bytes]:
    """[forged brainpool leaf, real intermediate]; the real root goes to root_out."""
    cnf = os.path.join(directory, "x.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\n"
                "keyUsage=critical,keyCertSign,cRLSign\n[leaf]\nbasicConstraints=critical,CA:FALSE\n"
                "subjectAltName=DNS:localhost\n")
    run = lambda *a: openssl(*a, cwd=directory)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-config", cnf, "-subj", "/CN=Hostile Test Root",
        "-extensions", "ca", "-days", "2", "-keyout", "root.key", "-out", "root.pem")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-config", cnf, "-subj", "/CN=Hostile Test Intermediate",
        "-keyout", "int.key", "-out", "int.csr")
    run("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-days", "2",
        "-extfile", cnf, "-extensions", "ca", "-outform", "DER", "-out", "int.der")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-config", cnf, "-subj", "/CN=Hostile Test Intermediate",
        "-extensions", "ca", "-days", "2", "-keyout", "fake.key", "-out", "fake.pem")
    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-nodes", "-config", cnf,
        "-subj", "/CN=localhost", "-keyout", "leaf.key", "-out", "leaf.csr")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "fake.pem", "-CAkey", "fake.key", "-set_serial", "3", "-days", "2",
        "-sha224", "-extfile", cnf, "-extensions", "leaf", "-outform", "DER", "-out", "leaf.der")
    if root_out:
        with open(os.path.join(directory, "root.pem")) as src, open(root_out, "w") as dst:
            dst.write(src.read())
    return [read_der(os.path.join(directory, "leaf.der")), read_der(os.path.join(directory, "int.der"))]


CHAIN: list[bytes] = []  # what the certificate modes send (DER, leaf first), made once at start


def mode_certificates(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    return certificate_flight(conn, hello, CHAIN)


def mode_hrr_no_group(conn: Connection, hello: ClientHello, args: argparse.Namespace, hellos: list[int]) -> str:
    if not hello.offers_tls13:
        conn.finish()
        return "closed: no TLS 1.3 offered"
    exts = extension(EXT_SUPPORTED_VERSIONS, struct.pack("!H", 0x0304))
    conn.send(record(HANDSHAKE, server_hello(0x0303, offered_suite(hello, True), hello.session_id, exts,
                                             random_bytes=HRR_RANDOM)))
    conn.sock.settimeout(3.0)
    try:
        second = read_client_hello(conn, timeout=3.0)
    except ClientLeft:
        return "client left after the HelloRetryRequest"
    if not second.parsed:
        return "client left after the HelloRetryRequest"
    hellos[0] += 1
    conn.finish()
    return "closed after a second ClientHello"


def mode_hrr_cookie(conn: Connection, hello: ClientHello, args: argparse.Namespace, hellos: list[int]) -> str:
    if not hello.offers_tls13:
        conn.finish()
        return "closed: no TLS 1.3 offered"
    suite = offered_suite(hello, True)
    cookie = struct.pack("!H", 24) + os.urandom(24)
    exts = extension(EXT_SUPPORTED_VERSIONS, struct.pack("!H", 0x0304)) + extension(EXT_COOKIE, cookie)
    conn.send(record(HANDSHAKE, server_hello(0x0303, suite, hello.session_id, exts, random_bytes=HRR_RANDOM)))
    second = read_client_hello(conn)
    if not second.parsed:
        return "client left after the HelloRetryRequest"
    hellos[0] += 1
    if second.cookie is None:
        conn.send(record(ALERT, bytes([2, 109])))
        conn.finish()
        return "second hello without the cookie"
    if second.cookie != cookie or second.record_version != 0x0303 or not second.share_groups:
        conn.send(record(ALERT, bytes([2, 47])))
        conn.finish()
        return "second hello: cookie %s, record version 0x%04X, shares %s" % (
            "echoed" if second.cookie == cookie else "changed", second.record_version or 0, second.share_groups)
    conn.send(record(HANDSHAKE, willing_server_hello(second, suite=suite)))
    conn.finish()
    return "answered the cookie, group 0x%04X" % second.share_groups[0]


ECDHE_SUITES = (0xC02F, 0xC030, 0xC02B, 0xC02C, 0xCCA8, 0xCCA9, 0xC013, 0xC014, 0xC009, 0xC00A, 0xC027, 0xC028, 0xC076)
PLACEHOLDER_CERTIFICATE = b"\x30\x82\x00\x10" + bytes(16)  # not a real certificate: the probe does not check it


def mode_ecdhe_no_kx(conn: Connection, hello: ClientHello, args: argparse.Namespace) -> Optional[str]:
    version = min(hello.legacy_version, 0x0303)
    if hello.sslv2 or version < 0x0300:
        version = 0x0301
    suite = next((c for c in hello.suites if c in ECDHE_SUITES), None)
    if suite is None:
        conn.send(record(ALERT, bytes([2, 40]), version=version))
        conn.finish()
        return "no ECDHE suite offered"
    body = len(PLACEHOLDER_CERTIFICATE).to_bytes(3, "big") + PLACEHOLDER_CERTIFICATE
    flight = willing_server_hello(hello, suite=suite, version=version)
    flight += handshake(11, len(body).to_bytes(3, "big") + body)
    conn.send(record(HANDSHAKE, flight, version=version))
    if args.mode == "ecdhe-no-kx-cut":
        ske = handshake(12, bytes([3]) + struct.pack("!H", 0x0017) + bytes([65, 4]) + bytes(64))
        whole = record(HANDSHAKE, ske, version=version)
        conn.send(whole[:len(whole) // 2])
    if args.mode == "ecdhe-no-kx-reset":
        time.sleep(0.3)  # the flight reaches the client before the reset, which would otherwise discard it
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return "reset after Certificate (0x%04X)" % suite
    conn.finish()
    return "closed after Certificate (0x%04X)" % suite


# mode -> handler(connection, the client's hello, arguments) -> how the connection ended
HANDLERS: dict[str, Callable[[Connection, ClientHello, argparse.Namespace], Optional[str]]] = {
    "silent": mode_silent, "close": mode_close, "reset": mode_reset, "http": mode_http,
    "random": mode_random, "truncated": mode_truncated, "oversized": mode_oversized,
    "zero-handshake": mode_zero_handshake, "unoffered-suite": mode_unoffered_suite,
    "unoffered-version": mode_unoffered_version, "sslv2": mode_sslv2,
    "unknown-alert": mode_unknown_alert, "slow": mode_slow, "huge-certificate": mode_huge_certificate,
    "endless": mode_endless, "endless-alerts": mode_endless_alerts,
    "chain-bomb": mode_certificates, "forged-leaf": mode_certificates, "control-cn": mode_certificates,
    "ecdhe-no-kx": mode_ecdhe_no_kx, "ecdhe-no-kx-reset": mode_ecdhe_no_kx, "ecdhe-no-kx-cut": mode_ecdhe_no_kx,
}


# ---------------------------------------------------------------- server

class Log:
    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.lock = threading.Lock()

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, sort_keys=True)
        with self.lock:
            print(line, file=sys.stderr, flush=True)
            if self.path:
                with open(self.path, "a") as f:
                    f.write(line + "\n")


def serve(sock: socket.socket, number: int, args: argparse.Namespace, log: Log) -> None:
    conn = Connection(sock)
    hellos = [0]
    end: Optional[str] = "?"
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if args.mode != "silent":
            hello = read_client_hello(conn)
            hellos[0] += 1 if hello.parsed else 0
        else:
            hello = ClientHello()
        if args.mode == "hrr-twice":
            end = mode_hrr_twice(conn, hello, args, hellos)
        elif args.mode == "hrr-no-group":
            end = mode_hrr_no_group(conn, hello, args, hellos)
        elif args.mode == "hrr-cookie":
            end = mode_hrr_cookie(conn, hello, args, hellos)
        else:
            end = HANDLERS[args.mode](conn, hello, args)
    except ClientLeft as e:
        end = "client left (%s)" % e
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as e:
        end = "client left (%s)" % type(e).__name__
    except socket.timeout:
        end = "timed out"
    except Exception as e:  # never let one connection take the server down
        end = "error: %r" % (e,)
    finally:
        try:
            sock.close()
        except OSError:
            pass
        log.write({"conn": number, "mode": args.mode, "received": conn.received, "sent": conn.sent,
                   "hellos": hellos[0], "end": end})


def watch_stdin() -> NoReturn:
    """Exits when the parent closes our stdin (it died or stopped us)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os._exit(0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--log", default=None, help="append one JSON line per finished connection")
    ap.add_argument("--seed", type=int, default=7, help="seed of the random mode")
    ap.add_argument("--no-stdin-watch", action="store_true", help="keep running when stdin closes")
    ap.add_argument("--root-out", default=None, help="forged-leaf: write the real root certificate (PEM) here")
    args = ap.parse_args()
    if args.mode in ("chain-bomb", "forged-leaf"):
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            made = make_chain_bomb(directory) if args.mode == "chain-bomb" else make_forged_chain(directory, args.root_out)
        CHAIN.extend(made)
    if args.mode == "control-cn":
        CHAIN.extend(control_chain())

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Small send buffers: "sent" then measures what the client read, not what the kernel queued.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print("LISTENING %d" % listener.getsockname()[1], flush=True)
    if not args.no_stdin_watch:
        threading.Thread(target=watch_stdin, daemon=True).start()

    log = Log(args.log)
    number = 0
    while True:
        try:
            sock, _ = listener.accept()
        except InterruptedError:
            continue
        number += 1
        threading.Thread(target=serve, args=(sock, number, args, log), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
