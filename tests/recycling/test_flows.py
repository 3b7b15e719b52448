"""Onward flow: weighings (end-of-life vehicles with their scrapping certificate), the mass
balance per site and month, the monthly declaration (once), indicators against 2023."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

import pytest

import builders
from huanxin.core.audit import SYSTEM
from huanxin.recycling.service import flows
from huanxin.recycling.service.flows import indicator_series

if TYPE_CHECKING:
    from conftest import RWorld

VIN = "1M8GDM9AXKP042788"
DAY = date(2026, 3, 16)


def _weigh(c: object, key: str, **body: object) -> object:
    return c.post("/api/v1/recycling/weighings", json=body, headers={"Idempotency-Key": key})  # type: ignore[attr-defined]


def test_weighings_balance_declaration_and_indicators(rworld: RWorld) -> None:
    c = builders.api_client(rworld.db, "recycler.140521")
    base = {"on_date": DAY.isoformat(), "units": 0}
    moves = [
        (rworld.transfer_id, "in", "appliances", 4, 200.0, None),
        (rworld.transfer_id, "out", "appliances", 4, 190.0, rworld.sorting_id),
        (rworld.sorting_id, "in", "appliances", 4, 189.5, rworld.transfer_id),
    ]
    for n, (site, direction, kind, units, kg, other) in enumerate(moves):
        r = _weigh(
            c,
            f"w{n}",
            **{
                **base,
                "site_id": site,
                "direction": direction,
                "kind": kind,
                "units": units,
                "weight_kg": kg,
                "counterpart_site_id": other,
            },
        )
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    elv = {
        **base,
        "site_id": rworld.dismantler_id,
        "direction": "in",
        "kind": "elv",
        "units": 1,
        "weight_kg": 1150,
        "vin": VIN,
        "elv_cert_no": "BF-2026-0001",
    }
    assert _weigh(c, "e1", **elv).status_code == 201  # type: ignore[attr-defined]
    dup = _weigh(c, "e2", **elv)
    assert dup.status_code == 422 and dup.json()["field"] == "elv_cert_no"  # type: ignore[attr-defined]
    wrong_site = _weigh(c, "e3", **{**elv, "site_id": rworld.transfer_id, "elv_cert_no": "BF-2"})
    assert wrong_site.json()["field"] == "site_id"  # type: ignore[attr-defined]
    balance = c.get("/api/v1/recycling/reports/mass-balance", params={"month": "2026-03"}).json()
    by_site = {r["site_id"]: (r["collected_g"], r["delivered_g"], r["loss_pct"]) for r in balance}
    assert by_site == {
        rworld.transfer_id: (200_000, 190_000, 5.0),
        rworld.sorting_id: (189_500, 0, 100.0),
        rworld.dismantler_id: (1_150_000, 0, 100.0),
    }
    first = c.post(
        "/api/v1/recycling/declarations",
        json={"month": "2026-03"},
        headers={"Idempotency-Key": "d1"},
    )
    assert first.status_code == 201
    assert first.json()["body"]["delivered"] == [
        {"kind": "appliances", "units": 4, "weight_g": 190_000}
    ]
    again = c.post(
        "/api/v1/recycling/declarations",
        json={"month": "2026-03"},
        headers={"Idempotency-Key": "d2"},
    )
    assert again.status_code == 409 and again.json()["field"] == "month"
    with rworld.db.unit_of_work() as s:
        flows.set_baseline(
            s, SYSTEM, jurisdiction_code="140521", kind="elv", units=120, weight_kg=144_000
        )
    with rworld.db.sessions() as s:
        elv = indicator_series(s, jurisdiction_codes=["140521"], kind="elv", year=2026)
        appliances = indicator_series(
            s, jurisdiction_codes=["140521"], kind="appliances", year=2026
        )
    series, apps = [asdict(r) for r in elv], [asdict(r) for r in appliances]
    assert series[2] == {
        "month": "2026-03",
        "units": 1,
        "tonnes": 1.15,
        "baseline_units": 10.0,
        "baseline_tonnes": 12.0,
        "change_pct": -90.4,
    }
    assert [r["units"] for r in series] == [0, 0, 1] + [0] * 9
    assert apps[2]["units"] == 4 and apps[2]["tonnes"] == 0.2 and apps[2]["baseline_tonnes"] is None


def test_month_format_and_declaration_role(rworld: RWorld) -> None:
    with pytest.raises(Exception) as bad:
        flows.month_range("2026-13")
    assert getattr(bad.value, "field", None) == "month"
    office = builders.api_client(rworld.db, "office.140521")
    assert (
        office.post("/api/v1/recycling/declarations", json={"month": "2026-03"}).status_code == 403
    )
