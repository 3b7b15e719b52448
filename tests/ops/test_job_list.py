"""The 定时任务 page (/ops/jobs) keeps every run on the record a page at a time (it showed
the last 20 failures), opening on the failed ones newest first, filters by result, job and
trigger, finds runs by what they said, and exports what is filtered — on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

import builders
from huanxin.db import Database
from huanxin.ops.jobs.models import JobRun

START = datetime(2026, 11, 1, tzinfo=UTC)


def _runs(db: Database, n: int) -> None:
    """``n`` runs an hour apart: every third failed (disk k full), the rest ok; even k are
    the session cleanup, odd k the backup; every fifth started by hand."""
    with db.unit_of_work() as session:
        for k in range(n):
            failed = k % 3 == 0
            session.add(
                JobRun(
                    job="session_cleanup" if k % 2 == 0 else "nightly_backup",
                    trigger="manual" if k % 5 == 0 else "schedule",
                    outcome="failed" if failed else "ok",
                    started_at=START + timedelta(hours=k),
                    finished_at=START + timedelta(hours=k, seconds=k),
                    seconds=float(k),
                    summary="" if failed else json.dumps({"text": f"清理过期会话 {k} 个"}),
                    error=f"磁盘{k:03d}已满" if failed else "",
                )
            )


def _starts(html: str) -> list[str]:
    return re.findall(r'<td data-label="开始时间">([^<]+)</td>', html)


def test_job_runs_page_filter_search_and_export(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    _runs(database, 300)  # 100 failed
    office = builders.web_client(database, "office.140521")
    opening = office.get("/ops/jobs").text
    assert builders.list_total(opening) == 100 and len(_starts(opening)) == 50
    assert "磁盘297已满" in opening.split('id="runs"')[1].split("</tr>")[1]  # newest first
    seen = _starts(opening) + _starts(office.get("/ops/jobs?page=2").text)
    assert len(set(seen)) == 100
    assert builders.list_total(office.get("/ops/jobs?outcome=all").text) == 300
    backups = office.get("/ops/jobs?outcome=failed&job=nightly_backup&trigger=manual").text
    assert builders.list_total(backups) == 10  # k odd, k % 3 == 0, k % 5 == 0: k = 15, 45, …
    found = office.get("/ops/jobs", params={"q": "磁盘042", "outcome": "all"}).text
    assert builders.list_total(found) == 1 and "过期会话清理" in found
    slowest = office.get("/ops/jobs?outcome=ok&sort=-seconds").text
    assert "清理过期会话 299 个" in slowest.split('id="runs"')[1].split("</tr>")[1]

    sheet = office.get("/ops/jobs.xlsx", params={"outcome": "ok", "job": "session_cleanup"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("任务", "触发", "开始时间", "用时（秒）", "结果", "说明")
    assert len(rows) == 1 + 100 and {r[0] for r in rows[1:]} == {"过期会话清理"}
    assert rows[1][4] == "成功" and rows[1][5] == "清理过期会话 298 个"
