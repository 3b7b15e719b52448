"""The incremental scan's persisted state: the claim index of history, in a folder.

A full scan with a state folder (or :func:`huanxin.integrity.scan.build_state`) writes

* ``index.duckdb``: the table ``keys`` (one narrow row per claim,
  :mod:`huanxin.integrity.keys`) in time order and the category counts of
  :data:`~huanxin.integrity.keys.CATEGORY_STATS` over it;
* ``folded.txt``: the latest claim instant the state holds, written last (a full write
  that stopped half-way leaves none, and a daily scan then asks for a full scan);
* ``link.arrow``: record linkage's columns of the same claims
  (:data:`~huanxin.integrity.linkage.LINK_COLUMNS`) sorted by ``claim_id``, uncompressed
  Arrow read through a memory map: a few candidates are found by binary search and read
  without decompressing anything else (:class:`LinkRows`);
* ``days/``: empty.

A daily scan indexes only the day's claims, defines ``keys`` as the stored history plus the
day, runs the very same detector SQL judging only the day, and folds the day in by writing
its ``keys`` rows as one Parquet file under ``days/`` (the base table and its files are not
rewritten, so folding costs what the day costs). ``recent_keys`` is the days' files plus
the day; the category counts are the stored ones plus those of ``recent_keys``. Windowed
rules read only the last weeks (the base table is in time order, so DuckDB skips older row
groups by their min/max; the day files are pruned by their statistics).

Files are written whole or not at all (written beside, then renamed), and a day file is
named by the instant it starts at, so a scan that stops half-way and is run again
overwrites what it left. Re-running a day first removes what the state holds from that day on; claims between the
last folded instant and the day (a skipped night) are folded before the day is judged.
Changes to claims already folded (a later return, a new status) reach the state at the next
full scan, which also merges the day files back into the base.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from pyarrow import ipc

from huanxin.integrity.errors import IndexBusy, IndexMissing
from huanxin.integrity.keys import CATEGORY_STATS, category_stats_sql, encoded_in, keys_sql
from huanxin.integrity.linkage import LINK_COLUMNS

STATE_FILE = "index.duckdb"
LINK_FILE = "link.arrow"
DAYS_DIR = "days"
FOLDED_FILE = "folded.txt"


def state_file(folder: Path) -> Path:
    return folder / STATE_FILE


def _ts(value: datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S.%f}'"


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class LinkRows:
    """The stored history's linkage rows, looked up by ``claim_id`` in ``link.arrow``."""

    folder: Path

    def rows(self, ids: Sequence[int]) -> pa.Table:
        table = ipc.open_file(pa.memory_map(str(self.folder / LINK_FILE))).read_all()
        if not len(ids) or not table.num_rows:
            return table.slice(0, 0)
        column = table.column("claim_id")  # sorted; one batch, so read in place
        chunk = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        order = chunk.to_numpy(zero_copy_only=True)
        wanted = np.unique(np.asarray(ids, dtype=np.int64))
        at = np.searchsorted(order, wanted)
        inside = at < len(order)
        found = at[inside][order[at[inside]] == wanted[inside]]
        return table.take(pa.array(found, pa.int64()))


