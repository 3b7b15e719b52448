"""Concurrency: 2,000 simultaneous point-of-sale redemptions against a central pool that
holds exactly 500 subsidies — exactly 500 succeed, nothing is overspent, the ledger proves
it — and the naive read-then-write the ledger avoids, which overspends under the same race."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from huanxin.claims import sales_world
from huanxin.claims.models import Claim, ClaimPart, Quota
from huanxin.claims.service import redeem
from huanxin.core import auth
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.ledger import service as ledger
from huanxin.ledger.errors import BudgetExhausted, SalesPaused

SUBSIDY = 119_980  # 5,999.00 yuan × (15% + 5% for grade 1)
CENTRAL = 107_982  # 90% of it from the central layer, 10% (11,998) from the province
FITS = 500
ATTEMPTS = 2_000
THREADS = 16


def _world(
    db: Database, *, central_fen: int, shards: int
) -> tuple[Actor, list[tuple[str, str]], dict[str, int]]:
    """Places, programmes, a merchant, ``ATTEMPTS`` quotas; a central pool holding
    ``central_fen`` over ``shards`` escrow shards and an ample provincial pool."""
    with db.unit_of_work() as session:
        sales_world.load_world(session)
        pools = {}
        for layer, amount in (("central", central_fen), ("province", 10**12)):
            pool = ledger.create_pool(
                session,
                SYSTEM,
                programme_id=sales_world.PROGRAMME,
                layer=layer,
                jurisdiction_code="140000",
                period_year=sales_world.PURCHASE.year,
                name=f"并发{layer}",
                shards=shards,
            )
            # about the ledger's own limit: sales must not pause before the money is gone
            pool.pause_below_fen = 1
            ledger.allocate(session, SYSTEM, pool_id=pool.id, amount_fen=amount, ref="budget")
            pools[layer] = pool.id
        quotas = sales_world.add_consumers(session, [sales_world.HOT_PLACE], ATTEMPTS)
        user = session.scalars(select(User).where(User.username == "bench.merchant")).one()
        merchant = auth.actor_for(session, user, via="token")
    return merchant, quotas, pools


def _sale(n: int, code: str, category: str) -> redeem.Sale:
    return redeem.Sale(
        category=category,
        product_model=f"BENCH-{category}",
        device_serial=f"CONC{n:06d}",
        price_fen=sales_world.PRICE_FEN,
        purchase_date=sales_world.PURCHASE,
        invoice_no=sales_world.invoice(n),
        quota_code=code,
        grade=1,
    )


@pytest.mark.slow
def test_2000_concurrent_redemptions_exactly_500_succeed(database: Database) -> None:
    # three shards split 500 subsidies unevenly (166⅔ each), so the last ones need the
    # consolidating slow path: no money may be stranded and none overspent
    merchant, quotas, pools = _world(database, central_fen=FITS * CENTRAL, shards=3)

    def attempt(n: int) -> str:
        code, category = quotas[n]
        try:
            with database.unit_of_work() as session:
                redeem.redeem(session, merchant, _sale(n, code, category))
        except (BudgetExhausted, SalesPaused):  # once the money is gone, sales pause
            return "refused"
        return "redeemed"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(attempt, range(ATTEMPTS)))

    assert outcomes == {"redeemed": FITS, "refused": ATTEMPTS - FITS}
    with database.sessions() as session:
        central = ledger.pool_balances(session, pools["central"])
        assert (central.available, central.reserved, central.spent) == (0, FITS * CENTRAL, 0)
        province = ledger.pool_balances(session, pools["province"])
        assert province.reserved == FITS * (SUBSIDY - CENTRAL)
        assert ledger.check(session) == []
        claims = session.execute(select(func.count(), func.sum(Claim.subsidy_fen))).one()
        assert tuple(claims) == (FITS, FITS * SUBSIDY)
        assert session.scalar(select(func.count()).select_from(ClaimPart)) == 2 * FITS
        states = dict(
            session.execute(select(Quota.state, func.count()).group_by(Quota.state)).all()
        )
        assert states == {"locked": FITS, "issued": ATTEMPTS - FITS}  # refused ones untouched


@pytest.fixture
def scratch_table(database: Database) -> Iterator[str]:
    """A plain balance table without the ledger's guards (created and dropped here)."""
    name = f"naive_pool_{uuid.uuid4().hex[:8]}"
    with database.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, available BIGINT)"))
    yield name
    with database.engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {name}"))


RACERS = 40
ROOM = 10  # the pool holds ten subsidies


def test_naive_read_then_write_overspends_where_the_ledger_does_not(
    database: Database, scratch_table: str
) -> None:
    with database.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {scratch_table} VALUES (1, {ROOM * CENTRAL})"))
    barrier = threading.Barrier(RACERS)

    def naive(_: int) -> bool:
        """Read the balance, decide in Python, then write: the check is stale by then."""
        with database.engine.begin() as conn:
            available = conn.execute(text(f"SELECT available FROM {scratch_table}")).scalar_one()
        barrier.wait()  # every racer has read before anyone writes: the race, made certain
        if available < CENTRAL:
            return False
        with database.engine.begin() as conn:
            conn.execute(text(f"UPDATE {scratch_table} SET available = available - {CENTRAL}"))
        return True

    with ThreadPoolExecutor(RACERS) as pool:
        naive_ok = sum(pool.map(naive, range(RACERS)))
    with database.engine.begin() as conn:
        left = conn.execute(text(f"SELECT available FROM {scratch_table}")).scalar_one()
    assert naive_ok == RACERS
    assert left == (ROOM - RACERS) * CENTRAL  # overspent by thirty subsidies

    with database.unit_of_work() as session:
        sales_world.load_world(session)
        pool_row = ledger.create_pool(
            session,
            SYSTEM,
            programme_id=sales_world.PROGRAMME,
            layer="central",
            jurisdiction_code="140000",
            period_year=sales_world.PURCHASE.year,
            name="竞争",
            shards=4,
        )
        ledger.allocate(session, SYSTEM, pool_id=pool_row.id, amount_fen=ROOM * CENTRAL, ref="b")
    barrier = threading.Barrier(RACERS)

    def guarded(n: int) -> bool:
        barrier.wait()
        try:
            with database.unit_of_work() as session:
                ledger.reserve(session, pool_id=pool_row.id, amount_fen=CENTRAL, ref=f"r{n}")
        except BudgetExhausted:
            return False
        return True

    with ThreadPoolExecutor(RACERS) as pool:
        guarded_ok = sum(pool.map(guarded, range(RACERS)))
    assert guarded_ok == ROOM
    with database.sessions() as session:
        balances = ledger.pool_balances(session, pool_row.id)
        assert (balances.available, balances.reserved) == (0, ROOM * CENTRAL)
        assert ledger.check(session) == []
