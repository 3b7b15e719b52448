"""Integrity benchmark: full and incremental scan time, precision and recall per kind.

``run_bench`` synthesises ``claims`` claims (reusing the file if it exists with the same
size and seed), times a full scan over the Parquet file and an incremental scan of the
last day's claims against all history, and evaluates the full scan against the labels.
Generation time is not counted. Targets: full ≤ 120 s at 10 M, incremental ≤ 5 s,
precision and recall ≥ 0.9 per kind.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from huanxin.integrity.scan import evaluate, read_labels, scan
from huanxin.integrity.synth import synthesize


def dataset(claims: int, seed: int, workdir: Path) -> Path:
    """The synthetic file for ``claims`` and ``seed`` in ``workdir``, made if missing."""
    path = workdir / f"claims-{claims}-{seed}.parquet"
    if not path.exists():
        synthesize(claims, seed, path)
    return path


def last_day(path: Path) -> datetime:
    """Midnight starting the last day that has claims."""
    latest = pl.scan_parquet(path).select(pl.col("claimed_at").max()).collect().item()
    assert isinstance(latest, datetime)
    return datetime(latest.year, latest.month, latest.day)


def run_bench(claims: int, seed: int, workdir: Path) -> dict[str, Any]:
    """``{"claims", "full_scan_s", "incremental_s", "by_kind": {KIND: {"precision", "recall"}}}``."""
    path = dataset(claims, seed, workdir)
    full = scan(path)
    incremental = scan(path, last_day(path))
    report = evaluate(full.hits, read_labels(path))
    return {
        "claims": claims,
        "full_scan_s": full.elapsed_s,
        "incremental_s": incremental.elapsed_s,
        "by_kind": {
            k: {"precision": v["precision"], "recall": v["recall"]} for k, v in report.items()
        },
    }
