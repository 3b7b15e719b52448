"""The jurisdictions page (/admin/jurisdictions) lists the tree in scope a page at a time
(it drew the whole tree at once), in tree order, filters by level and parent, finds a place
by name or code prefix, and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

import builders
from huanxin.core import jurisdictions
from huanxin.core.audit import SYSTEM
from huanxin.db import Database


def _towns(db: Database, n: int) -> None:
    """``n`` counties under 晋城市 (示范县000…) besides 沁水县."""
    with db.unit_of_work() as session:
        for k in range(n):
            jurisdictions.ensure(
                session,
                SYSTEM,
                code=f"1405{60 + k:02d}",
                name=f"示范县{k:03d}",
                level="county",
                parent_code="140500",
            )


def _names(html: str) -> list[str]:
    return re.findall(r'<td data-label="名称"[^>]*>([^<]+)</td>', html)


def test_jurisdictions_page_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    _towns(database, 30)
    admin = builders.web_client(database, "admin.140000")
    first = admin.get("/admin/jurisdictions").text
    # 山西省, 阳泉市 (140300), 晋城市, 沁水县 and the 30 counties: 34 rows in tree order
    assert builders.list_total(first) == 34
    assert _names(first)[:5] == ["山西省", "阳泉市", "晋城市", "沁水县", "示范县000"]
    assert "冠县" not in first.split('id="jurisdictions"')[1]
    assert builders.list_total(admin.get("/admin/jurisdictions?level=county").text) == 31
    under = admin.get("/admin/jurisdictions?parent_code=140500&sort=-name").text
    assert builders.list_total(under) == 31 and _names(under)[0] == "示范县029"
    assert _names(admin.get("/admin/jurisdictions", params={"q": "示范县007"}).text) == [
        "示范县007"
    ]
    assert builders.list_total(admin.get("/admin/jurisdictions", params={"q": "1403"}).text) == 1

    sheet = admin.get("/admin/jurisdictions.xlsx", params={"level": "county"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("代码", "名称", "层级", "上级", "完整名称") and len(rows) == 1 + 31
    assert rows[1] == ("140521", "沁水县", "县（区）", "晋城市", "山西省/晋城市/沁水县")
