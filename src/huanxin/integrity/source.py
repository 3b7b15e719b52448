"""The database's trade-in claims as the canonical ``claims`` relation of the detectors.

DuckDB's sqlite and postgres scanners are not installed on the platform (and nothing is
downloaded at run time), so the claims domain's detection query
(:mod:`huanxin.claims.service.detection`) streams the rows as Arrow batches, registered on
a DuckDB connection and mapped onto the canonical columns in SQL. The same path serves
SQLite and PostgreSQL.

Mapping: ``claim_id`` is the claim's id; ``claimed_at`` its creation in China Standard
Time; ``consumer_key`` the keyed hash of the resident id; ``merchant_id`` the merchant
organisation; ``merchant_lat``/``merchant_lon`` the coordinates of the store the redemption
named, ``redeem_lat``/``redeem_lon`` where the till reported the device; ``device_id`` the
merchant's till (merchant and terminal id); ``bank_account_key`` the keyed hash of the
payee account of an application; ``vin`` the keyed hash of the VIN; ``recycled_weight_kg``
the weight on the recycling certificate the claim used; ``cap_fen`` the quote's per-item
cap; ``returned_at`` the claim's ``returned`` event; the state maps onto the canonical
status (a return after payment is ``clawed_back``). Names, phones and addresses stay
sealed: the canonical texts are NULL and the claims carry the encoded identities of
:data:`~huanxin.integrity.schema.ENCODED_COLUMNS` instead, which record linkage compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pyarrow as pa
from sqlalchemy.orm import Session

from huanxin.claims.service import detection
from huanxin.integrity.scan import connect
from huanxin.integrity.schema import CLAIM_COLUMNS, PLATFORM_COLUMNS

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
_STATUS = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STATUS_OF.items())

CANONICAL: dict[str, str] = {
    "claim_id": "claim_id",
    "claimed_at": "created_at",
    "purchase_date": "purchase_date",
    "jurisdiction_code": "jurisdiction_code",
    "programme_id": "CAST(NULL AS VARCHAR)",
    "category": "category",
    "model": "product_model",
    "merchant_id": "CAST(merchant_org_id AS VARCHAR)",
    "merchant_lat": "store_lat",
    "merchant_lon": "store_lon",
    "device_id": "merchant_org_id || ':' || terminal_id",
    "redeem_lat": "redeem_lat",
    "redeem_lon": "redeem_lon",
    "consumer_key": "person_key",
    "consumer_name": "CAST(NULL AS VARCHAR)",
    "phone": "CAST(NULL AS VARCHAR)",
    "address": "CAST(NULL AS VARCHAR)",
    "bank_account_key": "payee_account_key",
    "device_serial": "device_serial",
    "vin": "vin_key",
    "invoice_no": "nullif(invoice_no, '')",
    "recycling_cert_no": "recycling_cert_no",
    "price_fen": "price_fen",
    "subsidy_fen": "subsidy_fen",
    "cap_fen": "cap_fen",
    "returned_at": "returned_at",
    "recycled_weight_kg": "recycled_weight_g / 1000.0",
    "status": f"CASE WHEN clawed THEN 'clawed_back' ELSE CASE state {_STATUS} ELSE state END END",
    "phone_block": "phone_block_key",
    "address_key": "address_key",
    "name_clk": "name_clk",
    "phone_clk": "phone_clk",
    "address_clk": "address_clk",
    "filed_price_fen": "filed_price_fen",
}
"""Canonical column (and encoded identity) → SQL over a detection row."""

assert list(CANONICAL) == [*CLAIM_COLUMNS, *PLATFORM_COLUMNS]


def detection_table(
    session: Session,
    *,
    created_from: datetime | None = None,
    claim_ids: Sequence[int] | None = None,
) -> pa.Table:
    """The detection rows (all claims, those created from ``created_from``, or ``claim_ids``),
    the per-item cap filled from the quote for claims captured before claims kept it."""
    table = detection.detection_table(session, created_from=created_from, claim_ids=claim_ids)
    missing = table.filter(table["cap_fen"].is_null())["claim_id"].to_pylist()
    if missing:
        caps = detection.caps_from_quotes(session, missing)
        filled = [
            caps.get(i, c)
            for i, c in zip(
                table["claim_id"].to_pylist(), table["cap_fen"].to_pylist(), strict=True
            )
        ]
        table = table.set_column(
            table.schema.get_field_index("cap_fen"), "cap_fen", pa.array(filled, pa.int64())
        )
    return table


def load(con: duckdb.DuckDBPyConnection, table: pa.Table, name: str = "claims") -> None:
    """Create the table ``name`` of canonical claims on ``con`` from detection rows."""
    con.register("detection_rows", table)
    cols = ", ".join(f"{sql} AS {column}" for column, sql in CANONICAL.items())
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {cols} FROM detection_rows")  # noqa: S608
    con.unregister("detection_rows")


def claims_connection(
    session: Session, *, created_from: datetime | None = None
) -> duckdb.DuckDBPyConnection:
    """A scan connection whose table ``claims`` holds the database's claims (those created
    at/after ``created_from`` if given: what a daily scan needs besides its stored index)."""
    con = connect()
    load(con, detection_table(session, created_from=created_from))
    return con
