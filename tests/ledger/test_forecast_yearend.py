"""Forecast, alerts and the year's end: spending against the monthly plan, the run-out date,
alerts raised once a day, and the remainder returned or carried into next year's pool."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, simulated
from huanxin.db import Database
from huanxin.ledger import forecast, pacing, service, tranches, yearend
from huanxin.ledger.errors import PoolClosed
from huanxin.ledger.models import Alert, Tranche
from huanxin.ledger.pools import pool_or_404

from .conftest import TEST_PROGRAMME, next_year


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), CHINA_TZ).astimezone(UTC)


def _open(
    db: Database,
    year: int,
    *,
    budget: int = 1_200_000,
    year_end: str = "return",
    layer: str = "county",
) -> int:
    with db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer=layer,
            jurisdiction_code="140521",
            period_year=year,
            budget_fen=budget,
            year_end=year_end,
        )
        rows = tranches.plan(session, pool, pattern="monthly")
        tranches.set_schedule(session, SYSTEM, pool_id=pool.id, rows=rows)
        return pool.id


def _spend(db: Database, pool_id: int, day: date, amount: int, ref: str) -> None:
    with simulated(_at(day)), db.unit_of_work() as session:
        pacing.run(session, today=day, alerts=False)
        service.reserve(session, pool_id=pool_id, amount_fen=amount, ref=ref)
        service.commit(session, pool_id=pool_id, amount_fen=amount, ref=ref)


def test_months_against_plan_forecast_and_alerts_once_a_day(shared_db: Database) -> None:
    year = next_year()
    pool_id = _open(shared_db, year)
    _spend(shared_db, pool_id, date(year, 1, 5), 60_000, "c1")  # January plan 100,000
    _spend(shared_db, pool_id, date(year, 2, 3), 140_000, "c2")  # January's rest and more
    today = date(year, 2, 10)
    with shared_db.sessions() as session:
        f = forecast.forecast(session, pool_or_404(session, pool_id), today=today)
        after = forecast.forecast(
            session, pool_or_404(session, pool_id), today=date(year + 1, 1, 5)
        )
    jan, feb = f.months[0], f.months[1]
    assert (jan.plan_fen, jan.spent_fen, jan.deviation_bp) == (100_000, 60_000, -4_000)
    assert (feb.plan_fen, feb.spent_fen, feb.deviation_bp) == (100_000, 140_000, 4_000)
    assert [f.is_ahead(m) for m in f.months[:3]] == [False, False, True]  # March: not yet
    assert f.is_ahead(f.months[11]) and not after.is_ahead(f.months[11])  # period over
    assert f.per_day_fen == -(-140_000 // 30)  # the last 30 days' pace, rounded up
    assert (f.available_fen, f.unreleased_fen) == (0, 1_000_000)
    assert f.released_runs_out_on == today
    assert f.budget_runs_out_on == today + timedelta(days=215)  # 1,000,000 / 4,667 a day
    for _ in range(2):
        with simulated(_at(today)), shared_db.unit_of_work() as session:
            pacing.run(session, today=today)
    with shared_db.sessions() as session:
        rows = session.execute(
            select(Alert.kind, Alert.message).where(Alert.pool_id == pool_id).order_by(Alert.kind)
        ).all()
    assert [k for k, _ in rows] == ["off_plan", "runs_dry"]  # once each, though run twice
    assert "1月支出600.00元，计划1,000.00元，偏离-40.00%" in rows[0][1]
    assert "早于年底" in rows[1][1]


@pytest.mark.parametrize("year_end", ["return", "carry_forward"])
def test_year_end_returns_or_carries_the_remainder_and_keeps_reservations(
    shared_db: Database, year_end: str
) -> None:
    year = next_year()
    layer = "city" if year_end == "return" else "province"  # the next year is free in it
    pool_id = _open(shared_db, year, year_end=year_end, layer=layer)
    next_id = _open(shared_db, year + 1, layer=layer) if year < 2099 else None
    with simulated(_at(date(year, 3, 2))), shared_db.unit_of_work() as session:
        pacing.run(session, today=date(year, 3, 2), alerts=False)  # three tranches released
        service.reserve(session, pool_id=pool_id, amount_fen=50_000, ref="claim:late")
    with pytest.raises(PoolClosed), shared_db.unit_of_work() as session:
        yearend.close_year(session, SYSTEM, pool_id=pool_id, on=date(year, 12, 31))
    with simulated(_at(date(year + 1, 1, 2))), shared_db.unit_of_work() as session:
        result = pacing.run(session, today=date(year + 1, 1, 2), alerts=False)
        assert result.closed >= 1
    with shared_db.unit_of_work() as session:
        closed = pool_or_404(session, pool_id)
        assert closed.closed_at is not None
        b = service.pool_balances(session, pool_id)
        assert (b.available, b.reserved) == (0, 50_000)
        left = session.scalar(select(func.count()).where(Tranche.pool_id == pool_id))
        assert left == 3  # the nine tranches never released are cancelled
        service.commit(session, pool_id=pool_id, amount_fen=50_000, ref="claim:late")  # honoured
        if next_id is not None:
            successor = pool_or_404(session, next_id)
            carried = 250_000 if year_end == "carry_forward" else 0
            assert successor.budget_fen == 1_200_000 + carried
            assert service.pool_balances(session, next_id).allocated == 100_000 + carried
        assert service.check(session) == []
    with shared_db.unit_of_work() as session:  # closing again changes nothing
        again = yearend.close_year(session, SYSTEM, pool_id=pool_id, on=date(year + 1, 1, 3))
        assert (again.returned_fen, again.carried_fen) == (0, 0)
