"""The reminders and the inbox page through every row (they showed all of them on one page),
nearest date first, filter by kind, search, sort and export what is filtered — on SQLite
and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

import builders
from huanxin.core.clock import today_cn
from huanxin.db import Database
from huanxin.supervision.models import Plan, Task

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _plan(db: Database, tasks: list[tuple[str, date | None, str]]) -> None:
    """One confirmed plan of 沁水县 with ``(title, deadline, closing)`` tasks, refs T000…"""
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
        for k, (title, deadline, closing) in enumerate(tasks):
            session.add(
                Task(
                    plan_id=plan.id,
                    jurisdiction_code="140521",
                    ref=f"T{k:03d}",
                    source="body",
                    title=title,
                    deadline=deadline,
                    closing=closing,
                    created_at=NOW,
                )
            )


def _refs(html: str) -> list[str]:
    return re.findall(r'<a href="/supervision/tasks/\d+">(T\d{3}) ', html)


def _sheet(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_reminders_page_filter_search_sort_and_export(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    today = today_cn()
    tasks = [(f"逾期任务{k}", today - timedelta(days=k + 1), "open") for k in range(60)]
    tasks += [(f"临近任务{k}", today + timedelta(days=10), "open") for k in range(40)]
    tasks[7] = ("推进老旧小区加装电梯", today - timedelta(days=8), "open")
    tasks += [("已销号任务", today - timedelta(days=1), "closed")]
    _plan(database, tasks)
    office = builders.web_client(database, "office.140521")

    overdue = office.get("/supervision/reminders", params={"kind": "overdue"}).text
    assert builders.list_total(overdue) == 60 and len(_refs(overdue)) == 50
    assert _refs(overdue)[0] == "T059"  # the longest overdue first
    second = office.get("/supervision/reminders", params={"kind": "overdue", "page": 2}).text
    assert len(set(_refs(overdue) + _refs(second))) == 60
    near = office.get("/supervision/reminders", params={"kind": "deadline"}).text
    assert builders.list_total(near) == 40 and '<option value="30" selected>30天内' in near
    week = office.get("/supervision/reminders", params={"kind": "deadline", "days": "7"}).text
    assert builders.list_total(week) == 0 and "没有符合条件的提醒" in week
    found = office.get("/supervision/reminders", params={"q": "加装电梯"}).text
    assert set(_refs(found)) == {"T007"}
    latest = office.get("/supervision/reminders", params={"kind": "overdue", "sort": "-due"})
    assert _refs(latest.text)[0] == "T000"
    assert "已销号任务" not in office.get("/supervision/reminders", params={"q": "销号"}).text

    sheet = office.get("/supervision/reminders.xlsx", params={"kind": "overdue", "sort": "task"})
    rows = _sheet(sheet.content)
    assert rows[0] == ("类型", "任务", "说明", "日期")
    assert len(rows) == 61 and {r[0] for r in rows[1:]} == {"已逾期"}
    assert rows[1][1] == "T000 逾期任务0" and rows[1][3] == str(today - timedelta(days=1))


def test_inbox_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("office", "371525"))
    _plan(database, [(f"申请销号任务{k}", None, "requested") for k in range(70)])
    office = builders.web_client(database, "office.140521")
    first = office.get("/supervision/inbox").text
    assert builders.list_total(first) == 70 and len(_refs(first)) == 50
    rest = office.get("/supervision/inbox", params={"page": 2}).text
    assert len(set(_refs(first) + _refs(rest))) == 70
    closing = office.get("/supervision/inbox", params={"kind": "closing", "q": "任务69"}).text
    assert _refs(closing) == ["T069"]
    assert builders.list_total(office.get("/supervision/inbox?kind=minutes").text) == 0
    by_title = office.get("/supervision/inbox", params={"sort": "-title"}).text
    assert _refs(by_title)[0] == "T069"

    rows = _sheet(office.get("/supervision/inbox.xlsx", params={"q": "任务1"}).content)
    assert rows[0] == ("类型", "事项", "说明", "期限")
    assert len(rows) == 1 + 11 and {r[0] for r in rows[1:]} == {"销号审核"}
    other = builders.web_client(database, "office.371525")
    assert builders.list_total(other.get("/supervision/inbox").text) == 0  # another county
