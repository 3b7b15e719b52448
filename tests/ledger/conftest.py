"""Ledger test helpers: places, pool factories, and a database shared by a whole module.

Most ledger tests create their own pool and assert on it alone, so they share one cleaned
database per module (``shared_db``, on SQLite and PostgreSQL) instead of emptying every
table before each test; tests that tamper with the ledger or count across pools use the
per-test ``database`` fixture.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from huanxin import demo
from huanxin.core import jurisdictions
from huanxin.core.audit import SYSTEM
from huanxin.db import Base, Database
from huanxin.ledger import service
from huanxin.policy import service as policies

PoolFactory = Callable[..., int]
_numbers = count(1)


# A national test programme in force every year from 2000: ledger tests open many pools
# (one per programme, layer, place and budget year) without depending on shipped programmes.
TEST_PROGRAMME = "test.budget"
_PROGRAMME_YAML = """
id: test.budget
version: 1
title: 测试预算政策
published: 2000-01-01
sources: [{document: 测试用政策, confidence: low}]
jurisdiction: {code: "100000", level: national, name: 全国}
effective: {start: 2000-01-01}
payment_mode: point_of_sale
categories: [{code: refrigerator, name: 电冰箱}]
amount: [{label: 按售价10%补贴, rate_bp: 1000, cap_fen: 100000}]
funding: {default: {central: 5000, province: 2000, city: 1500, county: 1500}}
"""


def with_places(db: Database) -> Database:
    """Places of the demo, the shipped programmes and the test programme."""
    with db.unit_of_work() as session:
        for code, name, level, parent in demo.PLACES:
            jurisdictions.ensure(
                session, SYSTEM, code=code, name=name, level=level, parent_code=parent
            )
        policies.sync_dir(session, SYSTEM)
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "test-budget.yaml").write_text(_PROGRAMME_YAML, encoding="utf-8")
            policies.sync_dir(session, SYSTEM, Path(folder))
    return db


def next_year() -> int:
    """A budget year no other pool of this run has used (the test programme is in force)."""
    return 2000 + next(_numbers) % 100


def new_pool(db: Database, *, shards: int = 1, allocate: int = 0, code: str = "140521") -> int:
    """A county pool of the test programme named 家电以旧换新县级资金, in a budget year of its
    own, optionally funded; returns its id."""
    with db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="county",
            jurisdiction_code=code,
            period_year=next_year(),
            name="家电以旧换新县级资金",
            shards=shards,
        )
        if allocate:
            service.allocate(
                session, SYSTEM, pool_id=pool.id, amount_fen=allocate, ref="budget:initial"
            )
        return pool.id


def _empty(db: Database) -> None:
    existing = set(inspect(db.engine).get_table_names())
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """One cleaned database with places for the whole module, on each backend."""
    db = Database(
        request.getfixturevalue("pg_url" if request.param == "postgres" else "sqlite_url")
    )
    _empty(db)
    yield with_places(db)
    db.dispose()


@pytest.fixture
def make_pool(shared_db: Database) -> PoolFactory:
    """``make_pool(shards=3, allocate=100_000) -> pool id`` in the module's shared database."""

    def factory(**kwargs: int | str) -> int:
        return new_pool(shared_db, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def fresh_pool(database: Database) -> PoolFactory:
    """Like ``make_pool`` in the per-test, emptied ``database``."""
    with_places(database)

    def factory(**kwargs: int | str) -> int:
        return new_pool(database, **kwargs)  # type: ignore[arg-type]

    return factory
