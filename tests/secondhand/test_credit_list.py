"""Credit records on the page kit, on SQLite and PostgreSQL: the bureau's credit page pages
through every record (it showed the newest 300), opens on those still pending, filters by
state and kind, finds a record by dealer or description and exports what is filtered; a
consumer's complaints page lists every complaint of theirs and no one else's."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core.models import User
from huanxin.secondhand.models import CreditEvent
from secondhand.shworld import World, register_dealers

KINDS = (
    ("complaint", "pending"),
    ("dispute", "pending"),
    ("complaint", "upheld"),
    ("violation", "confirmed"),
    ("fulfilment", "fulfilled"),
)  # two of five pending


def _events(world: World, dealers: dict[str, int], n: int, author: str) -> None:
    with world.db.unit_of_work() as session:
        by = session.scalars(select(User.id).where(User.username == author)).one()
        for k in range(n):
            kind, outcome = KINDS[k % 5]
            session.add(
                CreditEvent(
                    dealer_id=dealers["dealer" if k % 2 == 0 else "platform"],
                    jurisdiction_code="140521",
                    kind=kind,
                    outcome=outcome,
                    severity="serious" if k == 3 else "normal",
                    description=f"记录{k:03d}" + ("：翻新机冒充新机" if k == 40 else ""),
                    occurred_on=date(2026, 1, 1) + timedelta(days=k),
                    created_by=by,
                    created_at=datetime(2026, 6, 1, tzinfo=UTC),
                )
            )


def _records(html: str) -> list[str]:
    return re.findall(r'data-label="说明">(记录\d{3})', html)


def test_credit_records_page_filter_search_and_export(world: World) -> None:
    _events(world, register_dealers(world), 320, "office.140521")  # more than the 300 shown
    web = world.web("office.140521")
    opening = web.get("/secondhand/credit").text
    assert builders.list_total(opening) == 128 and len(_records(opening)) == 50
    assert _records(opening)[0] == "记录316"  # the latest pending first (319 is fulfilment)
    assert "处理结果" in opening  # the office resolves them in place
    everything = web.get("/secondhand/credit?outcome=all&sort=date").text
    assert builders.list_total(everything) == 320 and "违规（严重）" in everything
    pages = [
        _records(web.get(f"/secondhand/credit?outcome=all&page={n}").text) for n in range(1, 8)
    ]
    assert len({r for p in pages for r in p}) == 320
    closed = web.get("/secondhand/credit?outcome=closed&kind=violation").text
    assert builders.list_total(closed) == 64
    found = web.get("/secondhand/credit", params={"q": "翻新机", "outcome": "all"}).text
    assert _records(found) == ["记录040"]
    platform = web.get("/secondhand/credit", params={"q": "交易平台"}).text
    assert builders.list_total(platform) == 64  # pending ones of the platform (odd k)
    oldest = web.get("/secondhand/credit?sort=date").text
    assert _records(oldest)[0] == "记录000"

    wanted = {"outcome": "all", "kind": "violation", "sort": "date"}
    sheet = web.get("/secondhand/credit.xlsx", params=wanted)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("经营者", "类型", "说明", "日期", "结果")
    assert len(rows) == 1 + 64 and rows[1] == (
        "沁水二手交易平台",
        "违规（严重）",
        "记录003",
        "2026-01-04",
        "已认定",
    )


def test_a_consumer_sees_every_complaint_of_theirs_and_only_theirs(world: World) -> None:
    dealers = register_dealers(world)
    _events(world, dealers, 60, "consumer.140521")
    _events(world, dealers, 5, "office.140521")
    web = world.web("consumer.140521")
    mine = web.get("/secondhand/complaints").text
    assert builders.list_total(mine) == 60 and len(_records(mine)) == 50
    assert 'name="kind"' not in mine  # the consumer's list filters only by state
    assert builders.list_total(web.get("/secondhand/complaints?outcome=pending").text) == 24
    sheet = web.get("/secondhand/complaints.xlsx", params={"outcome": "closed"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 36
