"""Claims as the fraud detectors read them: the claims domain's query for integrity scans.

One row per claim with what was captured for the detectors (:mod:`.signals`), the store's
coordinates, when the goods were returned and whether a paid subsidy is being clawed back.
Nothing sealed is opened: identities are keyed hashes and keyed Bloom-filter encodings.
The rows come as Arrow record batches, column by column, so a scan of a million claims does
not build a million ORM objects; on PostgreSQL a scan of all claims (or of those created
since a moment) is streamed by ``COPY … TO STDOUT`` into a CSV file that DuckDB reads, with
the conversions done in SQL: no Python object per value.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huanxin.claims.models import CatalogueProduct, Claim, ClaimEvent, Clawback, MerchantStore
from huanxin.claims.service.signals import NO_CAP
from huanxin.core.clock import CHINA_TZ, as_utc

FIELDS: dict[str, pa.DataType] = {
    "claim_id": pa.int64(),
    "created_at": pa.timestamp("us"),
    "purchase_date": pa.date32(),
    "jurisdiction_code": pa.string(),
    "category": pa.string(),
    "product_model": pa.string(),
    "merchant_org_id": pa.int64(),
    "store_lat": pa.float64(),
    "store_lon": pa.float64(),
    "terminal_id": pa.string(),
    "redeem_lat": pa.float64(),
    "redeem_lon": pa.float64(),
    "person_key": pa.string(),
    "payee_account_key": pa.string(),
    "device_serial": pa.string(),
    "vin_key": pa.string(),
    "invoice_no": pa.string(),
    "recycling_cert_no": pa.string(),
    "price_fen": pa.int64(),
    "subsidy_fen": pa.int64(),
    "cap_fen": pa.int64(),
    "recycled_weight_g": pa.int64(),
    "state": pa.string(),
    "returned_at": pa.timestamp("us"),
    "clawed": pa.bool_(),
    "phone_block_key": pa.string(),
    "address_key": pa.string(),
    "name_clk": pa.binary(),
    "phone_clk": pa.binary(),
    "address_clk": pa.binary(),
    "filed_price_fen": pa.int64(),
}
"""The columns of a detection row (times are China Standard Time, naive)."""

SCHEMA = pa.schema(list(FIELDS.items()))
BATCH = 50_000


def _statement() -> Select[*tuple[Any, ...]]:
    returns = (
        select(ClaimEvent.claim_id, func.max(ClaimEvent.at).label("at"))
        .where(ClaimEvent.to_state == "returned")
        .group_by(ClaimEvent.claim_id)
        .subquery()
    )
    c = Claim
    columns = (
        c.id,
        c.created_at,
        c.purchase_date,
        c.jurisdiction_code,
        c.category,
        c.product_model,
        c.merchant_org_id,
        MerchantStore.lat,
        MerchantStore.lon,
        c.terminal_id,
        c.redeem_lat,
        c.redeem_lon,
        c.person_key,
        c.payee_account_key,
        c.device_serial,
        c.vin_key,
        c.invoice_no,
        c.recycling_cert_no,
        c.price_fen,
        c.subsidy_fen,
        c.cap_fen,
        c.recycled_weight_g,
        c.state,
        returns.c.at,
        Clawback.id.is_not(None),
        c.phone_block_key,
        c.address_key,
        c.name_clk,
        c.phone_clk,
        c.address_clk,
        filed_price(),
    )
    return (
        select(*(col.label(name) for col, name in zip(columns, FIELDS, strict=True)))
        .outerjoin(MerchantStore, MerchantStore.id == c.store_id)
        .outerjoin(returns, returns.c.claim_id == c.id)
        .outerjoin(Clawback, Clawback.claim_id == c.id)
        .outerjoin(
            CatalogueProduct,
            (CatalogueProduct.category == c.category) & (CatalogueProduct.model == c.product_model),
        )
    )


def filed_price() -> Any:
    """The catalogue's filed price of a claim's model (the price-above-filed-price check).

    Until the catalogue carries a filed price of its own (issue 17: filed price and 69
    barcode per model), the catalogue's list price is the price on file."""
    return CatalogueProduct.list_price_fen


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value).astimezone(CHINA_TZ).replace(tzinfo=None)


CONVERT: dict[str, Any] = {
    "created_at": _local,
    "returned_at": _local,
    "device_serial": lambda v: v or None,
    "clawed": bool,
}
"""Per-column conversion of a fetched value (stored instants to local time, "" to NULL)."""


