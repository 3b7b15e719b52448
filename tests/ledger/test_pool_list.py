"""The budget page (/ledger) pages through every pool in scope (it drew them all at once),
opens on the pools not yet closed, filters by state, year and layer, finds a pool by name,
sorts by any balance (summed over the shards in SQL) and exports what is filtered — on
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import update

from huanxin.db import Database
from huanxin.ledger.models import Pool

from .conftest import PoolFactory
from .test_journal_list import _client, _count
from .test_ledger_web import _user

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/ledger/pools/(\d+)">', html)


def test_pools_page_filters_searches_sorts_and_exports(
    database: Database, fresh_pool: PoolFactory
) -> None:
    _user(database, "office", "140521")
    pools = [fresh_pool(allocate=(k + 1) * 100_000, shards=1 + k % 2) for k in range(64)]
    other = fresh_pool(allocate=100, code="371525")
    with database.unit_of_work() as session:
        session.execute(update(Pool).where(Pool.id.in_(pools[:8])).values(closed_at=NOW))
        session.execute(update(Pool).where(Pool.id.in_(pools[8:11])).values(paused_by="manual"))
        session.execute(update(Pool).where(Pool.id == pools[20]).values(name="特别储备资金"))
        year = session.get(Pool, pools[30]).period_year  # type: ignore[union-attr]
    office = _client(database, "office.140521")
    opening = office.get("/ledger").text
    assert _count(opening) == 56 and len(_names(opening)) == 50
    seen = _names(opening) + _names(office.get("/ledger?page=2").text)
    assert len(set(seen)) == 56 and str(other) not in seen and str(pools[0]) not in seen
    assert _count(office.get("/ledger?state=all").text) == 64
    assert _count(office.get("/ledger?state=closed").text) == 8
    assert _count(office.get("/ledger?state=paused").text) == 3
    assert _names(office.get(f"/ledger?year={year}").text) == [str(pools[30])]
    assert _names(office.get("/ledger", params={"q": "特别"}).text) == [str(pools[20])]
    assert _count(office.get("/ledger?layer=central").text) == 0
    richest = _names(office.get("/ledger?sort=-available").text)
    assert richest[:2] == [str(pools[63]), str(pools[62])]
    poorest = office.get("/ledger?state=all&sort=allocated").text
    assert _names(poorest)[0] == str(pools[0]) and "1,000.00" in poorest

    sheet = office.get("/ledger.xlsx", params={"state": "closed", "sort": "-allocated"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("预算池", "区划") and len(rows) == 1 + 8
    assert rows[1][1] == "沁水县" and rows[1][4] == "已结账" and float(rows[1][5]) == 8_000.0  # type: ignore[arg-type]
    allocated = [float(r[5]) for r in rows[1:]]  # type: ignore[arg-type]
    assert allocated == sorted(allocated, reverse=True)
