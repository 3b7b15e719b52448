"""The clocks page (/clocks) lists every running deadline a page at a time (it showed the
first 200 of each list, and the service stopped at 2,000), opens on the overdue ones, most
overdue first, filters by view, step and category, finds a claim by number or model, sorts
and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import inspect

import builders
import tradein
from claims.test_clocks import _apply
from huanxin.claims.models import Claim
from huanxin.core.clock import today_cn
from huanxin.db import Database

SKIP = {"id", "vin_key", "vin_enc", "serial_key", "recycling_cert_no"}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in China


def _copies(db: Database, claim_id: int, days: list[date]) -> None:
    """Copies of the application, filed on ``days``, their models M000, M001, …"""
    with db.unit_of_work() as session:
        base = session.get(Claim, claim_id)
        assert base is not None
        names = [a.key for a in inspect(Claim).column_attrs if a.key not in SKIP]
        fields = {name: getattr(base, name) for name in names}
        for k, day in enumerate(days):
            session.add(Claim(**{**fields, "created_at": _at(day), "product_model": f"M{k:03d}"}))


def _models(html: str) -> list[str]:
    """The claim numbers the list shows, in order."""
    return re.findall(r'<a href="/claims/(\d+)">编号 \d+</a>', html)


def _sheet(response: object) -> list[tuple[object, ...]]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return list(book.active.iter_rows(values_only=True))


def test_the_clocks_list_pages_filters_searches_sorts_and_exports(database: Database) -> None:
    tradein.setup(database)
    base = _apply(database)  # filed today: its accept clock runs, not yet due
    # 70 copies filed a day apart from 2026-08-01 (all overdue) and 4 filed today
    late_days = [date(2026, 8, 1) + timedelta(days=k) for k in range(70)]
    _copies(database, base, late_days + [today_cn()] * 4)
    office = builders.web_client(database, "office.140521")
    opening = office.get("/clocks").text
    assert builders.list_total(opening) == 70 and 'id="overdue-count">70<' in opening
    first = _models(opening)
    assert len(first) == 50 and first[0] == str(base + 1)  # filed first: most overdue
    second = _models(office.get("/clocks?page=2").text)
    assert len(set(first + second)) == 70 and str(base) not in first + second
    running = office.get("/clocks?state=running").text
    assert builders.list_total(running) == 75
    assert builders.list_total(office.get("/clocks?state=running&step=review").text) == 0
    assert (
        builders.list_total(office.get("/clocks?state=running&category=passenger_car").text) == 75
    )
    assert builders.list_total(office.get("/clocks?category=refrigerator").text) == 0
    found = office.get("/clocks", params={"q": "M069"}).text
    assert _models(found) == [str(base + 70)]
    by_due = _models(office.get("/clocks?state=running&sort=-due").text)
    assert set(by_due[:5]) == {str(base)} | {str(base + k) for k in range(71, 75)}
    assert "沁水县专班办公室" in opening

    rows = _sheet(office.get("/clocks.xlsx", params={"sort": "late"}))
    assert rows[0] == ("申请编号", "品类", "环节", "截止日", "逾期工作日", "责任部门")
    assert len(rows) == 1 + 70 and rows[1][2] == "受理"
    late = [r[4] for r in rows[1:]]
    assert late == sorted(late) and late[0] < late[-1] and rows[1][5] == "沁水县专班办公室"
    merchant = builders.web_client(database, "merchant.140521")
    assert merchant.get("/clocks.xlsx").status_code == 403
