#!/usr/bin/env python3
"""Exhaustive cipher-suite oracle for the local test origins.

Run with the repo venv (tlslite-ng is needed for the SSLv3 client):
  .venv/bin/python scripts/oracle/oracle.py scan HOST PORT        # JSON for one server
  .venv/bin/python scripts/oracle/oracle.py generate [KIND...]    # start origins, scan, write origins.json
  .venv/bin/python scripts/oracle/oracle.py check [KIND...]       # start origins, scan, diff against origins.json
Options: --crosscheck (also run sslscan on each origin), --verbose.

Method, per protocol version (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3):
 1. raw probe: one ClientHello per IANA code point offering only that suite (tlsprobe.py);
    accepted = ServerHello/HRR choosing it at that version.
 2. real clients, one connection per suite: openssl s_client (every non-PSK/SRP suite
    OpenSSL knows; -cipher X@SECLEVEL=0 / -ciphersuites X), gnutls-cli --priority for the
    RC4/3DES suites OpenSSL 3 cannot speak, tlslite-ng's client for SSLv3 (every
    kx x cipher x mac combination it supports).
 3. the raw result is the answer; every suite a real client could test must agree
    (disagreements are printed and make `check` fail).
 4. preference: offer the accepted suites ascending and descending; same pick both times =>
    server order, which is then read by repeatedly removing the chosen suite.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from typing import Any, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
sys.path.insert(0, os.path.join(ROOT, "scripts", "origins"))
import tlsprobe  # noqa: E402

HOST = "127.0.0.1"
VERSIONS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
JSON_PATH = os.path.join(LIB, "origins.json")
VERBOSE = False
TLS13_ALL = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"

# every registered (and a few legacy) non-SCSV code points
CANDIDATES = sorted(set(
    [c for c in range(0x0000, 0x0100) if c != 0x00FF]
    + list(range(0x1301, 0x1306))
    + list(range(0xC001, 0xC0B6))
    + list(range(0xC100, 0xC107))
    + list(range(0xCCA8, 0xCCAF))
    + list(range(0xD001, 0xD006))
    + [0xFEFE, 0xFEFF, 0xFFE0, 0xFFE1]))
TLS13_CODES = set(range(0x1301, 0x1306))

# suites OpenSSL 3 lacks, tested with gnutls-cli: code -> priority fragment
GNUTLS_SUITES = {
    0x0004: "+RSA:+ARCFOUR-128:+MD5",
    0x0005: "+RSA:+ARCFOUR-128:+SHA1",
    0xC011: "+ECDHE-RSA:+ARCFOUR-128:+SHA1",
    0xC007: "+ECDHE-ECDSA:+ARCFOUR-128:+SHA1",
    0x0018: "+ANON-DH:+ARCFOUR-128:+MD5",
    0xC016: "+ANON-ECDH:+ARCFOUR-128:+SHA1",
    # also cross-check a few OpenSSL can do
    0x000A: "+RSA:+3DES-CBC:+SHA1",
    0x0016: "+DHE-RSA:+3DES-CBC:+SHA1",
    0xC012: "+ECDHE-RSA:+3DES-CBC:+SHA1",
    0x002F: "+RSA:+AES-128-CBC:+SHA1",
}
GNUTLS_VERS = {"TLSv1": "VERS-TLS1.0", "TLSv1.1": "VERS-TLS1.1", "TLSv1.2": "VERS-TLS1.2"}


def log(*a: object) -> None:
    if VERBOSE:
        print(*a, file=sys.stderr, flush=True)


def hexcode(c: int) -> str:
    return "0x%04X" % c


# ---------------------------------------------------------------- raw probing
def raw_scan(port: int, version: str) -> list[int]:
    codes = [c for c in CANDIDATES if (c in TLS13_CODES) == (version == "TLSv1.3")]
    acc = []
    for c in codes:
        if tlsprobe.probe(HOST, port, version, [c]) == c:
            acc.append(c)
    return acc


def preference(port: int, version: str, accepted: list[int]) -> tuple[Optional[bool], list[int]]:
    """Returns (server_pref or None, ordered list)."""
    if len(accepted) < 2:
        return None, list(accepted)
    asc = sorted(accepted)
    a = tlsprobe.probe(HOST, port, version, asc)
    b = tlsprobe.probe(HOST, port, version, list(reversed(asc)))
    if a is None or b is None:
        raise RuntimeError("preference probe failed at %s" % version)
    if a != b:
        return False, asc
    order, left = [], list(asc)
    while left:
        c = tlsprobe.probe(HOST, port, version, left)
        if c is None:
            raise RuntimeError("ordering probe refused at %s with %s" % (version, left))
        order.append(c)
        left.remove(c)
    return True, order


# ---------------------------------------------------------------- real clients
_OSSL: Optional[dict[str, dict[int, str]]] = None


def openssl_suites() -> dict[str, dict[int, str]]:
    """{version: {code: name}} for suites OpenSSL's client can offer (no PSK/SRP)."""
    global _OSSL
    if _OSSL is None:
        out = subprocess.run(["openssl", "ciphers", "-V", "-ciphersuites", TLS13_ALL, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                             capture_output=True, text=True, check=True).stdout
        res: dict[str, dict[int, str]] = {v: {} for v in VERSIONS}
        for line in out.splitlines():
            m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)", line)
            if not m:
                continue
            code = int(m.group(1) + m.group(2), 16)
            name, minv = m.group(3), m.group(4)
            if "PSK" in name or "SRP" in name:
                continue
            if minv == "TLSv1.3":
                res["TLSv1.3"][code] = name
            else:
                res["TLSv1.2"][code] = name
                if minv in ("SSLv3", "TLSv1"):
                    res["TLSv1"][code] = name
                    res["TLSv1.1"][code] = name
        _OSSL = res
    return _OSSL


