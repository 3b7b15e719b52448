"""Point-of-sale redemption: quota, atomic reservation, one subsidy per device, idempotency."""

from __future__ import annotations

from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import Claim, Quota
from huanxin.db import Database
from huanxin.ledger import service as ledger


def _quota(db: Database, category: str = "refrigerator", on: str = "2025-06-01") -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": category, "on_date": on},
        headers={"Idempotency-Key": f"q-{category}-{on}"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _balances(db: Database, pool_id: int) -> tuple[int, int, int]:
    with db.sessions() as session:
        b = ledger.pool_balances(session, pool_id)
        return b.available, b.reserved, b.spent


def test_redeem_reserves_exact_amounts_and_explains(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions", json=tradein.sale(quota_code=code), headers={"Idempotency-Key": "r1"}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    # national 2025: 5999.00 × 20% = 1199.80 (grade 1); Qinshui top-up 5%, capped at 500 yuan
    assert body["state"] == "reserved"
    assert "售价5,999.00元×20%=1,199.80元，未超过单件上限2,000元" in " ".join(body["explanation"])
    national = pools[("cn.appliance", "central")], pools[("cn.appliance", "province")]
    assert _balances(database, national[0]) == (1_000_000 - 107982, 107982, 0)
    assert _balances(database, national[1]) == (1_000_000 - 11998, 11998, 0)
    assert body["subsidy_fen"] == sum(body["funding_fen"].values())
    assert body["consumer_pays_fen"] == 599900 - body["subsidy_fen"]


def test_same_serial_twice_is_refused_and_nothing_changes(database: Database) -> None:
    pools = tradein.setup(database)
    merchant = builders.api_client(database, "merchant.140521")
    first = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=_quota(database)),
        headers={"Idempotency-Key": "a"},
    )
    assert first.status_code == 201
    before = _balances(database, pools[("cn.appliance", "central")])
    code2 = _quota(database, "television")
    r = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "b"},
        json=tradein.sale(quota_code=code2, category="television"),
    )
    assert r.status_code == 409 and r.json()["code"] == "device_already_subsidised"
    assert _balances(database, pools[("cn.appliance", "central")]) == before
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 1
        state = session.scalars(select(Quota.state).where(Quota.code == code2)).one()
        assert state == "issued"


def test_used_quota_cannot_be_redeemed_again(database: Database) -> None:
    tradein.setup(database)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    assert (
        merchant.post(
            "/api/v1/redemptions",
            json=tradein.sale(quota_code=code),
            headers={"Idempotency-Key": "a"},
        ).status_code
        == 201
    )
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, device_serial="SN0002"),
        headers={"Idempotency-Key": "b"},
    )
    assert r.status_code == 409 and r.json()["code"] == "quota_not_available"


def test_retry_with_same_key_replays_without_second_reservation(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    one = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code),
        headers={"Idempotency-Key": "same"},
    )
    two = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code),
        headers={"Idempotency-Key": "same"},
    )
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] == two.json()["id"]
    assert two.headers.get("Idempotent-Replayed") == "true"
    assert _balances(database, pools[("cn.appliance", "central")])[1] == 107982
    other = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, price_fen=1),
        headers={"Idempotency-Key": "same"},
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def test_quota_limit_is_enforced_per_category(database: Database) -> None:
    tradein.setup(database)
    consumer = builders.api_client(database, "consumer.140521")
    codes = [
        consumer.post(
            "/api/v1/quotas",
            json={"category": "air_conditioner", "on_date": "2025-06-01"},
            headers={"Idempotency-Key": f"ac{i}"},
        )
        for i in range(4)
    ]
    assert [r.status_code for r in codes] == [201, 201, 201, 409]
    assert codes[3].json()["code"] == "quota_limit_reached"
    assert "每人限3件" in codes[3].json()["message"]


def test_exhausted_pool_refuses_and_saves_nothing(database: Database) -> None:
    tradein.setup(database, amount_fen=50_000)  # 500 yuan per pool: less than 1079.82
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions", json=tradein.sale(quota_code=code), headers={"Idempotency-Key": "x"}
    )
    assert r.status_code == 409 and "余额不足" in r.json()["message"]
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 0
        assert session.scalars(select(Quota.state).where(Quota.code == code)).one() == "issued"


def test_bad_invoice_number_names_the_field(database: Database) -> None:
    tradein.setup(database)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, invoice_no="123"),
        headers={"Idempotency-Key": "x"},
    )
    assert r.status_code == 422 and r.json()["field"] == "invoice_no"


def test_catalogue_refuses_unknown_model(database: Database) -> None:
    tradein.setup(database)
    tradein.add_product(database, "refrigerator", "BCD-500", 1, 699900)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, product_model="XYZ"),
        headers={"Idempotency-Key": "x"},
    )
    assert r.status_code == 422 and r.json()["field"] == "product_model"
    ok = merchant.post(
        "/api/v1/redemptions", json=tradein.sale(quota_code=code), headers={"Idempotency-Key": "y"}
    )
    assert ok.status_code == 201


def test_other_county_office_cannot_see_claim(database: Database) -> None:
    tradein.setup(database)
    merchant = builders.api_client(database, "merchant.140521")
    claim = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=_quota(database)),
        headers={"Idempotency-Key": "a"},
    ).json()
    assert (
        builders.api_client(database, "office.140521")
        .get(f"/api/v1/claims/{claim['id']}")
        .status_code
        == 200
    )
    assert (
        builders.api_client(database, "office.371525")
        .get(f"/api/v1/claims/{claim['id']}")
        .status_code
        == 404
    )
