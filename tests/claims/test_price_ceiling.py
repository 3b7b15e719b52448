"""A sale price above the configured multiple of the catalogue's filed price, or above the
absolute ceiling, is refused with a 422 naming the price; nothing is reserved or stored."""

from __future__ import annotations

from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import Claim
from huanxin.core.bounds import SALE_FEN_MAX
from huanxin.db import Database
from huanxin.ledger import service as ledger


def _quota(db: Database) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q-ceiling"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _claims(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Claim)) or 0


def test_price_above_ceiling_is_refused_and_nothing_reserved(database: Database) -> None:
    pools = tradein.setup(database)
    tradein.add_product(database, "refrigerator", "BCD-500", 1, 599900)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    pool = pools[("cn.appliance", "central")]
    with database.sessions() as session:
        before = ledger.pool_balances(session, pool)
    too_dear = tradein.sale(quota_code=code, price_fen=599900 * 3 + 1)
    r = merchant.post("/api/v1/redemptions", json=too_dear, headers={"Idempotency-Key": "c1"})
    assert r.status_code == 422 and r.json()["code"] == "price_above_ceiling", r.text
    assert r.json()["field"] == "price" and "5,999.00元" in r.json()["message"]
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, price_fen=2**63 - 1),
        headers={"Idempotency-Key": "c2"},
    )
    assert r.status_code == 422 and r.json()["field"] == "price_fen"
    assert r.json()["message"].startswith("价格：数值过大")
    assert _claims(database) == 0
    with database.sessions() as session:
        assert ledger.pool_balances(session, pool) == before
    at_limit = tradein.sale(quota_code=code, price_fen=599900 * 3)
    r = merchant.post("/api/v1/redemptions", json=at_limit, headers={"Idempotency-Key": "c3"})
    assert r.status_code == 201, r.text


def test_absolute_ceiling_on_a_model_outside_the_catalogue(database: Database) -> None:
    tradein.setup(database)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "d1"},
        json=tradein.sale(quota_code=code, price_fen=SALE_FEN_MAX + 1),
    )
    assert r.status_code == 422 and r.json()["field"] == "price_fen"
    assert _claims(database) == 0
