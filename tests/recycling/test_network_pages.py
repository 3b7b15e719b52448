"""Managing the network without the API: the office's Chinese forms create and edit sites,
vehicles and price-list versions (refusals name the field and save nothing); the same
edits through the API; the weighing desk and the baseline form of the reports page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.core.clock import today_cn
from huanxin.core.labels import label
from huanxin.recycling.models import PriceItem, PriceList, Site, Vehicle, Weighing

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from conftest import RWorld


def _names(field: str, html: str) -> bool:
    """The refusal names the field by its label (when it has one), never by its code."""
    shown = re.search(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    message = shown.group(1) if shown else ""
    name = label(field)
    return bool(message) and field not in message and (name == "输入项" or name in message)


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def _count(world: RWorld, model: type) -> int:
    with world.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _post(c: TestClient, url: str, form_url: str, data: dict[str, str]) -> object:
    token = _csrf(c.get(form_url).text)
    return c.post(url, data={"csrf_token": token, **data})


SITE = {
    "name": "沁水县郑庄中转站",
    "tier": "transfer",
    "jurisdiction_code": "140521",
    "address": "郑庄镇",
    "lat": "35.62",
    "lon": "112.25",
    "opens": "07:30",
    "closes": "18:30",
    "capacity_t": "12.5",
    "licence_no": "",
}


def test_office_creates_and_edits_a_site_with_the_form(rworld: RWorld) -> None:
    office = builders.web_client(rworld.db, "office.140521")
    form = office.get("/recycling/network/sites/new")
    assert form.status_code == 200 and "新增站点" in form.text
    assert f'<option value="{rworld.org_id}" >140521recycler</option>' in form.text
    data = {**SITE, "org_id": str(rworld.org_id)}
    before = _count(rworld, Site)
    bad = _post(
        office,
        "/recycling/network/sites",
        "/recycling/network/sites/new",
        {**data, "tier": "dismantler"},
    )
    assert bad.status_code == 422 and _names("licence_no", bad.text)  # type: ignore[attr-defined]
    assert 'value="沁水县郑庄中转站"' in bad.text  # type: ignore[attr-defined]  # form kept
    far = _post(
        office,
        "/recycling/network/sites",
        "/recycling/network/sites/new",
        {**data, "jurisdiction_code": "371525"},
    )
    assert far.status_code == 403 and _names("jurisdiction_code", far.text)  # type: ignore[attr-defined]
    assert _count(rworld, Site) == before
    ok = _post(office, "/recycling/network/sites", "/recycling/network/sites/new", data)
    assert ok.status_code == 303  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        site = s.scalars(select(Site).where(Site.name == SITE["name"])).one()
        assert (site.opens_s, site.closes_s, site.capacity_kg_day) == (27000, 66600, 12500)
    edit_url = f"/recycling/network/sites/{site.id}"
    page = office.get(edit_url)
    assert 'value="12.5"' in page.text and 'value="07:30"' in page.text
    clash = _post(office, edit_url, edit_url, {**data, "name": "沁水县中转站"})
    assert clash.status_code == 422 and _names("name", clash.text)  # type: ignore[attr-defined]
    saved = _post(office, edit_url, edit_url, {**data, "closes": "20:00", "capacity_t": "15"})
    assert saved.status_code == 303  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        row = s.get(Site, site.id)
        assert row is not None and (row.closes_s, row.capacity_kg_day) == (72000, 15000)
    listed = office.get("/recycling/network?saved=site").text
    assert "已保存" in listed and "07:30-20:00" in listed and "15.0" in listed
    recycler = builders.web_client(rworld.db, "recycler.140521")
    assert recycler.get("/recycling/network/sites/new").status_code == 403


def test_transfer_station_with_vehicles_keeps_its_tier(rworld: RWorld) -> None:
    office = builders.web_client(rworld.db, "office.140521")
    url = f"/recycling/network/sites/{rworld.transfer_id}"
    data = {**SITE, "name": "沁水县中转站", "tier": "sorting", "org_id": str(rworld.org_id)}
    r = _post(office, url, url, data)
    assert r.status_code == 422 and "仍有车辆" in r.text and _names("tier", r.text)  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        assert s.get(Site, rworld.transfer_id).tier == "transfer"  # type: ignore[union-attr]


def test_office_adds_edits_and_retires_a_vehicle(rworld: RWorld) -> None:
    office = builders.web_client(rworld.db, "office.140521")
    new = {
        "plate": "晋EHX009",
        "home_site_id": str(rworld.transfer_id),
        "capacity_kg": "2000",
        "capacity_m3": "10.5",
        "shift_start": "07:00",
        "shift_end": "15:00",
    }
    page_url = "/recycling/network/vehicles/new"
    to_sorting = {**new, "home_site_id": str(rworld.sorting_id)}
    bad = _post(office, "/recycling/network/vehicles", page_url, to_sorting)
    assert bad.status_code == 422 and _names("home_site_id", bad.text)  # type: ignore[attr-defined]
    bad = _post(office, "/recycling/network/vehicles", page_url, {**new, "capacity_m3": "x"})
    assert bad.status_code == 422 and _names("capacity_m3", bad.text)  # type: ignore[attr-defined]
    assert _count(rworld, Vehicle) == 2
    ok = _post(office, "/recycling/network/vehicles", page_url, new)
    assert ok.status_code == 303  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        vehicle = s.scalars(select(Vehicle).where(Vehicle.plate == "晋EHX009")).one()
    url = f"/recycling/network/vehicles/{vehicle.id}"
    dup = _post(office, url, url, {**new, "plate": "晋EHX001"})
    assert dup.status_code == 422 and _names("plate", dup.text)  # type: ignore[attr-defined]
    r = _post(office, url, url, {**new, "capacity_kg": "2500", "active": "no"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        row = s.get(Vehicle, vehicle.id)
        assert row is not None and (row.capacity_kg, row.active) == (2500, False)
    listed = office.get("/recycling/network").text
    assert "晋EHX009" in listed and "停用" in listed


def test_office_adds_a_price_list_version(rworld: RWorld) -> None:
    office = builders.web_client(rworld.db, "office.140521")
    page = office.get("/recycling/network/prices/new")
    assert page.status_code == 200 and 'name="p.refrigerator.intact" value="80.00"' in page.text
    later = (today_cn() + timedelta(days=10)).isoformat()
    data = {
        "jurisdiction_code": "140521",
        "effective_from": later,
        "note": "冬季调价",
        "p.refrigerator.intact": "85",
        "p.refrigerator.damaged": "50.00",
        "p.paper.any": "1.2",
    }
    url = "/recycling/network/prices/new"
    bad = _post(office, "/recycling/network/prices", url, {**data, "p.paper.any": "1.234"})
    assert bad.status_code == 422 and _names("prices.paper.any", bad.text)  # type: ignore[attr-defined]
    past = (today_cn() - timedelta(days=1)).isoformat()
    bad = _post(office, "/recycling/network/prices", url, {**data, "effective_from": past})
    assert bad.status_code == 422 and _names("effective_from", bad.text)  # type: ignore[attr-defined]
    assert (_count(rworld, PriceList), _count(rworld, PriceItem)) == (1, 5)
    ok = _post(office, "/recycling/network/prices", url, data)
    assert ok.status_code == 303  # type: ignore[attr-defined]
    again = _post(office, "/recycling/network/prices", url, data)
    assert again.status_code == 422 and _names("effective_from", again.text)  # type: ignore[attr-defined]
    api = builders.api_client(rworld.db, "office.140521")
    versions = api.get("/api/v1/recycling/price-lists").json()
    assert [v["effective_from"] for v in versions] == [later, "2025-01-01"]
    assert versions[0]["prices"] == [
        {"category": "paper", "condition": "any", "price_fen": 120},
        {"category": "refrigerator", "condition": "damaged", "price_fen": 5000},
        {"category": "refrigerator", "condition": "intact", "price_fen": 8500},
    ]
    consumer = builders.api_client(rworld.db, "consumer.140521")
    quote = consumer.post(
        "/api/v1/recycling/quote", json=rworld.body(today_cn() + timedelta(days=10))
    ).json()
    assert quote == {"lines_fen": [8500, 3000], "total_fen": 11500}
    assert later in office.get("/recycling/network").text


def test_api_edits_sites_and_vehicles_with_the_same_rules(rworld: RWorld) -> None:
    api = builders.api_client(rworld.db, "office.140521")
    site = api.get("/api/v1/recycling/sites", params={"tier": "sorting"}).json()[0]
    body = {
        "org_id": rworld.org_id,
        "jurisdiction_code": "140521",
        "tier": "sorting",
        "name": site["name"],
        "lat": site["lat"],
        "lon": 200.0,
        "opens": "06:00",
        "closes": "20:00",
        "capacity_kg_day": 90_000,
    }
    r = api.put(
        f"/api/v1/recycling/sites/{site['id']}", json=body, headers={"Idempotency-Key": "s1"}
    )
    assert r.status_code == 422 and r.json()["field"] == "lon"
    r = api.put(
        f"/api/v1/recycling/sites/{site['id']}",
        json={**body, "lon": site["lon"]},
        headers={"Idempotency-Key": "s2"},
    )
    assert r.status_code == 200 and r.json()["opens_s"] == 6 * 3600
    vehicle = api.get("/api/v1/recycling/vehicles").json()[1]
    vbody = {
        "home_site_id": rworld.transfer_id,
        "plate": vehicle["plate"],
        "capacity_kg": 900,
        "capacity_m3": 5.0,
        "shift_start": "09:00",
        "shift_end": "08:00",
    }
    r = api.put(
        f"/api/v1/recycling/vehicles/{vehicle['id']}", json=vbody, headers={"Idempotency-Key": "v1"}
    )
    assert r.status_code == 422 and r.json()["field"] == "shift_end"
    r = api.put(
        f"/api/v1/recycling/vehicles/{vehicle['id']}",
        json={**vbody, "shift_end": "18:00", "active": False},
        headers={"Idempotency-Key": "v2"},
    )
    assert r.status_code == 200 and r.json()["active"] is False
    listed = [v["id"] for v in api.get("/api/v1/recycling/vehicles").json()]
    assert vehicle["id"] not in listed and listed  # out of service: no longer dispatched
    recycler = builders.api_client(rworld.db, "recycler.140521")
    r = recycler.put(f"/api/v1/recycling/vehicles/{vehicle['id']}", json=vbody)
    assert r.status_code == 403


def test_weighing_desk_and_baseline_form(rworld: RWorld) -> None:
    recycler = builders.web_client(rworld.db, "recycler.140521")
    page = recycler.get("/recycling/weighings")
    assert page.status_code == 200 and "过磅登记" in page.text
    day = today_cn().isoformat()
    elv = {
        "site_id": str(rworld.dismantler_id),
        "direction": "in",
        "on_date": day,
        "kind": "elv",
        "units": "1",
        "weight_kg": "1150",
        "vin": "1M8GDM9AXKP042788",
        "elv_cert_no": "",
    }
    bad = _post(recycler, "/recycling/weighings", "/recycling/weighings", elv)
    assert bad.status_code == 422 and _names("elv_cert_no", bad.text)  # type: ignore[attr-defined]
    assert _count(rworld, Weighing) == 0
    ok = _post(
        recycler,
        "/recycling/weighings",
        "/recycling/weighings",
        {**elv, "elv_cert_no": "BF-UI-0001"},
    )
    assert ok.status_code == 303  # type: ignore[attr-defined]
    listed = recycler.get(ok.headers["location"]).text  # type: ignore[attr-defined]
    assert "BF-UI-0001" in listed and ">1150<" in listed
    report = recycler.get(f"/recycling/reports?month={day[:7]}").text
    assert "沁水县拆解企业" in report and "1150" in report
    office = builders.web_client(rworld.db, "office.140521")
    base = {"jurisdiction_code": "140521", "kind": "elv", "units": "120", "weight_kg": "144000"}
    bad = _post(office, "/recycling/baselines", "/recycling/reports", {**base, "units": "-1"})
    assert bad.status_code == 422 and _names("units", bad.text)  # type: ignore[attr-defined]
    ok = _post(office, "/recycling/baselines", "/recycling/reports", base)
    assert ok.status_code == 303  # type: ignore[attr-defined]
    report = office.get(f"/recycling/reports?month={day[:7]}").text
    assert "12.0" in report  # 144 t ÷ 12 months as the monthly baseline
    assert office.get("/recycling/reports?month=2026-13").status_code == 422
