"""Merchant statements: finance closes an ended month; the merchant downloads the month's
sales, subsidies, payment, clawback and balance as .xlsx and PDF; an open month is refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pdfplumber
from openpyxl import load_workbook
from sqlalchemy import func, select, text

import builders
import settled_world
from huanxin.claims.models import ClosedPeriod
from huanxin.claims.service import lifecycle
from huanxin.core.clock import today_cn
from huanxin.core.money import yuan_text
from huanxin.db import Database

NOVEMBER = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def _in_november(db: Database) -> None:
    """Date the sales, their events and the clawback in November 2026."""
    with db.unit_of_work() as session:
        for table, column in (
            ("claims", "created_at"),
            ("claim_events", "at"),
            ("clawbacks", "created_at"),
        ):
            session.execute(text(f"UPDATE {table} SET {column} = :at"), {"at": NOVEMBER})


def _return_first(db: Database, claim_id: int) -> None:
    with db.unit_of_work() as session:
        office = settled_world.actor(session, "office.140521")
        lifecycle.record_return(session, office, claim_id=claim_id, returned_on=date(2025, 6, 20))


def test_a_closed_month_gives_the_merchant_its_statement_as_xlsx_and_pdf(
    database: Database,
) -> None:
    w = settled_world.build(database)
    _return_first(database, w.claim_ids[0])  # paid, then returned: clawed back
    _in_november(database)
    merchant = builders.api_client(database, "merchant.140521")
    refused = merchant.get("/api/v1/statements/2026-11")
    assert refused.status_code == 409 and refused.json()["code"] == "statement_period_open"
    assert "2026-11尚未结账" in refused.json()["message"]

    finance = builders.api_client(database, "finance.140521")
    closed = finance.post(
        "/api/v1/statements/months", json={"month": "2026-11"}, headers={"Idempotency-Key": "c"}
    )
    assert closed.status_code == 200, closed.text
    again = finance.post(
        "/api/v1/statements/months", json={"month": "2026-11"}, headers={"Idempotency-Key": "d"}
    )
    assert again.json() == closed.json()
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ClosedPeriod)) == 1

    s = merchant.get("/api/v1/statements/2026-11").json()
    subsidies = sum(w.subsidies)
    assert (s["sales_count"], s["sales_fen"], s["subsidies_fen"]) == (2, sum(w.prices), subsidies)
    assert (s["paid_fen"], s["clawed_back_fen"]) == (w.item_fen, w.subsidies[0])
    assert (s["opening_fen"], s["closing_fen"]) == (0, subsidies - w.item_fen - w.subsidies[0])

    sheet = merchant.get("/api/v1/statements/2026-11.xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    summary = dict(book["汇总"].iter_rows(values_only=True))
    closing = book["汇总"]["B10"]
    assert round(closing.value * 100) == s["closing_fen"] and closing.number_format == "#,##0.00"
    assert summary["期末应付余额（元）"] == closing.value
    assert [r[0] for r in book["销售明细"].iter_rows(min_row=2, values_only=True)] == w.claim_ids
    pdf = merchant.get("/api/v1/statements/2026-11.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        words = doc.pages[0].extract_text()
    assert "商户补贴对账单（2026-11）" in words
    assert f"本期追回（元）：{yuan_text(w.subsidies[0])}" in words


def test_an_open_month_cannot_be_closed_and_other_counties_see_no_merchant(
    database: Database,
) -> None:
    w = settled_world.build(database)
    finance = builders.api_client(database, "finance.140521")
    month = f"{today_cn():%Y-%m}"
    r = finance.post(
        "/api/v1/statements/months", json={"month": month}, headers={"Idempotency-Key": "o"}
    )
    assert r.status_code == 409 and r.json()["code"] == "period_not_ended"
    bad = finance.post(
        "/api/v1/statements/months", json={"month": "2026-13"}, headers={"Idempotency-Key": "b"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "month"
    with database.unit_of_work() as session:
        builders.create_user(session, "finance", "371525")
    away = builders.api_client(database, "finance.371525")
    other = away.get("/api/v1/statements/2026-11", params={"merchant_id": w.merchant_org_id})
    assert other.status_code == 404


def test_the_statements_page_lists_closed_months_for_the_merchant(database: Database) -> None:
    settled_world.build(database)
    builders.api_client(database, "finance.140521").post(
        "/api/v1/statements/months", json={"month": "2026-10"}, headers={"Idempotency-Key": "c"}
    )
    page = builders.web_client(database, "merchant.140521").get("/statements")
    assert page.status_code == 200
    assert "/api/v1/statements/2026-10.pdf" in page.text
