"""Statutory clocks of a car application (accept 3, review 15, pay 30 working days) on the
official calendar, the office's acceptance, the overdue list and the on-time report."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update

import builders
import tradein
from huanxin.claims.models import ClaimAcceptance, ClaimEvent
from huanxin.claims.service import overdue
from huanxin.core import workdays
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn
from huanxin.db import Database
from huanxin.supervision.cli import system_actor

PDF = b"%PDF-1.4\n% car evidence\n"


def _apply(db: Database) -> int:
    r = builders.api_client(db, "consumer.140521").post(
        "/api/v1/applications",
        data={
            "category": "passenger_car",
            "price_fen": "15000000",
            "purchase_date": "2026-09-25",
            "attributes": json.dumps(tradein.CAR),
            "vin": tradein.VIN,
        },
        headers={"Idempotency-Key": "car"},
        files={"file": ("invoice.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in China


def _filed_on(db: Database, claim_id: int, day: date) -> None:
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE claims SET created_at = :at WHERE id = :id"),
            {"at": _at(day), "id": claim_id},
        )


def _steps(db: Database, claim_id: int, who: str = "office.140521") -> dict[str, dict[str, object]]:
    r = builders.api_client(db, who).get(f"/api/v1/claims/{claim_id}/clock")
    assert r.status_code == 200, r.text
    return {s["step"]: s for s in r.json()["steps"]}


def test_deadlines_count_working_days_and_acceptance_stops_the_accept_clock(
    database: Database,
) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    _filed_on(database, claim_id, date(2026, 9, 28))  # Monday before the National Day week
    steps = _steps(database, claim_id, "consumer.140521")  # the applicant sees them too
    assert steps["accept"]["due"] == "2026-10-08"  # 29, 30 September, then 8 October
    assert steps["accept"]["status_label"] == "已逾期"
    assert steps["review"]["status"] == "waiting" and steps["pay"]["status"] == "waiting"
    late = builders.api_client(database, "office.140521").get("/api/v1/clocks/overdue").json()
    assert [(x["claim_id"], x["step"], x["department"]) for x in late] == [
        (claim_id, "accept", "沁水县专班办公室")
    ]

    office = builders.api_client(database, "office.140521")
    accepted = office.post(f"/api/v1/claims/{claim_id}/accept", headers={"Idempotency-Key": "a1"})
    assert accepted.status_code == 200, accepted.text
    again = office.post(f"/api/v1/claims/{claim_id}/accept", headers={"Idempotency-Key": "a2"})
    assert again.json() == accepted.json()
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ClaimAcceptance)) == 1
    step = {s["step"]: s for s in accepted.json()["steps"]}["accept"]
    assert (step["done_on"], step["status"]) == (today_cn().isoformat(), "late")

    with database.unit_of_work() as session:  # accepted on the second day instead
        session.execute(update(ClaimAcceptance).values(accepted_on=date(2026, 9, 30)))
    steps = _steps(database, claim_id)
    assert steps["accept"]["status"] == "on_time"
    # 15 working days from 30 September: the make-up Saturday 10 October counts
    assert (steps["review"]["start"], steps["review"]["due"]) == ("2026-09-30", "2026-10-27")


def test_a_point_of_sale_claim_needs_no_acceptance_and_nothing_is_stored(
    database: Database,
) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    reviewer = builders.api_client(database, "office.140521")
    r = reviewer.post(
        f"/api/v1/claims/{claim_id}/reject",
        json={"reason": "材料不全"},
        headers={"Idempotency-Key": "rj"},
    )
    assert r.status_code == 200, r.text
    refused = reviewer.post(f"/api/v1/claims/{claim_id}/accept", headers={"Idempotency-Key": "a"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "acceptance_not_needed"
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ClaimAcceptance)) == 0
    steps = _steps(database, claim_id)
    assert steps["accept"]["status"] == "on_time"  # the decision accepted it
    assert steps["pay"]["status"] == "void"  # a rejected claim is not paid


def test_on_time_report_per_department_and_month_with_its_spreadsheet(
    database: Database,
) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    _filed_on(database, claim_id, date(2026, 9, 28))
    office = builders.api_client(database, "department.140521")
    r = office.post(
        f"/api/v1/claims/{claim_id}/approve",
        json={"checklist": tradein.CAR_CHECKLIST},
        headers={"Idempotency-Key": "ok"},
    )
    assert r.status_code == 200, r.text
    with database.unit_of_work() as session:  # decided on 20 October (accepted by it)
        session.execute(
            update(ClaimEvent)
            .where(ClaimEvent.claim_id == claim_id, ClaimEvent.to_state == "approved")
            .values(at=_at(date(2026, 10, 20)))
        )
    steps = _steps(database, claim_id)
    assert steps["accept"]["status"] == "late"  # accepted by the decision, after 8 October
    assert (steps["review"]["due"], steps["review"]["status"]) == ("2026-11-10", "on_time")
    assert steps["pay"]["due"] == "2026-12-01"  # 30 working days after 20 October
    assert steps["pay"]["status"] == "overdue"
    finance = builders.api_client(database, "finance.140521")
    rows = finance.get("/api/v1/clocks/report", params={"year": 2026}).json()
    assert [(r["month"], r["department"], r["on_time"], r["late"], r["overdue"]) for r in rows] == [
        ("2026-10", "140521department", 0, 1, 0),  # accept due 8 October
        ("2026-11", "140521department", 1, 0, 0),  # review due 10 November
        ("2026-12", "沁水县财政局", 0, 0, 1),  # pay due 1 December, not paid
    ]
    assert [r["on_time_rate"] for r in rows] == ["0.0%", "100.0%", "0.0%"]
    sheet = finance.get("/api/v1/clocks/report.xlsx", params={"year": 2026})
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[0] == overdue.REPORT_HEADERS
    assert values[2] == ["2026-11", "140521department", 1, 1, 0, 0, "100.0%"]
    bad = finance.get("/api/v1/clocks/report", params={"year": 2019})
    assert bad.status_code == 422 and bad.json()["field"] == "year"
    merchant = builders.api_client(database, "merchant.140521")
    assert merchant.get("/api/v1/clocks/overdue").status_code == 403


def test_a_deadline_in_an_unpublished_year_is_an_estimate_until_the_year_is_loaded(
    database: Database,
) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    _filed_on(database, claim_id, date(2026, 12, 28))
    builders.api_client(database, "office.140521").post(
        f"/api/v1/claims/{claim_id}/accept", headers={"Idempotency-Key": "a"}
    )
    with database.unit_of_work() as session:
        session.execute(update(ClaimAcceptance).values(accepted_on=date(2026, 12, 29)))
    review = _steps(database, claim_id)["review"]
    assert (review["due"], review["estimated"]) == ("2027-01-19", True)
    with database.unit_of_work() as session:
        workdays.import_file(
            session, SYSTEM, content="日期,安排,名称\n2027-01-01,放假,元旦\n".encode(), source="t"
        )
    review = _steps(database, claim_id)["review"]
    assert (review["due"], review["estimated"]) == ("2027-01-20", False)


def test_the_morning_alert_counts_overdue_and_due_soon_steps(database: Database) -> None:
    tradein.setup(database)
    late_id = _apply(database)
    _filed_on(database, late_id, date(2026, 9, 28))
    with database.sessions() as session:
        actor = system_actor(session, "140000")
        today = today_cn()
        counts = overdue.alert_counts(session, actor, today)
        soon = overdue.due_soon(session, actor, today - timedelta(days=400))
    assert counts == {"overdue": 1, "due_soon": 0}
    assert soon == []  # not filed yet then


@pytest.mark.parametrize("path", ["/clocks", "/clocks?year=2026"])
def test_the_clocks_page_lists_the_overdue_claim_in_chinese(database: Database, path: str) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    _filed_on(database, claim_id, date(2026, 9, 28))
    page = builders.web_client(database, "office.140521").get(path)
    assert page.status_code == 200
    assert f"编号 {claim_id}" in page.text and "沁水县专班办公室" in page.text
    detail = builders.web_client(database, "office.140521").get(f"/claims/{claim_id}")
    assert (
        "办理时限" in detail.text and "2026-10-08" in detail.text and "受理</button>" in detail.text
    )


def test_the_listed_review_deadline_counts_15_working_days(database: Database) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    with database.sessions() as session:
        due = session.scalar(text("SELECT review_due FROM claims WHERE id = :i"), {"i": claim_id})
        calendar = workdays.load(session)
    due = date.fromisoformat(str(due)[:10])
    days = [today_cn() + timedelta(days=n) for n in range(1, (due - today_cn()).days + 1)]
    assert sum(calendar.is_workday(d) for d in days) == 15 and calendar.is_workday(due)
