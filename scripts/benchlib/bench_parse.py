#!/usr/bin/env python3
"""Parse each benchmarked scanner's output into {version: set of suite codes} (scripts/bench).

Versions are normalised to SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3; suite codes to "0xC02F".
Names are mapped to codes with Data/cipher-suites.json (IANA, OpenSSL and GnuTLS names).
Every parser returns a dict:
  suites     {version: set(code)}           accepted suites the tool listed
  claimed    set(version)                   protocols the tool says are offered (with or without suites)
  unmapped   [name]                         suite names that could not be mapped to a code
  error      str or None                    why the output could not be read
"""
from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from typing import Any, Callable, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
# {version: set of suite codes}; a parser's result (see the module docstring for the keys)
Suites = dict[str, set[str]]
Parsed = dict[str, Any]

VERSIONS: list[str] = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

_VERSION_ALIASES: dict[str, str] = {
    "sslv2": "SSLv2", "ssl2": "SSLv2", "ssl_2_0": "SSLv2", "ssl 2": "SSLv2",
    "sslv3": "SSLv3", "ssl3": "SSLv3", "ssl_3_0": "SSLv3", "ssl 3": "SSLv3",
    "tlsv1": "TLSv1.0", "tlsv1.0": "TLSv1.0", "tls1": "TLSv1.0", "tls_1_0": "TLSv1.0", "tls 1": "TLSv1.0",
    "tls 1.0": "TLSv1.0",
    "tlsv1.1": "TLSv1.1", "tls1_1": "TLSv1.1", "tls_1_1": "TLSv1.1", "tls 1.1": "TLSv1.1",
    "tlsv1.2": "TLSv1.2", "tls1_2": "TLSv1.2", "tls_1_2": "TLSv1.2", "tls 1.2": "TLSv1.2",
    "tlsv1.3": "TLSv1.3", "tls1_3": "TLSv1.3", "tls_1_3": "TLSv1.3", "tls 1.3": "TLSv1.3",
}


def norm_version(v: object) -> Optional[str]:
    return _VERSION_ALIASES.get(str(v).strip().lower())


def norm_code(c: object) -> Optional[str]:
    """'0xc02f' / 'xc02f' / 'x0a' / 'C02F' -> '0xC02F' (two-byte codes only; SSLv2 three-byte codes -> None)."""
    s = str(c).strip().lower()
    if s.startswith("0x"):
        s = s[2:]
    elif s.startswith("x"):
        s = s[1:]
    s = s.replace(",", "").replace(" ", "")
    if not s or not re.fullmatch(r"[0-9a-f]+", s) or len(s) > 4:
        return None
    return "0x%04X" % int(s, 16)


class Catalog:
    def __init__(self, path: Optional[str] = None) -> None:
        path = path or os.path.join(ROOT, "Data", "cipher-suites.json")
        with open(path) as f:
            data = json.load(f)
        self.by_name: dict[str, str] = {}
        self.by_code: dict[str, dict[str, Any]] = {}
        for s in data["suites"]:
            code = norm_code(s["code"])
            if code is None:
                continue
            self.by_code[code] = s
            for key in ("iana", "openssl", "gnutls"):
                name = s.get(key)
                if name:
                    self.by_name.setdefault(name.upper(), code)

    def code_for(self, name: str) -> Optional[str]:
        n = name.strip().upper()
        if n in self.by_name:
            return self.by_name[n]
        # nmap's ssl-enum-ciphers names TLS 1.3 suites TLS_AKE_WITH_<cipher>
        if n.startswith("TLS_AKE_WITH_"):
            return self.by_name.get("TLS_" + n[len("TLS_AKE_WITH_"):])
        # some tools print SSL_ instead of TLS_ for SSLv3-era suites
        if n.startswith("SSL_"):
            return self.by_name.get("TLS_" + n[4:])
        return None

    def label(self, code: str) -> str:
        s = self.by_code.get(code)
        return (s.get("iana") or code) if s else code


def _result(suites: Optional[Suites] = None, claimed: Optional[set[str]] = None, unmapped: Optional[list[str]] = None,
            error: Optional[str] = None, **extra: Any) -> Parsed:
    r: Parsed = {"suites": suites or {}, "claimed": claimed or set(), "unmapped": unmapped or [], "error": error}
    r.update(extra)
    return r


