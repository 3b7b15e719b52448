"""Hypothesis stateful test: the ledger against a plain model, reversals included.

Every rule runs in its own committed transaction; after every step the pool's balances
must equal the model's and ``check()`` must find nothing wrong.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.ledger import service
from huanxin.ledger.errors import BudgetExhausted, InsufficientBalance
from huanxin.ledger.service import Balances

from .conftest import TEST_PROGRAMME, next_year, with_places

AMOUNTS = st.integers(min_value=1, max_value=80_000)
SETTINGS = settings(
    max_examples=10,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.pool_id = 0
        self.allocated = self.available = self.reserved = self.spent = 0
        self.reservations: dict[str, tuple[int, int]] = {}  # ref -> (amount, shard)
        self.counter = 0

    def _ref(self) -> str:
        self.counter += 1
        return f"claim:{self.counter}"

    @initialize(shards=st.integers(min_value=1, max_value=4))
    def open_pool(self, shards: int) -> None:
        with self.db.unit_of_work() as session:
            pool = service.create_pool(
                session,
                SYSTEM,
                programme_id=TEST_PROGRAMME,
                layer="county",
                jurisdiction_code="140521",
                period_year=next_year(),
                name="状态机预算池",
                shards=shards,
            )
            self.pool_id = pool.id

    @rule(amount=AMOUNTS)
    def allocate(self, amount: int) -> None:
        with self.db.unit_of_work() as session:
            service.allocate(session, SYSTEM, pool_id=self.pool_id, amount_fen=amount, ref="budget")
        self.allocated += amount
        self.available += amount

    @rule(amount=AMOUNTS)
    def reserve(self, amount: int) -> None:
        ref = self._ref()
        if amount > self.available:
            with pytest.raises(BudgetExhausted), self.db.unit_of_work() as session:
                service.reserve(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
            return
        with self.db.unit_of_work() as session:
            shard = service.reserve(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
        self.reservations[ref] = (amount, shard)
        self.available -= amount
        self.reserved += amount

    def _pick(self, data: st.DataObject) -> tuple[str, int, int | None]:
        ref = data.draw(st.sampled_from(sorted(self.reservations)))
        amount, shard = self.reservations.pop(ref)
        return ref, amount, shard if data.draw(st.booleans()) else None

    @precondition(lambda self: self.reservations)
    @rule(data=st.data())
    def commit(self, data: st.DataObject) -> None:
        ref, amount, shard = self._pick(data)
        with self.db.unit_of_work() as session:
            service.commit(
                session, pool_id=self.pool_id, amount_fen=amount, ref=ref, shard_id=shard
            )
        self.reserved -= amount
        self.spent += amount

    @precondition(lambda self: self.reservations)
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        ref, amount, shard = self._pick(data)
        with self.db.unit_of_work() as session:
            service.release(
                session, pool_id=self.pool_id, amount_fen=amount, ref=ref, shard_id=shard
            )
        self.reserved -= amount
        self.available += amount

    @rule(data=st.data())
    def claw_back(self, data: st.DataObject) -> None:
        amount = data.draw(st.integers(min_value=1, max_value=self.spent + 10_000))
        ref = f"return:{self._ref()}"
        if amount > self.spent:
            with pytest.raises(InsufficientBalance), self.db.unit_of_work() as session:
                service.claw_back(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
            return
        with self.db.unit_of_work() as session:
            service.claw_back(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
        self.spent -= amount
        self.available += amount

    @rule()
    def rebalance(self) -> None:
        with self.db.unit_of_work() as session:
            service.rebalance(session, self.pool_id)

    @invariant()
    def balances_match_model_and_journal(self) -> None:
        if not self.pool_id:
            return
        with self.db.sessions() as session:
            got = service.pool_balances(session, self.pool_id)
            problems = service.check(session)
        assert got == Balances(self.allocated, self.available, self.reserved, self.spent)
        assert got.allocated == got.available + got.reserved + got.spent
        assert problems == []


def test_ledger_matches_model(database: Database) -> None:
    with_places(database)
    run_state_machine_as_test(
        lambda: LedgerMachine(database),
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
