"""`scripts/bench --latency`: the relay's sequential-rounds computation and option parsing (bench_relay.py), and the
pure parts of bench_latency.py (options, the report's critical-path field, the tables and targets, the splice into
bench/results.md). Expected values are worked out by hand; one test runs the relay itself on 127.0.0.1."""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

import bench_latency
import bench_relay
from bench_relay import sequential_rounds


# ---------------------------------------------------------------- rounds

def brute_rounds(spans, tolerance=0.0):
    """The definition, directly: depth(c) = 1 + max depth of the connections that ended at or before c started."""
    depth = {}
    for i in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        s = spans[i][0]
        before = [depth[j] for j in depth if spans[j][1] is not None and spans[j][1] <= s + tolerance]
        depth[i] = 1 + max(before, default=0)
    return max(depth.values(), default=0)


def test_rounds_of_nothing_one_and_a_sequence() -> None:
    assert sequential_rounds([]) == 0
    assert sequential_rounds([(0.0, 1.0)]) == 1
    assert sequential_rounds([(0.0, 1.0), (1.5, 2.0), (2.5, 3.0)]) == 3


def test_parallel_connections_are_one_round() -> None:
    assert sequential_rounds([(0.0, 1.0), (0.1, 1.1), (0.2, 0.9)]) == 1


def test_a_connection_starting_exactly_at_an_end_follows_it() -> None:
    assert sequential_rounds([(0.0, 1.0), (1.0, 2.0)]) == 2  # "ended at or before c started"
    assert sequential_rounds([(0.0, 1.0), (0.999, 2.0)]) == 1
    assert sequential_rounds([(0.0, 1.0), (0.999, 2.0)], tolerance=0.001) == 2


def test_the_longest_chain_not_the_number_of_waves() -> None:
    # a: 0–1, b: 0–3 (long), c: 1.5–2 after a, d: 2.5–4 after c, e: 3.5–5 after b only (d still open)
    spans = [(0.0, 1.0), (0.0, 3.0), (1.5, 2.0), (2.5, 4.0), (3.5, 5.0)]
    # chains: a→c→d (3), a→c→e (3: c ended at 2 ≤ 3.5), b→e (2)
    assert sequential_rounds(spans) == 3
    assert sequential_rounds(list(reversed(spans))) == 3  # input order does not matter


def test_an_open_connection_ends_no_chain_but_counts_itself() -> None:
    assert sequential_rounds([(0.0, None), (1.0, 2.0)]) == 1
    assert sequential_rounds([(0.0, 1.0), (2.0, None)]) == 2


def test_rounds_match_the_definition_on_random_spans() -> None:
    rng = random.Random(16)
    for _ in range(300):
        n = rng.randint(0, 25)
        spans = []
        for _ in range(n):
            s = round(rng.uniform(0, 10), 1)  # coarse: many exact ties between ends and starts
            spans.append((s, None if rng.random() < 0.1 else round(s + rng.uniform(0, 3), 1)))
        for tol in (0.0, 0.05):
            assert sequential_rounds(spans, tol) == brute_rounds(spans, tol), spans


# ---------------------------------------------------------------- relay options

def test_relay_parse_argv(tmp_path) -> None:
    assert bench_relay.parse_argv(["4433"]) == ([4433], 0.0, None)
    assert bench_relay.parse_argv(["--latency-ms", "10", "4433", "4434"]) == ([4433, 4434], 10.0, None)
    assert bench_relay.parse_argv(["--latency-ms=2.5", "4433", "--spans-file", "s.json"]) == ([4433], 2.5, "s.json")
    pf = tmp_path / "ports"
    pf.write_text("20000\n20001\n")
    assert bench_relay.parse_argv(["--ports-file", str(pf), "--latency-ms", "0"]) == ([20000, 20001], 0.0, None)
    for bad in (["--latency-ms", "-1", "1"], ["--latency-ms", "nan", "1"], ["--latency-ms"], ["--latency", "1"],
                ["70000"], ["--latency-ms", "ten", "1"]):
        with pytest.raises(ValueError):
            bench_relay.parse_argv(bad)


