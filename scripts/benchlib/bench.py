#!/usr/bin/env python3
"""scripts/bench — tlsmatrix vs sslscan, testssl.sh, sslyze and nmap ssl-enum-ciphers on local origins.

Every tool runs against the same 127.0.0.1 origins, one tool at a time. Per run: TCP connections
(counted outside the tool: tcpdump on lo, or a counting relay), wall time (monotonic clock around
the process), peak RSS (/usr/bin/time -v) and correctness against scripts/oracle/origins.json.
Then tlsmatrix-only scale rows (one nginx on N ports, --targets-file) and a hanging origin.
Writes a Markdown report to stdout and to --out; raw outputs to bench/raw/ (gitignored).
"""
from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
sys.path.insert(0, LIB)
import bench_checks  # noqa: E402
import bench_clients  # noqa: E402
import bench_count  # noqa: E402
import bench_latency  # noqa: E402
import bench_nginx  # noqa: E402
import bench_parse  # noqa: E402

HOST = "127.0.0.1"
ALL_ORIGINS = ["openssl-modern", "nginx-modern", "openssl-ecdsa-x25519", "no-common-cloudfront",
               "gnutls-legacy", "tlslite-sslv3", "openssl-wide"]
QUICK_ORIGINS = ["openssl-modern", "gnutls-legacy", "tlslite-sslv3"]
ALL_TOOLS = ["tlsmatrix", "tlsmatrix-nocc", "sslscan", "testssl", "sslyze", "nmap"]
TOOL_LABEL = {"tlsmatrix": "tlsmatrix", "tlsmatrix-nocc": "tlsmatrix --no-cross-check", "sslscan": "sslscan",
              "testssl": "testssl.sh -p -E", "sslyze": "sslyze", "nmap": "nmap ssl-enum-ciphers"}
TIME = "/usr/bin/time"
BUILDERS = {"swift-frontend", "swift-build", "swift-driver", "swiftc", "swift-autolink-", "clang", "ld", "ld.gold",
            "ld.lld", "lld", "cc1", "cc1plus", "xctest", "swift-test", "swift-plugin-se"}


def log(msg: str) -> None:
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- machine-load monitor

class LoadMonitor:
    """Samples once a second how much CPU processes that are not the benchmark's own use."""

    def __init__(self, own_pgids: set[int]) -> None:
        self.own_pgids = own_pgids  # filled as origins start
        self.samples: list[tuple[float, float, dict[str, float]]] = []  # (monotonic, foreign cpu fraction of all cores, {comm: share})
        self.stop_ev = threading.Event()
        self.me = os.getpid()
        self.hz = os.sysconf("SC_CLK_TCK")
        self.ncpu = os.cpu_count() or 1
        self.thread = threading.Thread(target=self.run, daemon=True)

    def snapshot(self) -> dict[int, tuple[str, int, int, int]]:
        procs: dict[int, tuple[str, int, int, int]] = {}
        for e in os.listdir("/proc"):
            if not e.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % e) as f:
                    data = f.read()
            except OSError:
                continue
            comm = data[data.find("(") + 1:data.rfind(")")]
            rest = data[data.rfind(")") + 2:].split()
            ppid, pgid = int(rest[1]), int(rest[2])
            procs[int(e)] = (comm, ppid, pgid, int(rest[11]) + int(rest[12]))
        return procs

    def ours(self, pid: int, procs: dict[int, tuple[str, int, int, int]]) -> bool:
        seen = 0
        while pid in procs and seen < 64:
            comm, ppid, pgid, _ = procs[pid]
            if pid == self.me or pgid in self.own_pgids:
                return True
            pid = ppid
            seen += 1
        return False

    def run(self) -> None:
        prev, prev_t = self.snapshot(), time.monotonic()
        while not self.stop_ev.wait(1.0):
            cur, t = self.snapshot(), time.monotonic()
            dt = max(t - prev_t, 1e-3)
            foreign = 0.0
            names: dict[str, float] = {}
            for pid, (comm, _, _, ticks) in cur.items():
                if pid in prev and prev[pid][0] == comm:
                    d = (ticks - prev[pid][3]) / self.hz
                else:
                    continue
                if d <= 0 or self.ours(pid, cur):
                    continue
                foreign += d
                names[comm] = names.get(comm, 0.0) + d
            self.samples.append((t, foreign / dt / self.ncpu, {k: v / dt for k, v in names.items()}))
            prev, prev_t = cur, t

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_ev.set()
        self.thread.join(timeout=5)

    def window(self, t0: float, t1: float) -> Optional[dict[str, Any]]:
        s = [x for x in self.samples if t0 <= x[0] <= t1 + 1.0]
        if not s:
            return None
        names: dict[str, float] = {}
        for _, _, n in s:
            for k, v in n.items():
                names[k] = names.get(k, 0.0) + v / len(s)
        top = sorted(names.items(), key=lambda kv: -kv[1])[:3]
        return {"meanForeignCpu": sum(x[1] for x in s) / len(s), "maxForeignCpu": max(x[1] for x in s),
                "top": [(k, round(v, 2)) for k, v in top if v >= 0.05]}


# ---------------------------------------------------------------- processes

