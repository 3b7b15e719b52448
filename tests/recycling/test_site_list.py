"""The network page's sites (/recycling/network) on the page kit, on SQLite and PostgreSQL:
every site in scope a page at a time (the page drew all of them), filters by tier, place and
service state, search by name, address or licence, sortable columns, .xlsx of the filtered."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

import builders
from huanxin.recycling.models import Site
from recycling.conftest import RWorld

TIERS = ("dropoff", "transfer", "sorting")


def _sites(rworld: RWorld, n: int) -> None:
    with rworld.db.unit_of_work() as session:
        for k in range(n):
            session.add(
                Site(
                    org_id=rworld.org_id,
                    jurisdiction_code="140521",
                    tier=TIERS[k % 3],
                    name=f"交投点{k:03d}",
                    address="嘉峰镇殷庄村" if k == 7 else f"龙港镇{k}号",
                    lat=35.6,
                    lon=112.2,
                    opens_s=8 * 3600,
                    closes_s=18 * 3600,
                    capacity_kg_day=1000 * (k + 1),
                    licence_no=f"LIC-{k:04d}",
                    active=k % 10 != 0,
                )
            )


def _names(html: str) -> list[str]:
    return re.findall(r'class="name" data-label="名称">(交投点\d{3})<', html)


def test_sites_page_filter_search_and_export(rworld: RWorld) -> None:
    _sites(rworld, 60)  # and the world's three
    web = builders.web_client(rworld.db, "office.140521")
    opening = web.get("/recycling/network").text
    assert builders.list_total(opening) == 63
    pages = _names(opening) + _names(web.get("/recycling/network?page=2").text)
    assert len(set(pages)) == 60
    assert builders.list_total(web.get("/recycling/network?tier=sorting").text) == 21
    assert builders.list_total(web.get("/recycling/network?active=no").text) == 6
    assert builders.list_total(web.get("/recycling/network?place=140521").text) == 63
    for q in ("殷庄", "LIC-0007", "交投点007"):
        assert _names(web.get("/recycling/network", params={"q": q}).text) == ["交投点007"], q
    biggest = web.get("/recycling/network?sort=-capacity").text
    assert _names(biggest)[0] == "交投点059"

    sheet = web.get("/recycling/network.xlsx", params={"tier": "dropoff", "sort": "capacity"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "名称",
        "层级",
        "区划",
        "营业时间",
        "日处理能力（吨）",
        "资质/备案",
        "地址",
        "状态",
    )
    assert len(rows) == 1 + 20 and rows[1][0] == "交投点000"
    assert rows[1][1:4] == ("交投点", "沁水县", "08:00-18:00") and rows[1][7] == "停用"
