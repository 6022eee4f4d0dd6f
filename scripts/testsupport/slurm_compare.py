#!/usr/bin/env python3
"""Compare a merged sharded scan with one unsharded scan of the same targets, per target (scripts/slurm-test):

    slurm_compare.py --whole WHOLE.jsonl --merged MERGED.jsonl PART.jsonl...

WHOLE is `tlsmatrix scan --targets-file F --format jsonl` (no --shard), MERGED is `tlsmatrix merge PART...`,
the PARTs are the array tasks' `--shard auto` outputs. Prints, per target, `equal` or `DIFFERENT` with each
difference; exits 1 on any difference, 2 on unreadable input, 0 otherwise.

Compared per target: what the origin accepts and what tlsmatrix concludes from it — reachability, completeness,
the supported versions and each version's suite set (and server preference), groups per version, grade, every
verdict (CloudFront per generation: compatible, protocol, suite, group, causes), certificate chains
(fingerprints, trust), finding ids, simulated clients, open ports, and the summary's status line. Left out
because they depend on the run: times, connection and probe counts, network statistics, messages' wording of
counts, the trust store's paths, days left.

Also checked: the parts are shards 1..N of one split, disjoint, together exactly the unsharded run's targets,
no host split over two parts, every part non-empty when there are at least N hosts; the merged summary is
complete and has the unsharded run's targets and exit status."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def read_jsonl(path: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    reports: list[dict[str, Any]] = []
    summary = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit("slurm_compare: %s:%d: not JSON (%s)" % (path, number, e)) from None
            if "summary" in value:
                summary = value["summary"]
            else:
                reports.append(value)
    return reports, summary


def report_key(r: dict[str, Any]) -> str:
    """HOST:PORT, its SNI and the address scanned (a name with --all-ips has one report per address)."""
    t = r["target"]
    host = "[%s]" % t["host"] if ":" in t["host"] else t["host"]
    return key("%s:%s" % (host, t["port"]), t.get("sni"), t.get("address"))


def summary_key(s: dict[str, Any]) -> str:
    return key(s["target"], s.get("sni"), s.get("address"))


def key(target: str, sni: Any, address: Any) -> str:
    return target + (" sni=%s" % sni if sni else "") + (" @%s" % address if address else "")


def cause_ids(causes: Any) -> list[str]:
    return sorted(c.get("id", "?") for c in causes or [])


def verdict(v: Any) -> Any:
    """One verdict, without its prose: outcome, suite, causes; CloudFront's per generation."""
    if not isinstance(v, dict):
        return v
    out: dict[str, Any] = {}
    for k, x in sorted(v.items()):
        if k in ("causes", "failures", "violations"):
            out[k] = cause_ids(x) if isinstance(x, list) and all(isinstance(c, dict) for c in x) else x
        elif k == "generations":
            out[k] = {g.get("id"): {"compatible": g.get("compatible"), "observed": g.get("observed"),
                                    "protocol": g.get("protocol"), "suite": (g.get("suite") or {}).get("code"),
                                    "group": g.get("group"), "causes": cause_ids(g.get("causes"))} for g in x}
        elif k in ("message", "fix", "difference", "summary", "confirmedBy"):
            continue  # prose, and which cross-check engine happened to confirm it
        elif isinstance(x, (str, int, float, bool)) or x is None:
            out[k] = x
        elif isinstance(x, dict) and k in ("suite", "predicted"):
            out[k] = x.get("code") if k == "suite" else verdict(x)
    return out


def normal(r: dict[str, Any]) -> dict[str, Any]:
    """What a report says about its origin, without anything that depends on the run."""
    return {
        "reachability": (r.get("reachability") or {}).get("status"),
        "complete": r.get("complete"),
        "undecided": len(r.get("undecided") or []),
        "supported versions": [p["version"] for p in r.get("protocols") or [] if p.get("supported")],
        "suites per version": {p["version"]: sorted(s["code"] for s in p.get("suites") or [])
                               for p in r.get("protocols") or []},
        "server preference": {p["version"]: p.get("serverPreference") for p in r.get("protocols") or []},
        "groups per version": {g["version"]: sorted(x["name"] for x in g.get("groups") or [])
                               for g in r.get("groups") or []},
        "grade": {k: (r.get("grade") or {}).get(k) for k in ("letter", "score")} if r.get("grade") else None,
        "verdicts": {k: verdict(v) for k, v in sorted((r.get("verdicts") or {}).items())},
        "certificates": sorted(json.dumps({"authentication": c.get("authentication"), "trusted": c.get("trusted"),
                                           "chain": [x.get("sha256") for x in c.get("certificates") or []]})
                               for c in r.get("certificates") or []),
        "findings": sorted("%s (%s)" % (f.get("id"), f.get("severity")) for f in r.get("findings") or []),
        "simulation": {s["client"]: [s.get("connects"), s.get("protocol"), s.get("code"), s.get("group")]
                       for s in r.get("simulation") or []},
        "open ports": {"%s %s" % (p.get("role"), p.get("port")): p.get("open") for p in r.get("ports") or []},
    }


