"""The claims list finds anything: it opens on the claims waiting for the viewer, pages
without overlap, sorts, filters, searches by number and by a sealed resident ID (keyed hash),
and exports exactly what is filtered to .xlsx — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.claims.models import Claim
from huanxin.core import identifiers, pii
from huanxin.core.models import Organization
from huanxin.db import Database

RESIDENT = "11010519491231002X"
STATES = ("reserved", "submitted", "approved", "paid")  # 30 each: 60 waiting for review


def _claims(db: Database) -> None:
    builders.world(db, ("office", "140521"), ("merchant", "140521"), ("finance", "140521"))
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with db.unit_of_work() as session:
        merchant = session.scalars(select(Organization).where(Organization.kind == "merchant"))
        org_id = merchant.first().id  # type: ignore[union-attr]
        for n in range(120):
            resident = RESIDENT if n == 7 else ""
            session.add(
                Claim(
                    kind="point_of_sale",
                    state=STATES[n % 4],
                    jurisdiction_code="140521",
                    category="refrigerator" if n % 2 else "television",
                    person_key=pii.lookup_hash("resident_id", resident) if resident else f"p{n}",
                    person_name_enc="",
                    resident_id_enc="",
                    merchant_org_id=org_id,
                    product_model=f"M-{n:03d}",
                    device_serial=f"SN{n:05d}",
                    invoice_no=f"2614200000009999{n:04d}",
                    purchase_date=date(2026, 4, 1 + n % 28),
                    price_fen=100_000 + n * 1_000,
                    subsidy_fen=10_000,
                    consumer_pays_fen=90_000 + n * 1_000,
                    quote="{}",
                    payee=f"org:{org_id}",
                    created_at=now,
                    updated_at=now,
                )
            )


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/claims/(\d+)"', html)]


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def test_list_pages_sorts_filters_searches_and_exports(database: Database) -> None:
    _claims(database)
    office = builders.web_client(database, "office.140521")
    opening = office.get("/claims").text
    assert "（待审核）" in opening and _count(opening) == 60
    first = _ids(opening)
    assert len(first) == 50 and first == sorted(first, reverse=True)
    second = _ids(office.get("/claims?page=2").text)
    assert len(second) == 10 and not set(first) & set(second)

    every = office.get("/claims?state=all&sort=price&page=3").text
    assert _count(every) == 120 and len(_ids(every)) == 20
    with database.sessions() as session:
        cheapest = session.scalars(select(Claim.id).order_by(Claim.price_fen)).all()
    assert _ids(office.get("/claims?state=all&sort=price").text) == list(cheapest[:50])

    paid_tv = office.get("/claims?state=approved&category=television").text
    assert _count(paid_tv) == 30 and "审核通过待支付" in paid_tv

    by_invoice = office.get("/claims?state=all&q=26142000000099990042").text
    assert _count(by_invoice) == 1
    by_resident = office.get(f"/claims?state=all&q={RESIDENT.lower()}").text
    assert _count(by_resident) == 1 and identifiers.mask_resident_id(RESIDENT) not in by_resident
    assert _count(office.get("/claims?state=all&q=冰箱").text) == 60

    sheet = office.get("/claims.xlsx?state=approved&category=television&sort=price")
    assert sheet.status_code == 200
    assert "filename*=UTF-8''" in sheet.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类型", "品类") and len(rows) == 31
    assert {r[7] for r in rows[1:]} == {"审核通过待支付"} and {r[2] for r in rows[1:]} == {"电视"}
    prices = [float(r[5]) for r in rows[1:]]
    assert prices == sorted(prices)


def test_list_opens_on_each_roles_waiting_work(database: Database) -> None:
    _claims(database)
    finance = builders.web_client(database, "finance.140521").get("/claims").text
    assert "（待支付）" in finance and _count(finance) == 30
    merchant = builders.web_client(database, "merchant.140521").get("/claims").text
    assert "（未办结）" in merchant and _count(merchant) == 90
