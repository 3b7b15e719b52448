"""A small trade-in world for review tests: two verified claims sharing one invoice number,
scanned from the database so the later one is held."""

from __future__ import annotations

from dataclasses import dataclass

import builders
import tradein
from huanxin.db import Database
from huanxin.integrity.cli import scan_database

INVOICE = "25142000000012345678"


def redeem(db: Database, serial: str, category: str) -> int:
    consumer = builders.api_client(db, "consumer.140521")
    code = consumer.post(
        "/api/v1/quotas",
        json={"category": category, "on_date": "2025-06-01"},
        headers={"Idempotency-Key": f"q-{serial}"},
    ).json()["code"]
    merchant = builders.api_client(db, "merchant.140521")
    body = tradein.sale(
        quota_code=code, device_serial=serial, category=category, invoice_no=INVOICE
    )
    r = merchant.post("/api/v1/redemptions", headers={"Idempotency-Key": f"r-{serial}"}, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@dataclass(frozen=True)
class World:
    first: int
    second: int
    scan: dict[str, object]


def build(db: Database, *, verify: bool = True) -> World:
    tradein.setup(db)
    first = redeem(db, "SN0001", "refrigerator")
    second = redeem(db, "SN0002", "television")
    if verify:
        office = builders.api_client(db, "office.140521")
        for claim_id in (first, second):
            r = office.post(
                f"/api/v1/claims/{claim_id}/verify",
                json={},
                headers={"Idempotency-Key": f"v{claim_id}"},
            )
            assert r.json()["state"] == "approved"
    return World(first, second, scan_database(db.url))


def decide(
    db: Database, claim_id: int, decision: str, note: str = "", *, user: str = "office.140521"
) -> object:
    client = builders.api_client(db, user)
    return client.post(
        f"/api/v1/integrity/claims/{claim_id}/decision",
        json={"decision": decision, "note": note},
        headers={"Idempotency-Key": f"d-{claim_id}-{decision}-{note.encode().hex()}"},
    )