def run_measured(argv: list[str], workdir: str, name: str, timeout: float,
                 env: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Run argv under /usr/bin/time -v in its own session; -> dict(exit, wall, timedOut, rssKB, stdout, stderr)."""
    out = os.path.join(workdir, name + ".stdout")
    err = os.path.join(workdir, name + ".stderr")
    tfile = os.path.join(workdir, name + ".time")
    for p in (tfile,):
        if os.path.exists(p):
            os.unlink(p)
    full = [TIME, "-v", "-o", tfile] + argv
    with open(out, "w") as fo, open(err, "w") as fe:
        t0 = time.monotonic()
        proc = subprocess.Popen(full, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, cwd=workdir,
                                start_new_session=True, env=env)
        # A blocking wait: Popen.wait(timeout=…) polls with sleeps of up to 50 ms, which would round
        # every wall time up to the next poll. The timeout is a timer that kills the session instead.
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        rc = proc.wait()
        t1 = time.monotonic()
        timer.cancel()
        timed_out = fired.is_set()
    # tools such as testssl leave children in the session: make sure nothing survives
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    rss, cpu = None, None
    try:
        with open(tfile) as f:
            for line in f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", line)
                if m:
                    rss = int(m.group(1))
                m = re.search(r"(User|System) time \(seconds\): ([0-9.]+)", line)
                if m:
                    cpu = (cpu or 0.0) + float(m.group(2))
                m = re.search(r"Exit status: (\d+)", line)
                if m:
                    rc = int(m.group(1))
    except OSError:
        pass
    return {"exit": rc, "wall": t1 - t0, "t0": t0, "t1": t1, "timedOut": timed_out, "rssKB": rss, "cpu": cpu,
            "stdout": out, "stderr": err}


def tool_argv(tool: str, port: int, outfile: str, binpath: str, venv: str) -> list[str]:
    target = "%s:%d" % (HOST, port)
    if tool == "tlsmatrix":
        return [binpath, "scan", target, "--no-http-check", "--format", "json", "--output", outfile]
    if tool == "tlsmatrix-nocc":
        return [binpath, "scan", target, "--no-http-check", "--no-cross-check", "--format", "json",
                "--output", outfile]
    if tool == "sslscan":
        # default run: SSLv2/SSLv3 detection, TLS 1.0-1.3 suites, groups, certificate
        return ["sslscan", "--no-colour", "--xml=" + outfile, target]
    if tool == "testssl":
        # -p protocols, -E every suite per protocol (OpenSSL plus sockets); --warnings off: batch
        # aborts when the local OpenSSL cannot connect (the TLS 1.0 RC4/3DES-only origin)
        return ["testssl", "--quiet", "--color", "0", "--warnings", "off", "-n", "none", "-p", "-E",
                "--jsonfile", outfile, target]
    if tool == "sslyze":
        return [os.path.join(venv, "bin", "sslyze"), "--quiet", "--mozilla_config", "disable",
                "--sslv2", "--sslv3", "--tlsv1", "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", "--json_out", outfile, target]
    if tool == "nmap":
        return ["nmap", "-Pn", "-p", str(port), "--script", "ssl-enum-ciphers", "-oX", outfile, HOST]
    raise ValueError(tool)


OUT_EXT = {"tlsmatrix": "json", "tlsmatrix-nocc": "json", "sslscan": "xml", "testssl": "json", "sslyze": "json",
           "nmap": "xml"}


def tool_version(tool: str, binpath: str, venv: str) -> str:
    try:
        if tool.startswith("tlsmatrix"):
            rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                                   capture_output=True, text=True).stdout.strip()
            return "git %s%s, %s" % (rev, " + uncommitted changes under Sources/" if dirty else "",
                                      os.path.relpath(binpath, ROOT))
        if tool == "sslscan":
            o = subprocess.run(["sslscan", "--version"], capture_output=True, text=True).stdout
            o = re.sub(r"\x1b\[[0-9;]*m", "", o)
            return " / ".join(x.strip() for x in o.splitlines() if x.strip())
        if tool == "testssl":
            o = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "testssl.sh"], capture_output=True,
                               text=True).stdout
            return "testssl.sh %s (Debian), OpenSSL %s" % (o, subprocess.run(
                ["openssl", "version"], capture_output=True, text=True).stdout.split()[1])
        if tool == "sslyze":
            words = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                                    "import importlib.metadata as m; print(m.version('sslyze'), m.version('nassl'))"],
                                   capture_output=True, text=True).stdout.split()
            return "sslyze %s, nassl %s (PyPI, .venv)" % tuple(words[:2]) if len(words) >= 2 else "sslyze ?"
        if tool == "nmap":
            lines = subprocess.run(["nmap", "--version"], capture_output=True, text=True).stdout.splitlines()
            return lines[0].strip() if lines else "nmap ?"
    except (OSError, IndexError) as e:
        return "? (%s)" % e
    return "?"


# ---------------------------------------------------------------- fleet

def start_origin(kind: str) -> dict[str, Any]:
    r = subprocess.run([os.path.join(ROOT, "scripts", "origin"), "start", kind], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("scripts/origin start %s failed: %s" % (kind, r.stderr.strip()))
    return json.loads(r.stdout.strip().splitlines()[-1])


def stop_origin(pid: int) -> None:
    subprocess.run([os.path.join(ROOT, "scripts", "origin"), "stop", str(pid)], capture_output=True)


# ---------------------------------------------------------------- one tool run

def notes_for(tool: str, expected: dict[str, set[str]], parsed: dict[str, Any], cmp: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    if parsed.get("error"):
        notes.append(parsed["error"])
    for v, (mi, ex) in cmp["per_version"].items():
        if mi and not parsed["suites"].get(v):
            if v in parsed["claimed"]:
                notes.append("detects %s but lists none of its %d suites" % (v, len(mi)))
            else:
                notes.append("does not report %s (%d suites)" % (v, len(mi)))
        elif mi:
            notes.append("%s: misses %s" % (v, ", ".join(mi)))
        if ex:
            notes.append("%s: lists %d suites the origin does not accept (%s)" % (v, len(ex), ", ".join(ex[:6])))
    for v in sorted(parsed["claimed"] - set(expected), key=bench_parse.VERSIONS.index):
        if not parsed["suites"].get(v):
            notes.append("also says %s is offered (no suites listed)" % v)
    if parsed.get("unmapped"):
        notes.append("unmapped names: " + ", ".join(parsed["unmapped"][:5]))
    return notes


def run_tool(ctx: Ctx, tool: str, kind: str, port: int, expected: dict[str, set[str]]) -> dict[str, Any]:
    rawdir = os.path.join(ctx.raw, kind)
    os.makedirs(rawdir, exist_ok=True)
    reps = []
    for rep in range(ctx.args.repeat):
        name = tool if ctx.args.repeat == 1 else "%s.%d" % (tool, rep + 1)
        outfile = os.path.join(rawdir, "%s.%s" % (name, OUT_EXT[tool]))
        if os.path.exists(outfile):
            os.unlink(outfile)
        ctx.counter.begin([port])
        argv = tool_argv(tool, ctx.counter.target(port), outfile, ctx.bin, ctx.venv)
        timeout = ctx.args.tool_timeout
        r = run_measured(argv, rawdir, name, timeout)
        count = ctx.counter.end()
        parsed = bench_parse.PARSERS[tool](outfile, ctx.catalog)
        if r["timedOut"]:
            parsed["error"] = "timeout after %d s" % timeout
        cmp = bench_parse.compare(expected, parsed)
        load = ctx.monitor.window(r["t0"], r["t1"])
        reps.append({"argv": argv, "exit": r["exit"], "wall": r["wall"], "timedOut": r["timedOut"],
                     "rssKB": r["rssKB"], "cpu": r["cpu"], "count": count,
                     "output": os.path.relpath(outfile, ROOT),
                     "suites": {v: sorted(s) for v, s in parsed["suites"].items()},
                     "claimed": sorted(parsed["claimed"]), "unmapped": parsed["unmapped"],
                     "error": parsed.get("error"), "toolNotes": parsed.get("notes", []),
                     "reportedConnections": parsed.get("reported_connections"),
                     "connectionLowerBound": parsed.get("connection_lower_bound"),
                     "reportedElapsed": parsed.get("elapsed"),
                     "correct": cmp["correct"], "missing": cmp["missing"], "extra": cmp["extra"],
                     "detail": cmp["detail"], "notes": notes_for(tool, expected, parsed, cmp), "load": load})
        log("  %-28s %-22s %6s conn %8.2f s  %s%s" % (
            TOOL_LABEL[tool], kind, count["connections"], r["wall"],
            "correct" if cmp["correct"] else "WRONG (%s)" % "; ".join(cmp["detail"] or [parsed.get("error") or "?"]),
            "  [busy machine: %.0f%% CPU elsewhere]" % (100 * load["meanForeignCpu"])
            if load and load["meanForeignCpu"] > 0.15 else ""))
    walls = [x["wall"] for x in reps]
    med = sorted(range(len(reps)), key=lambda i: walls[i])[len(reps) // 2]
    summary = dict(reps[med])
    summary["walls"] = walls
    summary["connectionsAll"] = [x["count"]["connections"] for x in reps]
    return {"tool": tool, "origin": kind, "port": port, "runs": reps, "summary": summary}


# ---------------------------------------------------------------- scale and hang

def multi_target_supported(binpath: str) -> tuple[bool, bool]:
    h = subprocess.run([binpath, "scan", "--help"], capture_output=True, text=True).stdout
    return "--targets-file" in h, "--no-progress" in h


def scale_rows(ctx: Ctx) -> dict[str, Any]:
    n = ctx.args.scale
    log("starting ONE nginx on %d ports" % n)
    ng = bench_nginx.start(n)
    ctx.own_pgids.add(ng["pid"])
    ctx.cleanups.append(lambda: bench_nginx.stop(ng["pid"]))
    first, last = ng["ports"]
    ports = list(range(first, last + 1))
    expected = {v: set(c) for v, c in ng["expected"].items()}
    rawdir = os.path.join(ctx.raw, "scale")
    os.makedirs(rawdir, exist_ok=True)
    rows = []

    # one single-target scan: peak RSS
    ctx.counter.begin([first])
    out1 = os.path.join(rawdir, "single.json")
    r = run_measured([ctx.bin, "scan", "%s:%d" % (HOST, ctx.counter.target(first)), "--no-http-check",
                      "--format", "json", "--output", out1], rawdir, "single", ctx.args.tool_timeout)
    c = ctx.counter.end()
    p = bench_parse.parse_tlsmatrix(out1)
    rows.append({"run": "single target (default)", "mode": "single", "targets": 1, "wall": r["wall"],
                 "rssKB": r["rssKB"], "cpu": r["cpu"], "connections": c["connections"], "dropped": c["dropped"],
                 "reported": p.get("reported_connections"), "correctTargets": int(bench_parse.compare(expected, p)["correct"]),
                 "exit": r["exit"], "load": ctx.monitor.window(r["t0"], r["t1"])})
    log("  single target: %.2f s, %s KB peak RSS, %s connections" % (r["wall"], r["rssKB"], c["connections"]))

    multi, has_progress = multi_target_supported(ctx.bin)
    if ctx.args.scale_loop:
        multi = False
    variants = [("default (cross-check)", []), ("--no-cross-check", ["--no-cross-check"])]
    if multi:
        # every target here shares one address, so --concurrency (per address, default 4) bounds the whole run
        variants.append(("--no-cross-check --concurrency 32", ["--no-cross-check", "--concurrency", "32"]))
    for i, (label, extra) in enumerate(variants):
        ctx.counter.begin(ports)
        tname = "targets-%d" % (i + 1)
        if multi:
            tf = os.path.join(rawdir, "targets.txt")
            with open(tf, "w") as f:
                f.write("".join("%s:%d\n" % (HOST, ctx.counter.target(q)) for q in ports))
            outj = os.path.join(rawdir, tname + ".jsonl")
            argv = [ctx.bin, "scan", "--targets-file", tf, "--format", "jsonl", "--output", outj,
                    "--no-http-check"] + (["--no-progress"] if has_progress else []) + extra
            r = run_measured(argv, rawdir, tname, ctx.args.scale_timeout)
            c = ctx.counter.end()
            reports, summary = [], None
            try:
                reports, summary = bench_checks.read_jsonl(outj)
            except (OSError, ValueError) as e:
                log("  cannot read %s: %s" % (outj, e))
            mode = "--targets-file"
            cmd = " ".join("tlsmatrix" if a == ctx.bin else os.path.relpath(a, ROOT) if a.startswith(ROOT) else a
                           for a in argv)
        else:
            # the multi-target CLI is not in this build: a loop of single scans, one process each
            odir = os.path.join(rawdir, tname)
            shutil.rmtree(odir, ignore_errors=True)
            os.makedirs(odir)
            t0 = time.monotonic()
            rss, exits, cpu = 0, [], 0.0
            for q in ports:
                rr = run_measured([ctx.bin, "scan", "%s:%d" % (HOST, ctx.counter.target(q)), "--no-http-check",
                                   "--format", "json", "--output", os.path.join(odir, "%d.json" % q)] + extra,
                                  odir, str(q), ctx.args.tool_timeout)
                if rr["timedOut"]:
                    exits.append(124)
                rss = max(rss, rr["rssKB"] or 0)
                cpu += rr["cpu"] or 0.0
                exits.append(rr["exit"])
            t1 = time.monotonic()
            c = ctx.counter.end()
            r = {"wall": t1 - t0, "t0": t0, "t1": t1, "rssKB": rss, "cpu": cpu, "exit": max(exits) if exits else None}
            reports = []
            for q in ports:
                try:
                    with open(os.path.join(odir, "%d.json" % q)) as f:
                        reports.append(json.load(f))
                except (OSError, ValueError):
                    pass
            summary = None
            mode = "loop of single scans (max RSS of one process)"
            cmd = "for each port: tlsmatrix scan 127.0.0.1:PORT --no-http-check --format json" + \
                  (" " + " ".join(extra) if extra else "")
        correct = sum(1 for o in reports
                      if bench_parse.compare(expected, bench_parse.tlsmatrix_report(o))["correct"])
        reported = sum(o.get("connections") or 0 for o in reports)
        rows.append({"run": "%d targets, %s" % (n, label), "mode": mode, "targets": n, "wall": r["wall"],
                     "rssKB": r["rssKB"], "cpu": r["cpu"], "connections": c["connections"], "dropped": c["dropped"],
                     "reported": reported, "correctTargets": correct, "reports": len(reports),
                     "exit": r["exit"], "summary": summary, "command": cmd,
                     "load": ctx.monitor.window(r["t0"], r["t1"])})
        log("  %s: %.2f s, %s KB, %s connections, %d/%d correct" % (rows[-1]["run"], r["wall"], r["rssKB"],
                                                                      c["connections"], correct, n))
    bench_nginx.stop(ng["pid"])
    ctx.cleanups.remove(ctx.cleanups[-1])
    return {"nginx": {"ports": ng["ports"], "expected": ng["expected"]}, "rows": rows}


def hang_row(ctx: Ctx) -> dict[str, Any]:
    p = subprocess.Popen([sys.executable, os.path.join(LIB, "bench_hang.py")], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    ctx.own_pgids.add(p.pid)
    assert p.stdout is not None  # stdout=PIPE
    info = json.loads(p.stdout.readline())
    port = info["port"]
    rawdir = os.path.join(ctx.raw, "hang")
    os.makedirs(rawdir, exist_ok=True)
    out = os.path.join(rawdir, "hang.json")
    try:
        ctx.counter.begin([port])
        argv = [ctx.bin, "scan", "%s:%d" % (HOST, ctx.counter.target(port)), "--no-http-check", "--timeout", "2",
                "--connect-timeout", "2", "--format", "json", "--output", out]
        r = run_measured(argv, rawdir, "hang", 120)
        c = ctx.counter.end()
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()
    rep = {}
    try:
        with open(out) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        pass
    row = {"wall": r["wall"], "limit": 4.0, "exit": r["exit"], "connections": c["connections"],
           "reachability": (rep.get("reachability") or {}).get("status"), "complete": rep.get("complete"),
           "probes": rep.get("probes"), "reported": rep.get("connections"),
           "command": "tlsmatrix scan 127.0.0.1:PORT --no-http-check --timeout 2 --connect-timeout 2 --format json"}
    log("  hanging origin: %.2f s (limit 4 s), exit %s, %s connections" % (r["wall"], r["exit"], c["connections"]))
    return row


# ---------------------------------------------------------------- report

def fmt_s(x: Optional[float]) -> str:
    if x is None:
        return "–"
    return "%.2f" % x if x < 100 else "%.0f" % x


def fmt_ratio(a: Optional[float], b: Optional[float]) -> str:
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    return "%.1f×" % r if r < 100 else "%.0f×" % r


def breakdown(r: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Split a tlsmatrix report's connections into the parts of its cost model."""
    try:
        with open(os.path.join(ROOT, r["summary"]["output"])) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    prot = d.get("protocols") or []
    acc = sum(len(p.get("suites") or []) for p in prot)
    vp = sum(len(p.get("suites") or []) + 1 for p in prot)
    gp = sum(len(g.get("groups") or []) + 1 for g in d.get("groups") or [])
    conf = sum(1 for p in prot for s in p.get("suites") or [] if len(s.get("evidence") or []) > 1)
    conn = d.get("connections") or 0
    return {"accepted": acc, "versionProbes": vp, "groupProbes": gp, "confirmations": conf,
            "other": conn - vp - gp - conf, "connections": conn,
            "measured": r["summary"]["count"]["connections"]}


def render(ctx: Ctx, results: list[dict[str, Any]], scale: Optional[dict[str, Any]], hang: Optional[dict[str, Any]]) -> str:
    L: list[str] = []
    a = ctx.args
    L.append("# tlsmatrix benchmark vs sslscan, testssl.sh, sslyze, nmap")
    L.append("")
    L.append("Generated by `scripts/bench%s` on %s UTC (%s, %d cores). Origins on 127.0.0.1; tools run one after "
             "another, never in parallel." % (
                 (" " + os.environ["BENCH_ARGS"]) if os.environ.get("BENCH_ARGS") else
                 "".join(" " + x for x in ctx.argv_shown), ctx.started.strftime("%Y-%m-%d %H:%M"),
                 platform.platform(terse=True), os.cpu_count() or 0))
    L.append("")
    L.append("- **Connections**: %s (%s). %s" % (ctx.counter.method, ctx.counter.description, ctx.count_note))
    L.append("- **Wall s**: monotonic clock around the tool's process (median of %d run%s); process start-up included."
             % (a.repeat, "s" if a.repeat > 1 else ""))
    L.append("- **Correct?**: the tool's accepted suites per protocol version, mapped to code points with "
             "Data/cipher-suites.json, compared with scripts/oracle/origins.json (missing / extra). A version the tool "
             "cannot test counts as wrong.")
    L.append("- **CPU s**: user + system time of the tool's process and the children it waited for (/usr/bin/time -v); "
             "the origin servers' CPU is not included.")
    L.append("- **× tlsmatrix**: the tool's connections and wall time divided by default tlsmatrix's on the same origin.")
    L.append("- Machine load: %s" % ctx.load_summary)
    L.append("")
    L.append("Tools:")
    for t in ctx.tools:
        L.append("- %s: %s — `%s`" % (TOOL_LABEL[t], ctx.versions[t], " ".join(ctx.shown_argv[t])))
    L.append("")
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_origin.setdefault(r["origin"], []).append(r)
    for kind in ctx.origins:
        rs = by_origin.get(kind, [])
        if not rs:
            continue
        exp = ctx.expected[kind]
        L.append("## %s" % kind)
        L.append("")
        L.append("Expected: %s (%d suites)." % (", ".join("%s %d" % (v, len(exp[v])) for v in bench_parse.VERSIONS
                                                          if v in exp), sum(len(s) for s in exp.values())))
        L.append("")
        L.append("| tool | connections | wall s | CPU s | correct? | connections × tlsmatrix | time × tlsmatrix | notes |")
        L.append("|---|---:|---:|---:|---|---:|---:|---|")
        base = next((r["summary"] for r in rs if r["tool"] == "tlsmatrix"), None)
        for r in rs:
            s = r["summary"]
            conns = s["connectionsAll"]
            cstr = str(s["count"]["connections"]) if len(set(conns)) <= 1 else "%d–%d" % (min(conns), max(conns))
            if s["timedOut"]:
                verdict = "timeout"
            elif s["correct"]:
                verdict = "yes"
            else:
                verdict = "no: " + ("; ".join(s["detail"]) if s["detail"] else (s["error"] or "?"))
            notes = list(s["notes"])
            if r["tool"].startswith("tlsmatrix") and s.get("reportedConnections") is not None:
                notes.insert(0, "self-reported %s connections" % s["reportedConnections"])
            ld = s.get("load")
            if ld and ld["meanForeignCpu"] > 0.15:
                notes.append("machine busy during this run: %.0f%% CPU used elsewhere (%s)" % (
                    100 * ld["meanForeignCpu"], ", ".join(k for k, _ in ld["top"]) or "?"))
            if s["count"].get("dropped"):
                notes.append("capture dropped %d packets" % s["count"]["dropped"])
            if s["exit"] not in (0, None) and r["tool"] not in ("testssl",):
                notes.append("exit %s" % s["exit"])
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                TOOL_LABEL[r["tool"]], cstr, fmt_s(s["wall"]), fmt_s(s.get("cpu")), verdict,
                fmt_ratio(s["count"]["connections"], base and base["count"]["connections"]),
                fmt_ratio(s["wall"], base and base["wall"]), "; ".join(notes).replace("|", "/")))
        L.append("")
    # totals
    L.append("## Totals over the fleet (%d origins)" % len([k for k in ctx.origins if k in by_origin]))
    L.append("")
    L.append("| tool | connections | wall s | CPU s | correct origins | connections × tlsmatrix | time × tlsmatrix |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    tot: dict[str, dict[str, Any]] = {}
    for r in results:
        row = tot.setdefault(r["tool"], {"c": 0, "w": 0.0, "cpu": 0.0, "ok": 0, "n": 0, "to": 0})
        row["cpu"] += r["summary"].get("cpu") or 0.0
        row["c"] += r["summary"]["count"]["connections"] or 0
        row["w"] += r["summary"]["wall"]
        row["ok"] += 1 if r["summary"]["correct"] else 0
        row["n"] += 1
        row["to"] += 1 if r["summary"]["timedOut"] else 0
    base = tot.get("tlsmatrix")
    for tool in ctx.tools:
        row = tot.get(tool) or {}
        if not row:
            continue
        L.append("| %s | %d | %s | %s | %d/%d%s | %s | %s |" % (
            TOOL_LABEL[tool], row["c"], fmt_s(row["w"]), fmt_s(row["cpu"]), row["ok"], row["n"],
            " (%d timeouts)" % row["to"] if row["to"] else "",
            fmt_ratio(row["c"], base["c"] if base else None), fmt_ratio(row["w"], base["w"] if base else None)))
    L.append("")
    bd = [(k, b) for k in ctx.origins for r in by_origin.get(k, []) if r["tool"] == "tlsmatrix"
          for b in [breakdown(r)] if b]
    if bd:
        nocc = {r["origin"]: r["summary"]["count"]["connections"] for r in results if r["tool"] == "tlsmatrix-nocc"}
        L.append("## Where tlsmatrix's connections go (from its JSON report, default run)")
        L.append("")
        L.append("Per version tried: accepted + 1 probes (the last one is refused); per group family: groups + 1; "
                 "one confirming OpenSSL/GnuTLS handshake per accepted (version, suite) unless --no-cross-check; "
                 "the rest is server-preference and certificate probes (connections − the others).")
        L.append("")
        L.append("| origin | accepted suites | version probes Σ(accepted+1) | group probes | cross-check handshakes | "
                 "preference + certificates | connections (self-reported) | measured | measured --no-cross-check |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for k, b in bd:
            L.append("| %s | %d | %d | %d | %d | %d | %d | %s | %s |" % (
                k, b["accepted"], b["versionProbes"], b["groupProbes"], b["confirmations"], b["other"],
                b["connections"], b["measured"], nocc.get(k, "–")))
        L.append("")
    if scale:
        L.append("## tlsmatrix at scale: one nginx, %d ports" % ctx.args.scale)
        L.append("")
        ng = scale["nginx"]
        L.append("nginx (worker_processes 2) on 127.0.0.1:%d–%d, TLS 1.2 + 1.3, ECDHE AEAD suites only; expected per "
                 "port: %s." % (ng["ports"][0], ng["ports"][1],
                                ", ".join("%s %d" % (v, len(c)) for v, c in ng["expected"].items())))
        L.append("")
        L.append("| run | targets | wall s | tlsmatrix CPU s | targets/s | connections (measured) | "
                 "connections (self-reported) | peak RSS MiB | correct targets | exit |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in scale["rows"]:
            L.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s/%d | %s |" % (
                r["run"], r["targets"], fmt_s(r["wall"]), fmt_s(r.get("cpu")),
                "%.1f" % (r["targets"] / r["wall"]) if r["wall"] else "–",
                r["connections"], r["reported"], "%.1f" % (r["rssKB"] / 1024.0) if r["rssKB"] else "–",
                r["correctTargets"], r["targets"], r["exit"]))
        L.append("")
        for r in scale["rows"]:
            if r.get("command"):
                L.append("- %s: `%s` (%s)" % (r["run"], r["command"], r["mode"]))
        L.append("")
    if hang:
        L.append("## Hanging origin (accepts TCP, never answers)")
        L.append("")
        L.append("| command | wall s | connect + handshake timeout | within? | exit | reachability | connections |")
        L.append("|---|---:|---:|---|---:|---|---:|")
        L.append("| `%s` | %s | %.0f s | %s | %s | %s | %s |" % (
            hang["command"], fmt_s(hang["wall"]), hang["limit"], "yes" if hang["wall"] <= hang["limit"] else "NO",
            hang["exit"], hang["reachability"], hang["connections"]))
        L.append("")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------- main

class Ctx:
    """The run's settings and shared state (arguments, paths, catalog, expectations, load monitor), set by main()."""
    args: argparse.Namespace
    raw: str
    bin: str
    venv: str
    catalog: bench_parse.Catalog
    expected: dict[str, dict[str, set[str]]]
    origins: list[str]
    own_pgids: set[int]
    monitor: LoadMonitor
    started: datetime.datetime
    argv_shown: list[str]
    tools: list[str]
    versions: dict[str, str]
    shown_argv: dict[str, list[str]]
    cleanups: list[Callable[[], None]]
    counter: bench_count.Counter
    count_note: str
    load_summary: Any


def finish(ctx: Ctx) -> None:
    """Stops the load monitor and runs the cleanups (origins, work folder), newest first."""
    ctx.monitor.stop()
    for c in reversed(ctx.cleanups):
        try:
            c()
        except Exception as e:  # noqa: BLE001
            log("cleanup: %s" % e)


def main() -> None:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="scripts/bench also takes --no-build (use the existing release binary); "
                                        "it passes --bin itself unless given --bin PATH (that binary, nothing built).")
    ap.add_argument("--bin", required=True, help="tlsmatrix binary (the wrapper passes the release build)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 3 origins, --scale 50")
    ap.add_argument("--scale", type=int, default=None, help="nginx ports for the scale rows (default 500; 0 = skip)")
    ap.add_argument("--tools", default=None, help="comma-separated subset of: " + ",".join(ALL_TOOLS) +
                    " (default: all; with --latency: " + ",".join(bench_latency.DEFAULT_TOOLS) + ")")
    ap.add_argument("--origins", default=None, help="comma-separated subset of: " + ",".join(ALL_ORIGINS))
    ap.add_argument("--count", choices=["auto", "tcpdump", "relay"], default="auto",
                    help="how to count connections (auto: tcpdump if capture on lo works, else the relay)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool and origin; the median wall time is shown")
    ap.add_argument("--tool-timeout", type=int, default=1200, help="seconds before a tool run counts as timeout")
    ap.add_argument("--scale-timeout", type=int, default=1800)
    ap.add_argument("--scale-loop", action="store_true",
                    help="scale rows as a loop of single-target processes even when --targets-file exists")
    ap.add_argument("--no-hang", action="store_true", help="skip the hanging-origin row")
    ap.add_argument("--out", default=None, help="Markdown file (default bench/results.md; --quick: bench/raw/results-quick.md)")
    ap.add_argument("--raw", default=os.path.join(ROOT, "bench", "raw"))
    ap.add_argument("--checks-bench", action="store_true",
                    help="only the issue-16 benchmark: full scan vs --checks cloudfront on the origin fleet (--origins) "
                         "and on one nginx with --checks-sizes ports; replaces its own section of bench/results.md "
                         "(the others stay) and writes bench/checks-scale.png")
    ap.add_argument("--checks-sizes", default=",".join(str(n) for n in bench_checks.DEFAULT_SIZES),
                    help="nginx port counts for --checks-bench (comma-separated; empty = fleet only)")
    ap.add_argument("--clients", action="store_true",
                    help="only the real-client benchmark (issue 28 part 6): the client-quirk origins (--origins: a subset of "
                         + ",".join(bench_clients.ORIGINS) + "), the real clients (s_client, curl, Debian python3, Node 24) "
                         "against tlsmatrix's simulation rows and testssl.sh -c; replaces its own section of bench/results.md")
    bench_latency.add_arguments(ap)
    a = ap.parse_args()
    if a.clients:
        bench_clients.main(a, sys.modules[__name__])
        return
    if a.checks_bench:
        checks_main(a)
        return
    if a.latency:
        bench_latency.main(a, sys.modules[__name__])
        return
    ctx = Ctx()
    ctx.args = a
    ctx.started = datetime.datetime.utcnow()
    ctx.argv_shown = list(sys.argv[1:])
    if "--bin" in ctx.argv_shown:
        i = ctx.argv_shown.index("--bin")
        del ctx.argv_shown[i:i + 2]
    ctx.argv_shown = [x for x in ctx.argv_shown if not x.startswith("--bin=")]
    ctx.bin = os.path.abspath(a.bin)
    ctx.venv = os.path.join(ROOT, ".venv")
    ctx.tools = [t.strip() for t in (a.tools or ",".join(ALL_TOOLS)).split(",") if t.strip()]
    for t in ctx.tools:
        if t not in ALL_TOOLS:
            ap.error("unknown tool %s (known: %s)" % (t, ", ".join(ALL_TOOLS)))
    if a.origins:
        ctx.origins = [o.strip() for o in a.origins.split(",") if o.strip()]
    else:
        ctx.origins = QUICK_ORIGINS if a.quick else ALL_ORIGINS
    for o in ctx.origins:
        if o not in ALL_ORIGINS:
            ap.error("unknown origin %s" % o)
    if a.scale is None:
        a.scale = 50 if a.quick else 500
    out_md = a.out or (os.path.join(a.raw, "results-quick.md") if a.quick else os.path.join(ROOT, "bench", "results.md"))
    ctx.raw = a.raw
    for sub in ALL_ORIGINS + ["scale", "hang"]:  # only what an earlier run wrote, never the folder itself
        shutil.rmtree(os.path.join(a.raw, sub), ignore_errors=True)
    os.makedirs(a.raw, exist_ok=True)
    for tool, exe in (("sslscan", "sslscan"), ("testssl", "testssl"), ("nmap", "nmap"),
                      ("sslyze", os.path.join(ctx.venv, "bin", "sslyze"))):
        if tool in ctx.tools and not shutil.which(exe):
            sys.exit("bench: %s not found (scripts/bench installs it; run it rather than scripts/benchlib/bench.py)" % exe)
    if not os.path.exists(TIME):
        sys.exit("bench: /usr/bin/time missing (Debian package 'time')")

    with open(os.path.join(ROOT, "scripts", "oracle", "origins.json")) as f:
        origins_json = json.load(f)
    ctx.catalog = bench_parse.Catalog()
    ctx.expected = {k: bench_parse.expected_for(origins_json, k) for k in ctx.origins}
    ctx.versions = {t: tool_version(t, ctx.bin, ctx.venv) for t in ctx.tools}
    ctx.shown_argv = {}
    for t in ctx.tools:
        argv = tool_argv(t, 65535, "OUT." + OUT_EXT[t], ctx.bin, ctx.venv)
        ctx.shown_argv[t] = [("tlsmatrix" if x == ctx.bin else
                              ".venv/bin/sslyze" if x.endswith("/.venv/bin/sslyze") else
                              x.replace("65535", "PORT")) for x in argv]

    workdir = tempfile.mkdtemp(prefix="tlsmatrix-bench-")
    ctx.cleanups = [lambda: shutil.rmtree(workdir, ignore_errors=True)]
    ctx.own_pgids = set()
    ctx.monitor = LoadMonitor(ctx.own_pgids)

    def on_signal(sig: int, _frame: Any) -> None:
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)

    results, scale, hang = [], None, None
    pids = []
    try:
        ctx.counter, ctx.count_note = bench_count.choose(workdir, a.count)
        log("counting connections with %s (%s)" % (ctx.counter.method, ctx.count_note))
        ctx.monitor.start()
        for kind in ctx.origins:
            info = start_origin(kind)
            pids.append(info["pid"])
            ctx.own_pgids.add(info["pid"])
            ctx.cleanups.append(functools.partial(stop_origin, int(info["pid"])))
            info_port = info["port"]
            log("%s on %s:%d (pid %d)" % (kind, HOST, info_port, info["pid"]))
            for tool in ctx.tools:
                results.append(run_tool(ctx, tool, kind, info_port, ctx.expected[kind]))
            stop_origin(info["pid"])
            ctx.cleanups.pop()
        if a.scale > 0:
            scale = scale_rows(ctx)
        if not a.no_hang:
            hang = hang_row(ctx)
    except KeyboardInterrupt:
        log("interrupted; writing what finished")
    finally:
        finish(ctx)

    s = ctx.monitor.samples
    if s:
        busy = [x for x in s if x[1] > 0.15]
        names: dict[str, float] = {}
        for _, _, n in busy:
            for k, v in n.items():
                if v > 0.1:
                    names[k] = names.get(k, 0) + 1
        top = ", ".join("%s" % k for k, _ in sorted(names.items(), key=lambda kv: -kv[1])[:4])
        ctx.load_summary = ("other processes (not the benchmark, its tools or its origins) used %.0f%% of the %d "
                            "cores on average, max %.0f%%; %d of %d one-second samples above 15%%%s." % (
                                100 * sum(x[1] for x in s) / len(s), os.cpu_count() or 0,
                                100 * max(x[1] for x in s), len(busy), len(s),
                                " (" + top + ")" if top else ""))
    else:
        ctx.load_summary = "not sampled"
    md = render(ctx, results, scale, hang)
    sys.stdout.write(md)
    os.makedirs(os.path.dirname(os.path.abspath(out_md)), exist_ok=True)
    with open(out_md, "w") as f:
        f.write(md)
    with open(os.path.join(a.raw, "results.json"), "w") as f:
        json.dump({"started": ctx.started.isoformat() + "Z", "argv": ctx.argv_shown, "countMethod": ctx.counter.method
                   if hasattr(ctx, "counter") else None, "versions": ctx.versions, "results": results,
                   "scale": scale, "hang": hang, "load": ctx.load_summary,
                   "loadSamples": [(round(t, 1), round(f, 3)) for t, f, _ in s]},
                  f, indent=1, default=lambda o: sorted(o) if isinstance(o, set) else str(o))
    log("wrote %s and %s" % (os.path.relpath(out_md, ROOT), os.path.relpath(os.path.join(a.raw, "results.json"), ROOT)))


