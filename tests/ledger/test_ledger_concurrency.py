"""2,000 concurrent reservations against a pool that fits exactly 500.

Each attempt is its own session and transaction on a 32-thread pool. The real path (one
conditional UPDATE per shard, a locked consolidation when no shard suffices) lets exactly
500 through and empties the pool. A deliberately naive read-then-write reservation, run the
same way on PostgreSQL, over-reserves: that is the overspend the real path prevents.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from huanxin.db import Database
from huanxin.ledger import service
from huanxin.ledger.errors import BudgetExhausted
from huanxin.ledger.models import Entry, Shard
from huanxin.ledger.service import Balances

from .conftest import PoolFactory, new_pool, with_places

AMOUNT = 1_999  # fen; 7 shards of 142,785–142,786 fen each strand a remainder
FITS = 500
ATTEMPTS = 2_000
WORKERS = 32

Reserve = Callable[[Session, int, str], None]


def _real(session: Session, pool_id: int, ref: str) -> None:
    service.reserve(session, pool_id=pool_id, amount_fen=AMOUNT, ref=ref)


def _naive(session: Session, pool_id: int, ref: str) -> None:
    """Read the balance, decide in Python, write the computed value back: wrong."""
    shard_id, available, reserved = session.execute(
        select(Shard.id, Shard.available, Shard.reserved).where(Shard.pool_id == pool_id)
    ).one()
    if available < AMOUNT:
        raise BudgetExhausted("naive", available_fen=available, needed_fen=AMOUNT)
    time.sleep(0.001)  # the time a real service spends between its read and its write
    session.execute(
        text("UPDATE ledger_shards SET available = :a, reserved = :r WHERE id = :id"),
        {"a": available - AMOUNT, "r": reserved + AMOUNT, "id": shard_id},
    )


def _storm(db: Database, pool_id: int, reserve: Reserve) -> int:
    def attempt(i: int) -> bool:
        try:
            with db.unit_of_work() as session:
                reserve(session, pool_id, f"claim:{i}")
        except BudgetExhausted:
            return False
        return True

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return sum(pool.map(attempt, range(ATTEMPTS)))


def test_exactly_500_of_2000_concurrent_reservations(
    database: Database, fresh_pool: PoolFactory
) -> None:
    pool_id = fresh_pool(shards=7, allocate=AMOUNT * FITS)
    succeeded = _storm(database, pool_id, _real)
    assert succeeded == FITS
    with database.sessions() as session:
        assert service.pool_balances(session, pool_id) == Balances(
            AMOUNT * FITS, 0, AMOUNT * FITS, 0
        )
        assert service.check(session) == []
        # 7 shards of 71.4 reservations each: the last 500th needs money from several shards
        consolidations = session.scalar(select(func.count()).where(Entry.kind == "consolidate"))
        assert consolidations is not None and consolidations > 0


@pytest.mark.postgres
def test_naive_read_then_write_overspends_on_postgres(pg_db: Database) -> None:
    pool_id = new_pool(with_places(pg_db), shards=1, allocate=AMOUNT * FITS)
    succeeded = _storm(pg_db, pool_id, _naive)
    with pg_db.sessions() as session:
        after = service.pool_balances(session, pool_id)
    # Lost updates: more reservations "succeeded" than the money covers, yet the row says
    # only part of the budget is reserved.
    print(
        f"naive: {succeeded} of {ATTEMPTS} 'succeeded', row says {after.reserved // AMOUNT} reserved"
    )
    assert succeeded > FITS
    assert succeeded * AMOUNT > after.reserved
