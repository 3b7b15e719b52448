"""The 公务仓 list pages through every item (it used to stop at the newest 500), opens on the
items in progress, filters, searches and exports what is filtered; its statistics count every
item, in SQL — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook

import builders
from huanxin.secondhand.models import WarehouseItem
from secondhand.shworld import World, post

STATES = ("declared", "pooled", "done", "rejected")  # 150 each


def _items(world: World, n: int) -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with world.db.unit_of_work() as session:
        for k in range(n):
            done = STATES[k % 4] == "done"
            session.add(
                WarehouseItem(
                    institution_org_id=world.ids["ent_a" if k % 8 < 4 else "ent_b"],
                    jurisdiction_code="140521",
                    asset_no=f"ZC-{k:04d}",
                    category="computer" if k % 3 == 0 else "projector",
                    brand="联想" if k == 41 else "品牌",
                    model=f"M{k}",
                    serial=f"SN{k:05d}",
                    acquired_year=2016,
                    declared_year=2026,
                    state=STATES[k % 4],
                    route="auction" if done else None,
                    proceeds_fen=100 if done else None,
                    created_at=now,
                )
            )


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def _assets(html: str) -> list[str]:
    return re.findall(r"<td>(ZC-\d{4})</td>", html)


def test_warehouse_pages_all_items_and_counts_every_one(world: World) -> None:
    office_api = world.api("office.140521")
    for key in ("ent_a", "ent_b"):
        post(office_api, "/api/v1/secondhand/institutions", {"org_id": world.ids[key]})
    _items(world, 600)  # more than the old cap of 500
    office = world.web("office.140521")
    opening = office.get("/secondhand/warehouse/admin").text
    assert _count(opening) == 300  # declared and pooled: still in progress
    seen: list[str] = []
    for number in range(1, 7):
        seen += _assets(office.get(f"/secondhand/warehouse/admin?page={number}").text)
    assert len(seen) == 300 == len(set(seen))
    assert _count(office.get("/secondhand/warehouse/admin?state=").text) == 600
    assert _count(office.get("/secondhand/warehouse/admin?state=done&category=computer").text) == 50
    found = office.get("/secondhand/warehouse/admin?state=&q=联想").text
    assert _assets(found) == ["ZC-0041"]

    stats = opening.split('<table id="wh-stats">', 1)[1].split("</table>", 1)[0]
    cells = [re.findall(r'<td class="num">([\d,.]+)</td>', r) for r in stats.split("<tr>")[2:]]
    assert sorted(int(c[0]) for c in cells) == [300, 300]  # declared per unit: all 600
    assert sum(int(c[2]) for c in cells) == 150  # auctioned
    api_stats = office_api.get("/api/v1/secondhand/warehouse/statistics").json()
    assert sum(r["declared"] for r in api_stats) == 600
    assert sum(r["pending"] for r in api_stats) == 300
    assert sum(r["proceeds_fen"] for r in api_stats) == 150 * 100

    sheet = office.get("/secondhand/warehouse.xlsx?state=done&sort=asset_no")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位", "资产编号", "类别") and len(rows) == 151
    assert {r[5] for r in rows[1:]} == {"已完成"} and {r[6] for r in rows[1:]} == {"公开拍卖"}
    assert [r[1] for r in rows[1:]] == sorted(r[1] for r in rows[1:])  # type: ignore[type-var]
    everything = office.get("/secondhand/warehouse.xlsx?state=")
    assert len(list(load_workbook(io.BytesIO(everything.content)).active.iter_rows())) == 601


def test_a_unit_sees_its_own_items_and_the_pooled_ones(world: World) -> None:
    office_api = world.api("office.140521")
    for key in ("ent_a", "ent_b"):
        post(office_api, "/api/v1/secondhand/institutions", {"org_id": world.ids[key]})
    _items(world, 40)
    unit = world.web("ent-a.140521").get("/secondhand/warehouse?state=").text
    assert _count(unit) == 20 + 5  # its own 20, and ent_b's 5 pooled


def test_the_warehouse_api_pages_through_every_item(world: World) -> None:
    office_api = world.api("office.140521")
    for key in ("ent_a", "ent_b"):
        post(office_api, "/api/v1/secondhand/institutions", {"org_id": world.ids[key]})
    _items(world, 120)
    r = office_api.get("/api/v1/secondhand/warehouse?limit=50&offset=100")
    assert r.headers["X-Total-Count"] == "120" and "Link" not in r.headers
    assert len(r.json()) == 20
    first = office_api.get("/api/v1/secondhand/warehouse?state=done&limit=20")
    assert first.headers["X-Total-Count"] == "30" and len(first.json()) == 20
    link = first.headers["Link"]
    assert link == '</api/v1/secondhand/warehouse?state=done&offset=20&limit=20>; rel="next"'
    rest = office_api.get(builders.next_link(first)).json()
    assets = {i["asset_no"] for i in first.json() + rest}
    assert len(assets) == 30 and all(int(a[3:]) % 4 == 2 for a in assets)
    bad = office_api.get("/api/v1/secondhand/warehouse?offset=-1")
    assert bad.status_code == 422 and bad.json()["field"] == "offset"
