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
from huanxin.claims.models import Claim, Quota
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.ledger.models import Entry
from huanxin.policy import service as policies

REPO = Path(__file__).resolve().parents[2]


def _quota(db: Database) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post("/api/v1/quotas", json={"category": "refrigerator", "on_date": "2025-06-01"},
                      headers={"Idempotency-Key": "q1"})  # fmt: skip
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
    r = other.post("/api/v1/redemptions", json=tradein.sale(**ref),
                   headers={"Idempotency-Key": "x1"})  # fmt: skip
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
    r = page.post("/merchant/redeem", data={"csrf_token": csrf, "quota_code": code,
                  "category": "refrigerator", "product_model": "BCD-500", "device_serial": "SN0001",
                  "grade": "1", "price": "5999.00", "invoice_no": "25142000000012345678",
                  "purchase_date": "2025-06-01"})  # fmt: skip
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
    r = other.post("/api/v1/redemptions", json=tradein.sale(quota_code=code),
                   headers={"Idempotency-Key": "x1"})  # fmt: skip
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
    r = merchant.post("/api/v1/redemptions", json=tradein.sale(quota_code=_quota(database)),
                      headers={"Idempotency-Key": "a"})  # fmt: skip
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
