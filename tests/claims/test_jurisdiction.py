"""A merchant spends only the budget of the place it is registered in: a quota of another
county is refused (403, in Chinese, audited as a denial) unless the programme lets its
quotas be redeemed anywhere in its own area."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import Claim, Clawback, Quota
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.ledger.models import Entry
from huanxin.policy import service as policies

REPO = Path(__file__).resolve().parents[2]


def _quota(db: Database) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q1"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _counts(db: Database) -> tuple[int, int, list[str]]:
    with db.sessions() as session:
        claims = session.scalar(select(func.count()).select_from(Claim)) or 0
        moves = session.scalar(select(func.count()).select_from(Entry)) or 0
        states = list(session.scalars(select(Quota.state).order_by(Quota.id)))
    return claims, moves, states


def _denials(db: Database) -> list[dict[str, object]]:
    with db.sessions() as session:
        rows = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "access.denied")
        )
        return [json.loads(d) for d in rows]


@pytest.mark.parametrize("by", ["quota_code", "resident_id"])
def test_merchant_of_another_county_cannot_spend_its_budget(database: Database, by: str) -> None:
    tradein.setup(database)
    with database.unit_of_work() as session:
        builders.create_user(session, "merchant", "371525")
    code = _quota(database)
    before = _counts(database)
    ref = {"quota_code": code} if by == "quota_code" else {"resident_id": tradein.RESIDENT_ID}
    other = builders.api_client(database, "merchant.371525")
    r = other.post(
        "/api/v1/redemptions", json=tradein.sale(**ref), headers={"Idempotency-Key": "x1"}
    )
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == "quota_outside_merchant_area"
    assert (
        body["message"]
        == "该补贴资格由山西省晋城市沁水县发放，只能由在山西省晋城市沁水县登记的商户核销"
    )
    assert _counts(database) == before  # no claim, no ledger move, the quota still issued
    assert [d["reason"] for d in _denials(database)] == ["outside_jurisdiction"]
    own = builders.api_client(database, "merchant.140521")
    ok = own.post(
        "/api/v1/redemptions", json=tradein.sale(**ref), headers={"Idempotency-Key": "x2"}
    )
    assert ok.status_code == 201, ok.text


def test_redeem_page_refuses_and_audits(database: Database) -> None:
    tradein.setup(database)
    with database.unit_of_work() as session:
        builders.create_user(session, "merchant", "371525")
    code = _quota(database)
    page = builders.web_client(database, "merchant.371525")
    form = page.get("/merchant/redeem").text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    r = page.post(
        "/merchant/redeem",
        data={
            "csrf_token": csrf,
            "quota_code": code,
            "category": "refrigerator",
            "product_model": "BCD-500",
            "device_serial": "SN0001",
            "grade": "1",
            "price": "5999.00",
            "invoice_no": "25142000000012345678",
            "purchase_date": "2025-06-01",
        },
    )
    assert r.status_code == 403, r.text
    assert "只能由在山西省晋城市沁水县登记的商户核销" in r.text
    assert _counts(database)[0] == 0
    assert [d["reason"] for d in _denials(database)] == ["outside_jurisdiction"]


def test_programme_area_lets_a_merchant_anywhere_in_it_redeem(
    database: Database, tmp_path: Path
) -> None:
    tradein.setup(database)
    data = yaml.safe_load((REPO / "policies" / "national-appliance-2025.yaml").read_text("utf-8"))
    data["version"] = 9
    data["quota"]["redemption_area"] = "programme"
    (tmp_path / "national-appliance-2025-any.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), "utf-8"
    )
    with database.unit_of_work() as session:
        builders.create_user(session, "merchant", "371525")
        policies.sync_dir(session, SYSTEM, tmp_path)
    code = _quota(database)
    other = builders.api_client(database, "merchant.371525")
    r = other.post(
        "/api/v1/redemptions", json=tradein.sale(quota_code=code), headers={"Idempotency-Key": "x1"}
    )
    assert r.status_code == 201, r.text
    claim = r.json()
    assert claim["jurisdiction_code"] == "140521"  # paid from the quota's county budget
    assert other.get(f"/api/v1/claims/{claim['id']}").status_code == 200  # its own sale
    assert (
        builders.api_client(database, "merchant.140521")
        .get(f"/api/v1/claims/{claim['id']}")
        .status_code
        == 404
    )


def test_claims_api_needs_the_same_permission_as_the_claims_page(database: Database) -> None:
    tradein.setup(database)
    with database.unit_of_work() as session:
        for role in ("enterprise", "recycler", "manufacturer", "admin"):
            builders.create_user(session, role, "140521")
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=_quota(database)),
        headers={"Idempotency-Key": "a"},
    )
    claim_id = r.json()["id"]
    for role in ("enterprise", "recycler", "manufacturer", "admin"):
        api = builders.api_client(database, f"{role}.140521")
        assert api.get("/api/v1/claims").status_code == 403, role
        assert api.get(f"/api/v1/claims/{claim_id}").status_code == 403, role
        page = builders.web_client(database, f"{role}.140521")
        assert page.get(f"/claims/{claim_id}").status_code == 403, role
    consumer = builders.api_client(database, "consumer.140521")
    assert [c["id"] for c in consumer.get("/api/v1/claims").json()] == [claim_id]
    assert consumer.get(f"/api/v1/claims/{claim_id}").status_code == 200
    other = builders.api_client(database, "consumer.371525")
    assert other.get("/api/v1/claims").json() == []
    assert other.get(f"/api/v1/claims/{claim_id}").status_code == 404
    assert builders.api_client(database, "office.140521").get("/api/v1/claims").status_code == 200


def _programme_area(db: Database, tmp_path: Path) -> None:
    data = yaml.safe_load((REPO / "policies" / "national-appliance-2025.yaml").read_text("utf-8"))
    data["version"], data["quota"]["redemption_area"] = 9, "programme"
    (tmp_path / "anywhere.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with db.unit_of_work() as session:
        policies.sync_dir(session, SYSTEM, tmp_path)


def _sell(db: Database, consumer: str, serial: str, price_fen: int) -> int:
    code = (
        builders.api_client(db, consumer)
        .post(
            "/api/v1/quotas",
            json={"category": "refrigerator", "on_date": "2025-06-01"},
            headers={"Idempotency-Key": f"q-{serial}"},
        )
        .json()["code"]
    )
    r = builders.api_client(db, "merchant.371525").post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": serial},
        json=tradein.sale(quota_code=code, device_serial=serial, price_fen=price_fen),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _pay(db: Database, code: str, claim_id: int) -> dict[str, object]:
    office, finance = (builders.api_client(db, f"{r}.{code}") for r in ("office", "finance"))
    office.post(f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "v"})
    batch = finance.post("/api/v1/settlement/batches", headers={"Idempotency-Key": "b"}).json()
    lines = finance.get(f"/api/v1/settlement/batches/{batch['id']}/bank-file").text.splitlines()
    result = "付款单号,结果,银行流水号,失败原因\n" + f"{lines[1].split(',')[1]},成功,R1,\n"
    finance.post(
        f"/api/v1/settlement/batches/{batch['id']}/result",
        headers={"Idempotency-Key": "r"},
        files={"file": ("r.csv", result.encode(), "text/csv")},
    )
    return dict(batch)


def test_a_clawback_is_netted_only_in_its_own_county(database: Database, tmp_path: Path) -> None:
    """A merchant paid by two counties returns a sale of one: that county recovers the
    subsidy; the other county's payment to the merchant is not reduced by it."""
    tradein.setup(database)
    _programme_area(database, tmp_path)
    with database.unit_of_work() as session:
        tradein.fund_pools(session, "371525", 10**9)
        for role in ("merchant", "finance"):
            builders.create_user(session, role, "371525")
    home = _sell(database, "consumer.140521", "SN-HOME", 299900)
    away = _sell(database, "consumer.371525", "SN-AWAY", 599900)
    _pay(database, "140521", home)
    merchant = builders.api_client(database, "merchant.371525")
    r = merchant.post(
        f"/api/v1/claims/{home}/return",
        json={"returned_on": "2025-06-05"},
        headers={"Idempotency-Key": "ret"},
    )
    assert r.status_code == 200 and r.json()["state"] == "returned", r.text
    batch = _pay(database, "371525", away)
    with database.sessions() as session:
        away_subsidy = session.get(Claim, away).subsidy_fen  # type: ignore[union-attr]
        clawback = session.scalars(select(Clawback)).one()
    assert batch["total_fen"] == away_subsidy
    assert clawback.claim_id == home and clawback.netted_in_item_id is None
