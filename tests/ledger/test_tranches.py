"""Budget years and release schedules: a pool's year budget comes in tranches, each a journal
movement, released once by the job; bad schedules are refused by row, nothing half-saved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.ledger import pacing, service, tranches
from huanxin.ledger.errors import BudgetExhausted, BudgetOverPlan, ProgrammeNotHere, ScheduleRefused
from huanxin.ledger.models import Entry, Tranche
from huanxin.ledger.pools import pool_or_404
from huanxin.ledger.tranches import TrancheRow

from .conftest import TEST_PROGRAMME, next_year

BUDGET = 1_200_000  # 12,000.00 yuan


def _pool(db: Database, *, budget: int = BUDGET, shards: int = 2) -> tuple[int, int]:
    year = next_year()
    with db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="county",
            jurisdiction_code="140521",
            period_year=year,
            shards=shards,
            budget_fen=budget,
        )
        return pool.id, year


def _tranches(db: Database, pool_id: int) -> list[tuple[date, date, int, bool]]:
    with db.sessions() as session:
        return [
            (t.starts_on, t.ends_on, t.amount_fen, t.released_at is not None)
            for t in tranches.schedule_of(session, pool_id)
        ]


def test_monthly_plan_releases_each_month_once_as_journal_movements(shared_db: Database) -> None:
    pool_id, year = _pool(shared_db)
    with shared_db.unit_of_work() as session:
        pool = pool_or_404(session, pool_id)
        rows = tranches.plan(session, pool, pattern="monthly")
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=rows)
    plan = _tranches(shared_db, pool_id)
    assert len(plan) == 12 and {a for _, _, a, _ in plan} == {100_000}
    assert plan[1][:2] == (date(year, 2, 1), date(year, 2, 28 if year % 4 else 29))
    # before the money arrives nothing can be reserved: reservations draw on released money
    with pytest.raises(BudgetExhausted), shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=1, ref="claim:early")
    for _ in range(2):  # the job runs twice on 15 March: January to March, once
        with shared_db.unit_of_work() as session:
            pacing.run(session, today=date(year, 3, 15))
    with shared_db.sessions() as session:
        assert service.pool_balances(session, pool_id).available == 300_000
        legs = session.scalar(
            select(func.count()).where(Entry.pool_id == pool_id, Entry.kind == "tranche")
        )
        assert legs == 3 * 2 * 2  # three tranches, two shards, two legs each
        assert service.check(session) == []
    assert [r for *_, r in _tranches(shared_db, pool_id)] == [True] * 3 + [False] * 9


def test_quarterly_shares_and_replanning_keep_released_tranches(shared_db: Database) -> None:
    pool_id, year = _pool(shared_db)
    with shared_db.unit_of_work() as session:
        pool = pool_or_404(session, pool_id)
        rows = tranches.plan(session, pool, pattern="quarterly", shares_bp=[4000, 3000, 2000, 1000])
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=rows)
        tranches.release_due(session, SYSTEM, today=date(year, 1, 1))
    assert [a for _, _, a, _ in _tranches(shared_db, pool_id)] == [
        480_000,
        360_000,
        240_000,
        120_000,
    ]
    with shared_db.unit_of_work() as session:  # the rest of the year weekly instead
        pool = pool_or_404(session, pool_id)
        rows = tranches.plan(session, pool, pattern="weekly")
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=rows)
    plan = _tranches(shared_db, pool_id)
    assert plan[0] == (date(year, 1, 1), date(year, 3, 31), 480_000, True)
    assert plan[1][0] == date(year, 4, 1) and sum(a for _, _, a, _ in plan) == BUDGET


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (
            [(1, 1, 31, 600_000), (1, 15, 2, 28, 100_000)],
            "第2行：与第1行（01月01日至01月31日）时间段重叠",
        ),
        ([(1, 1, 31, 600_000), (2, 1, 28, 700_000)], "第2行：已下达与计划下达合计13,000.00元"),
        ([(3, 10, 3, 1, 1_000)], "第1行：结束日期"),
    ],
)
def test_bad_schedule_is_refused_by_row_and_nothing_changes(
    shared_db: Database, rows: list[tuple[int, ...]], reason: str
) -> None:
    pool_id, year = _pool(shared_db)
    with shared_db.unit_of_work() as session:
        tranches.set_schedule(
            session,
            SYSTEM,
            pool_id=pool_id,
            rows=[TrancheRow(date(year, 6, 1), date(year, 6, 30), amount_fen=50_000)],
        )
    parsed = []
    for row in rows:
        if len(row) == 4:
            m, d1, d2, amount = row
            parsed.append(TrancheRow(date(year, m, d1), date(year, m, d2), amount_fen=amount))
        else:
            m1, d1, m2, d2, amount = row
            parsed.append(TrancheRow(date(year, m1, d1), date(year, m2, d2), amount_fen=amount))
    with pytest.raises(ScheduleRefused) as caught, shared_db.unit_of_work() as session:
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=parsed)
    assert caught.value.message.startswith(reason), caught.value.message
    assert _tranches(shared_db, pool_id) == [(date(year, 6, 1), date(year, 6, 30), 50_000, False)]


def test_row_outside_the_year_and_allocation_over_the_budget(shared_db: Database) -> None:
    pool_id, year = _pool(shared_db)
    with pytest.raises(ScheduleRefused) as caught, shared_db.unit_of_work() as session:
        row = TrancheRow(date(year + 1, 1, 1), date(year + 1, 1, 31), share_bp=1000)
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=[row])
    assert f"预算年度{year}年内" in caught.value.message
    with shared_db.unit_of_work() as session:
        row = TrancheRow(date(year, 1, 1), date(year, 12, 31), share_bp=9000)
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=[row])
    with pytest.raises(BudgetOverPlan), shared_db.unit_of_work() as session:
        service.allocate(session, SYSTEM, pool_id=pool_id, amount_fen=120_001, ref="extra")
    with shared_db.unit_of_work() as session:
        service.allocate(session, SYSTEM, pool_id=pool_id, amount_fen=120_000, ref="extra")
    with shared_db.sessions() as session:
        count = session.scalar(select(func.count()).where(Tranche.pool_id == pool_id))
        assert count == 1 and service.pool_balances(session, pool_id).allocated == 120_000


def test_pool_years_are_separate_and_a_programme_must_apply_here(shared_db: Database) -> None:
    with shared_db.unit_of_work() as session:
        names = [
            service.create_pool(
                session,
                SYSTEM,
                programme_id="cn.appliance",
                layer="county",
                jurisdiction_code="140521",
                period_year=year,
            ).name
            for year in (2025, 2026)
        ]
    assert names == [
        "2025年家电以旧换新补贴（国家）·县级·沁水县",
        "2026年家电以旧换新补贴（国家）·县级·沁水县",
    ]
    with pytest.raises(ProgrammeNotHere) as caught, shared_db.unit_of_work() as session:
        service.create_pool(
            session,
            SYSTEM,
            programme_id="pd.lift_installation",
            layer="county",
            jurisdiction_code="140521",
            period_year=2025,
        )
    assert caught.value.field == "jurisdiction_code"
