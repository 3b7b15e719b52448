"""Shared fixtures: both databases, a migrated schema per run, a clean database per test.

PostgreSQL tests use HUANXIN_TEST_DATABASE_URL (default: the local server's ``test``
database); each run creates its own database there and drops it at the end. Without a
server they skip with the reason printed, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HUANXIN_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("HUANXIN_ARGON2_PROFILE", "test")
os.environ["HUANXIN_COOKIE_SECURE"] = "false"
# audit keys and checkpoints of this run, never the developer's var/ files
os.environ.setdefault("HUANXIN_TEST_AUDIT_DIR", tempfile.mkdtemp(prefix="huanxin-audit-"))
os.environ.setdefault(
    "HUANXIN_AUDIT_KEY_FILE", str(Path(os.environ["HUANXIN_TEST_AUDIT_DIR"]) / "audit.keys")
)
os.environ.setdefault(
    "HUANXIN_AUDIT_ANCHOR_FILE", str(Path(os.environ["HUANXIN_TEST_AUDIT_DIR"]) / "anchors.jsonl")
)

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from huanxin.claims.service import releases
from huanxin.config import Settings
from huanxin.db import Base, Database
from huanxin.domains import wire_ports
from huanxin.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

wire_ports()  # the domains' ports, as the app and the CLI wire them at start-up


def need_shared() -> Path:
    """The shared reference folder; skip (fail under CI) when it is absent."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"shared folder missing at {SHARED}")
        pytest.skip(f"shared folder missing at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared reference folder beside the repository (``need_shared``)."""
    return need_shared()


def _pg_admin_url() -> str:
    return os.environ.get("HUANXIN_TEST_DATABASE_URL", PG_DEFAULT)


def _pg_available() -> str | None:
    try:
        engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {_pg_admin_url()}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    reason = _pg_available()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    name = f"huanxin_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'huanxin.db'}"
    upgrade(url)
    return url


def _truncate(db: Database) -> None:
    """Empty every table that has rows (checking first is much cheaper than truncating all)."""
    existing = set(inspect(db.engine).get_table_names())
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with db.engine.begin() as conn:
        probe = " UNION ALL ".join(
            f"SELECT '{n}' FROM (SELECT 1 FROM {n} LIMIT 1) AS x{i}" for i, n in enumerate(tables)
        )
        full = {row[0] for row in conn.execute(text(probe))}
        dirty = [n for n in tables if n in full]
        if not dirty:
            return
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(dirty)} RESTART IDENTITY CASCADE"))
        else:
            for name in dirty:
                conn.execute(text(f"DELETE FROM {name}"))


_DATABASES: dict[str, Database] = {}


def _database(url: str) -> Database:
    if url not in _DATABASES:
        _DATABASES[url] = Database(url)
    db = _DATABASES[url]
    _truncate(db)
    releases.forget_sold_out()  # this process's memory of rounds whose ids start again
    return db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Database:
    """A clean, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    url = request.getfixturevalue("pg_url" if request.param == "postgres" else "sqlite_url")
    return _database(url)


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Database:
    return _database(sqlite_url)


@pytest.fixture
def pg_db(pg_url: str) -> Database:
    return _database(pg_url)


def test_settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key=os.environ["HUANXIN_SECRET_KEY"],
        cookie_secure=False,
        migrate_on_start=False,
    )
