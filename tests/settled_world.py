"""A merchant of 沁水县 with two sales (a refrigerator and a television) verified and paid
in one payment (one payment item covering both claims), built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import tradein
from huanxin.claims.models import Claim, PaymentItem, Quota
from huanxin.claims.service import lifecycle, quotas, redeem, settle
from huanxin.core import auth
from huanxin.core.actor import Actor
from huanxin.core.models import User
from huanxin.db import Database

CATEGORIES = ("refrigerator", "television")


@dataclass(frozen=True)
class Settled:
    claim_ids: list[int]
    quota_codes: list[str]
    subsidies: list[int]
    prices: list[int]
    batch_id: int
    item_id: int
    item_fen: int
    merchant_org_id: int


def actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return auth.actor_for(session, user, via="session")


def build(db: Database) -> Settled:
    tradein.setup(db)
    with db.unit_of_work() as session:
        consumer, merchant = actor(session, "consumer.140521"), actor(session, "merchant.140521")
        office, finance = actor(session, "office.140521"), actor(session, "finance.140521")
        ids = []
        for n, category in enumerate(CATEGORIES):
            quota = quotas.claim_quota(
                session, consumer, category=category, on_date=date(2025, 6, 1)
            )
            body = tradein.sale(
                category=category,
                device_serial=f"SN000{n}",
                quota_code=quota.code,
                purchase_date=date(2025, 6, 1),
                invoice_no=f"2514200000001234567{n}",
            )
            claim = redeem.redeem(session, merchant, redeem.Sale(**body))
            lifecycle.verify(session, office, claim_id=claim.id)
            ids.append(claim.id)
        batch = settle.create_batch(session, finance)
        rows = settle.bank_rows(session, finance, batch.id)
        result = "付款单号,结果,银行流水号,失败原因\n" + f"{rows[1][1]},成功,BANK1,\n"
        settle.import_result(session, finance, batch_id=batch.id, content=result.encode())
        claims = [session.get(Claim, i) for i in ids]
        item = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)).one()
        codes = [session.get(Quota, c.quota_id).code for c in claims if c and c.quota_id]  # type: ignore[union-attr]
        return Settled(
            claim_ids=ids,
            quota_codes=codes,
            subsidies=[c.subsidy_fen for c in claims if c],
            prices=[c.price_fen for c in claims if c],
            batch_id=batch.id,
            item_id=item.id,
            item_fen=item.amount_fen,
            merchant_org_id=merchant.org_id or 0,
        )
