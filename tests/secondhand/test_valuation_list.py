"""Valuation reports on the page kit, on SQLite and PostgreSQL: the bureau's valuations page
pages through every report in scope (it drew all of them on one page), newest valuation
first, filters by category and grade, finds a report by number, serial or valuer, and
exports what is filtered; a valuer's own desk lists its reports the same way."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core.models import User
from huanxin.secondhand.models import ValuationReport
from secondhand.shworld import World, register_dealers


def _reports(world: World, valuer_id: int, n: int) -> None:
    with world.db.unit_of_work() as session:
        by = session.scalars(select(User.id).where(User.username == "valuer.140521")).one()
        for k in range(n):
            session.add(
                ValuationReport(
                    valuer_id=valuer_id,
                    jurisdiction_code="140521",
                    report_no=f"VR2026{k:05d}",
                    category="phone" if k % 3 else "computer",
                    brand="小米" if k == 33 else "华为",
                    model=f"P{k}",
                    serial=f"SN{k:06d}",
                    grade="ABCDE"[k % 5],
                    value_fen=10_000 + k * 100,
                    valued_on=date(2026, 1, 1) + timedelta(days=k),
                    created_by=by,
                    created_at=datetime(2026, 6, 1, tzinfo=UTC),
                )
            )


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-label="报告编号">(VR\d+)<', html)


def test_valuations_page_filter_search_and_export(world: World) -> None:
    _reports(world, register_dealers(world)["valuer"], 120)
    web = world.web("office.140521")
    opening = web.get("/secondhand/valuations").text
    assert builders.list_total(opening) == 120 and len(_numbers(opening)) == 50
    assert _numbers(opening)[0] == "VR202600119" and "沁水旧货评估所" in opening
    pages = [_numbers(web.get(f"/secondhand/valuations?page={n}").text) for n in (1, 2, 3)]
    assert len({r for p in pages for r in p}) == 120
    computers = web.get("/secondhand/valuations?category=computer&grade=A").text
    assert builders.list_total(computers) == 8  # k % 15 == 0
    for q in ("小米", "SN000033", "VR202600033"):
        assert _numbers(web.get("/secondhand/valuations", params={"q": q}).text) == ["VR202600033"]
    assert builders.list_total(web.get("/secondhand/valuations?q=旧货评估").text) == 120
    cheapest = web.get("/secondhand/valuations?sort=value").text
    assert _numbers(cheapest)[0] == "VR202600000"

    wanted = {"grade": "E", "sort": "-value"}
    sheet = web.get("/secondhand/valuations.xlsx", params=wanted)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "报告编号" and rows[0][6] == "评估价值（元）"
    assert len(rows) == 1 + 24 and rows[1][0] == "VR202600119"
    assert rows[1][1] == "沁水旧货评估所" and rows[1][5] == "E 残次（功能缺陷/拆件）"
    assert Decimal(str(rows[1][6])) == Decimal("219.00")


def test_a_valuer_pages_through_its_own_reports(world: World) -> None:
    _reports(world, register_dealers(world)["valuer"], 60)
    web = world.web("valuer.140521")
    own = web.get("/secondhand/reports").text
    assert builders.list_total(own) == 60 and len(_numbers(own)) == 50
    second = web.get("/secondhand/reports?page=2").text
    assert len(_numbers(second)) == 10
    sheet = web.get("/secondhand/reports.xlsx", params={"category": "computer"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 20
    other = world.web("dealer.140521").get("/secondhand/reports").text
    assert builders.list_total(other) == 0  # a dealer sees no valuer's reports