def test_relay_command_line_carries_the_one_way_latency() -> None:
    argv = bench_latency.relay_argv("/usr/bin/python3", "/tmp/p", 10.0)
    i = argv.index("--latency-ms")
    assert argv[i + 1] == "10" and argv[argv.index("--ports-file") + 1] == "/tmp/p"
    script = argv.index(next(x for x in argv if x.endswith("bench_relay.py")))
    assert argv[script - 1] == "/usr/bin/python3"
    assert argv[:script - 1] in ([], ["nice", "-n", "-10"])  # raised priority only where allowed (root)


# ---------------------------------------------------------------- bench --latency options

def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    bench_latency.add_arguments(ap)
    return ap


def test_latency_options() -> None:
    a = parser().parse_args([])
    assert a.latency is False and a.latency_rtt_ms == 20.0
    a = parser().parse_args(["--latency", "--latency-rtt-ms", "50"])
    assert a.latency is True and a.latency_rtt_ms == 50.0
    assert bench_latency.one_way_ms(a.latency_rtt_ms) == 25.0
    assert bench_latency.one_way_ms(bench_latency.DEFAULT_RTT_MS) == 10.0
    for bad in ("0", "-20", "nan", "twenty", "20000"):
        with pytest.raises(SystemExit):
            parser().parse_args(["--latency-rtt-ms", bad])


def test_latency_tools_and_origins() -> None:
    known = ["tlsmatrix", "tlsmatrix-nocc", "sslscan", "testssl", "sslyze", "nmap"]
    assert bench_latency.latency_tools(None, known) == ["tlsmatrix", "sslscan", "testssl", "sslyze", "nmap"]
    assert bench_latency.latency_tools("tlsmatrix, nmap", known) == ["tlsmatrix", "nmap"]
    with pytest.raises(ValueError):
        bench_latency.latency_tools("tlsmatrix,zmap", known)
    with pytest.raises(ValueError):
        bench_latency.latency_tools(",", known)
    assert bench_latency.latency_origins(None, ["a", "b", "c"], ["a"], False) == ["a", "b", "c"]
    assert bench_latency.latency_origins(None, ["a", "b", "c"], ["a"], True) == ["a"]
    assert bench_latency.latency_origins("c,a", ["a", "b", "c"], ["a"], False) == ["c", "a"]
    with pytest.raises(ValueError):
        bench_latency.latency_origins("a,x", ["a", "b", "c"], ["a"], False)


# ---------------------------------------------------------------- the report's field

def test_critical_path_rounds_is_read_defensively() -> None:
    assert bench_latency.critical_path_rounds({"network": {"criticalPathRounds": 12}}) == 12
    assert bench_latency.critical_path_rounds({"network": {"criticalPathRounds": 7.5}}) == 7.5
    for report in (None, [], {}, {"network": None}, {"network": []}, {"network": {}},
                   {"network": {"criticalPathRounds": None}}, {"network": {"criticalPathRounds": "12"}},
                   {"network": {"criticalPathRounds": True}}, {"network": {"criticalPathRounds": -1}},
                   {"network": {"criticalPathRounds": float("nan")}}, {"network": {"criticalPathRounds": float("inf")}}):
        assert bench_latency.critical_path_rounds(report) is None, report
    assert bench_latency.lower_bound_s(12, 20.0) == pytest.approx(0.24)
    assert bench_latency.lower_bound_s(None, 20.0) is None


# ---------------------------------------------------------------- rows, targets, tables

def result(origin, tool, wall, conns, rounds, correct=True, timed_out=False, late=0.8, busy=0.01):
    return {"origin": origin, "tool": tool, "summary": {
        "wall": wall, "walls": [wall], "correct": correct, "timedOut": timed_out, "exit": 0,
        "load": {"meanForeignCpu": busy, "maxForeignCpu": busy, "top": []},
        "count": {"connections": conns, "rounds": rounds, "delivery": {"lateMaxMs": late}}}}