def normal_summary(s: dict[str, Any]) -> dict[str, Any]:
    return {k: s.get(k) for k in ("status", "cloudfront", "grade", "reachability")}


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            sub = "%s.%s" % (path, k) if path else str(k)
            if k not in a:
                out.append("%s: only in the merged run: %s" % (sub, json.dumps(b[k])))
            elif k not in b:
                out.append("%s: only in the unsharded run: %s" % (sub, json.dumps(a[k])))
            else:
                out += diff(a[k], b[k], sub)
        return out
    if a != b:
        return ["%s: unsharded %s, merged %s" % (path, json.dumps(a), json.dumps(b))]
    return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--whole", required=True, help="JSON Lines of one unsharded run")
    ap.add_argument("--merged", required=True, help="tlsmatrix merge of the parts")
    ap.add_argument("parts", nargs="+", help="the array tasks' JSON Lines")
    a = ap.parse_args()
    try:
        whole, whole_summary = read_jsonl(a.whole)
        merged, merged_summary = read_jsonl(a.merged)
        parts = [(p, *read_jsonl(p)) for p in a.parts]
    except OSError as e:
        print("slurm_compare: %s" % e, file=sys.stderr)
        return 2
    problems: list[str] = []

    # The split: which part scanned what.
    print("the parts (--shard auto in each array task):")
    seen: dict[str, str] = {}
    host_part: dict[str, str] = {}
    shards = []
    for path, reports, summary in parts:
        shard = (summary or {}).get("shard")
        shards.append(shard)
        keys = sorted(report_key(r) for r in reports)
        print("  %-10s %s: %s" % ("shard %s" % shard, path.rsplit("/", 1)[-1], ", ".join(keys) or "(no target)"))
        if summary is None:
            problems.append("%s has no summary line (the task did not finish)" % path)
        elif not summary.get("complete"):
            problems.append("%s: its summary is incomplete" % path)
        for r in reports:
            k = report_key(r)
            if k in seen:
                problems.append("%s is in two parts: %s and %s" % (k, seen[k], path))
            seen[k] = path
            host = r["target"]["host"].lower()
            if host_part.setdefault(host, path) != path:
                problems.append("host %s is split over %s and %s" % (host, host_part[host], path))
    counts = {s.split("/")[1] for s in shards if isinstance(s, str) and "/" in s}
    indices = sorted(int(s.split("/")[0]) for s in shards if isinstance(s, str) and "/" in s)
    if len(counts) != 1 or indices != list(range(1, len(parts) + 1)) or counts != {str(len(parts))}:
        problems.append("the parts are not shards 1..%d of %d: %s" % (len(parts), len(parts), shards))
    hosts = len({r["target"]["host"].lower() for r in whole})
    empty = [p for p, reports, _ in parts if not reports]
    if hosts >= len(parts) and empty:
        problems.append("with %d hosts and %d parts every part should scan something; empty: %s"
                        % (hosts, len(parts), ", ".join(empty)))

    # Per target: the unsharded run against the merge.
    by_whole = {report_key(r): r for r in whole}
    by_merged: dict[str, dict[str, Any]] = {}
    for r in merged:
        k = report_key(r)
        if k in by_merged:
            problems.append("%s appears twice in the merge" % k)
        by_merged[k] = r
    if len(by_whole) != len(whole):
        problems.append("the unsharded run has a target twice")
    sum_whole = {summary_key(s): s for s in (whole_summary or {}).get("results", [])}
    sum_merged = {summary_key(s): s for s in (merged_summary or {}).get("results", [])}
    print("per target, the merged shards against one unsharded run:")
    different = 0
    for k in sorted(set(by_whole) | set(by_merged)):
        if k not in by_merged:
            lines = ["missing from the merge"]
        elif k not in by_whole:
            lines = ["not in the unsharded run"]
        else:
            lines = diff(normal(by_whole[k]), normal(by_merged[k]))
            if k not in sum_whole or k not in sum_merged:
                lines.append("no summary line in the %s" % ("unsharded run" if k not in sum_whole else "merge"))
            else:
                lines += ["summary " + d for d in diff(normal_summary(sum_whole[k]), normal_summary(sum_merged[k]))]
        if lines:
            different += 1
            print("  %-44s DIFFERENT" % k)
            for line in lines:
                print("      %s" % line)
        else:
            print("  %-44s equal" % k)

    # The summaries.
    if whole_summary is None or merged_summary is None:
        problems.append("no summary line in %s" % (a.whole if whole_summary is None else a.merged))
    else:
        for field in ("complete", "targets", "scanned", "exitStatus"):
            if whole_summary.get(field) != merged_summary.get(field):
                problems.append("summary %s: unsharded %s, merged %s"
                                % (field, json.dumps(whole_summary.get(field)), json.dumps(merged_summary.get(field))))
        if not merged_summary.get("complete"):
            problems.append("the merged summary is incomplete (pending: %s)" % merged_summary.get("pending"))
    for p in problems:
        print("  PROBLEM: %s" % p)
    total = len(set(by_whole) | set(by_merged))
    if different or problems:
        print("comparison: %d of %d targets DIFFERENT, %d other problem(s)" % (different, total, len(problems)))
        return 1
    print("comparison: all %d targets equal; summaries agree (complete, %s targets, exit %s)"
          % (total, merged_summary.get("targets"), merged_summary.get("exitStatus")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