def checks_main(a: argparse.Namespace) -> None:
    """`--checks-bench`: bench_checks' fleet and scale runs with this module's process, counting and load tools."""
    ctx = Ctx()
    ctx.args = a
    ctx.started = datetime.datetime.utcnow()
    ctx.bin = os.path.abspath(a.bin)
    ctx.raw = a.raw
    os.makedirs(a.raw, exist_ok=True)
    if not os.path.exists(TIME):
        sys.exit("bench: /usr/bin/time missing (Debian package 'time')")
    origins = [o.strip() for o in a.origins.split(",") if o.strip()] if a.origins else ALL_ORIGINS
    sizes = [int(x) for x in a.checks_sizes.split(",") if x.strip()]
    with open(os.path.join(ROOT, "scripts", "oracle", "origins.json")) as f:
        json.load(f)  # the fleet's expectations must be readable (scale rows use bench_nginx's own)
    workdir = tempfile.mkdtemp(prefix="tlsmatrix-bench-checks-")
    ctx.own_pgids = set()
    ctx.monitor = LoadMonitor(ctx.own_pgids)
    ctx.cleanups = [lambda: shutil.rmtree(workdir, ignore_errors=True)]

    def on_signal(sig: int, _frame: Any) -> None:
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)
    fleet_rows: list[dict[str, Any]] = []
    scale_rows_: list[dict[str, Any]] = []
    try:
        ctx.counter, ctx.count_note = bench_count.choose(workdir, a.count)
        log("counting connections with %s (%s)" % (ctx.counter.method, ctx.count_note))
        ctx.monitor.start()
        fleet_rows = bench_checks.fleet(ctx, origins, start_origin, stop_origin, run_measured)
        scale_rows_ = bench_checks.scale(ctx, sizes, bench_nginx, run_measured,
                                         lambda expected, o: bench_parse.compare(expected, bench_parse.tlsmatrix_report(o))["correct"])
    except KeyboardInterrupt:
        log("interrupted; writing what finished")
    finally:
        finish(ctx)
    s = ctx.monitor.samples
    load = ("other processes (not the benchmark or its origins) used %.0f%% of the %d cores on average, max %.0f%%, "
            "in %d one-second samples" % (100 * sum(x[1] for x in s) / len(s), os.cpu_count() or 0,
                                          100 * max(x[1] for x in s), len(s))) if s else "not sampled"
    png_path = os.path.join(ROOT, "bench", "checks-scale.png")
    png_error = bench_checks.plot(scale_rows_, png_path) if scale_rows_ else None
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    section = bench_checks.render(
        fleet_rows, scale_rows_, started=ctx.started.strftime("%Y-%m-%d %H:%M UTC"),
        machine="%s, %d cores" % (platform.platform(), os.cpu_count() or 0),
        git="git " + git + (" with uncommitted changes under Sources/" if dirty else ""),
        count_method="%s (%s)" % (ctx.counter.method, ctx.count_note) if hasattr(ctx, "counter") else "nothing",
        load_summary=load, png="checks-scale.png" if scale_rows_ and png_error is None else None, png_error=png_error)
    out_md = a.out or os.path.join(ROOT, "bench", "results.md")
    existing = open(out_md).read() if os.path.exists(out_md) else ""
    with open(out_md, "w") as f:
        f.write(bench_checks.splice(existing, section))
    with open(os.path.join(a.raw, "checks-results.json"), "w") as f:
        json.dump({"started": ctx.started.isoformat() + "Z", "fleet": fleet_rows, "scale": scale_rows_, "load": load,
                   "loadSamples": [(round(t, 1), round(x, 3)) for t, x, _ in s]}, f, indent=1, default=str)
    sys.stdout.write(section + "\n")
    log("wrote %s (its checks section) and %s" % (os.path.relpath(out_md, ROOT), os.path.relpath(png_path, ROOT)))


if __name__ == "__main__":
    main()
