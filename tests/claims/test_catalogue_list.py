"""The product catalogue pages through every model (it listed them all on one page), opens on
the models in force, filters by category and validity, finds a model by brand, model or 69
barcode, and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook

import builders
from huanxin.claims.models import CatalogueProduct
from huanxin.db import Database

BARCODE = "6901234567892"


def _models(db: Database, n: int) -> None:
    """``n`` models: fridges and washers, one in 5 expired in 2020, one with a barcode."""
    with db.unit_of_work() as session:
        for k in range(n):
            session.add(
                CatalogueProduct(
                    category="refrigerator" if k % 2 else "washing_machine",
                    brand="海尔" if k == 9 else "品牌",
                    model=f"M-{k:03d}",
                    grade=1,
                    list_price_fen=100_000 + k,
                    barcode=BARCODE if k == 9 else None,
                    valid_from=date(2020, 1, 1),
                    valid_to=date(2020, 12, 31) if k % 5 == 0 else None,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )


def _models_on(html: str) -> list[str]:
    return re.findall(r'<td data-label="型号">(M-\d{3})</td>', html)


def test_catalogue_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    _models(database, 120)  # 96 in force: two pages
    office = builders.web_client(database, "office.140521")
    first = office.get("/catalogue").text
    assert builders.list_total(first) == 96 and len(_models_on(first)) == 50
    seen = _models_on(first) + _models_on(office.get("/catalogue?page=2").text)
    assert len(seen) == 96 == len(set(seen))
    assert builders.list_total(office.get("/catalogue?valid=expired").text) == 24
    fridges = office.get("/catalogue?valid=&category=refrigerator").text
    assert builders.list_total(fridges) == 60
    for q in ("海尔", BARCODE, "M-009"):
        assert _models_on(office.get(f"/catalogue?q={q}").text) == ["M-009"]

    sheet = office.get("/catalogue.xlsx?category=washing_machine&sort=-price")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("品类", "品牌", "型号") and len(rows) == 1 + 48  # in force only
    assert {r[0] for r in rows[1:]} == {"洗衣机"} and rows[1][2] == "M-118"
