"""The office's address book pages through every entry (it showed the first 300), filters
by jurisdiction, finds entries by characters or pinyin initials, sorts, and exports what is
filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from openpyxl import load_workbook

import builders
from huanxin.recycling.service import addresses

if TYPE_CHECKING:
    from conftest import RWorld


def _entries(world: RWorld, n: int) -> None:
    """``n`` entries of 沁水县's book: 龙港镇 for even k, 嘉峰镇 for odd, one 杏园 place."""
    rows = [
        addresses.EntryIn(
            "龙港镇" if k % 2 == 0 else "嘉峰镇",
            "杏园社区" if k == 7 else "示例村",
            f"示例路{k:03d}号",
            35.6 + k / 10_000,
            112.2,
        )
        for k in range(n)
    ]
    with world.db.unit_of_work() as s:
        addresses.add_entries(s, "140521", rows)


def _places_on(html: str) -> list[str]:
    return re.findall(r'<td data-label="小区或门牌范围">(示例路\d{3}号)</td>', html)


def test_address_book_pages_searches_sorts_and_exports(rworld: RWorld) -> None:
    _entries(rworld, 70)  # more than one page of 50
    office = builders.web_client(rworld.db, "office.140521")
    first = office.get("/recycling/addresses").text
    assert builders.list_total(first) == 70 and len(_places_on(first)) == 50
    seen = _places_on(first) + _places_on(office.get("/recycling/addresses?page=2").text)
    assert len(seen) == 70 == len(set(seen))
    assert "140521" not in first.split('id="address-book"')[1]  # the county by its name
    for q in ("杏园", "xysq"):  # characters or pinyin initials
        assert _places_on(office.get("/recycling/addresses", params={"q": q}).text) == [
            "示例路007号"
        ]
    jiafeng = office.get("/recycling/addresses", params={"q": "嘉峰", "sort": "-place"}).text
    assert builders.list_total(jiafeng) == 35 and _places_on(jiafeng)[0] == "示例路069号"
    county = office.get("/recycling/addresses", params={"jurisdiction_code": "140521"}).text
    assert builders.list_total(county) == 70 and '<option value="140521" selected>沁水县' in county

    sheet = office.get("/recycling/addresses.xlsx", params={"q": "lgz", "sort": "place"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("所属区划", "乡镇/街道", "村/社区", "小区或门牌范围", "纬度", "经度")
    assert len(rows) == 1 + 35 and {r[1] for r in rows[1:]} == {"龙港镇"}
    assert rows[1][0] == "沁水县" and rows[1][3] == "示例路000号"
    consumer = builders.web_client(rworld.db, "consumer.140521")
    assert consumer.get("/recycling/addresses.xlsx").status_code == 403