def rows_fixture():
    rtt = 20.0
    return [
        bench_latency.row_from_result(result("openssl-modern", "tlsmatrix", 0.9, 27, 9), rtt, {"connections": 27}),
        bench_latency.row_from_result(result("openssl-modern", "sslscan", 3.5, 93, 80), rtt, None),
        bench_latency.row_from_result(result("openssl-modern", "nmap", 1.2, 47, 12, late=7.25), rtt, None),
        bench_latency.row_from_result(result("openssl-wide", "tlsmatrix", 3.0, 283, 40), rtt,
                                      {"network": {"criticalPathRounds": 100}}),
        bench_latency.row_from_result(result("openssl-wide", "sslscan", 9.0, 221, 200, correct=False, busy=0.4), rtt, None),
        bench_latency.row_from_result(result("openssl-wide", "nmap", 1200.0, 20, 3, timed_out=True), rtt, None),
    ]


def test_row_from_result() -> None:
    rows = rows_fixture()
    wide = rows[3]
    assert wide["criticalPathRounds"] == 100
    assert wide["lowerBound"] == pytest.approx(2.0)
    assert wide["wallOverLowerBound"] == pytest.approx(1.5)
    assert rows[0]["criticalPathRounds"] is None and rows[0]["lowerBound"] is None and rows[0]["wallOverLowerBound"] is None
    assert rows[1]["criticalPathRounds"] is None  # peers have no lower bound
    assert rows[2]["lateMaxMs"] == 7.25
    assert rows[4]["foreignCpu"] == 0.4


def test_targets() -> None:
    tg = bench_latency.targets(rows_fixture(), ["openssl-modern", "openssl-wide", "gnutls-legacy"])
    m = tg["perOrigin"]["openssl-modern"]
    assert (m["tlsmatrix"], m["peerMin"], m["peerMinTool"], m["met"]) == (0.9, 1.2, "nmap", True)
    w = tg["perOrigin"]["openssl-wide"]  # nmap timed out: the minimum is sslscan's (wrong suites still count)
    assert (w["peerMin"], w["peerMinTool"], w["met"]) == (9.0, "sslscan", True)
    assert tg["perOrigin"]["gnutls-legacy"]["met"] is None
    assert tg["wide"] == [{"origin": "openssl-wide", "ratio": pytest.approx(1.5), "met": True, "measured": True}]
    slow = [dict(r, wall=1.3) if r["tool"] == "tlsmatrix" and r["origin"] == "openssl-modern" else r for r in rows_fixture()]
    assert bench_latency.targets(slow, ["openssl-modern"])["perOrigin"]["openssl-modern"]["met"] is False
    assert bench_latency.targets(slow, ["openssl-modern"])["wide"] == []


LABELS = {"tlsmatrix": "tlsmatrix", "sslscan": "sslscan", "nmap": "nmap ssl-enum-ciphers"}


def test_tools_table() -> None:
    L = bench_latency.tools_table(rows_fixture(), ["openssl-modern", "gnutls-legacy", "openssl-wide"],
                                  ["tlsmatrix", "sslscan", "nmap"], LABELS)
    assert L == [
        "| origin | tlsmatrix | sslscan | nmap ssl-enum-ciphers |",
        "|---|---:|---:|---:|",
        "| openssl-modern | 0.90 / 27 / 9 | 3.50 / 93 / 80 | 1.20 / 47 / 12 |",
        "| openssl-wide | 3.00 / 283 / 40 | 9.00 / 221 / 200 ✗ | timeout (1200 s) / 20 / 3 |",
    ]


