"""Integrity benchmark: full and incremental scan time, precision and recall per kind.

``run_bench`` synthesises ``claims`` claims (reusing the file if it exists with the same
size and seed; generation is timed apart and not counted), times a full scan over the
Parquet file, stores the claim index of every day before the last one (what the previous
nights' scans leave behind; timed apart as ``state_build_s``), times the incremental scan
of the last day's claims against that stored index, checks that it says what the full scan
says about that day, and evaluates the full scan against the labels. Targets: full ≤ 120 s
at 10 M, incremental ≤ 5 s, precision and recall ≥ 0.9 per kind.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from bench.integrity_synth import synthesize
from huanxin.integrity.scan import ScanResult, build_state, evaluate, read_labels, scan


def dataset(claims: int, seed: int, workdir: Path) -> tuple[Path, float]:
    """The synthetic file for ``claims`` and ``seed`` in ``workdir`` and the seconds spent making it."""
    path = workdir / f"claims-{claims}-{seed}.parquet"
    if path.exists():
        return path, 0.0
    start = time.perf_counter()
    synthesize(claims, seed, path)
    return path, round(time.perf_counter() - start, 1)


def last_day(path: Path) -> datetime:
    """Midnight starting the last day that has claims."""
    latest = pl.scan_parquet(path).select(pl.col("claimed_at").max()).collect().item()
    assert isinstance(latest, datetime)
    return datetime(latest.year, latest.month, latest.day)


def same_verdicts(day: ScanResult, full: ScanResult) -> bool:
    """Whether ``day`` holds exactly the full scan's hits (rule, claim, reason) on its claims."""
    cols = ("detector", "claim_id", "explanation")
    judged = day.judged_ids
    mine = day.hits.select(cols).sort(cols)
    theirs = full.hits.filter(pl.col("claim_id").is_in(judged.implode())).select(cols).sort(cols)
    return mine.equals(theirs)


def run_bench(claims: int, seed: int, workdir: Path) -> dict[str, Any]:
    """``{"claims", "full_scan_s", "incremental_s", "by_kind": {KIND: {"precision", "recall"}}}``.

    Extra keys: per-rule seconds of both scans, generation and state-build seconds, whether
    the incremental verdicts equal the full scan's, and the load average before and after.
    """
    load_before = os.getloadavg()
    path, generate_s = dataset(claims, seed, workdir)
    full = scan(path)
    day = last_day(path)
    state = workdir / f"state-{claims}-{seed}"
    shutil.rmtree(state, ignore_errors=True)
    state_build_s = build_state(path, state, day)
    incremental = scan(path, day, state=state)
    report = evaluate(full.hits, read_labels(path))
    return {
        "claims": claims,
        "full_scan_s": full.elapsed_s,
        "incremental_s": incremental.elapsed_s,
        "by_kind": {
            k: {"precision": v["precision"], "recall": v["recall"]} for k, v in report.items()
        },
        "by_rule_s": full.timings,
        "incremental_by_rule_s": incremental.timings,
        "incremental_claims": incremental.judged,
        "incremental_equals_full": same_verdicts(incremental, full),
        "generate_s": generate_s,
        "state_build_s": state_build_s,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
