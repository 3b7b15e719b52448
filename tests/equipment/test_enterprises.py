"""Enterprises: validated registration, own-record rule for enterprise users, scope."""

from __future__ import annotations

from sqlalchemy import func, select

import builders
from equipment.eqkit import USCC_A, register, uscc_for
from huanxin.db import Database
from huanxin.equipment.models import Enterprise


def _count(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enterprise)) or 0)


def test_enterprise_user_registers_its_own_organisation(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent_id = register(c, name="被忽略的名称")
    r = c.get(f"/api/v1/equipment/enterprises/{ent_id}")
    assert r.json()["name"] == "140521enterprise"  # the bound organisation's name
    assert r.json()["uscc"] == USCC_A and r.json()["industry_code"] == "C3411"
    again = c.post(
        "/api/v1/equipment/enterprises",
        headers={"Idempotency-Key": "k2"},
        json={
            "uscc": uscc_for("B"),
            "industry_code": "C34",
            "sector": "industry",
            "jurisdiction_code": "140521",
        },
    )
    assert again.status_code == 409 and again.json()["code"] == "enterprise_exists"
    assert _count(db) == 1


def test_bad_uscc_and_industry_code_store_nothing(db: Database) -> None:
    c = builders.api_client(db, "department.140521")
    body = {
        "uscc": USCC_A[:-1] + "4",
        "industry_code": "C3411",
        "sector": "industry",
        "jurisdiction_code": "140521",
        "name": "甲公司",
    }
    r = c.post("/api/v1/equipment/enterprises", json=body, headers={"Idempotency-Key": "a"})
    assert r.status_code == 422
    assert r.json()["field"] == "uscc" and r.json()["message"] == "统一社会信用代码校验位错误"
    body |= {"uscc": USCC_A, "industry_code": "3411"}
    r = c.post("/api/v1/equipment/enterprises", json=body, headers={"Idempotency-Key": "b"})
    assert r.status_code == 422 and r.json()["field"] == "industry_code"
    body |= {"industry_code": "C3411", "sector": "space"}
    r = c.post("/api/v1/equipment/enterprises", json=body, headers={"Idempotency-Key": "c"})
    assert r.status_code == 422 and r.json()["field"] == "sector"
    assert _count(db) == 0


def test_enterprise_sees_only_itself_department_sees_its_scope(db: Database) -> None:
    own = register(builders.api_client(db, "enterprise.140521"))
    dept = builders.api_client(db, "department.140521")
    other = register(dept, uscc=uscc_for("C"), name="丙公司", key="dept")
    ent = builders.api_client(db, "enterprise.140521")
    assert [e["id"] for e in ent.get("/api/v1/equipment/enterprises").json()] == [own]
    assert ent.get(f"/api/v1/equipment/enterprises/{other}").status_code == 404
    assert [e["id"] for e in dept.get("/api/v1/equipment/enterprises").json()] == [own, other]
    far = builders.api_client(db, "department.371525")
    assert far.get("/api/v1/equipment/enterprises").json() == []
    assert far.get(f"/api/v1/equipment/enterprises/{own}").status_code == 404


def test_enterprise_cannot_edit_another_and_finance_cannot_write(db: Database) -> None:
    dept = builders.api_client(db, "department.140521")
    other = register(dept, uscc=uscc_for("D"), name="丁公司")
    ent = builders.api_client(db, "enterprise.140521")
    r = ent.patch(
        f"/api/v1/equipment/enterprises/{other}",
        json={"above_size": False},
        headers={"Idempotency-Key": "p"},
    )
    assert r.status_code == 404
    fin = builders.api_client(db, "finance.140521")
    assert fin.get(f"/api/v1/equipment/enterprises/{other}").status_code == 200
    r = fin.patch(
        f"/api/v1/equipment/enterprises/{other}",
        json={"above_size": False},
        headers={"Idempotency-Key": "p"},
    )
    assert r.status_code == 403
    r = dept.patch(
        f"/api/v1/equipment/enterprises/{other}",
        json={"sector": "health"},
        headers={"Idempotency-Key": "p"},
    )
    assert r.status_code == 200 and r.json()["sector"] == "health"
