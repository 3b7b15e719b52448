"""Alembic environment: the URL comes from the caller's config or HUANXIN_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

import huanxin.models  # noqa: F401  (registers every table)
from huanxin.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or os.environ.get("HUANXIN_DATABASE_URL", "sqlite:///var/huanxin.db")


def run_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite's documented way to rebuild a table other tables refer to (batch mode): turn
    foreign keys off outside the transaction, then prove none dangles before turning them on."""
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    if on:
        dangling = raw.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise RuntimeError(f"migration left dangling foreign keys: {dangling[:5]}")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        _sqlite_foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        _sqlite_foreign_keys(connection, on=True)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
