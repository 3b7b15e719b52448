"""The integrity scan: run every detector over ``claims``, score, and evaluate against labels.

``scan`` takes a DuckDB connection that already holds a ``claims`` relation (a view over
the database claims table, or anything with the canonical columns) or a path to a Parquet
file of canonical claims. A full scan judges all claims; ``since`` judges only the claims
at/after that instant against their history (the daily incremental run).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from huanxin.integrity.detectors import Scope, default_detectors
from huanxin.integrity.detectors.base import HIT_SCHEMA, fetch
from huanxin.integrity.linkage import VariantIdentity
from huanxin.integrity.schema import COLUMN_NAMES, FRAUD_KINDS, LABEL_COLUMN
from huanxin.integrity.scoring import ScoringPolicy, score_claims, score_merchants


class Rule(Protocol):
    """Anything the scan can run: a SQL detector or the linkage detector."""

    @property
    def name(self) -> str: ...

    def run(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame: ...


@dataclass
class ScanResult:
    """Hits (one row per detector and claim), claim and merchant scores, and timings."""

    hits: pl.DataFrame
    claims: pl.DataFrame
    merchants: pl.DataFrame
    judged: int
    elapsed_s: float
    since: datetime | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def held(self) -> pl.DataFrame:
        """Claims to hold out of payment batches for review."""
        return self.claims.filter(pl.col("hold"))


def all_rules() -> list[Rule]:
    """Every detector with default parameters, linkage included."""
    return [*default_detectors(), VariantIdentity()]


def open_claims(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection whose ``claims`` view reads the canonical columns of a Parquet file."""
    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    cols = ", ".join(COLUMN_NAMES)
    escaped = str(path).replace("'", "''")
    con.execute(f"CREATE VIEW claims AS SELECT {cols} FROM read_parquet('{escaped}')")  # noqa: S608
    return con


def scan(
    con_or_path: duckdb.DuckDBPyConnection | Path | str,
    since: datetime | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    policy: ScoringPolicy | None = None,
) -> ScanResult:
    """Run ``rules`` (default: all) over the claims; judge those at/after ``since`` if given."""
    start = time.perf_counter()
    owned = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = (
        con_or_path
        if isinstance(con_or_path, duckdb.DuckDBPyConnection)
        else open_claims(con_or_path)
    )
    scope = Scope(since)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW target_claims AS SELECT * FROM claims WHERE {scope.after(0)}"  # noqa: S608
        )
        timings: dict[str, float] = {}
        parts = []
        for rule in rules if rules is not None else all_rules():
            t0 = time.perf_counter()
            parts.append(rule.run(con, scope))
            timings[rule.name] = round(time.perf_counter() - t0, 3)
        hits = pl.concat(parts) if parts else pl.DataFrame(schema=HIT_SCHEMA)
        judged_map = fetch(con, "SELECT claim_id, merchant_id FROM target_claims")
    finally:
        if owned:
            con.close()
    return ScanResult(
        hits=hits,
        claims=score_claims(hits, policy),
        merchants=score_merchants(hits, judged_map, policy),
        judged=judged_map.height,
        elapsed_s=round(time.perf_counter() - start, 3),
        since=since,
        timings=timings,
    )


def read_labels(path: Path | str, since: datetime | None = None) -> pl.DataFrame:
    """``claim_id, fraud_kind`` of a synthetic Parquet file (claims at/after ``since``)."""
    frame = pl.scan_parquet(path).select("claim_id", "claimed_at", LABEL_COLUMN)
    if since is not None:
        frame = frame.filter(pl.col("claimed_at") >= since)
    return frame.select("claim_id", LABEL_COLUMN).collect()


def evaluate(hits: pl.DataFrame, labels: pl.DataFrame) -> dict[str, dict[str, float | int]]:
    """Precision and recall per fraud kind of ``hits`` against ``labels``.

    A claim counts as flagged for a kind when a detector of that kind fired on it. With
    nothing flagged, precision is 1.0 if nothing was planted either, else 0.0; with
    nothing planted, recall is 1.0.
    """
    flagged = hits.select("kind", "claim_id").unique()
    truth = labels.filter(pl.col(LABEL_COLUMN).is_not_null()).select(
        pl.col(LABEL_COLUMN).alias("kind"), "claim_id"
    )
    tp = flagged.join(truth, on=["kind", "claim_id"], how="inner")
    counts = {
        name: dict(frame.group_by("kind").len().iter_rows())
        for name, frame in (("flagged", flagged), ("labelled", truth), ("tp", tp))
    }
    report: dict[str, dict[str, float | int]] = {}
    for kind in FRAUD_KINDS:
        f, t, hit = (int(counts[n].get(kind, 0)) for n in ("flagged", "labelled", "tp"))
        precision = hit / f if f else (1.0 if t == 0 else 0.0)
        recall = hit / t if t else 1.0
        report[kind] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "flagged": f,
            "labelled": t,
            "true_positive": hit,
        }
    return report
