"""Scans of the database's claims: the full scan and the daily one, with their stored index.

A full scan (:func:`full_scan`) judges every claim; with a state folder it also stores the
claim index there (:mod:`huanxin.integrity.state`) and the watermark: the latest
``updated_at`` of any claim when the scan read them. A daily scan (:func:`daily_scan`)
then reads only

* the claims created after the last instant the index holds: judged against the stored
  history by every detector, exactly as a full scan would (the Parquet path's daily scan),
  and folded into the index;
* the claims created before that and changed since the watermark (a return, a payment):
  their status and return in the stored index are updated, and the detectors that read
  them (return after subsidy, buy-return cycles) judge again the claims of the identities
  concerned; their other detectors' reasons stand.

The watermark is written only after the results are committed (``commit_daily``), so a
scan that fails is done again in full the next night. A daily scan without a state folder
made by a full scan is refused (``IndexMissing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
from sqlalchemy.orm import Session

from huanxin.claims.service import detection
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, as_utc
from huanxin.integrity.detectors import BuyReturnCycle, ReturnAfterSubsidy, Scope
from huanxin.integrity.detectors.base import HIT_SCHEMA
from huanxin.integrity.errors import IndexMissing
from huanxin.integrity.keys import keys_sql
from huanxin.integrity.scan import ScanResult, connect, scan
from huanxin.integrity.service.scores import store_rejudged, store_scan
from huanxin.integrity.source import claims_connection, detection_table, load
from huanxin.integrity.state import attach, history_sql, last_folded, replace_text, update_rows

WATERMARK_FILE = "watermark.txt"
RETURN_RULES = (ReturnAfterSubsidy(), BuyReturnCycle())


@dataclass
class DbScan:
    """What a database scan judged and stored, and the watermark to keep once committed."""

    summary: dict[str, object]
    watermark: datetime | None = None
    folder: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _utc(local: datetime) -> datetime:
    """A naive China Standard Time instant (the index's) as UTC."""
    return as_utc(local.replace(tzinfo=CHINA_TZ))


def full_scan(session: Session, state: Path | None = None) -> DbScan:
    """Judge every claim, store scores and reasons (and the index in ``state`` if given)."""
    watermark = detection.latest_change(session)
    con = claims_connection(session)
    try:
        result = scan(con, state=state)
    finally:
        con.close()
    counts = store_scan(session, SYSTEM, result)
    summary = {"claims": result.judged, "scan_s": result.elapsed_s, **counts}
    return DbScan(summary, watermark, state, result.timings)


def _watermark(folder: Path) -> datetime | None:
    path = folder / WATERMARK_FILE
    return datetime.fromisoformat(path.read_text().strip()) if path.exists() else None


def commit_daily(scan_done: DbScan) -> None:
    """Keep the watermark of a scan whose results are committed."""
    if scan_done.folder is not None and scan_done.watermark is not None:
        stamp = as_utc(scan_done.watermark).isoformat()
        replace_text(scan_done.folder / WATERMARK_FILE, stamp)


def _new_claims(session: Session, folder: Path, last: datetime) -> ScanResult | None:
    since = last + timedelta(microseconds=1)
    con = claims_connection(session, created_from=_utc(since))
    try:
        if con.execute("SELECT count(*) FROM claims").fetchone() == (0,):
            return None
        return scan(con, since, state=folder)
    finally:
        con.close()


NOTHING = (pl.DataFrame(schema=HIT_SCHEMA), set[int]())


def _changed(session: Session, folder: Path, before: datetime) -> tuple[pl.DataFrame, set[int]]:
    """Update the changed claims' rows of the index and judge their identities again:
    the return rules' hits and the claims judged."""
    mark = _watermark(folder)
    if mark is None:
        return NOTHING
    ids = detection.changed_since(session, mark, _utc(before))
    if not ids:
        return NOTHING
    con = connect()
    try:
        load(con, detection_table(session, claim_ids=ids), "changed_claims")
        con.execute(f"CREATE TABLE changed_keys AS {keys_sql('changed_claims', encoded=True)}")
        attach(con, folder)
        update_rows(con, folder, "changed_keys")
        return _rejudge(con, folder)
    finally:
        con.close()


def _rejudge(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[pl.DataFrame, set[int]]:
    con.execute(f"CREATE VIEW keys AS SELECT * FROM {history_sql(folder)}")  # noqa: S608
    con.execute(
        "CREATE TABLE target_keys AS SELECT * FROM keys"
        " WHERE (ck, category) IN (SELECT (ck, category) FROM changed_keys)"
        " OR claim_id IN (SELECT claim_id FROM changed_keys)"
    )
    judged = {int(r[0]) for r in con.execute("SELECT claim_id FROM target_keys").fetchall()}
    return pl.concat([rule.run(con, Scope()) for rule in RETURN_RULES]), judged


def daily_scan(session: Session, state: Path) -> DbScan:
    """Judge the claims created or changed since the last scan with ``state``."""
    last = last_folded(state)
    if last is None:
        raise IndexMissing("增量扫描需要先做一次带索引目录的全量扫描（state）。", field="state")
    watermark = detection.latest_change(session)
    result = _new_claims(session, state, last)
    summary: dict[str, object] = {"claims": 0, "scan_s": 0.0, "scored": 0, "held": 0}
    if result is not None:
        counts = store_scan(session, SYSTEM, result, judged=set(result.judged_ids.to_list()))
        summary = {"claims": result.judged, "scan_s": result.elapsed_s, **counts}
    hits, judged = _changed(session, state, last + timedelta(microseconds=1))
    rules = [r.name for r in RETURN_RULES]
    summary["rejudged"] = len(judged)
    store_rejudged(session, hits, rules, judged)
    return DbScan(summary, watermark, state)