def _add(suites: Suites, version: str, code: str) -> None:
    suites.setdefault(version, set()).add(code)


def parse_tlsmatrix(path: str, catalog: Optional[Catalog] = None) -> Parsed:
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        return _result(error="no JSON report (%s)" % e)
    return tlsmatrix_report(d)


def tlsmatrix_report(d: dict[str, Any]) -> Parsed:
    suites: Suites = {}
    claimed: set[str] = set()
    for p in d.get("protocols") or []:
        v = norm_version(p.get("version"))
        if v is None:
            continue
        if p.get("supported"):
            claimed.add(v)
        for s in p.get("suites") or []:
            c = norm_code(s.get("code"))
            if c:
                _add(suites, v, c)
    return _result(suites, claimed, reported_connections=d.get("connections"),
                   connection_lower_bound=d.get("connectionLowerBound"),
                   elapsed=d.get("elapsedSeconds"), complete=d.get("complete"),
                   reachability=(d.get("reachability") or {}).get("status"))


def parse_sslscan(path: str, catalog: Catalog) -> Parsed:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return _result(error="no XML output (%s)" % e)
    suites: Suites = {}
    claimed: set[str] = set()
    unmapped: list[str] = []
    test = root.find("ssltest")
    if test is None:
        err = root.find("error")
        return _result(error="no <ssltest> in XML" + (": " + err.text.strip() if err is not None and err.text else ""))
    for p in test.findall("protocol"):
        v = norm_version(("SSLv" if p.get("type") == "ssl" else "TLSv") + p.get("version", ""))
        if v and p.get("enabled") == "1":
            claimed.add(v)
    for c in test.findall("cipher"):
        v = norm_version(c.get("sslversion", ""))
        code = norm_code(c.get("id", "")) or catalog.code_for(c.get("cipher", ""))
        if v is None:
            continue
        if code is None:
            unmapped.append(c.get("cipher", "?"))
            continue
        _add(suites, v, code)
    return _result(suites, claimed, unmapped)


def parse_testssl(path: str, catalog: Catalog) -> Parsed:
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        return _result(error="no JSON output (%s)" % e)
    if isinstance(d, dict):  # --jsonfile-pretty layout
        items: list[dict[str, Any]] = []
        for sr in d.get("scanResult", []):
            for k, v in sr.items():
                if isinstance(v, list):
                    items.extend(v)
    else:
        items = d
    suites: Suites = {}
    claimed: set[str] = set()
    unmapped: list[str] = []
    notes: list[str] = []
    proto_ids = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1",
                 "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
    for item in items:
        i = item.get("id", "")
        finding = item.get("finding", "")
        if i in proto_ids:
            if finding.startswith("offered"):
                claimed.add(proto_ids[i])
            continue
        m = re.match(r"cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$", i)
        if m:
            v = _VERSION_ALIASES[m.group(1)]  # every alternative of the pattern is an alias
            code = norm_code(m.group(2))
            if code is None:  # SSLv2 three-byte codes, or unexpected
                name = finding.split()[3] if len(finding.split()) > 3 else i
                code = catalog.code_for(name)
            if code is None:
                unmapped.append(i)
            else:
                _add(suites, v, code)
        elif i in ("scanProblem", "optimal_proto") or item.get("severity") == "FATAL":
            notes.append("%s: %s" % (i, finding))
    return _result(suites, claimed, unmapped, notes=notes)


