"""The demo's claims carry the times their sales were made, so the risk dashboard shows the
one planted case (a night-time batch with consecutive invoices) and not the whole demo."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from huanxin import demo
from huanxin.claims import demo as claims_demo
from huanxin.claims.models import Claim
from huanxin.core.clock import CHINA_TZ, as_utc
from huanxin.db import Database
from huanxin.integrity import demo as integrity_demo
from huanxin.integrity.models import RiskReason, RiskScore


@pytest.mark.slow
def test_demo_sales_are_dated_and_only_the_planted_batch_looks_like_fraud(
    sqlite_db: Database,
) -> None:
    with sqlite_db.unit_of_work() as s:
        demo.build(s)
        claims_demo.build(s, claims=600)
        integrity_demo.build_demo(s)
    with sqlite_db.sessions() as s:
        sales = s.scalars(select(Claim).where(Claim.kind == "point_of_sale")).all()
        local = [(c, as_utc(c.created_at).astimezone(CHINA_TZ)) for c in sales]
        assert all(at.date() == c.purchase_date for c, at in local)
        night = [c.id for c, at in local if at.time() < time(6)]
        assert len(night) == 8 and all(
            time(9) <= at.time() < time(21) for c, at in local if c.id not in night
        )
        held = set(s.scalars(select(RiskScore.claim_id).where(RiskScore.hold)))
        assert set(night) <= held
        assert len(held) <= len(night) + len(sales) // 50  # the rest of the demo is ordinary
        fired = dict(
            s.execute(select(RiskReason.detector, func.count()).group_by(RiskReason.detector)).all()
        )
        assert fired.get("after_hours_burst") == 8 and fired.get("sequential_invoice") == 8