OSSL_FLAG = {"TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}


def openssl_try(port: int, version: str, name: str) -> bool:
    argv = ["openssl", "s_client", "-connect", "%s:%d" % (HOST, port), "-servername", "localhost",
            OSSL_FLAG[version], "-brief"]
    if version == "TLSv1.3":
        argv += ["-ciphersuites", name]
    else:
        argv += ["-cipher", name + ":@SECLEVEL=0"]
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return False
    m = re.search(r"Ciphersuite: (\S+)", r.stderr + r.stdout)
    pv = re.search(r"Protocol version: (\S+)", r.stderr + r.stdout)
    return bool(m and m.group(1) == name and pv and pv.group(1) == version)


def gnutls_try(port: int, version: str, frag: str) -> bool:
    prio = "NONE:+%s:%s:+COMP-NULL:+SIGN-ALL:+CTYPE-X509:+GROUP-ALL:%%UNSAFE_RENEGOTIATION" % (GNUTLS_VERS[version], frag)
    argv = ["gnutls-cli", "--insecure", "--no-ca-verification", "--priority", prio, "-p", str(port), HOST]
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return False
    return "Handshake was completed" in r.stdout


def tlslite_sslv3(port: int) -> set[int]:
    """Set of code points tlslite's SSLv3 client negotiates, one kx x cipher x mac at a time."""
    from tlslite.api import HandshakeSettings, TLSConnection
    import socket
    got = set()
    for kx in ["rsa", "dhe_rsa", "ecdhe_rsa", "ecdhe_ecdsa", "dh_anon", "ecdh_anon"]:
        for cipher in ["aes256", "aes128", "3des", "rc4", "null"]:
            for mac in ["sha", "md5"]:
                s = HandshakeSettings()
                s.minVersion = s.maxVersion = (3, 0)
                s.keyExchangeNames = [kx]
                s.cipherNames = [cipher]
                s.macNames = [mac]
                try:
                    s = s.validate()
                except Exception as e:
                    log("tlslite settings", kx, cipher, mac, e)
                    continue
                try:
                    sock = socket.create_connection((HOST, port), timeout=5)
                    c = TLSConnection(sock)
                    if kx in ("dh_anon", "ecdh_anon"):
                        c.handshakeClientAnonymous(settings=s)
                    else:
                        c.handshakeClientCert(settings=s)
                    got.add(c.session.cipherSuite)
                    c.close()
                except Exception as e:
                    log("tlslite", kx, cipher, mac, type(e).__name__)
                finally:
                    try:
                        sock.close()
                    except Exception:
                        pass
    return got


# ---------------------------------------------------------------- scanning
def scan(port: int, crosscheck: bool = False) -> tuple[dict[str, Any], list[str]]:
    protocols, prefs, problems = {}, {}, []
    raw_all = {}
    for v in VERSIONS:
        acc = raw_scan(port, v)
        raw_all[v] = set(acc)
        log("raw", v, [hexcode(c) for c in acc])
        # real clients
        clients = {}
        if v in OSSL_FLAG:
            for code, name in openssl_suites()[v].items():
                clients[code] = ("openssl", openssl_try(port, v, name))
        if v in GNUTLS_VERS:
            for code, frag in GNUTLS_SUITES.items():
                ok = gnutls_try(port, v, frag)
                if code in clients and clients[code][1] != ok:
                    problems.append("%s %s: openssl says %s, gnutls-cli says %s" % (v, hexcode(code), clients[code][1], ok))
                clients.setdefault(code, ("gnutls-cli", ok))
        if v == "SSLv3":
            got = tlslite_sslv3(port)
            for code in got:
                clients[code] = ("tlslite", True)
            # suites the tlslite client can offer in SSLv3 but never negotiated
            from tlslite.constants import CipherSuite
            for code in CipherSuite.ssl3Suites:
                clients.setdefault(code, ("tlslite", False))
        for code, (tool, ok) in sorted(clients.items()):
            if ok != (code in raw_all[v]):
                problems.append("%s %s: raw probe says %s, %s says %s" % (v, hexcode(code), code in raw_all[v], tool, ok))
        if acc:
            pref, order = preference(port, v, acc)
            prefs[v] = pref
            protocols[v] = [hexcode(c) for c in order]
    known = [p for p in prefs.values() if p is not None]
    result = {"serverPreference": (any(known) if known else None), "protocols": protocols}
    if known and len(set(known)) > 1:
        problems.append("server preference differs per version: %s" % prefs)
    if crosscheck:
        problems += sslscan_crosscheck(port, protocols)
    return result, problems


def sslscan_crosscheck(port: int, protocols: dict[str, Any]) -> list[str]:
    try:
        r = subprocess.run(["sslscan", "--no-colour", "--no-heartbleed", "--no-renegotiation", "--no-compression",
                            "--no-fallback", "--no-check-certificate", "--show-cipher-ids", "%s:%d" % (HOST, port)],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return ["sslscan failed: %s" % e]
    seen: dict[str, set[int]] = {}
    for line in r.stdout.splitlines():
        m = re.match(r"(Preferred|Accepted)\s+(SSLv3|TLSv1\.[0-3])\s+\d+ bits\s+0x([0-9A-Fa-f]+)", line.strip())
        if m:
            seen.setdefault(m.group(2), set()).add(int(m.group(3), 16))
    out = []
    for v in VERSIONS:
        if v == "SSLv3":
            continue  # sslscan's OpenSSL 3 has no SSLv3
        mine = set(int(c, 16) for c in protocols.get(v, []))
        theirs = seen.get(v, set())
        if mine != theirs:
            out.append("sslscan %s: missing %s, extra %s" % (
                v, [hexcode(c) for c in sorted(mine - theirs)], [hexcode(c) for c in sorted(theirs - mine)]))
    return out


def start_origin(kind: str) -> dict[str, Any]:
    r = subprocess.run([os.path.join(ROOT, "scripts", "origin"), "start", kind], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("origin %s failed to start: %s" % (kind, r.stderr))
    return json.loads(r.stdout.strip().splitlines()[-1])


def stop_origin(info: dict[str, Any]) -> None:
    subprocess.run([os.path.join(ROOT, "scripts", "origin"), "stop", str(info["pid"])])


def all_kinds() -> list[str]:
    return subprocess.run([os.path.join(ROOT, "scripts", "origin"), "kinds"], capture_output=True, text=True,
                          check=True).stdout.split()


def scan_kinds(kinds: list[str], crosscheck: bool) -> tuple[dict[str, Any], dict[str, list[str]]]:
    results, problems = {}, {}
    for k in kinds:
        t = time.time()
        info = start_origin(k)
        try:
            res, probs = scan(info["port"], crosscheck)
        finally:
            stop_origin(info)
        results[k] = res
        problems[k] = probs
        print("%-22s %5.1fs  %s%s" % (k, time.time() - t,
                                      ", ".join("%s:%d" % (v, len(c)) for v, c in res["protocols"].items()),
                                      "  serverPreference=%s" % res["serverPreference"]), file=sys.stderr, flush=True)
        for p in probs:
            print("   ! " + p, file=sys.stderr, flush=True)
    return results, problems


def main(argv: list[str]) -> int:
    global VERBOSE
    crosscheck = "--crosscheck" in argv
    VERBOSE = "--verbose" in argv
    argv = [a for a in argv if a not in ("--crosscheck", "--verbose")]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "scan":
        res, probs = scan(int(rest[1]) if len(rest) > 1 else int(rest[0]), crosscheck)
        print(json.dumps(res, indent=2))
        for p in probs:
            print("! " + p, file=sys.stderr)
        return 1 if probs else 0
    kinds = rest or all_kinds()
    results, problems = scan_kinds(kinds, crosscheck)
    nprob = sum(len(p) for p in problems.values())
    if cmd == "generate":
        existing = {}
        if rest and os.path.exists(JSON_PATH):
            with open(JSON_PATH) as f:
                existing = json.load(f)
        existing.update(results)
        with open(JSON_PATH, "w") as f:
            json.dump(dict(sorted(existing.items())), f, indent=2)
            f.write("\n")
        print("wrote %s (%d tool disagreements)" % (JSON_PATH, nprob), file=sys.stderr)
        return 0
    if cmd == "check":
        with open(JSON_PATH) as f:
            expected = json.load(f)
        bad = 0
        for k, res in results.items():
            if expected.get(k) != res:
                bad += 1
                print("MISMATCH %s\n  expected %s\n  oracle   %s" % (k, json.dumps(expected.get(k)), json.dumps(res)),
                      file=sys.stderr)
        print("check: %d kinds, %d mismatches, %d tool disagreements" % (len(results), bad, nprob), file=sys.stderr)
        return 1 if bad or nprob else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
