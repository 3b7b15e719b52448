"""What a detector is: a named rule with parameters, SQL over the claim index, and a reason.

A detector's :meth:`Detector.sql` returns DuckDB SQL over ``keys`` (the narrow index of
the claims, :mod:`huanxin.integrity.keys`: hashed identifiers and the values the rules use),
``target_keys`` (the rows of the claims being judged: all of them in a full scan, one day's
in an incremental scan) and, for the text of a few hits, ``target_claims`` (the canonical
record, :mod:`huanxin.integrity.schema`, of the judged claims). The query yields
``claim_id``, ``score`` (the points this hit adds to the claim's risk) and
``explanation``: the detector's Chinese template filled by DuckDB ``format`` with the
evidence. The same SQL runs over Parquet, over a database table mapped to ``claims``, and
over the incremental scan's persisted index.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol

import duckdb
import polars as pl
import pyarrow as pa

from huanxin.core import vocab


class StoredRows(Protocol):
    """The stored history of a daily scan, read a few rows at a time by ``claim_id``."""

    def rows(self, ids: Sequence[int]) -> pa.Table:
        """The linkage rows (:data:`huanxin.integrity.linkage.LINK_COLUMNS`) of ``ids``."""
        ...


@dataclass(frozen=True)
class Scope:
    """Which claims are judged: all (``since`` is None) or those claimed at/after ``since``.

    ``history``: in a daily scan, the stored index's rows by ``claim_id`` (record linkage
    reads its few history candidates' texts there instead of scanning all history).
    """

    since: datetime | None = None
    history: StoredRows | None = field(default=None, compare=False, repr=False)

    @property
    def full(self) -> bool:
        return self.since is None

    def after(self, days_back: int = 0, column: str = "claimed_at") -> str:
        """SQL condition keeping history from ``days_back`` days before ``since`` (TRUE if full)."""
        if self.since is None:
            return "TRUE"
        start = self.since - timedelta(days=days_back)
        return f"{column} >= TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}'"

    def limit_to_target(self, column: str, *, alias: str = "") -> str:
        """SQL condition keeping ``keys`` rows whose ``column`` occurs among the judged claims."""
        if self.since is None:
            return "TRUE"
        prefix = f"{alias}." if alias else ""
        return f"{prefix}{column} IN (SELECT {column} FROM target_keys)"  # noqa: S608


@dataclass(frozen=True)
class Detector(ABC):
    """A named rule. Subclasses set the class constants and add their parameters as fields."""

    name: ClassVar[str]
    kind: ClassVar[str]
    title: ClassVar[str]
    template: ClassVar[str]
    weight: int = 50

    def repeats(self) -> dict[str, int]:
        """``keys`` columns whose values matter only when they occur this many times or more.

        The scan provides ``repeated_<column>`` (one column ``v``) for each: see
        :func:`huanxin.integrity.keys.repeated_sql`.
        """
        return {}

    @abstractmethod
    def sql(self, scope: Scope) -> str:
        """SQL yielding ``claim_id, score, explanation`` for target claims that fire."""

    def run(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
        """Execute over ``con`` (which holds ``keys``, ``target_keys`` and ``target_claims``)."""
        params: dict[str, Any] = {"template": self.template}
        frame = fetch(con, self.sql(scope), params)
        return frame.select(
            pl.lit(self.name).alias("detector"),
            pl.lit(self.kind).alias("kind"),
            pl.lit(self.title).alias("title"),
            pl.col("claim_id").cast(pl.Int64),
            pl.col("score").cast(pl.Int32),
            pl.col("explanation").cast(pl.Utf8),
        )


HIT_SCHEMA: dict[str, pl.DataType] = {
    "detector": pl.Utf8(),
    "kind": pl.Utf8(),
    "title": pl.Utf8(),
    "claim_id": pl.Int64(),
    "score": pl.Int32(),
    "explanation": pl.Utf8(),
}

YUAN_SQL = "printf('%d.%02d', ({x}) // 100, ({x}) % 100)"


def yuan_sql(expr: str) -> str:
    """SQL that formats an integer-fen expression as yuan text, e.g. ``'1199.80'``."""
    return YUAN_SQL.format(x=expr)


CATEGORY_LABELS = vocab.CATEGORY_LABELS  # the one category label table


def category_label_sql(expr: str) -> str:
    """SQL turning a category code into its Chinese name (unknown codes pass through)."""
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CATEGORY_LABELS.items())
    return f"CASE {expr} {cases} ELSE {expr} END"


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> pl.DataFrame:
    """Run ``sql`` and return the result as a polars frame (through Arrow, zero-copy)."""
    table = con.sql(sql, params=params or None).to_arrow_table()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame
