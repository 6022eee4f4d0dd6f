"""The parsers behind the benchmark's "Correct?" column (scripts/benchlib/bench_parse.py).

Each fixture in fixtures/ is a small output written by hand in the documented format of the tool as
scripts/bench runs it (sslscan --xml, testssl.sh --jsonfile, sslyze --json_out, nmap -oX with
ssl-enum-ciphers); the expected values below were worked out by hand from those files and
fixtures/catalog.json (a subset of Data/cipher-suites.json).
"""
from __future__ import annotations

import json
import os
from typing import Any

import pytest

import bench_parse
from bench_parse import Catalog

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def fixture(name: str) -> str:
    return os.path.join(HERE, "fixtures", name)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(fixture("catalog.json"))


# --- normalisation -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("0xc02f", "0xC02F"), ("xc02f", "0xC02F"), ("C02F", "0xC02F"), ("x0a", "0x000A"), ("00,0A", "0x000A"),
    (" 0x1301 ", "0x1301"), ("x010080", None), ("", None), ("zz", None),
])
def test_norm_code(raw: str, expected: str | None) -> None:
    assert bench_parse.norm_code(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("SSLv2", "SSLv2"), ("ssl3", "SSLv3"), ("TLSv1", "TLSv1.0"), ("tls1", "TLSv1.0"), ("TLSv1.0", "TLSv1.0"),
    ("tls1_1", "TLSv1.1"), ("TLS_1_2", "TLSv1.2"), ("TLS 1.3", "TLSv1.3"), ("TLSv1.4", None), ("", None),
])
def test_norm_version(raw: str, expected: str | None) -> None:
    assert bench_parse.norm_version(raw) == expected


def test_catalog_maps_every_name_family(catalog: Catalog) -> None:
    assert catalog.code_for("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") == "0xC02F"   # IANA
    assert catalog.code_for("ecdhe-rsa-aes128-gcm-sha256") == "0xC02F"             # OpenSSL, any case
    assert catalog.code_for("TLS_RSA_3DES_EDE_CBC_SHA1") == "0x000A"               # GnuTLS
    assert catalog.code_for("TLS_AKE_WITH_AES_128_GCM_SHA256") == "0x1301"         # nmap's TLS 1.3 names
    assert catalog.code_for("SSL_RSA_WITH_RC4_128_MD5") == "0x0004"                # SSL_ prefix
    assert catalog.code_for("SSL_CK_RC4_128_WITH_MD5") is None                     # three-byte SSLv2 code: skipped
    assert catalog.code_for("NOT-A-SUITE") is None
    assert catalog.label("0xC030") == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    assert catalog.label("0xFFFF") == "0xFFFF"


def test_real_catalog_maps_the_fixture_names() -> None:
    real = Catalog(os.path.join(ROOT, "Data", "cipher-suites.json"))
    with open(fixture("catalog.json")) as f:
        subset = json.load(f)["suites"]
    for suite in subset:
        code = bench_parse.norm_code(suite["code"])
        if code is None:
            continue
        for key in ("iana", "openssl", "gnutls"):
            assert real.code_for(suite[key]) == code, (key, suite[key])


# --- one parser per tool -------------------------------------------------------------------------

def test_sslscan(catalog: Catalog) -> None:
    r = bench_parse.parse_sslscan(fixture("sslscan.xml"), catalog)
    assert r["error"] is None
    assert r["claimed"] == {"TLSv1.0", "TLSv1.2", "TLSv1.3"}
    assert r["suites"] == {
        "TLSv1.3": {"0x1302", "0x1301"},
        "TLSv1.2": {"0xC030", "0xC02F"},   # 0xC02F has no id attribute: mapped by its OpenSSL name
        "TLSv1.0": {"0x000A"},
    }
    assert r["unmapped"] == ["EXP-MADE-UP-SUITE"]


def test_sslscan_connection_error(catalog: Catalog) -> None:
    r = bench_parse.parse_sslscan(fixture("sslscan-refused.xml"), catalog)
    assert r["error"] == "no <ssltest> in XML: Could not open a connection to host 127.0.0.1 (127.0.0.1) on port 1."
    assert r["suites"] == {} and r["claimed"] == set()


def test_testssl_flat_json(catalog: Catalog) -> None:
    r = bench_parse.parse_testssl(fixture("testssl.json"), catalog)
    assert r["error"] is None
    assert r["claimed"] == {"TLSv1.0", "TLSv1.2", "TLSv1.3"}   # "offered (deprecated)" and "offered with final" count
    assert r["suites"] == {
        "TLSv1.0": {"0x000A"},
        "TLSv1.2": {"0xC030", "0xC02F"},
        "TLSv1.3": {"0x1302", "0x1301"},
    }
    assert r["unmapped"] == ["cipher-ssl2_x010080"]
    assert r["notes"] == ["scanProblem: Scan interrupted"]


def test_testssl_pretty_json_reads_the_same(catalog: Catalog, tmp_path: Any) -> None:
    with open(fixture("testssl.json")) as f:
        flat = json.load(f)
    pretty = {"Invocation": "testssl --jsonfile-pretty", "scanResult": [
        {"targetHost": "127.0.0.1", "port": "8443", "protocols": flat[:8], "ciphers": flat[8:]}]}
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(pretty))
    assert bench_parse.parse_testssl(str(path), catalog) == bench_parse.parse_testssl(fixture("testssl.json"), catalog)


