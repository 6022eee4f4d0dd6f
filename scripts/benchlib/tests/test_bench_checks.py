"""The pure parts of `scripts/bench --checks-bench` (scripts/benchlib/bench_checks.py): which verdict fields are
compared, the least-squares fit, and how the generated section replaces only itself in bench/results.md.
Expected values are worked out by hand."""
from __future__ import annotations

import pytest

import bench_checks


def report(status: str, predicted: str, confirmed: list[str], suite: str = "0xC02F") -> dict:
    return {"verdicts": {"cloudfront": {"status": status, "compatible": status == "compatible", "generations": [
        {"id": "documented", "compatible": status == "compatible", "suite": {"code": suite},
         "predicted": {"suite": predicted}, "difference": None if predicted == suite else "differs",
         "confirmedBy": confirmed}]}}}


def test_verdicts_differing_only_in_matrix_evidence_are_the_same() -> None:
    full = report("compatible", "0xC02F", ["openssl"])
    reduced = report("compatible", "0xC030", [])
    assert bench_checks.same_verdict(full, reduced)
    assert "predicted" not in bench_checks.verdict_key(full)["generations"][0]
    assert "predicted" in full["verdicts"]["cloudfront"]["generations"][0]  # the report itself is untouched


def test_verdicts_differing_in_a_decision_are_not_the_same() -> None:
    assert not bench_checks.same_verdict(report("compatible", "x", []), report("not-compatible", "x", []))
    assert not bench_checks.same_verdict(report("compatible", "x", [], suite="0xC02F"),
                                         report("compatible", "x", [], suite="0xC030"))
    assert not bench_checks.same_verdict({"verdicts": {}}, {"verdicts": {}})


def test_linear_fit() -> None:
    slope, intercept = bench_checks.linear_fit([500, 2000, 10000], [3.0, 9.0, 41.0])  # y = 0.004 x + 1
    assert slope == pytest.approx(0.004)
    assert intercept == pytest.approx(1.0)
    with pytest.raises(ValueError):
        bench_checks.linear_fit([500, 500], [1.0, 2.0])


def test_splice_appends_then_replaces_only_its_section() -> None:
    original = "# results\n\n## Totals\n\n| a |\n"
    once = bench_checks.splice(original, "## Checks\n\nfirst")
    assert once.startswith(original.rstrip("\n"))
    assert once.count(bench_checks.MARK_BEGIN) == 1 and "first" in once
    twice = bench_checks.splice(once + "\n## Later\n", "## Checks\n\nsecond")
    assert "first" not in twice and "second" in twice
    assert twice.count(bench_checks.MARK_BEGIN) == 1 and twice.count(bench_checks.MARK_END) == 1
    assert twice.startswith(original.rstrip("\n")) and twice.rstrip().endswith("## Later")


def test_tables_and_fits_from_rows() -> None:
    def row(n: int, mode: str, wall: float, rss_kb: int) -> dict:
        return {"targets": n, "mode": mode, "wall": wall, "cpu": wall, "rssKB": rss_kb, "timedOut": False, "exit": 0,
                "connections": 7 * n, "reported": 7 * n, "lowerBound": 7 * n, "correctTargets": None,
                "sameVerdicts": n, "load": None}
    cf = bench_checks.MODES[1][0]
    rows = [row(500, cf, 3.0, 40 * 1024), row(2000, cf, 9.0, 40 * 1024)]
    fitted = bench_checks.fits(rows)
    assert fitted[cf]["wall"] == pytest.approx((0.004, 1.0))
    assert fitted[cf]["rss"] == pytest.approx((0.0, 40.0))
    lines = bench_checks.scale_table(rows)
    assert lines[2].startswith("| 500 | --checks cloudfront | 3.0 | 3.0 | 40.0 | 3500 | 3500 | 3500 | 7.0 | – | 500/500 | 0 |")


def test_scale_targets_spread_over_loopback_addresses() -> None:
    assert [bench_checks.spread_address(i) for i in (0, 1, 15, 16)] == ["127.0.0.1", "127.0.0.2", "127.0.0.16", "127.0.0.1"]