def parse_sslyze(path: str, catalog: Catalog) -> Parsed:
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        return _result(error="no JSON output (%s)" % e)
    results = d.get("server_scan_results") or []
    if not results:
        return _result(error="no server_scan_results")
    sr = results[0]
    if sr.get("connectivity_status") != "COMPLETED":
        return _result(error="connectivity %s: %s" % (sr.get("connectivity_status"),
                                                      (sr.get("connectivity_error_trace") or "")[-200:]))
    suites: Suites = {}
    claimed: set[str] = set()
    unmapped: list[str] = []
    notes: list[str] = []
    for key, r in (sr.get("scan_result") or {}).items():
        m = re.match(r"(ssl_2_0|ssl_3_0|tls_1_0|tls_1_1|tls_1_2|tls_1_3)_cipher_suites$", key)
        if not m or r is None:
            continue
        v = _VERSION_ALIASES[m.group(1)]  # every alternative of the pattern is an alias
        if r.get("status") != "COMPLETED":
            notes.append("%s: %s %s" % (v, r.get("status"), (r.get("error_reason") or "")))
            continue
        res = r.get("result") or {}
        if res.get("is_tls_version_supported"):
            claimed.add(v)
        for a in res.get("accepted_cipher_suites") or []:
            cs = a.get("cipher_suite") or {}
            code = catalog.code_for(cs.get("name", "")) or catalog.code_for(cs.get("openssl_name") or "")
            if code is None:
                unmapped.append(cs.get("name", "?"))
            else:
                _add(suites, v, code)
    return _result(suites, claimed, unmapped, notes=notes)


def parse_nmap(path: str, catalog: Catalog) -> Parsed:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return _result(error="no XML output (%s)" % e)
    suites: Suites = {}
    claimed: set[str] = set()
    unmapped: list[str] = []
    script: Optional[ET.Element] = None
    for s in root.iter("script"):
        if s.get("id") == "ssl-enum-ciphers":
            script = s
            break
    if script is None:
        return _result(error="no ssl-enum-ciphers result in the XML (port closed, or the script did not run)")
    for t in script.findall("table"):
        v = norm_version(t.get("key", ""))
        if v is None:
            continue
        claimed.add(v)
        for ciphers in t.findall("table"):
            if ciphers.get("key") != "ciphers":
                continue
            for c in ciphers.findall("table"):
                name = None
                for elem in c.findall("elem"):
                    if elem.get("key") == "name":
                        name = (elem.text or "").strip()
                if not name:
                    continue
                code = catalog.code_for(name)
                if code is None:
                    unmapped.append(name)
                else:
                    _add(suites, v, code)
    return _result(suites, claimed, unmapped)


PARSERS: dict[str, Callable[[str, Catalog], Parsed]] = {
    "tlsmatrix": parse_tlsmatrix,
    "tlsmatrix-nocc": parse_tlsmatrix,
    "sslscan": parse_sslscan,
    "testssl": parse_testssl,
    "sslyze": parse_sslyze,
    "nmap": parse_nmap,
}


def expected_for(origins_json: dict[str, Any], kind: str) -> dict[str, set[str]]:
    """origins.json entry -> {version: set(code)} with normalised versions; ValueError on a version or
    code that does not normalise (origins.json is generated, so that is a broken file, not a result)."""
    entry = origins_json[kind]
    out: dict[str, set[str]] = {}
    for v, codes in entry["protocols"].items():
        nv = norm_version(v)
        if nv is None:
            raise ValueError("origins.json %s: unknown protocol version %r" % (kind, v))
        normalised = set()
        for c in codes:
            nc = norm_code(c)
            if nc is None:
                raise ValueError("origins.json %s %s: bad suite code %r" % (kind, v, c))
            normalised.add(nc)
        out[nv] = normalised
    return out


def compare(expected: dict[str, set[str]], parsed: Parsed) -> dict[str, Any]:
    """-> dict(correct, missing, extra, detail[list of str], per_version{v: (missing set, extra set)})."""
    got = parsed["suites"]
    per: dict[str, tuple[list[str], list[str]]] = {}
    missing = extra = 0
    detail: list[str] = []
    for v in VERSIONS:
        e = expected.get(v, set())
        g = got.get(v, set())
        mi, ex = e - g, g - e
        if mi or ex:
            per[v] = (sorted(mi), sorted(ex))
            missing += len(mi)
            extra += len(ex)
            parts = []
            if mi:
                parts.append("missing %d" % len(mi))
            if ex:
                parts.append("extra %d" % len(ex))
            detail.append("%s %s" % (v, ", ".join(parts)))
    ok = parsed.get("error") is None and missing == 0 and extra == 0
    return {"correct": ok, "missing": missing, "extra": extra, "detail": detail, "per_version": per}
