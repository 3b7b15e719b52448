"""The timed-release schedules (/quota-releases) page a page at a time (the page drew every
schedule ever defined), open on those not yet ended, filter by state, mode and category,
find a schedule by programme title or category name, sort and export what is filtered — on
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

import builders
import tradein
from huanxin.claims.models import QuotaRelease
from huanxin.core.clock import today_cn
from huanxin.db import Database

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _schedules(db: Database, pool_id: int, n: int) -> None:
    """``n`` schedules: k % 3 == 0 ended, 1 running, 2 not yet begun; odd k by lottery;
    refrigerators for k < 40, televisions after; one of 冠县."""
    today = today_cn()
    with db.unit_of_work() as session:
        for k in range(n):
            start = today + timedelta(days=(-30 - k, -2 - k, 5 + k)[k % 3])
            session.add(
                QuotaRelease(
                    programme_id="cn.appliance",
                    category="refrigerator" if k < 40 else "television",
                    jurisdiction_code="371525" if k == n - 1 else "140521",
                    pool_id=pool_id,
                    first_day=start,
                    last_day=start + timedelta(days=(10, 20 + k, 30)[k % 3]),
                    release_minute=420 + k,
                    per_release=100 + k,
                    day_cap=1,
                    month_cap=4,
                    mode="lottery" if k % 2 else "first_come",
                    entry_minutes=30 if k % 2 else None,
                    created_at=NOW,
                )
            )


def _ids(html: str) -> list[str]:
    return re.findall(r'<a href="/quota-releases/(\d+)">', html)


def test_release_schedules_page_filter_search_sort_and_export(database: Database) -> None:
    pools = tradein.setup(database)
    _schedules(database, pools[("cn.appliance", "central")], 91)  # 90 of 沁水县
    office = builders.web_client(database, "office.140521")
    opening = office.get("/quota-releases").text
    assert builders.list_total(opening) == 60 and len(_ids(opening)) == 50
    seen = _ids(opening) + _ids(office.get("/quota-releases?page=2").text)
    assert len(set(seen)) == 60
    assert builders.list_total(office.get("/quota-releases?state=all").text) == 90
    assert builders.list_total(office.get("/quota-releases?state=ended").text) == 30
    assert builders.list_total(office.get("/quota-releases?state=running").text) == 30
    lottery = office.get("/quota-releases?state=all&mode=lottery&category=television").text
    assert builders.list_total(lottery) == 25  # odd k from 41 to 89
    assert builders.list_total(office.get("/quota-releases?state=all&q=电视").text) == 50
    assert builders.list_total(office.get("/quota-releases?state=all&q=家电以旧换新").text) == 90
    biggest = office.get("/quota-releases?state=all&sort=-per_release").text
    assert "189" in biggest.split('id="releases"')[1].split("</tr>")[1]

    sheet = office.get("/quota-releases.xlsx", params={"state": "ended", "sort": "per_release"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("政策", "品类", "地区") and len(rows) == 1 + 30
    assert rows[1][1] == "电冰箱" and rows[1][2] == "沁水县" and rows[1][6] == 100
    assert rows[1][9] == "已结束" and "家电" in str(rows[1][0])
