"""The integrity scan: run every detector over ``claims``, score, and evaluate against labels.

``scan`` takes a DuckDB connection that already holds a ``claims`` relation (a view over
the database claims table, or anything with the canonical columns) or a path to a Parquet
file of canonical claims. A full scan judges all claims; ``since`` judges only the claims
at/after that instant against their history (the daily incremental run).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from huanxin.integrity.detectors import Scope, default_detectors
from huanxin.integrity.detectors.base import HIT_SCHEMA, fetch
from huanxin.integrity.keys import (
    CATEGORY_STATS,
    LINK_TEXT_FROM_KEYS,
    category_stats_sql,
    encoded_in,
    keys_sql,
    link_text_sql,
    repeated_sql,
    target_keys_sql,
)
from huanxin.integrity.linkage import VariantIdentity
from huanxin.integrity.schema import COLUMN_NAMES, FRAUD_KINDS, LABEL_COLUMN, PLATFORM_COLUMNS
from huanxin.integrity.scoring import ScoringPolicy, score_claims, score_merchants
from huanxin.integrity.state import LinkRows, attach, fold_day, open_day, write_full


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
    judged_ids: pl.Series = field(default_factory=lambda: pl.Series("claim_id", [], pl.Int64))

    @property
    def held(self) -> pl.DataFrame:
        """Claims to hold out of payment batches for review."""
        return self.claims.filter(pl.col("hold"))


def all_rules() -> list[Rule]:
    """Every detector with default parameters, linkage included.

    Linkage comes first: it takes longest, and rules start in this order two at a time.
    """
    return [VariantIdentity(), *default_detectors()]


DUCKDB_CONFIG: dict[str, str | int | bool] = {
    "threads": 2,
    "memory_limit": "10GB",
    "preserve_insertion_order": False,
}
"""Two cores (the target machine) and a memory cap well under its 24 GiB."""


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the scan's settings."""
    con = duckdb.connect(config=dict(DUCKDB_CONFIG))
    con.execute("SET enable_progress_bar = false")
    return con


def open_claims(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection whose ``claims`` view reads the canonical columns of a Parquet file."""
    con = connect()
    escaped = str(path).replace("'", "''")
    source = f"read_parquet('{escaped}')"
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
    present = {str(r[0]) for r in described}
    encoded = [
        c if c in present else f"CAST(NULL AS {t}) AS {c}" for c, t in PLATFORM_COLUMNS.items()
    ]
    cols = ", ".join([*COLUMN_NAMES, *encoded])
    con.execute(f"CREATE VIEW claims AS SELECT {cols} FROM {source}")  # noqa: S608
    return con


def repeats_of(rules: Sequence[object]) -> dict[str, int]:
    """The ``repeated_<column>`` relations ``rules`` read, each with the smallest count asked."""
    wanted: dict[str, int] = {}
    for rule in rules:
        asks = getattr(rule, "repeats", None)
        for column, at_least in (asks() if asks else {}).items():
            wanted[column] = min(at_least, wanted.get(column, at_least))
    return wanted


def repeated_table(con: duckdb.DuckDBPyConnection, column: str, at_least: int) -> None:
    """``repeated_<column>``: the values of ``column`` in ``keys`` occurring ``at_least`` times.

    The column's 64-bit values are sorted (numpy's vectorised sort) and counted run by run:
    for ten million mostly distinct values that is a fraction of a hash aggregate's cost.
    """
    values = con.sql(f"SELECT {column} FROM keys WHERE {column} IS NOT NULL").fetchnumpy()[column]  # noqa: S608
    ordered = np.sort(np.asarray(values, dtype=np.uint64))
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    found = pa.table({"v": pa.array(ordered[starts[counts >= at_least]], pa.uint64())})
    con.register("repeated_found", found)
    _define(con, f"repeated_{column}", "SELECT v FROM repeated_found", table=True)
    con.unregister("repeated_found")


def relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views of the connection's own database (not an attached one)."""
    where = "WHERE database_name IN (current_database(), 'temp')"
    sql = f"SELECT table_name FROM duckdb_tables() {where} UNION ALL SELECT view_name FROM duckdb_views() {where}"  # noqa: S608
    return {str(r[0]) for r in con.execute(sql).fetchall()}


def _define(con: duckdb.DuckDBPyConnection, name: str, sql: str, *, table: bool) -> None:
    """(Re)define the temporary relation ``name`` as a view or a table of ``sql``."""
    con.execute(f"DROP VIEW IF EXISTS {name}")
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"CREATE {'TABLE' if table else 'VIEW'} {name} AS {sql}")


