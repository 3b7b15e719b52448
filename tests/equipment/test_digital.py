"""Digitalisation indicators: enterprises report per year (API and page), departments see the
mean per sector and jurisdiction against the 2027 targets, with the chart where reported."""

from __future__ import annotations

from typing import Any

import builders
from equipment.eqkit import register, uscc_for
from huanxin.core.clock import today_cn
from huanxin.db import Database

LAST = today_cn().year - 1


def _report(c: Any, ent: int, key: str, **body: Any) -> Any:
    return c.post(
        f"/api/v1/equipment/enterprises/{ent}/digital",
        json={"year": LAST, **body},
        headers={"Idempotency-Key": key},
    )


def test_report_correct_and_validate(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    first = _report(c, ent, "d1", cnc_rate_bp=6850)
    assert first.status_code == 201 and first.json()["design_tool_bp"] is None
    again = _report(c, ent, "d2", cnc_rate_bp=7000, design_tool_bp=8800)
    assert again.status_code == 200 and again.json()["cnc_rate_bp"] == 7000
    assert [r["year"] for r in c.get(f"/api/v1/equipment/enterprises/{ent}/digital").json()] == [
        LAST
    ]
    assert _report(c, ent, "d3", cnc_rate_bp=10_001).json()["field"] == "cnc_rate_bp"
    assert _report(c, ent, "d4").json()["message"] == "请至少填写一项指标"
    future = c.post(
        f"/api/v1/equipment/enterprises/{ent}/digital",
        json={"year": LAST + 2, "cnc_rate_bp": 1},
        headers={"Idempotency-Key": "d5"},
    )
    assert future.status_code == 422 and future.json()["field"] == "year"
    other = builders.api_client(db, "enterprise2.140521")
    assert _report(other, ent, "d6", cnc_rate_bp=1).status_code == 404


def test_aggregate_by_sector_and_jurisdiction(db: Database) -> None:
    dept = builders.api_client(db, "department.140521")
    a = register(dept, uscc=uscc_for("A"), key="a", name="甲工业", above_size=True)
    b = register(dept, uscc=uscc_for("B"), key="b", name="乙工业", above_size=False)
    h = register(dept, uscc=uscc_for("H"), key="h", name="丙医院", sector="health")
    _report(dept, a, "ra", cnc_rate_bp=8000, design_tool_bp=9500)
    _report(dept, b, "rb", cnc_rate_bp=6001)
    _report(dept, h, "rh", design_tool_bp=5000)
    data = dept.get(f"/api/v1/equipment/digital?year={LAST}").json()
    industry = next(g for g in data["groups"] if g["key"] == "industry")
    assert (industry["enterprises"], industry["cnc_reported"], industry["cnc_rate_bp"]) == (
        2,
        2,
        7001,
    )
    assert (industry["design_reported"], industry["design_tool_bp"]) == (1, 9500)
    assert data["above_size_industry"]["cnc_rate_bp"] == 8000
    assert data["overall"]["design_tool_bp"] == 7250
    assert data["targets"]["cnc_rate_bp"] == 7500 and "国发〔2024〕7号" in data["targets"]["source"]
    places = dept.get(f"/api/v1/equipment/digital?year={LAST}&by=jurisdiction").json()
    assert [g["key"] for g in places["groups"]] == ["140521"]
    assert places["groups"][0]["label"] == "沁水县"
    away = builders.api_client(db, "department.371525").get(
        f"/api/v1/equipment/digital?year={LAST}"
    )
    assert away.json()["overall"]["enterprises"] == 0
    assert (
        builders.api_client(db, "enterprise.140521").get("/api/v1/equipment/digital").status_code
        == 403
    )


def test_pages_entry_and_indicator_chart(db: Database) -> None:
    api = builders.api_client(db, "enterprise.140521")
    ent = register(api)
    web = builders.web_client(db, "enterprise.140521")
    page = web.get(f"/equipment/enterprises/{ent}")
    assert 'id="digital-form"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = web.post(
        f"/equipment/enterprises/{ent}/digital",
        data={"csrf_token": csrf, "year": str(LAST), "cnc": "120"},
    )
    assert bad.status_code == 422 and "关键工序数控化率应在0至100%之间" in bad.text
    ok = web.post(
        f"/equipment/enterprises/{ent}/digital",
        data={"csrf_token": csrf, "year": str(LAST), "cnc": "76.5", "design": "91"},
    )
    assert ok.status_code == 303
    assert "76.50%" in web.get(f"/equipment/enterprises/{ent}").text
    dept = builders.web_client(db, "department.140521")
    ind = dept.get("/equipment/indicator")
    assert ind.status_code == 200 and 'id="digital-chart"' in ind.text and "<svg" in ind.text
    assert 'id="cnc-rate">76.50%' in ind.text
    empty = dept.get(f"/equipment/indicator?digital_year={LAST - 3}")
    assert 'id="digital-none"' in empty.text