def test_sslyze(catalog: Catalog) -> None:
    r = bench_parse.parse_sslyze(fixture("sslyze.json"), catalog)
    assert r["error"] is None
    assert r["claimed"] == {"TLSv1.2", "TLSv1.3"}
    assert r["suites"] == {
        "TLSv1.2": {"0xC030", "0xC02F"},   # 0xC02F by openssl_name when the name is unknown
        "TLSv1.3": {"0x1302"},
    }
    assert r["unmapped"] == ["TLS_MADE_UP_SUITE"]
    assert r["notes"] == ["SSLv3: ERROR BUG_IN_SSLYZE"]


def test_sslyze_no_connectivity(catalog: Catalog) -> None:
    r = bench_parse.parse_sslyze(fixture("sslyze-refused.json"), catalog)
    assert r["error"] == ("connectivity ERROR: Traceback (most recent call last): ... "
                          "ConnectionToServerFailed: Connection rejected")


def test_nmap(catalog: Catalog) -> None:
    r = bench_parse.parse_nmap(fixture("nmap.xml"), catalog)
    assert r["error"] is None
    assert r["claimed"] == {"TLSv1.2", "TLSv1.3"}
    assert r["suites"] == {
        "TLSv1.2": {"0xC030", "0xC02F", "0x0004"},   # SSL_RSA_WITH_RC4_128_MD5 via its TLS_ name
        "TLSv1.3": {"0x1302", "0x1301"},             # TLS_AKE_WITH_* names
    }
    assert r["unmapped"] == ["TLS_RSA_WITH_MADE_UP_SUITE"]


def test_nmap_closed_port(catalog: Catalog) -> None:
    r = bench_parse.parse_nmap(fixture("nmap-closed.xml"), catalog)
    assert r["error"] is not None and "no ssl-enum-ciphers result" in r["error"]


@pytest.mark.parametrize("tool", ["sslscan", "testssl", "sslyze", "nmap", "tlsmatrix"])
def test_missing_or_garbled_output_is_an_error(catalog: Catalog, tool: str, tmp_path: Any) -> None:
    missing = str(tmp_path / "absent")
    assert bench_parse.PARSERS[tool](missing, catalog)["error"] is not None
    garbled = tmp_path / "garbled"
    garbled.write_text("<<not json, not xml")
    r = bench_parse.PARSERS[tool](str(garbled), catalog)
    assert r["error"] is not None and r["suites"] == {}


def test_tlsmatrix_report() -> None:
    report = {"protocols": [
        {"version": "TLSv1.3", "supported": True, "suites": [{"code": "0x1302"}, {"code": "0x1301"}]},
        {"version": "TLSv1.2", "supported": True, "suites": [{"code": "0xc02f"}]},
        {"version": "TLSv1.1", "supported": False, "suites": []},
        {"version": "QUIC", "supported": True, "suites": [{"code": "0x1301"}]},
    ], "connections": 41, "connectionLowerBound": 12, "elapsedSeconds": 1.5, "complete": True,
        "reachability": {"status": "reachable"}}
    r = bench_parse.tlsmatrix_report(report)
    assert r["suites"] == {"TLSv1.3": {"0x1302", "0x1301"}, "TLSv1.2": {"0xC02F"}}
    assert r["claimed"] == {"TLSv1.3", "TLSv1.2"}
    assert (r["reported_connections"], r["connection_lower_bound"], r["complete"], r["reachability"]) == \
        (41, 12, True, "reachable")


# --- the correctness column ----------------------------------------------------------------------

def test_expected_for_normalises() -> None:
    origins = {"k": {"protocols": {"TLSv1.2": ["0xc030", "0xC02F"], "TLSv1": ["0x000a"]}}}
    assert bench_parse.expected_for(origins, "k") == {"TLSv1.2": {"0xC030", "0xC02F"}, "TLSv1.0": {"0x000A"}}


def test_expected_for_rejects_a_broken_origins_json() -> None:
    with pytest.raises(ValueError):
        bench_parse.expected_for({"k": {"protocols": {"TLSv9": ["0x0001"]}}}, "k")
    with pytest.raises(ValueError):
        bench_parse.expected_for({"k": {"protocols": {"TLSv1.2": ["nope"]}}}, "k")


def test_expected_for_the_committed_origins_json() -> None:
    with open(os.path.join(ROOT, "scripts", "oracle", "origins.json")) as f:
        origins = json.load(f)
    assert origins
    for kind in origins:
        assert set(bench_parse.expected_for(origins, kind)) <= set(bench_parse.VERSIONS)


def test_compare_counts_missing_and_extra_per_version(catalog: Catalog) -> None:
    expected = {"TLSv1.3": {"0x1302", "0x1301"}, "TLSv1.2": {"0xC030", "0xC02F"}, "TLSv1.0": {"0x000A"}}
    nmap = bench_parse.parse_nmap(fixture("nmap.xml"), catalog)
    c = bench_parse.compare(expected, nmap)
    # nmap's fixture lacks TLS 1.0 (one missing) and lists RC4-MD5 under TLS 1.2 (one extra)
    assert (c["correct"], c["missing"], c["extra"]) == (False, 1, 1)
    assert c["detail"] == ["TLSv1.0 missing 1", "TLSv1.2 extra 1"]
    assert c["per_version"] == {"TLSv1.0": (["0x000A"], []), "TLSv1.2": ([], ["0x0004"])}
    sslscan = bench_parse.parse_sslscan(fixture("sslscan.xml"), catalog)
    assert bench_parse.compare(expected, sslscan)["correct"] is True


def test_compare_is_not_correct_when_the_output_had_an_error() -> None:
    parsed = {"suites": {"TLSv1.2": {"0xC030"}}, "claimed": {"TLSv1.2"}, "unmapped": [], "error": "timeout"}
    c = bench_parse.compare({"TLSv1.2": {"0xC030"}}, parsed)
    assert (c["correct"], c["missing"], c["extra"], c["detail"]) == (False, 0, 0, [])
