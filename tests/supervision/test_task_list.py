"""The task ledger list pages through every task, opens on the tasks not done, filters by
the computed status, searches by name or number and exports what is filtered — on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook

import builders
from huanxin.db import Database
from huanxin.supervision.models import Plan, Task

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _tasks(db: Database, n: int) -> None:
    """Every fifth task closed (已完成); of the rest, odd ones overdue, even ones not started."""
    with db.unit_of_work() as session:
        plan = Plan(
            jurisdiction_code="140521",
            title="测试方案",
            source_file="plan.docx",
            file_format="docx",
            file_size=1,
            sha256="0" * 64,
            parsed="{}",
            status="confirmed",
            created_at=NOW,
        )
        session.add(plan)
        session.flush()
        for k in range(n):
            session.add(
                Task(
                    plan_id=plan.id,
                    jurisdiction_code="140521",
                    ref=f"T{k:03d}",
                    source="body",
                    title="推进老旧小区加装电梯" if k == 33 else f"任务{k}",
                    deadline=date(2020, 1, 1) if k % 2 else date(2099, 1, 1),
                    closing="closed" if k % 5 == 0 else "open",
                    created_at=NOW,
                )
            )


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def _tasks_on(html: str) -> list[str]:
    return re.findall(r'<tr data-task="(\d+)">', html)


def test_task_ledger_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    _tasks(database, 130)
    office = builders.web_client(database, "office.140521")
    assert _count(office.get("/supervision/tasks").text) == 104  # not done
    seen: list[str] = []
    for number in (1, 2, 3):
        seen += _tasks_on(office.get(f"/supervision/tasks?page={number}").text)
    assert len(seen) == 104 == len(set(seen))
    assert _count(office.get("/supervision/tasks?status=").text) == 130
    assert _count(office.get("/supervision/tasks?status=overdue").text) == 52
    assert _count(office.get("/supervision/tasks?status=done").text) == 26
    found = office.get("/supervision/tasks?status=&q=加装电梯").text
    assert _count(found) == 1 and "推进老旧小区加装电梯" in found

    sheet = office.get("/supervision/tasks.xlsx?status=overdue&sort=-ref")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "任务") and len(rows) == 53
    assert {r[6] for r in rows[1:]} == {"已逾期"}
    refs = [r[0] for r in rows[1:]]
    assert refs == sorted(refs, reverse=True)  # type: ignore[type-var]
    everything = office.get("/supervision/tasks.xlsx?status=")
    assert len(list(load_workbook(io.BytesIO(everything.content)).active.iter_rows())) == 131
