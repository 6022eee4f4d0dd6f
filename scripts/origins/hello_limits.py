#!/usr/bin/env python3
"""Measure one TLS server with raw ClientHellos (standard library only; see Tests/OriginsFixtureNotes.md).

    hello_limits.py suites HOST PORT [--json]   accepted suites per version (one code point per connection), order
    hello_limits.py groups HOST PORT [--json]   accepted groups (TLS 1.2 ECDHE, TLS 1.3) and which one the server
                                                picks from x25519, P-256, P-384 offered in each of the six orders
    hello_limits.py limits HOST PORT [--json]   the longest cipher_suites, supported_groups and
                                                signature_algorithms lists the server answers, and what it answers
                                                to one entry more
    hello_limits.py all HOST PORT [--json]      the three above
    hello_limits.py openssl HOST PORT [--json]  the same suites and groups seen by `openssl s_client` instead (one
                                                suite per full handshake, TLSv1..TLSv1.3; each of x25519, P-256,
                                                P-384, P-521 alone and the three first ones in every order)
    hello_limits.py send HOST PORT VERSION SUITE[,SUITE...] [--groups G,..] [--shares G,..] [--sigalgs S,..]
                                                one hello, the answer printed (codes in hex)

Unlike tlsprobe.py (which is what scripts/origin's readiness check uses) every answer is classified:
ServerHello (version, suite, and the key-exchange group: the TLS 1.3 key_share, or the named curve of a
TLS 1.2 ServerKeyExchange), HelloRetryRequest (its group), alert (level, description), bare close (FIN before
any answer), reset, timeout. Key shares are well-formed published points (RFC 7748 §6.1 for X25519, the
generators of P-256/P-384), not random bytes: wolfSSL refuses an X25519 share whose top bit is set (about
half of all random 32-byte strings) with a bare close. Hellos longer than one record (16384 bytes) are sent
in several handshake records.
"""
from __future__ import annotations

import itertools
import json
import os
import socket
import struct
import sys
from dataclasses import asdict, dataclass
from typing import Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))

VERSIONS = {"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
X25519, P256, P384, P521, X448 = 0x001D, 0x0017, 0x0018, 0x0019, 0x001E
SHARES = {
    X25519: bytes.fromhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
    P256: bytes.fromhex("04" "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
    P384: bytes.fromhex("04" "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"
                        "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f"),
    P521: bytes.fromhex("04" "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66"
                        "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650"),
    X448: bytes.fromhex("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0"),
}
GROUP_NAMES = {X25519: "x25519", P256: "secp256r1", P384: "secp384r1", P521: "secp521r1", X448: "x448"}
DEFAULT_GROUPS = [X25519, P256, P384, P521, X448, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]
DEFAULT_SIGALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B,
                   0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202]
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
          40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter", 48: "unknown_ca",
          50: "decode_error", 51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
          80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
          110: "unsupported_extension", 112: "unrecognized_name"}
MAX_RECORD = 16384
MAX_SUITES = 32767      # cipher_suites<2..2^16-2>
MAX_EXT_LIST = 32000    # entries of one extension's list, so that every extension still fits in extensions<0..2^16-1>


def catalog() -> dict[int, dict]:
    with open(os.path.join(ROOT, "Data", "cipher-suites.json")) as f:
        return {int(s["code"], 16): s for s in json.load(f)["suites"]}


def catalog_groups() -> list[int]:
    with open(os.path.join(ROOT, "Data", "groups.json")) as f:
        return [g["code"] for g in json.load(f)["groups"]]


def h(code: Optional[int]) -> str:
    return "-" if code is None else "0x%04X" % code


def _ext(t: int, body: bytes) -> bytes:
    return struct.pack("!HH", t, len(body)) + body


def _vec16(b: bytes) -> bytes:
    return struct.pack("!H", len(b)) + b


def _u16s(codes: list[int]) -> bytes:
    return b"".join(struct.pack("!H", c) for c in codes)


