"""Builders for small hand-made claim frames, and a DuckDB connection holding them as ``claims``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import duckdb
import polars as pl
import pytest

from huanxin.integrity.detectors import Scope
from huanxin.integrity.scan import prepare
from huanxin.integrity.schema import CLAIM_COLUMNS

T0 = datetime(2025, 3, 1, 10, 0, 0)


def claim(claim_id: int, **overrides: Any) -> dict[str, Any]:
    """A legitimate appliance claim; every identifier is unique to ``claim_id``."""
    row: dict[str, Any] = {
        "claim_id": claim_id,
        "claimed_at": T0 + timedelta(hours=claim_id),
        "purchase_date": (T0 + timedelta(hours=claim_id)).date(),
        "jurisdiction_code": "330102",
        "programme_id": "2025-appliance",
        "category": "refrigerator",
        "model": "BX-001",
        "merchant_id": f"M{claim_id % 7}",
        "merchant_lat": 30.25,
        "merchant_lon": 120.16,
        "device_id": f"dv{claim_id}",
        "redeem_lat": 30.251,
        "redeem_lon": 120.161,
        "consumer_key": f"ck{claim_id}",
        "consumer_name": f"王{claim_id}",
        "phone": f"{13_900_000_000 + claim_id * 37}",
        "address": f"浙江省人民路{claim_id}号1栋101室",
        "bank_account_key": f"bk{claim_id}",
        "device_serial": f"SN{claim_id:08d}",
        "vin": None,
        "invoice_no": f"25331{claim_id * 10:015d}",
        "recycling_cert_no": f"HS{claim_id:08d}",
        "price_fen": 400_000,
        "subsidy_fen": 60_000,
        "cap_fen": 200_000,
        "returned_at": None,
        "recycled_weight_kg": 55.0,
        "status": "paid",
    }
    row.update(overrides)
    return row


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {
        "claim_id": pl.Int64,
        "claimed_at": pl.Datetime("us"),
        "purchase_date": pl.Date,
        "merchant_lat": pl.Float64,
        "merchant_lon": pl.Float64,
        "redeem_lat": pl.Float64,
        "redeem_lon": pl.Float64,
        "price_fen": pl.Int64,
        "subsidy_fen": pl.Int64,
        "cap_fen": pl.Int64,
        "returned_at": pl.Datetime("us"),
        "recycled_weight_kg": pl.Float64,
    }
    full = {c: schema.get(c, pl.Utf8) for c in CLAIM_COLUMNS}
    return pl.DataFrame(rows, schema=full)


@pytest.fixture
def claims_con() -> Callable[[list[dict[str, Any]]], duckdb.DuckDBPyConnection]:
    """Factory: a connection with ``claims`` and ``target_claims`` over the given rows."""

    def make(rows: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        data = frame(rows)
        con.register("claims_frame", data)
        con.execute("CREATE TABLE claims AS SELECT * FROM claims_frame")
        prepare(con, Scope())
        return con

    return make
