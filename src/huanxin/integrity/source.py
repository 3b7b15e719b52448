"""The database's trade-in claims as the canonical ``claims`` relation of the detectors.

DuckDB's sqlite and postgres scanners are not installed on the platform (and nothing is
downloaded at run time), so the claims are exported with SQLAlchemy, one query per table,
into an Arrow table with the canonical columns, and registered on a DuckDB connection. The
same path serves SQLite and PostgreSQL.

Mapping: ``claim_id`` is ``claims.id``; ``consumer_key`` is the keyed hash ``person_key``
(names and resident ids stay sealed — nothing is decrypted in bulk, so ``consumer_name``,
``phone`` and ``address`` are NULL and the linkage detector finds no variants here);
``merchant_id`` is the merchant organisation id as text; ``claimed_at`` is the creation
time in China Standard Time; ``cap_fen`` is the sum of the applied rules' caps (a rule
without a cap makes it unbounded); ``returned_at`` comes from the claim's ``returned``
event; the claim state maps onto the canonical status (a return after payment is
``clawed_back``). Store and device locations, devices, bank accounts and recycling
weights are not in the claims tables: those columns are NULL and their detectors stay
silent on database scans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim, ClaimEvent, Clawback
from huanxin.core.clock import CHINA_TZ, as_utc
from huanxin.integrity.schema import CLAIM_COLUMNS

NO_CAP = 10**15
STATUS_OF: dict[str, str] = {
    "reserved": "submitted",
    "submitted": "submitted",
    "appealed": "submitted",
    "approved": "approved",
    "batched": "approved",
    "paid": "paid",
    "rejected": "rejected",
    "rejected_final": "rejected",
    "cancelled": "cancelled",
    "returned": "cancelled",
}
_ARROW: dict[str, pa.DataType] = {
    "BIGINT": pa.int64(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
}
SCHEMA = pa.schema([(c, _ARROW[t]) for c, t in CLAIM_COLUMNS.items()])


def local_naive(value: datetime | None) -> datetime | None:
    """A stored instant as naive China Standard Time (the canonical ``TIMESTAMP``)."""
    return None if value is None else as_utc(value).astimezone(CHINA_TZ).replace(tzinfo=None)


def cap_of(quote: dict[str, Any]) -> int:
    """Sum of the caps of the applied programme rules (``NO_CAP`` if one has none)."""
    caps = [a.get("trace", {}).get("rule", {}).get("cap_fen") for a in quote.get("applied", [])]
    if not caps or any(c is None for c in caps):
        return NO_CAP
    return sum(int(c) for c in caps)


def _programme(quote: dict[str, Any]) -> str:
    applied = quote.get("applied", [])
    return str(applied[0]["programme_id"]) if applied else ""


def _vin(attributes: str) -> str | None:
    try:
        value = json.loads(attributes or "{}").get("vin")
    except ValueError:
        return None
    return str(value) if value else None


def record(claim: Claim, returned: datetime | None, clawed: bool) -> dict[str, Any]:
    """The canonical record of one claim."""
    quote = json.loads(claim.quote)
    status = "clawed_back" if clawed else STATUS_OF.get(claim.state, claim.state)
    nulls = dict.fromkeys(("merchant_lat", "merchant_lon", "device_id", "redeem_lat"), None)
    return {
        **nulls,
        "claim_id": claim.id,
        "claimed_at": local_naive(claim.created_at),
        "purchase_date": claim.purchase_date,
        "jurisdiction_code": claim.jurisdiction_code,
        "programme_id": _programme(quote),
        "category": claim.category,
        "model": claim.product_model,
        "merchant_id": str(claim.merchant_org_id) if claim.merchant_org_id else None,
        "redeem_lon": None,
        "consumer_key": claim.person_key,
        "consumer_name": None,
        "phone": None,
        "address": None,
        "bank_account_key": None,
        "device_serial": claim.device_serial or None,
        "vin": _vin(claim.attributes),
        "invoice_no": claim.invoice_no or None,
        "recycling_cert_no": claim.recycling_cert_no,
        "price_fen": claim.price_fen,
        "subsidy_fen": claim.subsidy_fen,
        "cap_fen": cap_of(quote),
        "returned_at": local_naive(returned),
        "recycled_weight_kg": None,
        "status": status,
    }


def export_claims(session: Session, jurisdiction_codes: Iterable[str] | None = None) -> pa.Table:
    """All claims (or those of ``jurisdiction_codes``) as an Arrow table, canonical columns."""
    stmt = select(Claim).order_by(Claim.id)
    if jurisdiction_codes is not None:
        stmt = stmt.where(Claim.jurisdiction_code.in_(list(jurisdiction_codes)))
    returns = dict(
        session.execute(
            select(ClaimEvent.claim_id, ClaimEvent.at).where(ClaimEvent.to_state == "returned")
        ).all()
    )
    clawed = set(session.scalars(select(Clawback.claim_id)))
    rows = [
        record(c, returns.get(c.id), c.id in clawed)
        for c in session.scalars(stmt.execution_options(yield_per=5000))
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def claims_connection(session: Session) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose table ``claims`` holds the database's claims."""
    con = duckdb.connect()
    con.execute("SET threads=2")
    table = export_claims(session)
    con.register("claims_export", table)
    con.execute("CREATE TABLE claims AS SELECT * FROM claims_export")
    con.unregister("claims_export")
    return con
