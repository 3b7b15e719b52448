"""Exact balance arithmetic of the ledger on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.ledger import service
from huanxin.ledger.errors import BudgetExhausted, InsufficientBalance, PoolExists
from huanxin.ledger.models import Entry, Shard
from huanxin.ledger.service import Balances

from .conftest import TEST_PROGRAMME, PoolFactory


def balances(db: Database, pool_id: int) -> Balances:
    with db.sessions() as session:
        return service.pool_balances(session, pool_id)


def shard_available(db: Database, pool_id: int) -> list[int]:
    with db.sessions() as session:
        stmt = select(Shard.available).where(Shard.pool_id == pool_id).order_by(Shard.slot)
        return list(session.scalars(stmt))


def problems(db: Database) -> list[str]:
    with db.sessions() as session:
        return service.check(session)


def test_allocate_spreads_evenly_and_journals_two_legs(
    shared_db: Database, make_pool: PoolFactory
) -> None:
    pool_id = make_pool(shards=3, allocate=1_000_000)
    assert balances(shared_db, pool_id) == Balances(1_000_000, 1_000_000, 0, 0)
    assert shard_available(shared_db, pool_id) == [333_334, 333_333, 333_333]
    with shared_db.sessions() as session:
        legs = session.execute(
            select(Entry.account, Entry.amount_fen, Entry.kind)
            .where(Entry.pool_id == pool_id)
            .order_by(Entry.id)
        ).all()
        audited = session.scalar(
            select(func.count()).where(AuditEntry.action == "ledger.allocated")
        )
    assert [tuple(leg) for leg in legs] == [
        ("external", -333_334, "allocate"),
        ("available", 333_334, "allocate"),
        ("external", -333_333, "allocate"),
        ("available", 333_333, "allocate"),
        ("external", -333_333, "allocate"),
        ("available", 333_333, "allocate"),
    ]
    assert audited == 1
    assert problems(shared_db) == []


def test_reserve_commit_release_claw_back_exact(
    shared_db: Database, make_pool: PoolFactory
) -> None:
    pool_id = make_pool(shards=2, allocate=500_000)
    with shared_db.unit_of_work() as session:
        a = service.reserve(session, pool_id=pool_id, amount_fen=119_980, ref="claim:1")
        b = service.reserve(session, pool_id=pool_id, amount_fen=50_001, ref="claim:2")
    assert balances(shared_db, pool_id) == Balances(500_000, 330_019, 169_981, 0)
    with shared_db.unit_of_work() as session:
        service.commit(session, pool_id=pool_id, amount_fen=119_980, ref="claim:1", shard_id=a)
        service.release(session, pool_id=pool_id, amount_fen=50_001, ref="claim:2", shard_id=b)
    assert balances(shared_db, pool_id) == Balances(500_000, 380_020, 0, 119_980)
    with shared_db.unit_of_work() as session:
        service.claw_back(session, pool_id=pool_id, amount_fen=19_980, ref="claim:1")
    assert balances(shared_db, pool_id) == Balances(500_000, 400_000, 0, 100_000)
    with shared_db.sessions() as session:
        kinds = session.execute(
            select(Entry.kind, func.count(), func.sum(Entry.amount_fen))
            .where(Entry.pool_id == pool_id)
            .group_by(Entry.kind)
        ).all()
    assert {k: (n, int(s)) for k, n, s in kinds} == {
        "allocate": (4, 0),
        "reserve": (4, 0),
        "commit": (2, 0),
        "release": (2, 0),
        "claw_back": (2, 0),
    }
    assert problems(shared_db) == []


def test_commit_without_shard_finds_the_reservation(
    shared_db: Database, make_pool: PoolFactory
) -> None:
    pool_id = make_pool(shards=4, allocate=400_000)
    with shared_db.unit_of_work() as session:
        used = service.reserve(session, pool_id=pool_id, amount_fen=70_000, ref="claim:9")
    with shared_db.unit_of_work() as session:
        service.commit(session, pool_id=pool_id, amount_fen=70_000, ref="claim:9")
    with shared_db.sessions() as session:
        shard = session.get_one(Shard, used)
        assert (shard.reserved, shard.spent) == (0, 70_000)
    assert balances(shared_db, pool_id) == Balances(400_000, 330_000, 0, 70_000)


def test_exhausted_pool_refuses_with_message_and_changes_nothing(
    shared_db: Database, make_pool: PoolFactory
) -> None:
    pool_id = make_pool(shards=2, allocate=120_000)
    with pytest.raises(BudgetExhausted) as caught, shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=200_000, ref="claim:big")
    assert (
        caught.value.message
        == "预算池「家电以旧换新县级资金」余额不足：可用1,200.00元，需要2,000.00元"
    )
    assert caught.value.status == 409 and caught.value.code == "budget_exhausted"
    assert balances(shared_db, pool_id) == Balances(120_000, 120_000, 0, 0)
    with shared_db.sessions() as session:
        reserves = select(func.count()).where(Entry.pool_id == pool_id, Entry.kind == "reserve")
        assert session.scalar(reserves) == 0


def test_slow_path_consolidates_shards_so_nothing_is_stranded(
    shared_db: Database, make_pool: PoolFactory
) -> None:
    pool_id = make_pool(shards=3, allocate=300_000)  # 100,000 per shard
    with shared_db.unit_of_work() as session:
        used = service.reserve(session, pool_id=pool_id, amount_fen=250_000, ref="claim:lift")
    with shared_db.sessions() as session:
        shard = session.get_one(Shard, used)
        assert (shard.available, shard.reserved) == (0, 250_000)
        merges = select(func.count()).where(Entry.pool_id == pool_id, Entry.kind == "consolidate")
        assert session.scalar(merges) == 4
    assert balances(shared_db, pool_id) == Balances(300_000, 50_000, 250_000, 0)
    assert sorted(shard_available(shared_db, pool_id)) == [0, 0, 50_000]
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=50_000, ref="claim:last")
    assert balances(shared_db, pool_id) == Balances(300_000, 0, 300_000, 0)
    assert problems(shared_db) == []


def test_rebalance_evens_available(shared_db: Database, make_pool: PoolFactory) -> None:
    pool_id = make_pool(shards=3, allocate=300_000)
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=250_000, ref="claim:lift")
        service.allocate(session, SYSTEM, pool_id=pool_id, amount_fen=10, ref="budget:2")
    before = sorted(shard_available(shared_db, pool_id))
    assert before == [3, 4, 50_003]
    with shared_db.unit_of_work() as session:
        moved = service.rebalance(session, pool_id)
    assert moved == 50_003 - 16_670
    assert shard_available(shared_db, pool_id) == [16_670, 16_670, 16_670]
    assert balances(shared_db, pool_id) == Balances(300_010, 50_010, 250_000, 0)
    assert problems(shared_db) == []


def test_settling_more_than_held_is_refused(shared_db: Database, make_pool: PoolFactory) -> None:
    pool_id = make_pool(shards=2, allocate=100_000)
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=30_000, ref="claim:1")
    with pytest.raises(InsufficientBalance) as caught, shared_db.unit_of_work() as session:
        service.commit(session, pool_id=pool_id, amount_fen=30_001, ref="claim:1")
    assert (
        caught.value.message
        == "预算池「家电以旧换新县级资金」预留金额不足：预留300.00元，需要确认支出300.01元"
    )
    with pytest.raises(InsufficientBalance), shared_db.unit_of_work() as session:
        service.claw_back(session, pool_id=pool_id, amount_fen=1, ref="claim:1")
    assert balances(shared_db, pool_id) == Balances(100_000, 70_000, 30_000, 0)


def test_split_settlement_across_shards(shared_db: Database, make_pool: PoolFactory) -> None:
    pool_id = make_pool(shards=2, allocate=100_000)
    with shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=40_000, ref="claim:a")
        service.reserve(session, pool_id=pool_id, amount_fen=40_000, ref="claim:b")
        service.commit(session, pool_id=pool_id, amount_fen=80_000, ref="batch:1")
    assert balances(shared_db, pool_id) == Balances(100_000, 20_000, 0, 80_000)
    assert problems(shared_db) == []


@pytest.mark.parametrize("amount", [0, -5, True, 1.5])
def test_bad_amounts_are_invalid_input(
    shared_db: Database, make_pool: PoolFactory, amount: object
) -> None:
    pool_id = make_pool(allocate=100)
    with pytest.raises(InvalidInput) as caught, shared_db.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=amount, ref="x")  # type: ignore[arg-type]
    assert caught.value.field == "amount_fen"


def test_duplicate_pool_is_a_conflict(shared_db: Database, make_pool: PoolFactory) -> None:
    with shared_db.unit_of_work() as session:
        service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="city",
            jurisdiction_code="140500",
            period_year=2099,
            name="市级",
            shards=2,
        )
    with pytest.raises(PoolExists), shared_db.unit_of_work() as session:
        service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="city",
            jurisdiction_code="140500",
            period_year=2099,
            name="市级",
        )
    with shared_db.sessions() as session:
        found = service.find_pool(
            session,
            programme_id=TEST_PROGRAMME,
            layer="city",
            jurisdiction_code="140500",
            period_year=2099,
        )
        assert found is not None and found.shard_count == 2


def test_burn_rate_and_forecast(shared_db: Database, make_pool: PoolFactory) -> None:
    pool_id = make_pool(shards=2, allocate=1_000_000)
    with shared_db.unit_of_work() as session:
        for i in range(3):
            service.reserve(session, pool_id=pool_id, amount_fen=100_000, ref=f"c:{i}")
            service.commit(session, pool_id=pool_id, amount_fen=100_000, ref=f"c:{i}")
    today = today_cn()
    with shared_db.unit_of_work() as session:  # move the first spending 10 days back
        ten_days_ago = datetime.now(UTC) - timedelta(days=10)
        mine = Entry.pool_id == pool_id
        session.execute(update(Entry).where(mine, Entry.ref == "c:0").values(at=ten_days_ago))
        twenty_days_ago = datetime.now(UTC) - timedelta(days=20)
        session.execute(
            update(Entry).where(mine, Entry.kind == "allocate").values(at=twenty_days_ago)
        )
    with shared_db.sessions() as session:
        rate = service.burn(session, pool_id, days=30, today=today)
        short = service.burn(session, pool_id, days=5, today=today)
    assert (rate.spent_fen, rate.per_day_fen, rate.available_fen) == (300_000, 10_000, 700_000)
    assert rate.exhaustion_date == today + timedelta(days=70)
    assert rate.series[-1] == (today, 700_000)
    assert rate.series[-11] == (today - timedelta(days=10), 900_000)
    assert rate.series[-21] == (today - timedelta(days=20), 1_000_000)
    assert rate.series[0] == (today - timedelta(days=29), 0)
    assert len(rate.series) == 30
    assert (short.spent_fen, short.per_day_fen) == (200_000, 40_000)
    assert short.exhaustion_date == today + timedelta(days=18)  # ceil(700000 / 40000)
    idle_pool = make_pool(allocate=5)
    with shared_db.sessions() as session:
        idle = service.burn(session, idle_pool, today=today)
    assert (idle.per_day_fen, idle.exhaustion_date) == (0, None)
