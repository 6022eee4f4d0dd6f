"""Minimal raw TLS ClientHello prober (stdlib only).

probe(host, port, version, suites) sends one ClientHello offering exactly `suites`
(list of int code points) at `version` ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2",
"TLSv1.3") and returns the code point the server selected in its ServerHello /
HelloRetryRequest, or None if the server refused (alert, close, timeout, or a
different protocol version).
"""
from __future__ import annotations

import os
import socket
import struct
from typing import Optional

VERSIONS = {"SSLv3": 0x0300, "TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

GROUPS = [0x001D, 0x0017, 0x0018, 0x0019, 0x001E, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]
SIGALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A,
           0x080B, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
           0x0203, 0x0201, 0x0202, 0x0101, 0x0102, 0x0103]


def _ext(t: int, body: bytes) -> bytes:
    return struct.pack("!HH", t, len(body)) + body


def _vec16(b: bytes) -> bytes:
    return struct.pack("!H", len(b)) + b


def client_hello(version: str, suites: list[int], sni: Optional[str] = "localhost") -> bytes:
    v = VERSIONS[version]
    legacy = min(v, 0x0303)
    exts = b""
    if sni:
        name = sni.encode()
        exts += _ext(0, _vec16(b"\x00" + _vec16(name)))
    exts += _ext(0x000A, _vec16(b"".join(struct.pack("!H", g) for g in GROUPS)))
    exts += _ext(0x000B, b"\x01\x00")
    exts += _ext(0x000D, _vec16(b"".join(struct.pack("!H", s) for s in SIGALGS)))
    exts += _ext(0x0017, b"")          # extended_master_secret
    exts += _ext(0xFF01, b"\x00")      # renegotiation_info (empty)
    if v == 0x0304:
        exts += _ext(0x002B, b"\x02\x03\x04")                    # supported_versions
        exts += _ext(0x002D, b"\x01\x01")                        # psk_key_exchange_modes
        ks = struct.pack("!HH", 0x001D, 32) + os.urandom(32)     # any 32 bytes is an X25519 key
        exts += _ext(0x0033, _vec16(ks))
    sid = os.urandom(32) if v == 0x0304 else b""
    cs = b"".join(struct.pack("!H", s) for s in suites)
    body = struct.pack("!H", legacy) + os.urandom(32) + bytes([len(sid)]) + sid
    body += _vec16(cs) + b"\x01\x00" + _vec16(exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    rec_ver = 0x0300 if v == 0x0300 else 0x0301
    return struct.pack("!BHH", 22, rec_ver, len(hs)) + hs


def _recv_exact(sock: socket.socket, n: int) -> Optional[bytes]:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_server_hello(sock: socket.socket) -> Optional[tuple[int, int, bool]]:
    """Returns (negotiated_version, cipher, is_hrr) or None."""
    hbuf = b""
    while True:
        hdr = _recv_exact(sock, 5)
        if hdr is None:
            return None
        ctype, _rv, ln = struct.unpack("!BHH", hdr)
        payload = _recv_exact(sock, ln)
        if payload is None:
            return None
        if ctype != 22:
            return None  # alert or anything else: refused
        hbuf += payload
        if len(hbuf) < 4:
            continue
        if hbuf[0] != 2:
            return None
        mlen = int.from_bytes(hbuf[1:4], "big")
        if len(hbuf) < 4 + mlen:
            continue
        m = hbuf[4:4 + mlen]
        ver = struct.unpack("!H", m[0:2])[0]
        rnd = m[2:34]
        sidlen = m[34]
        p = 35 + sidlen
        cipher = struct.unpack("!H", m[p:p + 2])[0]
        p += 3
        if p + 2 <= len(m):
            extlen = struct.unpack("!H", m[p:p + 2])[0]
            p += 2
            end = p + extlen
            while p + 4 <= end:
                et, el = struct.unpack("!HH", m[p:p + 4])
                if et == 0x002B and el == 2:
                    ver = struct.unpack("!H", m[p + 4:p + 6])[0]
                p += 4 + el
        return ver, cipher, rnd == HRR_RANDOM


def probe(host: str, port: int, version: str, suites: list[int], timeout: float = 5.0) -> Optional[int]:
    if not suites:
        return None
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(client_hello(version, suites))
            r = read_server_hello(s)
    except (OSError, ValueError, IndexError, struct.error):
        return None
    if r is None:
        return None
    ver, cipher, _hrr = r
    if ver != VERSIONS[version] or cipher not in suites:
        return None
    return cipher


def responds(host: str, port: int, timeout: float = 2.0) -> bool:
    """True if something on host:port answers a ClientHello with any TLS record."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(client_hello("TLSv1.2", [0xC02F, 0xC030, 0x002F, 0x0035, 0x000A, 0x0004, 0x0005, 0xC02B]))
            hdr = _recv_exact(s, 5)
            return hdr is not None and hdr[0] in (21, 22)
    except OSError:
        return False