def test_tlsmatrix_table_and_summary() -> None:
    rows = rows_fixture()
    origins = ["openssl-modern", "openssl-wide"]
    tg = bench_latency.targets(rows, origins)
    L = bench_latency.tlsmatrix_table(rows, origins, tg, 20.0)
    assert L[0] == ("| origin | tlsmatrix wall s | min(nmap, sslscan) wall s | tlsmatrix ≤ min? | relay rounds | "
                    "criticalPathRounds (report) | lower bound s (× 20 ms) | wall / lower bound | < 2× (wide origins) |")
    assert L[2] == "| openssl-modern | 0.90 | 1.20 (nmap) | yes | 9 |  |  |  |  |"
    assert L[3] == "| openssl-wide | 3.00 | 9.00 (sslscan) | yes | 40 | 100 | 2.00 | 1.50× | yes |"
    assert bench_latency.targets_summary(tg) == [
        "- Target: tlsmatrix wall ≤ min(nmap, sslscan) wall on every origin — met on 2 of 2 origins.",
        "- Target: openssl-wide wall < 2× its lower bound — met (1.50×)."]


def test_summary_without_the_report_field_and_with_a_miss() -> None:
    rows = [bench_latency.row_from_result(result("openssl-wide", "tlsmatrix", 5.0, 283, 40), 20.0, {}),
            bench_latency.row_from_result(result("openssl-wide", "nmap", 2.0, 170, 60), 20.0, None)]
    tg = bench_latency.targets(rows, ["openssl-wide"])
    assert bench_latency.targets_summary(tg) == [
        "- Target: tlsmatrix wall ≤ min(nmap, sslscan) wall on every origin — met on 0 of 1 origins, missed on openssl-wide.",
        "- Target: openssl-wide wall < 2× its lower bound — not measurable: the tlsmatrix report has no "
        "`network.criticalPathRounds`."]
    assert bench_latency.tlsmatrix_table(rows, ["openssl-wide"], tg, 20.0)[2] == \
        "| openssl-wide | 5.00 | 2.00 (nmap) | **no** | 40 |  |  |  | – |"


def test_render_section() -> None:
    md = bench_latency.render(
        rows_fixture(), origins=["openssl-modern", "openssl-wide"], tools=["tlsmatrix", "sslscan", "nmap"],
        labels=LABELS, rtt=20.0, command="scripts/bench --latency", started="2026-12-07 10:00 UTC", machine="Linux, 2 cores",
        versions={"tlsmatrix": "git abc"}, shown_argv={"tlsmatrix": ["tlsmatrix", "scan", "127.0.0.1:PORT"]},
        calibration={"n": 5, "connections": 5, "rounds": 5, "rttMedianMs": 20.8, "rttMaxMs": 21.4, "exchanges": 20},
        load_summary="idle", repeat=1, elapsed=125.4)
    assert md.startswith("## Latency (20 ms round trip)\n")
    assert "`scripts/benchlib/bench_relay.py --latency-ms 10`" in md
    assert "5 of 5 sequential test connections counted, 5 rounds" in md
    assert "median 20.8 ms, max 21.4 ms over 20 exchanges" in md
    assert "relay delivery lag (event loop) at most 7.2 ms over all runs" in md
    assert "- tlsmatrix: git abc — `tlsmatrix scan 127.0.0.1:PORT`" in md
    assert "| openssl-wide | 3.00 | 9.00 (sslscan) | yes | 40 | 100 | 2.00 | 1.50× | yes |" in md
    assert "over 20 exchanges; relay delivery lag (event loop) at most 7.2 ms over all runs. The run took 125 s." in md
    assert "more than 15% of the cores (their wall times are less trustworthy): sslscan on openssl-wide: 40%." in md
    assert "more than 5 ms late (the added latency was that much larger there): nmap ssl-enum-ciphers on openssl-modern: 7.2 ms." in md


# ---------------------------------------------------------------- results.md

def test_splice_replaces_only_its_section() -> None:
    checks = "<!-- checks-bench: x -->\n## Full scan vs checks\n<!-- /checks-bench -->\n"
    base = "# tlsmatrix benchmark\n\n## openssl-modern\n\n| a |\n\n" + checks
    once = bench_latency.splice(base, "## Latency (20 ms round trip)\n\nv1\n")
    assert once.startswith(base.rstrip("\n") + "\n\n" + bench_latency.MARK_BEGIN + "\n## Latency (20 ms round trip)\n")
    assert once.endswith("v1\n" + bench_latency.MARK_END + "\n")
    twice = bench_latency.splice(once, "## Latency (20 ms round trip)\n\nv2")
    assert twice == once.replace("v1", "v2")
    assert checks in twice and "v1" not in twice
    assert bench_latency.splice("", "## L") == bench_latency.MARK_BEGIN + "\n## L\n" + bench_latency.MARK_END + "\n"
    # a section in the middle keeps what follows it
    middle = "head\n" + bench_latency.MARK_BEGIN + "\nold\n" + bench_latency.MARK_END + "\n\n" + checks
    assert bench_latency.splice(middle, "new") == "head\n" + bench_latency.MARK_BEGIN + "\nnew\n" + \
        bench_latency.MARK_END + "\n" + checks


