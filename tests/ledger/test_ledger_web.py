"""Ledger API and pages: scope, permissions, idempotent allocation, dashboard and chart.

The app here mounts the core, page and ledger routers only (the same error handlers and
dependencies as ``create_app``), so these tests do not depend on other domains.
"""

from __future__ import annotations

import os

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from huanxin.config import Settings
from huanxin.core import auth, orgs, users
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry, User
from huanxin.db import Database
from huanxin.ledger import pages, service
from huanxin.ledger import routes as ledger_routes
from huanxin.ledger.models import Entry
from huanxin.web import api as web_api
from huanxin.web import errors
from huanxin.web import pages as web_pages

from .conftest import TEST_PROGRAMME, new_pool, next_year

PASSWORD = "Test@Pass2026"


def _app(db: Database) -> FastAPI:
    app = FastAPI()
    app.state.db = db
    app.state.settings = Settings(
        database_url=db.url,
        secret_key=os.environ["HUANXIN_SECRET_KEY"],
        cookie_secure=False,
        migrate_on_start=False,
    )
    errors.install(app)
    for router in (web_api.router, web_pages.router, ledger_routes.router, pages.router):
        app.include_router(router)
    return app


def _user(db: Database, role: str, code: str) -> str:
    with db.unit_of_work() as session:
        org_id = None
        if role == "merchant":
            org_id = orgs.ensure(
                session, SYSTEM, kind="merchant", name=f"{code}商户", jurisdiction_code=code
            ).id
        users.create(
            session,
            SYSTEM,
            users.NewUser(
                username=f"{role}.{code}",
                display_name=f"{role}{code}",
                password=PASSWORD,
                role=role,
                jurisdiction_code=code,
                org_id=org_id,
            ),
        )
    return f"{role}.{code}"


def api(db: Database, username: str) -> TestClient:
    with db.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        token = auth.issue_token(session, user, name="test")
    client = TestClient(_app(db), follow_redirects=False)
    client.headers["Authorization"] = "Bearer " + token
    return client


def web(db: Database, username: str) -> TestClient:
    client = TestClient(_app(db), follow_redirects=False)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return client


@pytest.fixture(scope="module")
def guanxian(shared_db: Database) -> int:
    """Users of the module (office and merchant in 沁水县, finance in 冠县) and 冠县's pool."""
    for role, code in [("office", "140521"), ("finance", "371525"), ("merchant", "140521")]:
        _user(shared_db, role, code)
    return new_pool(shared_db, allocate=500, code="371525")


@pytest.fixture
def world(shared_db: Database, guanxian: int) -> dict[str, int]:
    """A fresh 沁水县 pool of 10,000.00 yuan in two shards, plus 冠县's pool."""
    return {"qinshui": new_pool(shared_db, shards=2, allocate=1_000_000), "guanxian": guanxian}


def test_api_lists_only_pools_in_scope(shared_db: Database, world: dict[str, int]) -> None:
    body = api(shared_db, "office.140521").get("/api/v1/ledger/pools").json()
    assert {p["jurisdiction_code"] for p in body} == {"140521"}
    mine = next(p for p in body if p["id"] == world["qinshui"])
    expected = {
        "allocated_fen": 1_000_000,
        "available_fen": 1_000_000,
        "reserved_fen": 0,
        "spent_fen": 0,
    }
    assert (mine["layer_label"], mine["balances"]) == ("县级", expected)
    other = api(shared_db, "finance.371525")
    assert [p["id"] for p in other.get("/api/v1/ledger/pools").json()] == [world["guanxian"]]
    assert other.get(f"/api/v1/ledger/pools/{world['qinshui']}").status_code == 404


def test_api_pool_detail_has_burn_and_journal(shared_db: Database, world: dict[str, int]) -> None:
    pool_id = world["qinshui"]
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=200_000, ref="claim:7")
        service.commit(session, pool_id=pool_id, amount_fen=200_000, ref="claim:7")
    body = api(shared_db, "office.140521").get(f"/api/v1/ledger/pools/{pool_id}?days=10").json()
    assert body["balances"] == {
        "allocated_fen": 1_000_000,
        "available_fen": 800_000,
        "reserved_fen": 0,
        "spent_fen": 200_000,
    }
    assert (body["burn"]["days"], body["burn"]["spent_fen"], body["burn"]["per_day_fen"]) == (
        10,
        200_000,
        20_000,
    )
    assert [e["kind"] for e in body["journal"]] == ["commit"] * 2 + ["reserve"] * 2 + [
        "allocate"
    ] * 4