def client_hello(version: str, suites: list[int], groups: Optional[list[int]] = None,
                 sigalgs: Optional[list[int]] = None, shares: Optional[list[int]] = None,
                 sni: Optional[str] = "localhost", padding: int = 0, fragment: int = MAX_RECORD,
                 random: Optional[bytes] = None, session_id: Optional[bytes] = None,
                 record_version: Optional[int] = None) -> bytes:
    """The records of one ClientHello. `groups` None: DEFAULT_GROUPS; [] leaves supported_groups out (likewise
    sigalgs). `shares` (TLS 1.3): groups to send a key share for (default: x25519 if offered). `padding`: bytes
    of a padding extension (0: none). `fragment`: the largest handshake record (the hello is cut into records of
    at most that many bytes). `random`, `session_id`, `record_version`: fixed values instead of fresh ones / 0x0301."""
    v = VERSIONS[version]
    groups = DEFAULT_GROUPS if groups is None else groups
    sigalgs = DEFAULT_SIGALGS if sigalgs is None else sigalgs
    exts = b""
    if sni:
        exts += _ext(0, _vec16(b"\x00" + _vec16(sni.encode())))
    if groups:
        exts += _ext(0x000A, _vec16(_u16s(groups)))
    exts += _ext(0x000B, b"\x01\x00")
    if sigalgs and v >= 0x0303:
        exts += _ext(0x000D, _vec16(_u16s(sigalgs)))
    exts += _ext(0x0017, b"")          # extended_master_secret
    exts += _ext(0xFF01, b"\x00")      # renegotiation_info (empty)
    if v == 0x0304:
        exts += _ext(0x002B, b"\x02\x03\x04")      # supported_versions: TLS 1.3 only
        exts += _ext(0x002D, b"\x01\x01")          # psk_key_exchange_modes
        if shares is None:
            shares = [X25519] if X25519 in groups else []
        ks = b"".join(struct.pack("!H", g) + _vec16(SHARES[g]) for g in shares if g in SHARES)
        exts += _ext(0x0033, _vec16(ks))
    if padding:
        exts += _ext(0x0015, bytes(padding))       # padding (RFC 7685)
    sid = session_id if session_id is not None else (os.urandom(32) if v == 0x0304 else b"")
    body = struct.pack("!H", min(v, 0x0303)) + (random or os.urandom(32)) + bytes([len(sid)]) + sid
    body += _vec16(_u16s(suites)) + b"\x01\x00" + _vec16(exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    rec_ver = record_version or (0x0300 if v == 0x0300 else 0x0301)
    return b"".join(struct.pack("!BHH", 22, rec_ver, len(hs[i:i + fragment])) + hs[i:i + fragment]
                    for i in range(0, len(hs), fragment))


@dataclass
class Answer:
    kind: str                        # hello | hrr | alert | close | reset | timeout | garbage
    version: Optional[int] = None    # negotiated version (supported_versions when present)
    suite: Optional[int] = None
    group: Optional[int] = None      # TLS 1.3 key_share / HRR group; TLS 1.2 ServerKeyExchange named curve
    alert: Optional[int] = None      # alert description (kind alert; or an alert right after a ServerHello)
    level: Optional[int] = None
    dh_bits: Optional[int] = None    # TLS 1.2 DHE: size of the ServerKeyExchange's prime

    def __str__(self) -> str:
        if self.kind in ("hello", "hrr"):
            return "%s %s suite %s group %s%s%s" % (
                self.kind, h(self.version), h(self.suite), h(self.group), " DH %d bits" % self.dh_bits if self.dh_bits else "",
                " then alert %d (%s)" % (self.alert, ALERTS.get(self.alert, "?")) if self.alert is not None else "")
        if self.kind == "alert":
            return "alert %s %d (%s)" % ("fatal" if self.level == 2 else "warning" if self.level == 1 else self.level,
                                         self.alert, ALERTS.get(self.alert, "?"))
        return self.kind

    @property
    def short(self) -> str:
        if self.kind == "alert":
            return "alert %s(%d)" % (ALERTS.get(self.alert, "?"), self.alert)
        return self.kind


class _Reader:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


ECDHE_KX = {"ECDHE", "ECDHE_PSK"}
DHE_KX = {"DHE", "DHE_PSK"}


def exchange(host: str, port: int, data: bytes, want_group: bool = True, timeout: float = 5.0,
             kx: Optional[dict[int, str]] = None, retry=None) -> Answer:
    """Sends `data`, classifies the first answer. For a TLS 1.2 ECDHE/DHE ServerHello reads on to the
    ServerKeyExchange to learn the curve (or prime) when `want_group` (kx: code -> key exchange, from the catalog).
    `retry(hrr) -> bytes`: what to send on the same connection after a HelloRetryRequest (the answer to it is
    returned)."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        return Answer("reset" if isinstance(e, ConnectionRefusedError) else "timeout")
    try:
        sock.settimeout(timeout)
        sock.sendall(data)
        r = _Reader(sock)
        answer = _read_answer(r, want_group, kx)
        if retry is not None and answer.kind == "hrr":
            sock.sendall(retry(answer))
            answer = _read_answer(r, want_group, kx)
        return answer
    finally:
        sock.close()


def _read_answer(r: _Reader, want_group: bool, kx: Optional[dict[int, str]]) -> Answer:
    hello: Optional[Answer] = None
    hs = b""
    try:
        while True:
            try:
                ctype, _rv, ln = struct.unpack("!BHH", r.exact(5))
                payload = r.exact(ln)
            except EOFError:
                return hello or Answer("close")
            if ctype == 21 and len(payload) >= 2:
                if hello is not None:      # an alert after the ServerHello (before the key exchange)
                    hello.level, hello.alert = payload[0], payload[1]
                    return hello
                return Answer("alert", level=payload[0], alert=payload[1])
            if ctype == 20:                # change_cipher_spec (TLS 1.3 middlebox compatibility, after an HRR)
                continue
            if ctype != 22:
                return hello or Answer("garbage")
            hs += payload
            while len(hs) >= 4:
                mtype, mlen = hs[0], int.from_bytes(hs[1:4], "big")
                if len(hs) < 4 + mlen:
                    break
                m, hs = hs[4:4 + mlen], hs[4 + mlen:]
                if hello is None:
                    if mtype != 2:
                        return Answer("garbage")
                    hello = _server_hello(m)
                    if hello.kind == "hrr" or hello.version == 0x0304 or not want_group:
                        return hello
                    if (kx or {}).get(hello.suite) not in ECDHE_KX | DHE_KX:
                        return hello
                elif mtype == 12:          # ServerKeyExchange: ECParameters (curve_type 3 = named_curve) or dh_p
                    if (kx or {}).get(hello.suite) in DHE_KX and len(m) >= 2:
                        p_len = struct.unpack("!H", m[0:2])[0]
                        hello.dh_bits = (p_len - (1 if len(m) > 2 and m[2] == 0 else 0)) * 8
                    elif len(m) >= 3 and m[0] == 3:
                        hello.group = struct.unpack("!H", m[1:3])[0]
                    return hello
                elif mtype == 14:          # ServerHelloDone
                    return hello
    except socket.timeout:
        return hello or Answer("timeout")
    except OSError:                        # reset, broken pipe
        return hello or Answer("reset")


def _server_hello(m: bytes) -> Answer:
    ver = struct.unpack("!H", m[0:2])[0]
    rnd = m[2:34]
    p = 35 + m[34]
    suite = struct.unpack("!H", m[p:p + 2])[0]
    p += 3
    group = None
    hrr = rnd == HRR_RANDOM
    if p + 2 <= len(m):
        end = p + 2 + struct.unpack("!H", m[p:p + 2])[0]
        p += 2
        while p + 4 <= end:
            et, el = struct.unpack("!HH", m[p:p + 4])
            body = m[p + 4:p + 4 + el]
            if et == 0x002B and el == 2:
                ver = struct.unpack("!H", body)[0]
            elif et == 0x0033 and el >= 2:
                group = struct.unpack("!H", body[0:2])[0]
            p += 4 + el
    return Answer("hrr" if hrr else "hello", version=ver, suite=suite, group=group)


class Probe:
    def __init__(self, host: str, port: int, timeout: float = 5.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.cat = catalog()
        self.kx = {c: s["kx"] for c, s in self.cat.items()}
        self.connections = 0

    def send(self, version: str, suites: list[int], want_group: bool = True, **kw) -> Answer:
        self.connections += 1
        return exchange(self.host, self.port, client_hello(version, suites, **kw), want_group=want_group,
                        timeout=self.timeout, kx=self.kx)

    def accepts(self, version: str, suites: list[int], **kw) -> Optional[int]:
        """The suite a real ServerHello (or HRR) of exactly `version` picked from `suites`, or None."""
        a = self.send(version, suites, want_group=False, **kw)
        if a.kind in ("hello", "hrr") and a.version == VERSIONS[version] and a.suite in suites:
            return a.suite
        return None

    # --- suites ---------------------------------------------------------------------------------------------
    def candidates(self) -> list[int]:
        """Every catalog code point, and the whole of the ranges suites live in (0x00xx, 0x13xx, 0xC0xx,
        0xC1xx, 0xCCxx, 0xD0xx), without the two signalling values."""
        codes = set(self.cat) | set(range(0x0000, 0x0100)) | set(range(0x1300, 0x1320)) | set(range(0xC000, 0xC1B0)) \
            | set(range(0xCC00, 0xCCB0)) | set(range(0xD000, 0xD010)) | set(range(0xFF00, 0xFF10))
        return sorted(codes - {0x00FF, 0x5600})

    def suites(self, versions: Optional[list[str]] = None) -> dict:
        out = {}
        cands = self.candidates()
        for version in versions or list(VERSIONS):
            accepted = [c for c in cands if self.accepts(version, [c]) is not None]
            entry: dict = {"accepted": [h(c) for c in accepted], "order": None, "serverOrder": None}
            if len(accepted) >= 2:
                up = self.accepts(version, accepted)
                down = self.accepts(version, list(reversed(accepted)))
                if up is not None and up == down:
                    order, rest = [], list(accepted)
                    while rest:
                        pick = self.accepts(version, rest)
                        if pick is None:
                            order.append("refused %s" % ",".join(h(c) for c in rest))
                            break
                        order.append(h(pick))
                        rest.remove(pick)
                    entry["serverOrder"] = True
                    entry["order"] = order
                else:
                    entry["serverOrder"] = False
                    entry["picks"] = {"ascending": h(up), "descending": h(down)}
            out[version] = entry
        return out

    # --- groups ---------------------------------------------------------------------------------------------
    def groups(self, tls12_suites: list[int], tls13: bool) -> dict:
        out: dict = {}
        every = sorted(set(catalog_groups()) | set(range(0x0001, 0x0031)) | set(range(0x0100, 0x0105)))
        ecdhe = [c for c in tls12_suites if self.kx.get(c) in ECDHE_KX]
        if ecdhe:
            acc12 = []
            for g in every:
                a = self.send("TLSv1.2", ecdhe, groups=[g])
                if a.kind == "hello" and a.group == g:
                    acc12.append(g)
            picks = {}
            for perm in itertools.permutations([X25519, P256, P384]):
                a = self.send("TLSv1.2", ecdhe, groups=list(perm))
                picks[",".join(GROUP_NAMES[g] for g in perm)] = GROUP_NAMES.get(a.group, h(a.group)) if a.kind == "hello" else str(a)
            for perm in itertools.permutations([X25519, P256, P384, P521], 2):
                a = self.send("TLSv1.2", ecdhe, groups=list(perm))
                picks[",".join(GROUP_NAMES[g] for g in perm)] = GROUP_NAMES.get(a.group, h(a.group)) if a.kind == "hello" else str(a)
            none = self.send("TLSv1.2", ecdhe, groups=[])
            out["TLSv1.2"] = {"accepted": [h(g) for g in acc12], "picks": picks,
                              "noSupportedGroups": GROUP_NAMES.get(none.group, h(none.group)) if none.kind == "hello" else str(none)}
        if tls13:
            acc13, hrr_only = [], []
            for g in every:
                a = self.send("TLSv1.3", [0x1301, 0x1302, 0x1303], groups=[g], shares=[g] if g in SHARES else [])
                if a.kind in ("hello", "hrr") and a.group == g:
                    acc13.append(g)
                    if a.kind == "hrr":
                        hrr_only.append(g)
            picks_all, picks_first = {}, {}
            for perm in list(itertools.permutations([X25519, P256, P384])) + list(itertools.permutations([X25519, P256, P384, P521], 2)):
                key = ",".join(GROUP_NAMES[g] for g in perm)
                a = self.send("TLSv1.3", [0x1301, 0x1302, 0x1303], groups=list(perm), shares=list(perm))
                picks_all[key] = ("%s%s" % ("HRR " if a.kind == "hrr" else "", GROUP_NAMES.get(a.group, h(a.group)))
                                  if a.kind in ("hello", "hrr") else str(a))
                a = self.send("TLSv1.3", [0x1301, 0x1302, 0x1303], groups=list(perm), shares=[perm[0]])
                picks_first[key] = ("%s%s" % ("HRR " if a.kind == "hrr" else "", GROUP_NAMES.get(a.group, h(a.group)))
                                    if a.kind in ("hello", "hrr") else str(a))
            out["TLSv1.3"] = {"accepted": [h(g) for g in acc13], "helloRetryFor": [h(g) for g in hrr_only],
                              "picksSharesForAll": picks_all, "picksShareForFirstOnly": picks_first,
                              "answerToTheRetriedHello": self.retried(acc13)}
        dhe = [c for c in tls12_suites if self.kx.get(c) in DHE_KX]
        if dhe:
            a = self.send("TLSv1.2", dhe, groups=[X25519, P256])
            out["TLSv1.2 DHE"] = {"suite": h(a.suite), "primeBits": a.dh_bits, "no ffdhe group offered": str(a)}
            for g in (0x0100, 0x0101, 0x0102):
                a = self.send("TLSv1.2", dhe, groups=[g])
                out["TLSv1.2 DHE"]["offering only %s" % h(g)] = str(a)
        return out

    def retried(self, accepted13: list[int]) -> dict:
        """After a HelloRetryRequest: the second ClientHello (same random and session id, the asked-for share) in a
        record of version 0x0301 and of 0x0303 (RFC 8446 §5.1: 0x0303 for every record but an initial ClientHello)."""
        groups = [g for g in accepted13 if g in SHARES]
        if not groups:
            return {}
        out = {}
        for rec in (0x0301, 0x0303):
            rnd, sid = os.urandom(32), os.urandom(32)
            first = client_hello("TLSv1.3", [0x1301, 0x1302, 0x1303], groups=groups, shares=[], random=rnd, session_id=sid)

            def again(hrr: Answer, rec=rec, rnd=rnd, sid=sid) -> bytes:
                return client_hello("TLSv1.3", [0x1301, 0x1302, 0x1303], groups=groups,
                                    shares=[hrr.group] if hrr.group in SHARES else [], random=rnd, session_id=sid,
                                    record_version=rec)
            self.connections += 1
            a = exchange(self.host, self.port, first, timeout=self.timeout, kx=self.kx, retry=again)
            out["record version %s" % h(rec)] = str(a)
        return out

    # --- limits ---------------------------------------------------------------------------------------------
    @staticmethod
    def fillers(n: int, avoid: set[int]) -> list[int]:
        """n unassigned code points from 0x2000 up (no GREASE 0x?A?A, no 0x5600 or anything in `avoid`)."""
        out, c = [], 0x2000
        while len(out) < n:
            if not ((c & 0x0F0F) == 0x0A0A and (c >> 12) == ((c >> 4) & 0xF)) and c != 0x5600 and c not in avoid:
                out.append(c)
            c += 1
        return out

    def limit(self, build, ok, hi: int = MAX_SUITES) -> dict:
        """Largest n in [1, hi] whose hello build(n) (bytes) gets an answer ok() accepts: doubling, then
        bisection. The answers are assumed monotone; the limit and one above are sent again to check."""
        answers: dict[int, Answer] = {}

        def send(n: int) -> Answer:
            self.connections += 1
            return exchange(self.host, self.port, build(n), want_group=False, timeout=self.timeout, kx=self.kx)

        def test(n: int) -> bool:
            if n not in answers:
                answers[n] = send(n)
            return ok(answers[n])

        if not test(1):
            return {"limit": 0, "answerAt1": str(answers[1])}
        lo, n = 1, 2
        while n <= hi and test(n):
            lo, n = n, n * 2
        if n > hi:
            if test(hi):
                return {"limit": hi, "note": "no failure up to the largest list that fits (%d)" % hi,
                        "answerAtLimit": str(answers[hi]), "helloBytesAtLimit": len(build(hi))}
            n = hi
        bad = n
        while bad - lo > 1:
            mid = (lo + bad) // 2
            if test(mid):
                lo = mid
            else:
                bad = mid
        repeatable = ok(send(lo)) and not ok(send(lo + 1))
        above = {str(m): send(m).short for m in sorted({lo + 1, lo + 2, min(2 * lo, hi), min(lo + 1000, hi), hi}) if m > lo}
        return {"limit": lo, "answerAtLimit": str(answers[lo]), "answerAbove": str(answers.get(lo + 1) or send(lo + 1)),
                "answersAbove": above, "repeatable": repeatable,
                "helloBytesAtLimit": len(build(lo)), "helloBytesAbove": len(build(lo + 1))}

    def limits(self, version: str, suite: int, group: int, sigalg_pair: list[int]) -> dict:
        """Hello-size limits with `suite`, the key-exchange `group` and the usable signature schemes `sigalg_pair`
        (the first one alone is also moved along a list of unknown schemes)."""
        avoid = set(self.cat)
        ok_hello = lambda a: a.kind in ("hello", "hrr") and a.version == VERSIONS[version]  # noqa: E731
        tls13 = version == "TLSv1.3"
        shares = [group] if tls13 else None
        res: dict = {}
        for where in ("last", "first"):
            def suites(n: int, where=where) -> bytes:
                f = self.fillers(n - 1, avoid)
                return client_hello(version, (f + [suite]) if where == "last" else ([suite] + f), groups=[group], shares=shares)
            res["cipher_suites, real suite %s" % where] = self.limit(suites, ok_hello)
        for where in ("last", "first"):
            def groups(n: int, where=where) -> bytes:
                f = self.fillers(n - 1, set())
                return client_hello(version, [suite], groups=(f + [group]) if where == "last" else ([group] + f), shares=shares)
            res["supported_groups, real group %s" % where] = self.limit(groups, ok_hello, hi=MAX_EXT_LIST)
        for where in ("last", "first"):
            def sigalgs(n: int, where=where) -> bytes:
                f = self.fillers(max(n - len(sigalg_pair), 0), set())
                return client_hello(version, [suite], groups=[group], shares=shares,
                                    sigalgs=(f + sigalg_pair) if where == "last" else (sigalg_pair + f))
            res["signature_algorithms, real %s %s" % ("+".join(h(x) for x in sigalg_pair), where)] = \
                self.limit(sigalgs, ok_hello, hi=MAX_EXT_LIST)
        # where in the list the one usable scheme may stand (a server that keeps only the first k entries)
        def sigalg_at(n: int) -> bytes:
            return client_hello(version, [suite], groups=[group], shares=shares,
                                sigalgs=self.fillers(n - 1, set()) + [sigalg_pair[0]])
        res["signature_algorithms, only %s, at position n" % h(sigalg_pair[0])] = self.limit(sigalg_at, ok_hello, hi=MAX_EXT_LIST)
        # the hello's total size, with a padding extension (RFC 7685) and otherwise short lists
        def padded(n: int) -> bytes:
            return client_hello(version, [suite], groups=[group], shares=shares, padding=n - 1)
        res["total size, padding extension of n-1 bytes"] = self.limit(padded, ok_hello, hi=60000)
        # a short hello cut into several records: does the server put a ClientHello together at all?
        def cut(n: int) -> bytes:
            return client_hello(version, [suite], groups=[group], shares=shares, fragment=max(1, 200 // n))
        res["a short hello cut into n records (of 200/n bytes)"] = self.limit(cut, ok_hello, hi=200)
        return res

    def usable(self, version: str, suite: int) -> tuple[Optional[int], list[int]]:
        """A group the server takes with `suite`, and the signature schemes (of rsa_pss_rsae_sha256,
        rsa_pkcs1_sha256, ecdsa_secp256r1_sha256) it can sign with, each offered alone."""
        tls13 = version == "TLSv1.3"
        group = next((g for g in (X25519, P256, P384, P521)
                      if self.accepts(version, [suite], groups=[g], shares=[g] if tls13 else None) is not None), None)
        if group is None:
            return None, []
        sig = [x for x in (0x0804, 0x0401, 0x0403)
               if self.accepts(version, [suite], groups=[group], shares=[group] if tls13 else None, sigalgs=[x]) is not None]
        return group, sig


def openssl_check(host: str, port: int) -> dict:
    """Independent cross-check with the system's openssl s_client: complete handshakes, one suite each."""
    import subprocess

    def handshake(args: list[str]) -> tuple[Optional[str], Optional[str]]:
        r = subprocess.run(["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-servername", "localhost"] + args,
                           input="", capture_output=True, text=True, timeout=15)
        cipher = group = None
        for line in r.stdout.splitlines():
            line = line.strip()
            if line.startswith("New, ") and "Cipher is" in line:
                cipher = line.split("Cipher is ")[1].strip()
                cipher = None if cipher == "(NONE)" else cipher
            if line.startswith("Server Temp Key:"):
                group = line.split(":", 1)[1].strip()
        return cipher, group

    listing = subprocess.run(["openssl", "ciphers", "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"], capture_output=True, text=True).stdout
    codes = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].startswith("0x"):
            hi, lo = parts[0].split(",")
            codes[parts[2]] = (int(hi, 16) << 8) | int(lo, 16)
    out: dict = {}
    for flag, name in (("-tls1", "TLSv1.0"), ("-tls1_1", "TLSv1.1"), ("-tls1_2", "TLSv1.2")):
        got = []
        for cipher, code in codes.items():
            if 0x1300 <= code <= 0x13FF:
                continue
            neg, _ = handshake([flag, "-cipher", cipher + ":@SECLEVEL=0"])
            if neg == cipher:
                got.append(code)
        out[name] = [h(c) for c in sorted(got)]
    got = []
    for suite in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                  "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"):
        neg, _ = handshake(["-tls1_3", "-ciphersuites", suite])
        if neg == suite:
            got.append(codes.get(suite) or {"TLS_AES_128_GCM_SHA256": 0x1301, "TLS_AES_256_GCM_SHA384": 0x1302,
                                            "TLS_CHACHA20_POLY1305_SHA256": 0x1303, "TLS_AES_128_CCM_SHA256": 0x1304,
                                            "TLS_AES_128_CCM_8_SHA256": 0x1305}[suite])
    out["TLSv1.3"] = [h(c) for c in sorted(got)]
    groups: dict = {}
    for flag, version in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        if not out[version]:
            continue
        seen = {}
        lists = ["X25519", "P-256", "P-384", "P-521"] + [":".join(p) for p in itertools.permutations(["X25519", "P-256", "P-384"])]
        for g in lists:
            extra = ["-cipher", "ECDHE:@SECLEVEL=0"] if version == "TLSv1.2" else []
            neg, temp = handshake([flag, "-groups", g] + extra)
            seen[g] = temp if neg else "refused"
        groups[version] = seen
    return {"suites": out, "groups": groups}


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, host, port = argv[0], argv[1], int(argv[2])
    p = Probe(host, port)
    report: dict = {"host": host, "port": port}
    if cmd == "send":
        version, suites = argv[3], [int(x, 16) for x in argv[4].split(",")]
        kw: dict = {}
        rest = argv[5:]
        while rest:
            key, val = rest[0].lstrip("-"), [int(x, 16) for x in rest[1].split(",")] if rest[1] else []
            kw[key] = val
            rest = rest[2:]
        print(p.send(version, suites, **kw))
        return 0
    if cmd == "openssl":
        report["openssl"] = openssl_check(host, port)
        print(json.dumps(report, indent=1))
        return 0
    if cmd in ("suites", "all"):
        report["suites"] = p.suites()
    if cmd in ("groups", "all"):
        s = report.get("suites") or p.suites(["TLSv1.2", "TLSv1.3"])
        t12 = [int(c, 16) for c in s.get("TLSv1.2", {}).get("accepted", [])]
        report["groups"] = p.groups(t12, bool(s.get("TLSv1.3", {}).get("accepted")))
    if cmd in ("limits", "all"):
        s = report.get("suites") or p.suites(["TLSv1.2", "TLSv1.3"])
        report["limits"] = {}
        for version in ("TLSv1.2", "TLSv1.3"):
            acc = [int(c, 16) for c in s.get(version, {}).get("accepted", [])]
            if not acc:
                continue
            # an ECDHE suite where there is one (the group list matters to it), else the first
            ecdhe = [c for c in acc if p.kx.get(c) in ECDHE_KX or version == "TLSv1.3"]
            suite = (ecdhe or acc)[0]
            group, sigalgs = p.usable(version, suite)
            if group is None or not sigalgs:
                report["limits"][version] = {"suite": h(suite), "note": "no group/signature scheme found to test with"}
                continue
            report["limits"][version] = {"suite": h(suite), "group": GROUP_NAMES.get(group, h(group)),
                                         "signatureSchemes": [h(x) for x in sigalgs],
                                         **p.limits(version, suite, group, sigalgs)}
    report["connections"] = p.connections
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        _print(report)
    return 0


def _print(report: dict) -> None:
    for version, e in report.get("suites", {}).items():
        print("%-8s accepted %d: %s" % (version, len(e["accepted"]), " ".join(e["accepted"]) or "-"))
        if e.get("serverOrder") is True:
            print("         server order: %s" % " ".join(e["order"]))
        elif e.get("serverOrder") is False:
            print("         client order (picks %s)" % e["picks"])
    for version, e in report.get("groups", {}).items():
        if "accepted" in e:
            print("groups %s: accepted %s" % (version, " ".join(e["accepted"]) or "-"))
        else:
            print("groups %s:" % version)
        for k, v in e.items():
            if isinstance(v, dict):
                print("   %s:" % k)
                for kk, vv in v.items():
                    print("      offer %-34s -> %s" % (kk, vv))
            elif k != "accepted":
                print("   %s: %s" % (k, v))
    for version, e in report.get("limits", {}).items():
        print("limits %s (suite %s, group %s, signature schemes %s):" % (version, e["suite"], e.get("group"),
                                                                           ",".join(e.get("signatureSchemes", []))))
        for k, v in e.items():
            if k not in ("suite", "group", "signatureSchemes"):
                print("   %s: %s" % (k, json.dumps(v)))
    print("connections: %d" % report["connections"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