def attach(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Attach the state file of ``folder`` (created if missing) as ``st``.

    DuckDB locks the file for as long as it is attached, so one scan at a time uses a state
    folder; another is refused (not queued) with :class:`IndexBusy`.
    """
    (folder / DAYS_DIR).mkdir(parents=True, exist_ok=True)
    try:
        con.execute(f"ATTACH {_quoted(state_file(folder))} AS st")
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        raise IndexBusy("索引目录正被另一个扫描使用，请等它结束后再试。", field="state") from exc


def last_folded(folder: Path) -> datetime | None:
    """The latest claim instant the state holds (None if it holds nothing)."""
    path = folder / FOLDED_FILE
    return datetime.fromisoformat(path.read_text().strip()) if path.exists() else None


def _mark(con: duckdb.DuckDBPyConnection, folder: Path, source: str) -> None:
    """Record the latest claim instant of ``source`` as folded (kept as it is if ``source`` is
    empty). Written last, it also marks a full write as complete: until then there is none."""
    row = con.execute(f"SELECT max(claimed_at) FROM {source}").fetchone()  # noqa: S608
    if row and row[0] is not None:
        replace_text(folder / FOLDED_FILE, row[0].isoformat())


def replace_text(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (a crash leaves the old content)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def _copy_whole(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    """``COPY (sql)`` to the Parquet file ``path``, whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    con.execute(f"COPY ({sql}) TO {_quoted(partial)} (FORMAT parquet)")
    partial.replace(path)


def _write_link_rows(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """``link.arrow``: the linkage rows of ``st.keys`` sorted by ``claim_id``, one batch."""
    sql = f"SELECT {LINK_COLUMNS} FROM st.keys ORDER BY claim_id"  # noqa: S608
    table = con.sql(sql).to_arrow_table().combine_chunks()
    partial = folder / (LINK_FILE + ".partial")
    with pa.OSFile(str(partial), "wb") as sink, ipc.new_file(sink, table.schema) as out:
        out.write_table(table, max_chunksize=max(table.num_rows, 1))
    partial.replace(folder / LINK_FILE)


def _write_base_stats(con: duckdb.DuckDBPyConnection) -> None:
    for name in CATEGORY_STATS:
        con.execute(f"CREATE OR REPLACE TABLE st.{name} AS {category_stats_sql(name, ['st.keys'])}")


def write_full(con: duckdb.DuckDBPyConnection, folder: Path, until: datetime | None = None) -> None:
    """Replace the state with the index of the connection's claims (before ``until`` if given).

    After a full scan ``keys`` is already built and is stored as it is; otherwise the claims
    are indexed here (how the state for a first daily scan is made).
    """
    built = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND table_name = 'keys'"
    ).fetchone()
    if until is None and built and built[0]:
        source = "SELECT * FROM keys ORDER BY claimed_at"
    else:
        where = "TRUE" if until is None else f"claimed_at < {_ts(until)}"
        source = keys_sql("claims", where, encoded=encoded_in(con))
    (folder / FOLDED_FILE).unlink(missing_ok=True)
    con.execute(f"CREATE OR REPLACE TABLE st.keys AS {source}")
    _write_base_stats(con)
    con.execute("CHECKPOINT st")
    _write_link_rows(con, folder)
    shutil.rmtree(folder / DAYS_DIR, ignore_errors=True)
    (folder / DAYS_DIR).mkdir()
    _mark(con, folder, "st.keys")


def _day_files(folder: Path) -> list[Path]:
    return sorted((folder / DAYS_DIR).glob("*.parquet"))


def _cut(con: duckdb.DuckDBPyConnection, folder: Path, since: datetime) -> None:
    """Forget what the state holds from ``since`` on (a day judged again)."""
    for path in _day_files(folder):
        sql = f"SELECT min(claimed_at), max(claimed_at) FROM read_parquet({_quoted(path)})"  # noqa: S608
        first, latest = con.execute(sql).fetchone() or (None, None)
        if latest is None or latest < since:
            continue
        if first >= since:
            path.unlink()
        else:
            kept = f"SELECT * FROM read_parquet({_quoted(path)}) WHERE claimed_at < {_ts(since)}"  # noqa: S608
            con.execute(f"CREATE OR REPLACE TEMP TABLE kept AS {kept}")
            _copy_whole(con, "SELECT * FROM kept", path)
    newer = con.execute(f"SELECT count(*) FROM st.keys WHERE claimed_at >= {_ts(since)}").fetchone()  # noqa: S608
    if newer and newer[0]:
        con.execute(f"DELETE FROM st.keys WHERE claimed_at >= {_ts(since)}")  # noqa: S608
        _write_base_stats(con)
        _write_link_rows(con, folder)
    (folder / FOLDED_FILE).unlink()
    _mark(con, folder, history_sql(folder))


def history_sql(folder: Path) -> str:
    """SQL relation of every ``keys`` row the state holds (base table and day files)."""
    files = _day_files(folder)
    if not files:
        return "st.keys"
    listed = ", ".join(_quoted(p) for p in files)
    return f"(SELECT * FROM st.keys UNION ALL SELECT * FROM read_parquet([{listed}]))"  # noqa: S608


def _fold(con: duckdb.DuckDBPyConnection, folder: Path, relation: str, start: datetime) -> None:
    """Write the ``keys`` rows of ``relation`` as the day file starting at ``start``."""
    path = folder / DAYS_DIR / f"{start:%Y%m%dT%H%M%S%f}.parquet"
    _copy_whole(con, f"SELECT * FROM {relation} ORDER BY claimed_at", path)  # noqa: S608
    _mark(con, folder, relation)


def open_day(con: duckdb.DuckDBPyConnection, folder: Path, since: datetime) -> None:
    """Make ``keys`` the stored history before ``since`` plus the claims at/after it.

    ``con`` holds ``claims`` (at least the claims from the last folded instant on) and the
    attached state ``st``. Defines ``day_claims``, ``day_keys``, ``recent_keys`` (what is not
    in the base table), ``keys`` and the category counts.
    """
    last = last_folded(folder)
    if last is None:
        raise IndexMissing("增量扫描需要先做一次带索引目录的全量扫描（state）。", field="state")
    if last >= since:
        _cut(con, folder, since)
    else:
        gap = f"claimed_at > {_ts(last)} AND claimed_at < {_ts(since)}"
        gap_sql = keys_sql("claims", gap, encoded=encoded_in(con))
        con.execute(f"CREATE OR REPLACE TEMP TABLE gap_keys AS {gap_sql}")
        if con.execute("SELECT count(*) FROM gap_keys").fetchone() != (0,):
            _fold(con, folder, "gap_keys", last)
    day = f"SELECT * FROM claims WHERE claimed_at >= {_ts(since)}"  # noqa: S608
    con.execute(f"CREATE OR REPLACE TABLE day_claims AS {day}")
    day_sql = keys_sql("day_claims", encoded=encoded_in(con, "day_claims"))
    con.execute(f"CREATE OR REPLACE TABLE day_keys AS {day_sql}")
    files = _day_files(folder)
    listed = ", ".join(_quoted(p) for p in files)
    recent = (
        f"SELECT * FROM read_parquet([{listed}]) UNION ALL SELECT * FROM day_keys"  # noqa: S608
        if files
        else "SELECT * FROM day_keys"
    )
    con.execute(f"CREATE OR REPLACE VIEW recent_keys AS {recent}")
    con.execute(
        "CREATE OR REPLACE VIEW keys AS SELECT * FROM st.keys UNION ALL SELECT * FROM recent_keys"
    )
    for name in CATEGORY_STATS:
        sql = category_stats_sql(name, ["recent_keys"], stored=f"st.{name}")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")


def fold_day(con: duckdb.DuckDBPyConnection, folder: Path, since: datetime) -> None:
    """Append the judged day to the stored history."""
    if con.execute("SELECT count(*) FROM day_keys").fetchone() != (0,):
        _fold(con, folder, "day_keys", since)


CHANGING = ("status", "returned_at")
"""The columns of a stored claim that change after it is folded (a return, a payment)."""


def update_rows(con: duckdb.DuckDBPyConnection, folder: Path, relation: str) -> None:
    """Give the stored rows of the claims in ``relation`` (``keys`` rows) their new status
    and return: the base table in place, a day file holding one of them rewritten whole."""
    sets = ", ".join(f"{c} = u.{c}" for c in CHANGING)
    con.execute(
        f"UPDATE st.keys SET {sets} FROM {relation} u WHERE st.keys.claim_id = u.claim_id"  # noqa: S608
    )
    con.execute("CHECKPOINT st")
    swap = ", ".join(
        f"CASE WHEN u.claim_id IS NULL THEN d.{c} ELSE u.{c} END AS {c}" for c in CHANGING
    )
    for path in _day_files(folder):
        day = f"read_parquet({_quoted(path)})"
        hit = con.execute(
            f"SELECT count(*) FROM {day} WHERE claim_id IN (SELECT claim_id FROM {relation})"  # noqa: S608
        ).fetchone()
        if hit and hit[0]:
            sql = (
                f"SELECT d.* REPLACE ({swap}) FROM {day} d"  # noqa: S608
                f" LEFT JOIN {relation} u USING (claim_id)"
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE rewritten AS {sql}")
            _copy_whole(con, "SELECT * FROM rewritten ORDER BY claimed_at", path)