def test_api_allocate_is_idempotent(shared_db: Database, world: dict[str, int]) -> None:
    client = api(shared_db, "office.140521")
    url = f"/api/v1/ledger/pools/{world['qinshui']}/allocations"
    body = {"amount_fen": 250_050, "ref": "晋财建〔2025〕12号", "note": "第二批"}
    first = client.post(url, json=body, headers={"Idempotency-Key": "alloc-1"})
    again = client.post(url, json=body, headers={"Idempotency-Key": "alloc-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (
        first.json()["balances"]["allocated_fen"]
        == 1_250_050
        == again.json()["balances"]["allocated_fen"]
    )
    assert client.post(url, json=body).status_code == 422  # the key is required
    with shared_db.sessions() as session:
        assert service.pool_balances(session, world["qinshui"]).available == 1_250_050
        allocations = select(func.count()).where(
            AuditEntry.action == "ledger.allocated", AuditEntry.object_id == str(world["qinshui"])
        )
        assert session.scalar(allocations) == 2


def test_api_allocate_needs_permission_and_scope(
    shared_db: Database, world: dict[str, int]
) -> None:
    body = {"amount_fen": 100, "ref": "x"}
    merchant = api(shared_db, "merchant.140521")
    r = merchant.post(
        f"/api/v1/ledger/pools/{world['qinshui']}/allocations",
        json=body,
        headers={"Idempotency-Key": "k"},
    )
    assert r.status_code == 403
    finance = api(shared_db, "finance.371525")
    r = finance.post(
        f"/api/v1/ledger/pools/{world['qinshui']}/allocations",
        json=body,
        headers={"Idempotency-Key": "k"},
    )
    assert r.status_code == 404
    with shared_db.sessions() as session:
        assert service.pool_balances(session, world["qinshui"]).allocated == 1_000_000


def test_api_create_pool(shared_db: Database, world: dict[str, int]) -> None:
    client = api(shared_db, "office.140521")
    body = {
        "programme_id": "cn.appliance",
        "layer": "central",
        "jurisdiction_code": "140521",
        "period_year": 2026,
        "shards": 8,
    }
    r = client.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "p1"})
    assert r.status_code == 201 and r.json()["shards"] == 8
    # named after the version in force in the pool's year, not the programme's first one
    assert r.json()["name"] == "2026年家电以旧换新补贴（国家）·中央·沁水县"
    body["layer"] = "galaxy"
    r = client.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "p2"})
    assert r.status_code == 422 and r.json()["field"] == "layer"


def test_api_refuses_a_pool_for_a_programme_of_another_place(
    shared_db: Database, world: dict[str, int]
) -> None:
    client = api(shared_db, "office.140521")
    body = {
        "programme_id": "pd.lift_installation",
        "layer": "county",
        "jurisdiction_code": "140521",
        "period_year": 2026,
    }
    r = client.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "p3"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "jurisdiction_code"
    assert "平定县" in r.json()["message"] and "不适用于" in r.json()["message"]
    body |= {"programme_id": "qs.appliance_topup", "period_year": 2026}  # 2025 only
    r = client.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "p4"})
    assert r.status_code == 422 and r.json()["field"] == "period_year"
    with shared_db.sessions() as session:
        assert (
            service.find_pool(
                session,
                programme_id="qs.appliance_topup",
                layer="county",
                jurisdiction_code="140521",
                period_year=2026,
            )
            is None
        )


