"""Single-row edit of a ledger item (validated like an import, audited, re-classified) in the
API and the page; the per-row saving for grade 2 or 1 with overridable factors."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

import builders
from equipment.eqkit import GOOD_ROWS, csv_bytes, register, upload
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.equipment.models import EquipmentFlag, EquipmentItem
from huanxin.equipment.savings import DEFAULT_FACTORS


def _items(c: Any, ent: int) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in c.get(f"/api/v1/equipment/items?enterprise_id={ent}").json()}


def _setup(db: Database) -> tuple[Any, int, dict[str, dict[str, Any]]]:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    assert upload(c, ent, csv_bytes(GOOD_ROWS)).status_code == 201
    return c, ent, _items(c, ent)


def _patch(c: Any, item_id: int, changes: dict[str, Any], key: str) -> Any:
    return c.patch(
        f"/api/v1/equipment/items/{item_id}",
        json={"changes": changes, "year": 2025},
        headers={"Idempotency-Key": key},
    )


def test_edit_reclassifies_and_is_audited(db: Database) -> None:
    c, _ent, items = _setup(db)
    m1 = items["M1"]
    assert [f["rule"] for f in m1["flags"]] == ["efficiency.below_access"]
    r = _patch(c, m1["id"], {"efficiency_pct": "95.2", "model": "YE4-160L-4"}, "e1")
    assert r.status_code == 200, r.text
    assert r.json()["grade"] == 1 and r.json()["flags"] == [] and r.json()["model"] == "YE4-160L-4"
    assert r.json()["saving_kwh"] is None
    with db.sessions() as s:
        assert s.scalars(select(EquipmentFlag).where(EquipmentFlag.item_id == m1["id"])).all() == []
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "equipment.item_updated")
        ).one()
        detail = json.loads(entry.detail)
        assert detail["changed"] == ["efficiency_pct", "model"] and entry.object_id == str(m1["id"])
        assert entry.before_digest != entry.after_digest
    # back below the energy-saving level: flagged again, with a saving
    again = _patch(c, m1["id"], {"efficiency_pct": 93.0}, "e2")
    assert [f["rule"] for f in again.json()["flags"]] == ["efficiency.below_energy_saving"]
    assert again.json()["saving_kwh"] == round(15 * 0.75 * 6000 * (100 / 93.0 - 100 / 93.9), 1)


def test_bad_edit_lists_every_error_and_changes_nothing(db: Database) -> None:
    c, _ent, items = _setup(db)
    m2 = items["M2"]
    r = _patch(
        c,
        m2["id"],
        {
            "efficiency_pct": "0.93",
            "load_factor": "150",
            "poles": "5",
            "commissioning_year": None,
            "rocket": "1",
        },
        "b1",
    )
    assert r.status_code == 422 and r.json()["code"] == "item_rejected"
    assert r.json()["errors"] == [{"field": "rocket", "column": "rocket", "reason": "未知字段"}]
    r = _patch(
        c,
        m2["id"],
        {
            "efficiency_pct": "0.93",
            "load_factor": "150 %",
            "poles": "5",
            "commissioning_year": None,
            "rated_power_kw": "15 MW",
        },
        "b2",
    )
    fields = [(e["field"], e["column"]) for e in r.json()["errors"]]
    assert fields == [
        ("load_factor", "负载率(%)"),
        ("rated_power_kw", "额定功率(kW)"),
        ("efficiency_pct", "效率(%)"),
        ("poles", "极数"),
        ("commissioning_year", "投运年份"),
    ]
    assert "单位错误" in next(
        e["reason"] for e in r.json()["errors"] if e["field"] == "rated_power_kw"
    )
    dup = _patch(c, m2["id"], {"equipment_id": "M1"}, "b3")
    assert dup.status_code == 422 and "已在本企业台账中" in dup.json()["message"]
    assert _items(c, _ent) == items  # nothing changed
    with db.sessions() as s:
        assert (
            s.scalars(
                select(AuditEntry).where(AuditEntry.action == "equipment.item_updated")
            ).first()
            is None
        )


def test_choice_codes_accepted_and_scope_enforced(db: Database) -> None:
    c, _ent, items = _setup(db)
    pv = items["PV1"]
    r = _patch(
        c,
        pv["id"],
        {
            "category": "transformer",
            "capacity": 630,
            "capacity_unit": "kVA",
            "voltage_kv": 10,
            "transformer_kind": "oil",
            "core": "电工钢",
            "no_load_loss_kw": 0.9,
            "load_loss_kw": 7.0,
        },
        "c1",
    )
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "transformer"
    with db.sessions() as s:
        record = json.loads(s.get(EquipmentItem, pv["id"]).record)
    assert record["transformer_kind"] == "oil" and record["core"] == "electrical_steel"
    other = builders.api_client(db, "enterprise2.140521")
    assert _patch(other, pv["id"], {"model": "x"}, "c2").status_code == 404
    away = builders.api_client(db, "department.371525")
    assert _patch(away, pv["id"], {"model": "x"}, "c3").status_code == 404
    finance = builders.api_client(db, "finance.140521")
    assert _patch(finance, pv["id"], {"model": "x"}, "c4").status_code == 403


def test_scrapped_by_project_is_locked(db: Database) -> None:
    c, ent, items = _setup(db)
    dept = builders.api_client(db, "department.140521")
    body = {
        "enterprise_id": ent,
        "name": "电机更新",
        "equipment_investment_fen": 100,
        "total_investment_fen": 100,
        "planned_on": "2025-01-02",
    }
    pid = c.post("/api/v1/equipment/projects", json=body, headers={"Idempotency-Key": "p"}).json()[
        "id"
    ]
    for n, stage in enumerate(("applied", "approved", "building")):
        who = dept if stage == "approved" else c
        step = who.post(
            f"/api/v1/equipment/projects/{pid}/steps",
            json={"to_stage": stage, "on_date": "2025-02-0" + str(n + 1)},
            headers={"Idempotency-Key": f"s{n}"},
        )
        assert step.status_code == 200, step.text
    done = c.post(
        f"/api/v1/equipment/projects/{pid}/steps",
        json={
            "to_stage": "completed",
            "on_date": "2025-03-01",
            "scrapped_item_ids": [items["M1"]["id"]],
        },
        headers={"Idempotency-Key": "s9"},
    )
    assert done.status_code == 200, done.text
    r = _patch(c, items["M1"]["id"], {"model": "x"}, "l1")
    assert r.status_code == 409 and r.json()["code"] == "item_locked"


def test_saving_for_grade_2_and_1_with_factor_overrides(db: Database) -> None:
    c, _ent, items = _setup(db)
    url = f"/api/v1/equipment/items/{items['M1']['id']}/saving"
    g2, g1 = c.get(url).json(), c.get(url + "?target_grade=1").json()
    kwh2 = 15 * 0.75 * 6000 * (100 / 91.0 - 100 / 93.9)
    kwh1 = 15 * 0.75 * 6000 * (100 / 91.0 - 100 / 95.1)
    assert (g2["kwh"], g1["kwh"]) == (round(kwh2, 1), round(kwh1, 1))
    assert g2["tce"] == round(kwh2 * DEFAULT_FACTORS.kgce_per_kwh / 1000, 3)
    assert "GB/T 2589-2020" in g2["factors"] and "0.5366" in g2["factors"]
    custom = c.get(url + "?kgce_per_kwh=0.3&grid_kgco2_per_kwh=0.6").json()
    assert custom["tce"] == round(kwh2 * 0.3 / 1000, 3)
    assert custom["tco2"] == round(kwh2 * 0.6 / 1000, 3) and "调用方指定" in custom["factors"]
    pv = c.get(f"/api/v1/equipment/items/{items['PV1']['id']}/saving").json()
    assert pv["available"] is False and "无参考数据" in pv["reason"]
    assert c.get(url + "?target_grade=3").status_code == 422


def test_item_page_edit_and_errors(db: Database) -> None:
    c, ent, items = _setup(db)
    web = builders.web_client(db, "enterprise.140521")
    page = web.get(f"/equipment/items/{items['M2']['id']}")
    assert page.status_code == 200 and 'id="item-form"' in page.text
    assert "升级到" in page.text and "1级（先进水平）" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf,
        "equipment_id": "M2",
        "category": "三相异步电动机",
        "commissioning_year": "2016",
        "rated_power_kw": "15",
        "poles": "4",
        "efficiency_pct": "0.95",
        "load_factor": "75",
        "annual_hours": "6000",
    }
    bad = web.post(f"/equipment/items/{items['M2']['id']}", data=form)
    assert bad.status_code == 422 and 'id="item-errors"' in bad.text and "效率(%)" in bad.text
    ok = web.post(f"/equipment/items/{items['M2']['id']}", data=form | {"efficiency_pct": "94"})
    assert ok.status_code == 303
    assert _items(c, ent)["M2"]["grade"] == 2
    listing = web.get(f"/equipment/enterprises/{ent}?flag=all")
    assert listing.text.count('href="/equipment/items/') == 5