def prepare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rules: Sequence[object] | None = None,
    *,
    text: bool | None = None,
) -> None:
    """Index ``claims`` into ``keys``, define the judged claims' views and ``repeated_*``.

    A connection that already holds ``keys`` (the incremental scan's persisted index plus
    the day, :mod:`huanxin.integrity.state`) keeps it. ``text``: whether ``keys`` holds the
    linkage texts (by default only when judging a day, whose candidates are fetched by id);
    ``link_text`` serves them either way.
    """
    have = relations(con)
    stored = "keys" in have
    encoded = encoded_in(con)
    if not stored:
        text = not scope.full if text is None else text
        sql = keys_sql("claims", text=text, encoded=encoded)
        con.execute(f"CREATE OR REPLACE TABLE keys AS {sql}")
    for name in CATEGORY_STATS:
        if name not in have:  # a daily scan's are the stored counts plus the recent ones
            _define(con, name, category_stats_sql(name, ["keys"]), table=True)
    link_text = LINK_TEXT_FROM_KEYS if stored or text else link_text_sql(encoded)
    con.execute(f"CREATE OR REPLACE VIEW link_text AS {link_text}")
    if "day_keys" in have:  # state.open_day read and indexed exactly the judged claims
        _define(con, "target_keys", "SELECT * FROM day_keys", table=False)
        _define(con, "target_claims", "SELECT * FROM day_claims", table=False)
    else:  # one day's claims are few: keep them at hand; all claims stay where they are
        _define(con, "target_keys", target_keys_sql(scope), table=not scope.full)
        judged = f"SELECT * FROM claims WHERE {scope.after(0)}"  # noqa: S608
        _define(con, "target_claims", judged, table=not scope.full)
    for column, at_least in repeats_of(all_rules() if rules is None else rules).items():
        if scope.full:
            repeated_table(con, column, at_least)
        else:
            _define(con, f"repeated_{column}", repeated_sql(column, at_least, scope), table=False)


RULE_WORKERS = 2
"""Rules run two at a time: while one waits on Python (Splink, polars) the other queries."""


def run_rules(
    con: duckdb.DuckDBPyConnection, scope: Scope, rules: Sequence[Rule], timings: dict[str, float]
) -> list[pl.DataFrame]:
    """Each rule's hits, in the order of ``rules``; each rule runs on a cursor of its own."""

    def one(rule: Rule) -> tuple[pl.DataFrame, float]:
        cursor = con.cursor()
        try:
            cursor.execute("SET enable_progress_bar = false")
            t0 = time.perf_counter()
            return rule.run(cursor, scope), round(time.perf_counter() - t0, 3)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=RULE_WORKERS) as pool:
        done = list(pool.map(one, rules))
    for rule, (_, seconds) in zip(rules, done, strict=True):
        timings[rule.name] = seconds
    return [frame for frame, _ in done]


def scan(
    con_or_path: duckdb.DuckDBPyConnection | Path | str,
    since: datetime | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    policy: ScoringPolicy | None = None,
    state: Path | None = None,
) -> ScanResult:
    """Run ``rules`` (default: all) over the claims; judge those at/after ``since`` if given.

    With a ``state`` folder a full scan also stores its claim index there, and a scan since
    a day indexes only the claims from that day on and reads history from the stored index
    (then appends the day to it): see :mod:`huanxin.integrity.state`.
    """
    start = time.perf_counter()
    owned = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = (
        con_or_path
        if isinstance(con_or_path, duckdb.DuckDBPyConnection)
        else open_claims(con_or_path)
    )
    scope = Scope(since, history=LinkRows(state) if state is not None and since else None)
    try:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if state is not None:
            attach(con, state)
            if since is not None:
                open_day(con, state, since)
        chosen = list(rules) if rules is not None else all_rules()
        prepare(con, scope, chosen, text=state is not None or since is not None)
        timings["index"] = round(time.perf_counter() - t0, 3)
        parts = run_rules(con, scope, chosen, timings)
        hits = pl.concat(parts) if parts else pl.DataFrame(schema=HIT_SCHEMA)
        judged_map = fetch(con, "SELECT claim_id, merchant_id FROM target_keys")
        if state is not None:
            t0 = time.perf_counter()
            write_full(con, state) if since is None else fold_day(con, state, since)
            timings["state_write"] = round(time.perf_counter() - t0, 3)
    finally:
        if owned:
            con.close()
    return ScanResult(
        hits=hits,
        claims=score_claims(hits, policy),
        merchants=score_merchants(hits, judged_map, policy),
        judged=judged_map.height,
        judged_ids=judged_map["claim_id"],
        elapsed_s=round(time.perf_counter() - start, 3),
        since=since,
        timings=timings,
    )


def build_state(
    con_or_path: duckdb.DuckDBPyConnection | Path | str, folder: Path, until: datetime | None = None
) -> float:
    """Store the index of the claims before ``until`` (all if None) in ``folder``; seconds taken.

    This is what the previous night's scans leave behind; a daily scan since ``until`` then
    starts from it.
    """
    start = time.perf_counter()
    owned = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = (
        con_or_path
        if isinstance(con_or_path, duckdb.DuckDBPyConnection)
        else open_claims(con_or_path)
    )
    try:
        attach(con, folder)
        write_full(con, folder, until)
    finally:
        if owned:
            con.close()
    return round(time.perf_counter() - start, 3)


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