def test_dashboard_page_chart_and_allocate_form(shared_db: Database, world: dict[str, int]) -> None:
    pool_id = world["qinshui"]
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=300_000, ref="claim:1")
        service.commit(session, pool_id=pool_id, amount_fen=300_000, ref="claim:1")
    client = web(shared_db, "office.140521")
    listing = client.get("/ledger")
    assert listing.status_code == 200 and f'href="/ledger/pools/{pool_id}"' in listing.text
    page = client.get(f"/ledger/pools/{pool_id}")
    assert page.status_code == 200
    assert 'data-key="available">7,000.00<' in page.text
    assert "日均 100.00 元" in page.text and 'id="exhaustion"' in page.text
    chart = client.get(f"/ledger/pools/{pool_id}/burn.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.lstrip().startswith("<?xml") and "<svg" in chart.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    key = page.text.split('name="form_key" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "form_key": key, "amount": "1,234.56", "ref": "追加"}
    assert client.post(f"/ledger/pools/{pool_id}/allocate", data=form).status_code == 303
    assert client.post(f"/ledger/pools/{pool_id}/allocate", data=form).status_code == 303
    bad = client.post(
        f"/ledger/pools/{pool_id}/allocate", data={**form, "form_key": "k2", "amount": "1.234"}
    )
    assert bad.status_code == 422 and "最多两位小数" in bad.text
    with shared_db.sessions() as session:
        assert service.pool_balances(session, pool_id).allocated == 1_123_456
        legs = select(func.count()).where(Entry.pool_id == pool_id, Entry.ref == "追加")
        assert session.scalar(legs) == 4


def test_pages_refuse_roles_without_ledger_read(shared_db: Database, world: dict[str, int]) -> None:
    client = web(shared_db, "merchant.140521")
    assert client.get("/ledger").status_code == 403
    assert client.get(f"/ledger/pools/{world['qinshui']}/burn.svg").status_code == 403


def test_pool_page_plans_the_year_and_pauses_by_hand(
    shared_db: Database, world: dict[str, int]
) -> None:
    with shared_db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="county",
            jurisdiction_code="140521",
            period_year=next_year(),
            budget_fen=1_200_000,
        )
        pool_id = pool.id
    client = web(shared_db, "office.140521")
    page = client.get(f"/ledger/pools/{pool_id}")
    assert page.status_code == 200 and "办理状态：<strong>正常办理</strong>" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "form_key": "plan-1", "pattern": "quarterly"}
    assert client.post(f"/ledger/pools/{pool_id}/schedule", data=form).status_code == 303
    page = client.get(f"/ledger/pools/{pool_id}")
    assert page.text.count("待下达</td>") == 4 and "3,000.00" in page.text
    bad = client.post(
        f"/ledger/pools/{pool_id}/schedule", data={**form, "form_key": "plan-2", "pattern": "x"}
    )
    assert bad.status_code == 422 and "下达方式必须是按月、按周或按季度" in bad.text
    pause = {"csrf_token": csrf, "form_key": "pause-1", "reason": "审计抽查期间暂停"}
    assert client.post(f"/ledger/pools/{pool_id}/pause", data=pause).status_code == 303
    page = client.get(f"/ledger/pools/{pool_id}")
    assert "暂停办理：审计抽查期间暂停" in page.text and "恢复核销和领取资格" in page.text
    with shared_db.sessions() as session:
        assert service.pool_balances(session, pool_id).allocated == 0  # nothing released yet


def test_api_schedule_refuses_a_bad_row_whole(shared_db: Database, world: dict[str, int]) -> None:
    year = next_year()
    with shared_db.unit_of_work() as session:
        pool_id = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="county",
            jurisdiction_code="140521",
            period_year=year,
            budget_fen=1_200_000,
        ).id
    client = api(shared_db, "office.140521")
    rows = [
        {"starts_on": f"{year}-01-01", "ends_on": f"{year}-01-31", "amount_fen": 100_000},
        {"starts_on": f"{year}-01-20", "ends_on": f"{year}-02-28", "budget_share_bp": 1000},
    ]
    url = f"/api/v1/ledger/pools/{pool_id}/tranches"
    r = client.put(url, json={"rows": rows}, headers={"Idempotency-Key": "s1"})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "schedule_refused" and r.json()["field"] == "rows"
    assert r.json()["message"] == "第2行：与第1行（01月01日至01月31日）时间段重叠"
    assert client.get(url).json()["tranches"] == []  # nothing half-saved
    over = [
        rows[0],
        {"starts_on": f"{year}-02-01", "ends_on": f"{year}-02-28", "amount_fen": 1_100_001},
    ]
    r = client.put(url, json={"rows": over}, headers={"Idempotency-Key": "s-over"})
    assert r.status_code == 422 and r.json()["field"] == "rows", r.text
    assert r.json()["message"].startswith("第2行：已下达与计划下达合计12,000.01元")  # over the pool
    assert client.get(url).json()["tranches"] == []
    rows[1]["starts_on"] = f"{year}-02-01"
    r = client.put(url, json={"rows": rows}, headers={"Idempotency-Key": "s2"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [t["amount_fen"] for t in body["tranches"]] == [100_000, 120_000]
    assert (body["budget_fen"], body["released_fen"], body["scheduled_fen"]) == (
        1_200_000,
        0,
        220_000,
    )
    again = client.put(url, json={"rows": rows}, headers={"Idempotency-Key": "s2"})
    assert again.json() == body  # a retry replays the answer
    forecast = client.get(f"/api/v1/ledger/pools/{pool_id}/forecast").json()
    assert [m["plan_fen"] for m in forecast["months"][:3]] == [100_000, 120_000, 0]
