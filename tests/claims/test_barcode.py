"""The catalogue's 69 barcode (GTIN-13): imported with its check digit verified and one
model per barcode, and at the till a model listed with a barcode is redeemed only with that
barcode; a wrong or malformed barcode is a 422 naming the barcode, nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import CatalogueProduct, Claim
from huanxin.claims.service.catalogue import BARCODE, HEADERS
from huanxin.core.identifiers import InvalidIdentifier, gtin13
from huanxin.db import Database

GOOD = "6901234567892"
OTHER = "6901234567885"  # valid check digit, another product


def test_gtin13_check_digit() -> None:
    assert gtin13(" 690-1234567892 ") == GOOD and gtin13(OTHER) == OTHER
    for bad, reason in (("6901234567893", "checksum"), ("69012345", "format")):
        with pytest.raises(InvalidIdentifier) as refused:
            gtin13(bad)
        assert refused.value.reason == reason and refused.value.field == "barcode"


def _import(db: Database, rows: list[str], key: str) -> dict[str, object]:
    office = builders.api_client(db, "office.140521")
    text = ",".join([*HEADERS, BARCODE]) + "\n" + "\n".join(rows) + "\n"
    r = office.post(
        "/api/v1/catalogue/import",
        headers={"Idempotency-Key": key},
        files={"file": ("目录.csv", text.encode("utf-8"), "text/csv")},
    )
    return {"status": r.status_code, **r.json()}


def _claims(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Claim)) or 0


def test_barcodes_import_checked_and_the_till_matches_them(database: Database) -> None:
    tradein.setup(database)
    bad = _import(
        database,
        [
            f"refrigerator,海尔,BCD-500,1,5999,2025-01-01,,{GOOD[:-1]}3",
            f"refrigerator,美的,BCD-300,1,3999,2025-01-01,,{OTHER}",
            f"washing_machine,美的,XQB-1,1,2999,2025-01-01,,{OTHER}",
        ],
        "i1",
    )
    assert bad["status"] == 422 and str(bad["message"]).startswith("第2行「商品条码（69码）」")
    assert "校验位错误" in str(bad["message"]) and "共2处错误" in str(bad["message"])
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CatalogueProduct)) == 0
    ok = _import(database, [f"refrigerator,海尔,BCD-500,1,5999,2025-01-01,,{GOOD}"], "i2")
    assert ok == {"status": 200, "imported": 1}
    consumer, merchant = (
        builders.api_client(database, "consumer.140521"),
        builders.api_client(database, "merchant.140521"),
    )
    q = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q"},
    )
    code = q.json()["code"]
    for n, (barcode, words) in enumerate(
        [(None, "请扫描或输入商品条码"), (OTHER, "条码不符"), ("6901234567893", "校验位错误")]
    ):
        body = tradein.sale(quota_code=code, barcode=barcode)
        r = merchant.post("/api/v1/redemptions", json=body, headers={"Idempotency-Key": f"s{n}"})
        assert r.status_code == 422 and r.json()["field"] == "barcode", r.text
        assert words in r.json()["message"]
    assert _claims(database) == 0
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, barcode=GOOD),
        headers={"Idempotency-Key": "s9"},
    )
    assert r.status_code == 201, r.text
