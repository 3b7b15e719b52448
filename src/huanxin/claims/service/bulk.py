"""Bulk capture: many claims stored at once with exactly the columns a real claim gets.

For loads (benchmarks, migrations of claims held elsewhere): each row's identities are
sealed and hashed, and its fraud signals turned into columns by the same
:func:`huanxin.claims.service.signals.columns` the one-claim paths call; the rows go in
with one multi-row INSERT per batch. No rule is checked here (quotas, budgets, uniqueness
of serials are the one-claim paths' business): the caller loads claims that were decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim, ClaimEvent, Clawback
from huanxin.claims.service.signals import Signals, columns
from huanxin.core import pii

CLAIMS, EVENTS, CLAWBACKS = (
    cast("Table", m.__table__) for m in (Claim, ClaimEvent, Clawback)
)  # Core tables: many rows without building ORM objects


@dataclass(frozen=True)
class Captured:
    """One claim as captured: plain values (sealed and hashed on insert)."""

    id: int
    kind: str
    state: str
    jurisdiction_code: str
    category: str
    person_key: str
    name: str
    merchant_org_id: int | None
    product_model: str
    device_serial: str
    vin: str | None
    invoice_no: str
    recycling_cert_no: str | None
    purchase_date: date
    price_fen: int
    subsidy_fen: int
    created_at: datetime
    signals: Signals = field(default_factory=Signals)


def _values(row: Captured, seal: Callable[[str], str]) -> dict[str, Any]:
    serial = row.device_serial
    payee = f"org:{row.merchant_org_id}" if row.merchant_org_id else f"person:{row.person_key}"
    return {
        "id": row.id,
        "kind": row.kind,
        "state": row.state,
        "jurisdiction_code": row.jurisdiction_code,
        "category": row.category,
        "person_key": row.person_key,
        "person_name_enc": seal(row.name),
        "resident_id_enc": seal(row.person_key),
        "merchant_org_id": row.merchant_org_id,
        "product_model": row.product_model,
        "serial_key": pii.lookup_hash("device_serial", serial) if serial else None,
        "device_serial": serial,
        "vin_enc": seal(row.vin) if row.vin else None,
        "vin_key": pii.lookup_hash("vin", row.vin) if row.vin else None,
        "invoice_no": row.invoice_no,
        "recycling_cert_no": row.recycling_cert_no,
        "purchase_date": row.purchase_date,
        "price_fen": row.price_fen,
        "subsidy_fen": row.subsidy_fen,
        "consumer_pays_fen": row.price_fen - row.subsidy_fen,
        "attributes": "{}",
        "quote": "{}",
        "payee": payee,
        "decision_reason": "",
        "appeal_reason": "",
        "created_at": row.created_at,
        "updated_at": row.created_at,
        **columns(row.signals, seal),
    }


def insert_claims(session: Session, rows: Sequence[Captured]) -> None:
    """Store ``rows`` (one multi-row INSERT, Core: no ORM objects)."""
    if rows:
        seal = pii.sealer()
        session.execute(insert(CLAIMS), [_values(r, seal) for r in rows])


@dataclass(frozen=True)
class Return:
    """Goods of a stored claim returned at ``at``; ``clawed``: its paid subsidy is recovered."""

    claim_id: int
    at: datetime
    from_state: str
    clawed: bool
    amount_fen: int
    payee: str


def insert_returns(session: Session, returns: Sequence[Return]) -> None:
    """The ``returned`` events (and clawbacks) of stored claims."""
    if not returns:
        return
    session.execute(
        insert(EVENTS),
        [
            {
                "claim_id": r.claim_id,
                "from_state": r.from_state,
                "to_state": "returned",
                "actor_role": "merchant",
                "note": "",
                "at": r.at,
            }
            for r in returns
        ],
    )
    clawed = [
        {"claim_id": r.claim_id, "payee": r.payee, "amount_fen": r.amount_fen, "created_at": r.at}
        for r in returns
        if r.clawed
    ]
    if clawed:
        session.execute(insert(CLAWBACKS), clawed)
