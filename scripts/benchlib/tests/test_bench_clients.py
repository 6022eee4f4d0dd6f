"""scripts/bench --clients' pure parts (bench_clients) and the relay's handshake capture (relay.HandshakeTap),
on hand-made records: no network."""
from __future__ import annotations

import importlib.util
import os

import bench_clients

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
_spec = importlib.util.spec_from_file_location("relay", os.path.join(ROOT, "scripts", "origins", "relay.py"))
assert _spec is not None and _spec.loader is not None
relay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(relay)


def record(kind: int, payload: bytes) -> bytes:
    return bytes([kind, 3, 3]) + len(payload).to_bytes(2, "big") + payload


def handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def server_hello(suite: int, random_: bytes, extensions: bytes, legacy: int = 0x0303) -> bytes:
    body = legacy.to_bytes(2, "big") + random_ + b"\x00" + suite.to_bytes(2, "big") + b"\x00"
    return handshake(2, body + len(extensions).to_bytes(2, "big") + extensions)


def ext(code: int, data: bytes) -> bytes:
    return code.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data


def test_tls13_hello_retry_then_server_hello() -> None:
    tap = relay.HandshakeTap(server_side=True)
    hrr = server_hello(0x1302, relay.HRR_RANDOM, ext(0x002B, b"\x03\x04") + ext(0x0033, (24).to_bytes(2, "big")))
    sh = server_hello(0x1302, b"\x11" * 32, ext(0x002B, b"\x03\x04") + ext(0x0033, (24).to_bytes(2, "big") + b"\x00\x01\x00"))
    data = record(22, hrr) + record(20, b"\x01") + record(22, sh) + record(23, b"\x99" * 40)
    for i in range(0, len(data), 7):  # bytes arrive in pieces
        tap.feed(data[i:i + 7])
    client = relay.HandshakeTap(server_side=False)
    out = relay.capture_summary(client, tap)
    assert out["helloRetry"] and out["retryGroup"] == 24
    assert (out["version"], out["suite"], out["group"]) == ("TLSv1.3", "0x1302", 24)


def test_tls12_curve_from_the_server_key_exchange_and_a_dh_prime() -> None:
    tap = relay.HandshakeTap(server_side=True)
    sh = server_hello(0xC02F, b"\x22" * 32, b"")
    ske = handshake(12, b"\x03" + (23).to_bytes(2, "big") + b"\x01\x04")
    tap.feed(record(22, sh + handshake(11, b"\x00\x00\x00")) + record(22, ske))
    out = relay.capture_summary(relay.HandshakeTap(server_side=False), tap)
    assert (out["version"], out["suite"], out["group"], out["helloRetry"]) == ("TLSv1.2", "0xC02F", 23, False)
    dh = relay.HandshakeTap(server_side=True)
    prime = relay.FFDHE_PREFIX + b"\x55" * (256 - 16 - 8) + b"\xff" * 8
    dh.feed(record(22, server_hello(0x009F, b"\x33" * 32, b"") + handshake(12, len(prime).to_bytes(2, "big") + prime)))
    out = relay.capture_summary(relay.HandshakeTap(server_side=False), dh)
    assert out["dhBits"] == 2048 and out["ffdhe"] is True and out["group"] is None


def test_plaintext_alerts_of_the_client() -> None:
    client = relay.HandshakeTap(server_side=False)
    client.feed(record(22, handshake(1, b"\x03\x03" + b"\x00" * 40)) + record(21, b"\x02\x2a"))
    out = relay.capture_summary(client, relay.HandshakeTap(server_side=True))
    assert out["clientHellos"] == 1 and out["clientAlerts"] == [{"level": 2, "description": 42}]
    assert out["serverHello"] is False


def test_outcomes_and_agreement() -> None:
    names, groups, dhe = bench_clients.load_catalog()
    real = bench_clients.real_outcome({"connected": True, "version": "TLSv1.3", "suite": "0x1302", "group": 24,
                                       "helloRetry": True}, dhe)
    sim = bench_clients.sim_outcome({"connects": True, "protocol": "TLSv1.3", "code": "0x1302", "group": "secp384r1",
                                     "helloRetry": True}, groups, dhe)
    assert bench_clients.agrees(real, sim) is True
    no_retry = bench_clients.sim_outcome({"connects": True, "protocol": "TLSv1.3", "code": "0x1302", "group": "secp384r1"},
                                         groups, dhe)
    assert bench_clients.agrees(real, no_retry) is False
    tsl = bench_clients.testssl_outcome("TLSv1.3 TLS_AES_256_GCM_SHA384, 384 bit ECDH (P-384)", names, dhe)
    assert bench_clients.agrees(real, tsl, with_retry_and_reason=False) is True
    expired = bench_clients.real_outcome({"connected": False, "failure": "expired"}, dhe)
    assert bench_clients.agrees(expired, bench_clients.sim_outcome(
        {"connects": False, "reason": "would refuse the certificate: the certificate has expired (localhost)"}, groups, dhe))
    assert bench_clients.agrees(expired, bench_clients.testssl_outcome("No connection", names, dhe), False) is True
    assert bench_clients.sim_outcome(None, groups, dhe) is None