# ---------------------------------------------------------------- the relay, for real (127.0.0.1, ~0.5 s)

def test_relay_delays_keeps_order_and_reports_rounds() -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return

            def echo(c=c) -> None:
                with c:
                    while True:
                        d = c.recv(65536)
                        if not d:
                            return
                        c.sendall(d)
            threading.Thread(target=echo, daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()
    relay = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench_relay.py")
    p = subprocess.Popen([sys.executable, relay, "--latency-ms", "5", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        lp = json.loads(p.stdout.readline())["ready"][str(port)]
        payload = bytes(itertools.islice(itertools.cycle(range(251)), 300000))
        with socket.create_connection(("127.0.0.1", lp)) as s:  # round 1
            t0 = time.monotonic()
            s.sendall(b"x")
            assert s.recv(1) == b"x"
            assert time.monotonic() - t0 >= 0.010  # 5 ms each way
            threading.Thread(target=s.sendall, args=(payload,), daemon=True).start()
            got = b""
            while len(got) < len(payload):
                got += s.recv(65536)
            assert got == payload
            s.shutdown(socket.SHUT_WR)
            t0 = time.monotonic()
            assert s.recv(1) == b""  # our FIN to the echo, its FIN back: both after the delay
            assert time.monotonic() - t0 >= 0.010
        for _ in range(2):  # rounds 2 and 3
            with socket.create_connection(("127.0.0.1", lp)) as s:
                s.sendall(b"y")
                s.recv(1)
        parallel = [socket.create_connection(("127.0.0.1", lp)) for _ in range(3)]  # round 4, together
        for s in parallel:
            s.sendall(b"z")
        for s in parallel:
            s.recv(1)
            s.close()
        time.sleep(0.05)
    finally:
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=10)
        srv.close()
    final = json.loads(out.strip().splitlines()[-1])
    assert final["accepted"] == 6 and final["perTarget"] == {str(port): 6}
    assert final["perTargetRounds"] == {str(port): 4}
    assert final["latencyMs"] == 5.0 and final["delivery"]["chunks"] > 0


def test_each_wide_origin_has_its_own_target() -> None:
    rows = rows_fixture() + [bench_latency.row_from_result(result("nginx-wide", "tlsmatrix", 5.0, 300, 90), 20.0,
                                                            {"network": {"criticalPathRounds": 100}})]
    tg = bench_latency.targets(rows, ["openssl-wide", "nginx-wide", "openssl-modern"])
    assert [(w["origin"], w["met"]) for w in tg["wide"]] == [("openssl-wide", True), ("nginx-wide", False)]
    summary = bench_latency.targets_summary(tg)
    assert summary[1:] == ["- Target: openssl-wide wall < 2× its lower bound — met (1.50×).",
                           "- Target: nginx-wide wall < 2× its lower bound — **missed** (2.50×)."]
    table = bench_latency.tlsmatrix_table(rows, ["openssl-wide", "nginx-wide", "openssl-modern"], tg, 20.0)
    assert table[3] == "| nginx-wide | 5.00 | – | – | 90 | 100 | 2.00 | 2.50× | **no** |"
    assert table[4].endswith(" |  |")  # no wide target on openssl-modern
    assert bench_latency.targets_summary(bench_latency.targets(rows, ["openssl-modern"]))[1] == \
        "- Target: wall < 2× the lower bound on the wide origins (openssl-wide, nginx-wide) — none in this run."
