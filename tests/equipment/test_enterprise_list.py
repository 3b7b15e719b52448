"""The enterprise index (/equipment) pages through every enterprise in scope (it listed them
all on one page), filters by sector, size and jurisdiction, finds one by name or 统一社会信用代码,
sorts, and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook

import builders
from huanxin.core import orgs
from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.equipment.models import Enterprise


def _enterprises(db: Database, n: int) -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with db.unit_of_work() as session:
        for k in range(n):
            name = "沁水煤机厂" if k == 23 else f"示例企业{k:03d}"
            org = orgs.ensure(
                session, SYSTEM, kind="enterprise", name=name, jurisdiction_code="140521"
            )
            session.add(
                Enterprise(
                    org_id=org.id,
                    name=name,
                    uscc=f"91140521MA{k:07d}X",
                    industry_code="C3411",
                    above_size=k % 3 == 0,
                    sector="industry" if k % 2 else "transport",
                    jurisdiction_code="140521",
                    created_at=now,
                    updated_at=now,
                )
            )


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/equipment/enterprises/\d+">([^<]+)</a>', html)


def test_enterprise_index_pages_filters_searches_and_exports(db: Database) -> None:
    _enterprises(db, 70)  # more than one page of 50
    web = builders.web_client(db, "department.140521")
    first = web.get("/equipment").text
    assert builders.list_total(first) == 70 and len(_names(first)) == 50
    seen = _names(first) + _names(web.get("/equipment?page=2").text)
    assert len(seen) == 70 == len(set(seen))
    assert _names(web.get("/equipment", params={"sort": "-uscc"}).text)[0] == "示例企业069"
    transport = web.get("/equipment", params={"sector": "transport", "above_size": "yes"}).text
    assert builders.list_total(transport) == 12  # k even and a multiple of 3
    for q in ("煤机", "91140521MA0000023X", "ma0000023"):
        assert _names(web.get("/equipment", params={"q": q}).text) == ["沁水煤机厂"]
    elsewhere = builders.web_client(db, "department.371525").get("/equipment").text
    assert builders.list_total(elsewhere) == 0 and "没有符合条件的企业" in elsewhere

    sheet = web.get("/equipment/enterprises.xlsx", params={"sector": "industry", "sort": "uscc"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "统一社会信用代码", "行业代码", "规上", "领域", "区划")
    assert len(rows) == 1 + 35 and {r[4] for r in rows[1:]} == {"工业"}
    assert rows[1][0] == "示例企业001" and rows[1][5] == "沁水县" and rows[1][3] == "否"
