"""A recycling certificate proves the old item was handed in; a claim may use it once."""

from __future__ import annotations

from sqlalchemy import select

import builders
import tradein
from huanxin import demo
from huanxin.db import Database
from huanxin.recycling import demo as recycling_demo
from huanxin.recycling.models import Certificate
from huanxin.recycling.service.certificates import code_for


def _certificate(db: Database, category: str) -> tuple[str, str]:
    with db.unit_of_work() as session:
        demo.build(session)
        recycling_demo.build_demo(session)
    with db.sessions() as session:
        cert = session.scalars(
            select(Certificate)
            .where(Certificate.category == category, Certificate.used_claim_ref.is_(None))
            .limit(1)
        ).one()
        return cert.number, code_for(cert.number)


def _quota(db: Database, category: str, on: str, key: str) -> str:
    r = builders.api_client(db, "consumer.140521").post(
        "/api/v1/quotas",
        json={"category": category, "on_date": on},
        headers={"Idempotency-Key": key},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def test_certificate_is_accepted_once(database: Database) -> None:
    tradein.setup(database)
    number, code = _certificate(database, "refrigerator")
    merchant = builders.api_client(database, "merchant.140521")
    quota = _quota(database, "refrigerator", "2025-06-01", "q1")
    wrong = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "w"},
        json=tradein.sale(
            quota_code=quota, recycling_cert_no=number, recycling_cert_code="WRONG123"
        ),
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "recycling_cert_no"
    first = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "a"},
        json=tradein.sale(quota_code=quota, recycling_cert_no=number, recycling_cert_code=code),
    )
    assert first.status_code == 201, first.text
    with database.sessions() as session:
        cert = session.scalars(select(Certificate).where(Certificate.number == number)).one()
        assert cert.used_claim_ref == f"claim:{first.json()['id']}"
    later = _quota(database, "refrigerator", "2026-06-01", "q2")
    second = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "b"},
        json=tradein.sale(
            quota_code=later,
            device_serial="SN0099",
            purchase_date="2026-06-01",
            recycling_cert_no=number,
            recycling_cert_code=code,
        ),
    )
    assert second.status_code == 409 and second.json()["code"] == "certificate_already_used"
