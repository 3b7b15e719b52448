"""The weighing desk (/recycling/weighings) on the page kit, on SQLite and PostgreSQL: it
opens on this month's weighings a page at a time (it drew the whole month at once), filters by
month, site, direction and kind, finds a weighing by plate, VIN or scrapping certificate, and
exports what is filtered."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

import builders
from huanxin.core.clock import today_cn
from huanxin.recycling.models import Weighing
from recycling.conftest import RWorld


def _first_of_last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _weighings(rworld: RWorld, this_month: int, last_month: int) -> None:
    today = today_cn()
    days = [today] * this_month + [_first_of_last_month(today)] * last_month
    with rworld.db.unit_of_work() as session:
        for k, day in enumerate(days):
            elv = k % 4 == 0
            session.add(
                Weighing(
                    site_id=rworld.dismantler_id if elv else rworld.transfer_id,
                    direction="in" if k % 2 == 0 else "out",
                    on_date=day,
                    kind="elv" if elv else "appliances",
                    category="" if elv else "冰箱",
                    units=1,
                    weight_g=1_000_000 + k * 1000,
                    counterpart_site_id=rworld.sorting_id if k % 2 else None,
                    vehicle_plate=f"晋E{k:05d}",
                    vin=f"LVIN{k:013d}" if elv else None,
                    elv_cert_no=f"BF-{k:05d}" if elv else None,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )


def _plates(html: str) -> list[str]:
    return re.findall(r'data-label="车牌号">(晋E\d{5})<', html)


def test_weighing_desk_pages_filters_searches_and_exports(rworld: RWorld) -> None:
    _weighings(rworld, 70, 30)
    web = builders.web_client(rworld.db, "recycler.140521")
    opening = web.get("/recycling/weighings").text
    assert builders.list_total(opening) == 70 and len(_plates(opening)) == 50
    second = _plates(web.get("/recycling/weighings?page=2").text)
    assert len(set(_plates(opening) + second)) == 70
    last = f"{_first_of_last_month(today_cn()):%Y-%m}"
    assert builders.list_total(web.get(f"/recycling/weighings?month={last}").text) == 30
    assert builders.list_total(web.get("/recycling/weighings?month=all").text) == 100
    elv_in = web.get(f"/recycling/weighings?month=all&kind=elv&site={rworld.dismantler_id}").text
    assert builders.list_total(elv_in) == 25
    assert builders.list_total(web.get("/recycling/weighings?direction=out").text) == 35
    for q in ("晋E00040", "LVIN0000000000040", "BF-00040"):
        found = web.get("/recycling/weighings", params={"q": q}).text
        assert _plates(found) == ["晋E00040"], q
    heaviest = web.get("/recycling/weighings?sort=-weight").text
    assert _plates(heaviest)[0] == "晋E00069"

    wanted = {"month": "all", "kind": "elv", "sort": "plate"}
    sheet = web.get("/recycling/weighings.xlsx", params=wanted)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("日期", "站点", "方向", "类别", "数量", "净重（千克）")
    assert len(rows) == 1 + 25 and rows[1][1] == "沁水县拆解企业" and rows[1][7] == "晋E00000"
    assert rows[1][9] == "BF-00000" and float(rows[1][5]) == 1000.0
    assert rows[2][6] == "网络外"  # k = 4: inbound from outside the network
