"""Ledger test helpers: places, pool factories, and a database shared by a whole module.

Most ledger tests create their own pool and assert on it alone, so they share one cleaned
database per module (``shared_db``, on SQLite and PostgreSQL) instead of emptying every
table before each test; tests that tamper with the ledger or count across pools use the
per-test ``database`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count

import pytest
from sqlalchemy import inspect, text

from huanxin import demo
from huanxin.core import jurisdictions
from huanxin.core.audit import SYSTEM
from huanxin.db import Base, Database
from huanxin.ledger import service

PoolFactory = Callable[..., int]
_numbers = count(1)


def with_places(db: Database) -> Database:
    with db.unit_of_work() as session:
        for code, name, level, parent in demo.PLACES:
            jurisdictions.ensure(
                session, SYSTEM, code=code, name=name, level=level, parent_code=parent
            )
    return db


def new_pool(db: Database, *, shards: int = 1, allocate: int = 0, code: str = "140521") -> int:
    """A county pool named 家电以旧换新县级资金, optionally funded; returns its id."""
    with db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=f"prog-{next(_numbers)}",
            layer="county",
            jurisdiction_code=code,
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
