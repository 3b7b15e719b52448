"""Chinese pages: booking form (with the error naming the field), dispatch and the driver's
route drawn as inline SVG, public certificate check, network and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.recycling.models import Booking
from huanxin.recycling.service import addresses

if TYPE_CHECKING:
    from conftest import RWorld


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def test_booking_page_dispatch_driver_and_reports(rworld: RWorld) -> None:
    with rworld.db.unit_of_work() as s:
        addresses.add_entries(
            s, "140521", [addresses.EntryIn("龙港镇", "杏园社区", "演示小区", 35.70, 112.20)]
        )
    c = builders.web_client(rworld.db, "consumer.140521")
    page = c.get("/recycling/book")
    assert page.status_code == 200 and "预约上门回收" in page.text
    entry_id = page.text.split('<option value="', 2)[2].split('"')[0]
    form = {
        "csrf_token": _csrf(page.text),
        "address_id": entry_id,
        "house_no": "1号楼",
        "phone": "13800138000",
        "service_date": rworld.day.isoformat(),
        "slot": "09:00-11:00",
        "category0": "refrigerator",
        "count0": "1",
        "weight0": "60",
        "condition0": "intact",
    }
    past = (rworld.day - timedelta(days=3)).isoformat()
    for data, label in (
        ({**form, "service_date": past}, "时间段"),
        ({**form, "weight0": "2000"}, "预估重量"),
        ({**form, "address_id": "北纬"}, "小区或门牌"),
    ):
        bad = c.post("/recycling/book", data=data)
        assert bad.status_code == 422 and f"{label}：" in bad.text
    ok = c.post("/recycling/book", data=form)
    assert ok.status_code == 303
    listed = c.get(ok.headers["location"]).text
    assert "80.00" in listed and "已预约" in listed
    with rworld.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 1
    office = builders.web_client(rworld.db, "office.140521")
    home = office.get(f"/recycling/dispatch?service_date={rworld.day}")
    planned = office.post(
        "/recycling/dispatch",
        data={
            "csrf_token": _csrf(home.text),
            "jurisdiction_code": "140521",
            "service_date": rworld.day.isoformat(),
        },
    )
    assert planned.status_code == 303
    dispatch = office.get(planned.headers["location"]).text
    assert "晋EHX00" in dispatch and "全部已安排" in dispatch
    driver_url = dispatch.split('href="/recycling/driver/')[1].split('"')[0]
    driver = office.get("/recycling/driver/" + driver_url)
    assert driver.status_code == 200
    assert "<svg" in driver.text and 'class="route-line"' in driver.text
    assert "138****8000" in driver.text and "13800138000" not in driver.text
    assert driver.text.count('class="stop"') == 1 and "龙港镇杏园社区演示小区1号楼" in driver.text
    for url, text in (
        ("/recycling/network", "沁水县中转站"),
        ("/recycling/reports?month=2026-03", "物料平衡"),
    ):
        r = office.get(url)
        assert r.status_code == 200 and text in r.text
    assert "<svg" in office.get("/recycling/reports?month=2026-03").text


def test_certificate_page_is_public(rworld: RWorld) -> None:
    r = builders.client(rworld.db).get(
        "/recycling/certificate", params={"number": "RC1", "code": "X"}
    )
    assert r.status_code == 200 and "回收证明编号不存在" in r.text
