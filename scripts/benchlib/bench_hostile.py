#!/usr/bin/env python3
"""Benchmark (not a test) of tlsmatrix against hostile origins that attack its memory and CPU.

usage: bench_hostile.py --bin TLSMATRIX [--out FILE] [--repeat N]

Starts scripts/origins/hostile_origin.py in chain-bomb mode (accepts every suite, sends a Certificate message of
just under 1 MiB holding thousands of tiny certificates) and scans it with one `tlsmatrix scan`, measuring
wall time and peak RSS with /usr/bin/time. Target (issue 11, item 6): peak RSS under 100 MB. Writes a
Markdown table (default bench/hostile.md).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_origin(mode: str) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/origins/hostile_origin.py"), "--mode", mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None  # stdout=PIPE
    line = proc.stdout.readline().decode()
    if not line.startswith("LISTENING "):
        proc.kill()
        raise SystemExit("hostile origin did not start: %r" % line)
    return proc, int(line.split()[1])


def measure(binary: str, port: int, extra: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".time") as timing:
        started = time.monotonic()
        run = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", timing.name, binary, "scan",
                              "127.0.0.1:%d" % port, "--format", "json", "--no-http-check", "--timeout", "5"] + extra,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.monotonic() - started
        fields = open(timing.name).read().split()
    report = json.loads(run.stdout or b"{}")
    findings = {f["id"] for chain in report.get("certificates", []) for f in chain.get("findings", [])}
    return {"status": run.returncode, "wall": wall, "rss_mb": int(fields[1]) / 1024.0,
            "cpu": float(fields[2]) + float(fields[3]), "connections": report.get("connections"),
            "accepted": report.get("probes", {}).get("accepted"), "chain_too_long": "chain-too-long" in findings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "hostile.md"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for label, extra in (("default (cross-check)", []), ("--no-cross-check", ["--no-cross-check"])):
        origin, port = start_origin("chain-bomb")
        try:
            runs = [measure(args.bin, port, extra) for _ in range(args.repeat)]
        finally:
            origin.kill()
        rows.append((label, runs))
        print(label, runs, file=sys.stderr)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE).stdout.decode().strip()
    lines = ["# Hostile-origin benchmark", "",
             "`scripts/bench-hostile` at %s, release build, %s. One `tlsmatrix scan` of the `chain-bomb` hostile origin "
             "(accepts every offered suite, sends ~2,900 distinct tiny certificates, just under 1 MiB, with every "
             "accepted handshake). Medians of %d runs. Target: peak RSS < 100 MB." % (commit, time.strftime("%Y-%m-%d"), args.repeat), "",
             "| scan | exit | accepted probes | connections | wall s | CPU s | peak RSS MB | chain-too-long reported |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for label, runs in rows:
        lines.append("| %s | %s | %s | %s | %.2f | %.2f | %.1f | %s |" % (
            label, runs[0]["status"], runs[0]["accepted"], runs[0]["connections"],
            statistics.median(r["wall"] for r in runs), statistics.median(r["cpu"] for r in runs),
            statistics.median(r["rss_mb"] for r in runs), all(r["chain_too_long"] for r in runs)))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
