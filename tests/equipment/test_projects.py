"""Project library: lifecycle with 409 on an illegal step, scrap verification, documents,
dashboard; interest subsidies; the investment indicator."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

import builders
from equipment.eqkit import GOOD_ROWS, csv_bytes, register, upload
from huanxin.db import Database
from huanxin.equipment.models import EquipmentItem, Project
from huanxin.equipment.service import indicator
from huanxin.equipment.service.subsidy import schedule, total


def _project(c: TestClient, ent: int, **extra: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": ent,
        "name": "电机更新",
        "equipment_investment_fen": 100_000_000,
        "total_investment_fen": 150_000_000,
        "bonds_fen": 20_000_000,
        "loan_fen": 60_000_000,
        "planned_on": "2025-01-02",
        **extra,
    }
    r = c.post("/api/v1/equipment/projects", json=body, headers={"Idempotency-Key": "p"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _step(c: TestClient, pid: int, to: str, on: str, key: str, **extra: Any) -> Any:
    return c.post(
        f"/api/v1/equipment/projects/{pid}/steps",
        headers={"Idempotency-Key": key},
        json={"to_stage": to, "on_date": on, **extra},
    )


def test_lifecycle_illegal_steps_and_scrap_verification(db: Database) -> None:
    ent_c, dept = (builders.api_client(db, u) for u in ("enterprise.140521", "department.140521"))
    ent = register(ent_c)
    upload(ent_c, ent, csv_bytes(GOOD_ROWS))
    pid = _project(ent_c, ent)["id"]
    skip = _step(ent_c, pid, "building", "2025-02-01", "s0")
    assert skip.status_code == 409
    assert skip.json()["message"] == "项目当前处于“谋划”阶段，下一步只能是“申报”，不能进入“在建”"
    assert _step(ent_c, pid, "applied", "2025-02-01", "s1").json()["stage"] == "applied"
    assert _step(ent_c, pid, "approved", "2025-03-01", "s2").status_code == 403
    early = _step(dept, pid, "approved", "2025-01-01", "s3")
    assert early.status_code == 422 and early.json()["field"] == "on_date"
    assert _step(dept, pid, "approved", "2025-03-01", "s4").status_code == 200
    assert _step(ent_c, pid, "building", "2025-04-01", "s5").status_code == 200
    bare = _step(ent_c, pid, "completed", "2025-09-01", "s6")
    assert bare.status_code == 409 and bare.json()["code"] == "scrap_not_verified"
    m1 = next(i for i in ent_c.get("/api/v1/equipment/items").json() if i["code"] == "M1")
    done = _step(ent_c, pid, "completed", "2025-09-01", "s7", scrapped_item_ids=[m1["id"]])
    assert done.status_code == 200 and done.json()["completed_on"] == "2025-09-01"
    again = _step(ent_c, pid, "completed", "2025-09-02", "s8")
    assert again.status_code == 409 and "不能再变更" in again.json()["message"]
    with db.sessions() as s:
        item = s.get(EquipmentItem, m1["id"])
        assert item is not None and (item.status, item.scrapped_project_id) == ("已报废", pid)
        assert item.elimination is False
    detail = ent_c.get(f"/api/v1/equipment/projects/{pid}").json()
    assert [s["to_stage"] for s in detail["steps"]] == [
        "planning",
        "applied",
        "approved",
        "building",
        "completed",
    ]
    assert detail["scrapped_item_ids"] == [m1["id"]]


def test_bad_money_stores_nothing(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    body = {
        "enterprise_id": ent,
        "name": "x",
        "equipment_investment_fen": 200,
        "total_investment_fen": 100,
    }
    r = c.post("/api/v1/equipment/projects", json=body, headers={"Idempotency-Key": "m"})
    assert r.status_code == 422 and r.json()["field"] == "equipment_investment_fen"
    with db.sessions() as s:
        assert s.scalars(select(Project)).first() is None


def test_documents_checked_by_content_and_size(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    pid = _project(c, register(c))["id"]

    def send(name: str, content: bytes, key: str) -> Any:
        return c.post(
            f"/api/v1/equipment/projects/{pid}/documents",
            data={"doc_type": "approval"},
            files={"file": (name, io.BytesIO(content))},
            headers={"Idempotency-Key": key},
        )

    ok = send("批复.pdf", b"%PDF-1.4 test", "d1")
    assert ok.status_code == 201 and ok.json()["content_type"] == "application/pdf"
    assert send("x.exe", b"MZ\x90\x00", "d2").json()["message"] == "只接受 PDF、JPG、PNG 文件"
    assert send("x.png", b"%PDF-1.4", "d3").json()["message"] == "文件扩展名与文件内容不符"
    got = c.get(f"/api/v1/equipment/projects/{pid}/documents/{ok.json()['id']}")
    assert got.content == b"%PDF-1.4 test"
    dash = c.get("/api/v1/equipment/dashboard").json()
    industry = next(r for r in dash["sectors"] if r["sector"] == "industry")
    assert industry["stages"]["planning"] == {
        "count": 1,
        "equipment_fen": 100_000_000,
        "total_fen": 150_000_000,
    }
    svg = c.get("/api/v1/equipment/dashboard.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.text.startswith("<svg")


def test_subsidy_schedule_rounds_each_period_and_caps() -> None:
    periods = schedule(1_000_000, subsidy_bp=150, term_months=3, repayment="equal_principal")
    # outstanding 10000.00, 6666.67, 3333.33 yuan x 1.5% / 12 = 12.5, 8.333.., 4.166.. yuan
    assert [p.subsidy_fen for p in periods] == [1250, 833, 417]
    assert total(periods) == 2500
    capped = schedule(1_000_000, subsidy_bp=150, term_months=3, repayment="bullet", cap_fen=3000)
    assert [p.subsidy_fen for p in capped] == [1250, 1250, 500]
    assert len(schedule(100, subsidy_bp=100, term_months=60, repayment="bullet")) == 24


def test_subsidy_application_and_decision(db: Database) -> None:
    ent_c, dept = (builders.api_client(db, u) for u in ("enterprise.140521", "department.140521"))
    pid = _project(ent_c, register(ent_c))["id"]
    body = {
        "project_id": pid,
        "loan_fen": 60_000_000,
        "rate_bp": 345,
        "subsidy_bp": 150,
        "term_months": 12,
        "repayment": "bullet",
    }
    early = ent_c.post("/api/v1/equipment/subsidies", json=body, headers={"Idempotency-Key": "a"})
    assert early.status_code == 409
    _step(ent_c, pid, "applied", "2025-02-01", "s1")
    _step(dept, pid, "approved", "2025-03-01", "s2")
    too_high = ent_c.post(
        "/api/v1/equipment/subsidies",
        json=body | {"subsidy_bp": 400},
        headers={"Idempotency-Key": "b"},
    )
    assert too_high.status_code == 422 and too_high.json()["field"] == "subsidy_bp"
    r = ent_c.post("/api/v1/equipment/subsidies", json=body, headers={"Idempotency-Key": "c"})
    assert r.status_code == 201 and r.json()["subsidy_fen"] == 60_000_000 * 150 // 10_000
    sid = r.json()["id"]
    deny = ent_c.post(
        f"/api/v1/equipment/subsidies/{sid}/decision",
        json={"approve": True},
        headers={"Idempotency-Key": "d"},
    )
    assert deny.status_code == 403
    ok = dept.post(
        f"/api/v1/equipment/subsidies/{sid}/decision",
        json={"approve": True},
        headers={"Idempotency-Key": "e"},
    )
    assert ok.json()["status"] == "approved"
    twice = dept.post(
        f"/api/v1/equipment/subsidies/{sid}/decision",
        json={"approve": False, "note": "x"},
        headers={"Idempotency-Key": "f"},
    )
    assert twice.status_code == 409


def test_investment_indicator_by_completion_against_baseline(db: Database) -> None:
    ent_c, dept = (builders.api_client(db, u) for u in ("enterprise.140521", "department.140521"))
    ent = register(ent_c)
    upload(ent_c, ent, csv_bytes(GOOD_ROWS))
    pid = _project(ent_c, ent)["id"]
    for n, (to, who) in enumerate((("applied", ent_c), ("approved", dept), ("building", ent_c))):
        _step(who, pid, to, f"2025-0{n + 2}-01", f"s{n}")
    m1 = next(i for i in ent_c.get("/api/v1/equipment/items").json() if i["code"] == "M1")
    _step(ent_c, pid, "completed", "2025-09-01", "s9", scrapped_item_ids=[m1["id"]])
    r = dept.post(
        "/api/v1/equipment/baselines",
        headers={"Idempotency-Key": "b"},
        json={
            "jurisdiction_code": "140521",
            "sector": "industry",
            "amount_fen": 80_000_000,
            "source": "统计数据",
        },
    )
    assert r.status_code == 201
    with db.sessions() as s:
        data = indicator.investment_indicator(s, jurisdiction_codes=["140521"], year=2025)
    assert (data.baseline_fen, data.value_fen, data.growth_bp) == (
        80_000_000,
        100_000_000,
        2500,
    )
    assert data.target_fen == 100_000_000 and data.met is True
    assert data.baseline_source == "recorded" and data.basis == "completion"
    with db.sessions() as s:
        other = indicator.investment_indicator(s, jurisdiction_codes=["371525"], year=2025)
    assert (other.baseline_fen, other.value_fen, other.growth_bp) == (0, 0, None)
