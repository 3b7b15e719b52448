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

from sqlalchemy import String, Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ColumnDefault

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


_UNNEST: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, list[Any]]] = {}


def _unnest_statement(
    session: Session, table: Table, names: tuple[str, ...], returning: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """The statement text for ``names`` (one array parameter per column, cast to the
    column's type) and each column's bind processor; built once per process."""
    key = (table.name, names, returning)
    found = _UNNEST.get(key)
    if found is None:
        dialect = session.get_bind().dialect
        preparer = dialect.identifier_preparer
        cols = [table.c[name] for name in names]
        arrays = ", ".join(
            f"CAST(%(p{i})b AS {_sql_type(col, dialect)}[])" for i, col in enumerate(cols)
        )
        # only the schema's own names, quoted by the dialect; every value is a parameter
        text = (
            f"INSERT INTO {preparer.format_table(table)} "  # noqa: S608
            f"({', '.join(preparer.format_column(col) for col in cols)}) "
            f"SELECT * FROM unnest({arrays})"
        )
        if returning:
            text += " RETURNING " + ", ".join(preparer.format_column(table.c[n]) for n in returning)
        found = _UNNEST[key] = (text, [col.type.bind_processor(dialect) for col in cols])
    return found


def _sql_type(col: Any, dialect: Any) -> str:
    """The array element type: strings as TEXT, so that a value too long for its column is
    refused by the INSERT (a cast to ``VARCHAR(n)`` would cut it short without a word)."""
    if isinstance(col.type, String):
        return "TEXT"
    return str(col.type.compile(dialect=dialect))


def unnest_insert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: tuple[str, ...] = (),
) -> list[Any]:
    """PostgreSQL: insert ``rows`` with ``INSERT … SELECT * FROM unnest(…)``, one array per
    column, and return the ``returning`` columns of the inserted rows (in no promised order).

    A multi-row ``VALUES`` list is a new statement text for every batch size, long enough
    that psycopg parses it anew each time (its query cache stops at 4 KB or 50 parameters):
    13% of the bulk case's server CPU. This text depends only on the columns, so psycopg
    converts it once and the server prepares it after a few executions. Columns missing
    from every row take their scalar Python default (as the ORM's INSERT would)."""
    if not rows:
        return []
    present = {name for row in rows for name in row}
    defaults: dict[str, Any] = {}
    for col in table.columns:
        default = col.default
        if col.name in present or not isinstance(default, ColumnDefault):
            continue
        if not default.is_callable and default.arg is not None:
            defaults[col.name] = default.arg
    names = tuple(c.name for c in table.columns if c.name in present or c.name in defaults)
    text, processors = _unnest_statement(session, table, names, returning)
    params: dict[str, list[Any]] = {}
    for i, (name, process) in enumerate(zip(names, processors, strict=True)):
        fallback = defaults.get(name)
        values = [row.get(name, fallback) for row in rows]
        params[f"p{i}"] = [process(v) for v in values] if process else values
    result = session.connection().exec_driver_sql(text, params)
    return list(result.all()) if returning else []


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