def _batch(rows: Sequence[Any]) -> pa.RecordBatch:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FIELDS]
    arrays = []
    for (name, kind), values in zip(FIELDS.items(), columns, strict=True):
        convert = CONVERT.get(name)
        arrays.append(pa.array([convert(v) for v in values] if convert else values, kind))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def detection_batches(
    session: Session,
    *,
    created_from: datetime | None = None,
    claim_ids: Sequence[int] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The detection rows of every claim, of those created at/after ``created_from``, or of
    ``claim_ids``; in ``BATCH``-row record batches."""
    stmt = _statement().order_by(Claim.id)
    if created_from is not None:
        stmt = stmt.where(Claim.created_at >= created_from)
    if claim_ids is not None:
        stmt = stmt.where(Claim.id.in_(list(claim_ids)))
    result = session.execute(stmt.execution_options(yield_per=BATCH))
    for part in result.partitions():
        yield _batch(part)


def changed_since(session: Session, moment: datetime, before: datetime) -> list[int]:
    """Claims created before ``before`` whose state changed after ``moment`` (a return,
    a decision, a payment): the daily scan judges them again."""
    stmt = select(Claim.id).where(Claim.updated_at > moment, Claim.created_at < before)
    return list(session.scalars(stmt.order_by(Claim.id)))


def latest_change(session: Session) -> datetime | None:
    """The latest ``updated_at`` of any claim (the daily scan's watermark)."""
    return session.scalar(select(func.max(Claim.updated_at)))


def caps_from_quotes(session: Session, claim_ids: Sequence[int]) -> dict[int, int]:
    """The per-item cap of claims captured before claims kept it (read from their quote)."""
    caps: dict[int, int] = {}
    ids = list(claim_ids)
    for start in range(0, len(ids), 900):
        stmt = select(Claim.id, Claim.quote).where(Claim.id.in_(ids[start : start + 900]))
        for claim_id, quote in session.execute(stmt):
            caps[claim_id] = _cap(json.loads(quote))
    return caps


def _cap(quote: dict[str, Any]) -> int:
    caps = [a.get("trace", {}).get("rule", {}).get("cap_fen") for a in quote.get("applied", [])]
    if not caps or any(c is None for c in caps):
        return NO_CAP
    return sum(int(c) for c in caps)


def detection_table(
    session: Session,
    *,
    created_from: datetime | None = None,
    claim_ids: Sequence[int] | None = None,
) -> pa.Table:
    """The detection rows (all claims, those created from ``created_from``, or ``claim_ids``)
    as one Arrow table; by ``COPY`` on PostgreSQL unless ``claim_ids`` names a few claims."""
    if claim_ids is None and session.get_bind().dialect.name == "postgresql":
        return _copied(session, created_from)
    batches = detection_batches(session, created_from=created_from, claim_ids=claim_ids)
    return pa.Table.from_batches(list(batches), schema=SCHEMA)


COPY_AS: dict[str, str] = {
    "created_at": "created_at AT TIME ZONE 'Asia/Shanghai'",
    "returned_at": "returned_at AT TIME ZONE 'Asia/Shanghai'",
    "device_serial": "nullif(device_serial, '')",
    "clawed": "clawed::int",
}
"""What ``CONVERT`` does per value, as PostgreSQL expressions over the detection row."""

DUCK_TYPES: dict[pa.DataType, str] = {
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.string(): "VARCHAR",
    pa.binary(): "VARCHAR",  # bytea in CSV is ``\x`` and hex digits
    pa.timestamp("us"): "TIMESTAMP",
    pa.date32(): "DATE",
    pa.bool_(): "INTEGER",
}


def _copy_sql(session: Session, created_from: datetime | None) -> str:
    """The COPY of the detection query: built from constants and the compiled statement,
    whose only bound values are the state name and ``created_from`` (an instant, not text)."""
    stmt = _statement()
    if created_from is not None:
        stmt = stmt.where(Claim.created_at >= created_from)
    inner = stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    columns = ", ".join(COPY_AS.get(name, name) for name in FIELDS)
    query = f"SELECT {columns} FROM ({inner}) AS d ORDER BY claim_id"  # noqa: S608
    return f"COPY ({query}) TO STDOUT (FORMAT csv)"


def _copied(session: Session, created_from: datetime | None) -> pa.Table:
    raw = session.connection().connection.driver_connection
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        with (
            path.open("wb") as out,
            raw.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(_copy_sql(session, created_from)) as copy,
        ):
            for block in copy:
                out.write(block)
        return _read_csv(path)


def _typed(name: str, kind: pa.DataType) -> str:
    if kind == pa.binary():
        return f"from_hex(substr({name}, 3)) AS {name}"
    return f"{name} = 1 AS {name}" if kind == pa.bool_() else name


def _read_csv(path: Path) -> pa.Table:
    types = ", ".join(f"'{name}': '{DUCK_TYPES[kind]}'" for name, kind in FIELDS.items())
    picked = ", ".join(_typed(name, kind) for name, kind in FIELDS.items())
    con = duckdb.connect()
    try:
        table = con.sql(
            f"SELECT {picked} FROM read_csv($path, header = false, auto_detect = false,"  # noqa: S608
            f" allow_quoted_nulls = false, columns = {{{types}}})",
            params={"path": str(path)},
        ).to_arrow_table()
    finally:
        con.close()
    assert table is not None
    return table.cast(SCHEMA)
