"""The incremental scan's persisted state: the claim index of history in a DuckDB file.

A full scan with a state folder writes ``index.duckdb``: the table ``keys`` (one narrow row
per claim, :mod:`huanxin.integrity.keys`) and ``folded`` (the latest claim instant it holds).
A daily scan then indexes only the day's claims, defines ``keys`` as the stored history plus
the day, runs the very same detector SQL judging only the day, and appends the day. The
stored columns are 64-bit hashes and small values (and, for record linkage, the name, phone
and normalised address, fetched by the ``claim_id`` index for the few linked candidates),
so a rule's semi-join on the day's keys
reads a few narrow columns instead of the claims themselves; windowed rules read only the
last weeks (the table is in time order, so DuckDB skips older row groups by their min/max).

Re-running a day first removes what the state holds from that day on; claims between the
last folded instant and the day (a skipped night) are folded before the day is judged.
Changes to claims already folded (a later return, a new status) reach the state at the next
full scan.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from huanxin.integrity.errors import IndexMissing
from huanxin.integrity.keys import keys_sql

STATE_FILE = "index.duckdb"


def state_file(folder: Path) -> Path:
    return folder / STATE_FILE


def _ts(value: datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S.%f}'"


def attach(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Attach the state file of ``folder`` (created if missing) as ``st``."""
    folder.mkdir(parents=True, exist_ok=True)
    escaped = str(state_file(folder)).replace("'", "''")
    con.execute(f"ATTACH '{escaped}' AS st")


def last_folded(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The latest claim instant the attached state holds (None if it holds nothing)."""
    have = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'st' AND table_name = 'folded'"
    ).fetchone()
    if not have or not have[0]:
        return None
    row = con.execute("SELECT max(last_at) FROM st.folded").fetchone()
    return row[0] if row else None


def _mark(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Record the latest claim instant of ``source`` as folded (never moving it back)."""
    previous = last_folded(con)
    floor = "NULL" if previous is None else _ts(previous)
    sql = f"SELECT greatest(max(claimed_at), {floor}) AS last_at FROM {source}"  # noqa: S608
    con.execute(f"CREATE OR REPLACE TABLE st.folded AS {sql}")


def write_full(con: duckdb.DuckDBPyConnection, until: datetime | None = None) -> None:
    """Replace the state with the index of the connection's claims (before ``until`` if given).

    After a full scan ``keys`` is already built and is stored as it is; otherwise the claims
    are indexed here (how the state for a first daily scan is made).
    """
    built = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND table_name = 'keys'"
    ).fetchone()
    if until is None and built and built[0]:
        source = "SELECT * FROM keys"
    else:
        source = keys_sql("claims", "TRUE" if until is None else f"claimed_at < {_ts(until)}")
    con.execute("DROP TABLE IF EXISTS st.folded")
    con.execute(f"CREATE OR REPLACE TABLE st.keys AS {source}")
    con.execute("CREATE INDEX keys_claim_id ON st.keys (claim_id)")
    _mark(con, "st.keys")
    con.execute("CHECKPOINT st")


def open_day(con: duckdb.DuckDBPyConnection, since: datetime) -> None:
    """Make ``keys`` the stored history before ``since`` plus the claims at/after it.

    ``con`` holds ``claims`` (at least the claims from the last folded instant on) and the
    attached state ``st``.
    """
    last = last_folded(con)
    if last is None:
        raise IndexMissing("增量扫描需要先做一次带索引目录的全量扫描（state）。", field="state")
    if last >= since:
        con.execute(f"DELETE FROM st.keys WHERE claimed_at >= {_ts(since)}")  # noqa: S608
        con.execute("DROP TABLE st.folded")
        _mark(con, "st.keys")
    else:
        gap = f"claimed_at > {_ts(last)} AND claimed_at < {_ts(since)}"
        added = con.execute(f"INSERT INTO st.keys {keys_sql('claims', gap)}").fetchone()
        if added and added[0]:
            _mark(con, "st.keys")
    day = f"SELECT * FROM claims WHERE claimed_at >= {_ts(since)}"  # noqa: S608
    con.execute(f"CREATE OR REPLACE TABLE day_claims AS {day}")
    con.execute(f"CREATE OR REPLACE TABLE day_keys AS {keys_sql('day_claims')}")
    con.execute(
        "CREATE OR REPLACE VIEW keys AS SELECT * FROM st.keys UNION ALL SELECT * FROM day_keys"
    )
    # the tables behind ``keys``: a lookup by claim_id names them (st.keys has an index)
    con.execute(
        "CREATE OR REPLACE TABLE key_parts AS SELECT unnest(['st.keys', 'day_keys']) AS part"
    )


def fold_day(con: duckdb.DuckDBPyConnection) -> None:
    """Append the judged day to the stored history."""
    con.execute("INSERT INTO st.keys SELECT * FROM day_keys")
    _mark(con, "day_keys")
    con.execute("CHECKPOINT st")
