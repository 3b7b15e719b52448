"""Builders for trade-in tests: programmes in the database, funded pools, a consumer with a
resident ID, a merchant, a catalogue."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

import builders
from huanxin.claims.models import CatalogueProduct
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import utcnow
from huanxin.db import Database
from huanxin.ledger import periods
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.schema import NATIONAL_CODE

RESIDENT_ID = "14052119900101123X"  # synthetic, valid check digit
OTHER_RESIDENT_ID = "110101199003074477"
VIN = "LSVAU2A31S1000001"  # synthetic, valid ISO 3779 check digit
OTHER_VIN = "LFV3A28K6S3000042"


def fund_pools(
    session: Session,
    code: str,
    amount_fen: int,
    *,
    shards: int = 1,
    programmes: list[str] | None = None,
    year: int = 2025,
) -> dict[tuple[str, str], int]:
    """A pool per (programme, layer, budget year) that could pay for ``code`` (the programme
    applies there and is in force that year), each with ``amount_fen``; returns the pools of
    ``year`` by (programme, layer)."""
    pools: dict[tuple[str, str], int] = {}
    done: set[tuple[str, str, int]] = set()
    path = policies.path_of(session, code)
    for programme in policies.all_versions(session):
        if programmes is not None and programme.id not in programmes:
            continue
        if programme.jurisdiction.code != NATIONAL_CODE and programme.jurisdiction.code not in path:
            continue
        for period_year in (2024, 2025, 2026, 2027):
            if not periods.in_force(programme, period_year):
                continue
            for layer in ("central", "province", "city", "county"):
                if (programme.id, layer, period_year) in done:
                    continue
                done.add((programme.id, layer, period_year))
                pool = ledger.create_pool(
                    session,
                    SYSTEM,
                    programme_id=programme.id,
                    layer=layer,
                    jurisdiction_code=code,
                    period_year=period_year,
                    name=f"{programme.id}-{layer}-{period_year}",
                    shards=shards,
                )
                ledger.allocate(
                    session, SYSTEM, pool_id=pool.id, amount_fen=amount_fen, ref="budget:test"
                )
                if period_year == year:
                    pools[(programme.id, layer)] = pool.id
    return pools


def setup(
    db: Database, *, amount_fen: int = 10**9, shards: int = 1, **kw: Any
) -> dict[tuple[str, str], int]:
    with db.unit_of_work() as session:
        builders.create_places(session)
        policies.sync_dir(session, SYSTEM)
        builders.create_user(session, "consumer", "140521", resident_id=RESIDENT_ID)
        builders.create_user(session, "consumer", "371525", resident_id=OTHER_RESIDENT_ID)
        for role in ("merchant", "office", "finance", "auditor"):
            builders.create_user(session, role, "140521")
        builders.create_user(session, "office", "371525")
        builders.create_user(session, "department", "140521")
        return fund_pools(session, "140521", amount_fen, shards=shards, **kw)


def add_product(db: Database, category: str, model: str, grade: int, price_fen: int) -> None:
    from datetime import date

    with db.unit_of_work() as session:
        session.add(
            CatalogueProduct(
                category=category,
                brand="演示",
                model=model,
                grade=grade,
                list_price_fen=price_fen,
                valid_from=date(2024, 1, 1),
                created_at=utcnow(),
            )
        )


def sale(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "refrigerator",
        "product_model": "BCD-500",
        "device_serial": "SN0001",
        "price_fen": 599900,
        "purchase_date": "2025-06-01",
        "grade": 1,
        "invoice_no": "25142000000012345678",
    }
    body.update(overrides)
    return body


# A 2026 scrappage car application's rule inputs and its programme's evidence checklist.
CAR = {
    "new_vehicle": "nev",
    "old_vehicle_scrapped": True,
    "old_vehicle_fuel": "petrol",
    "old_vehicle_emission_standard": 3,
    "old_vehicle_registered_on": "2010-03-01",
    "old_vehicle_owned_since": "2015-06-01",
}
CAR_CHECKLIST = [
    "id_info",
    "scrap_certificate",
    "deregistration_certificate",
    "vehicle_sales_invoice",
    "new_vehicle_registration",
    "bank_account",
]
