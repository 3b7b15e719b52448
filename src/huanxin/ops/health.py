"""Liveness and readiness.

``/healthz``: the process answers. ``/readyz``: the database answers and its schema is at
every migration head; a load balancer or systemd watchdog sends traffic only when it is 200.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy import text

from huanxin.db import Database
from huanxin.migrate import alembic_config


@dataclass(frozen=True)
class Readiness:
    ok: bool
    database: str
    migrations: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "database": self.database, "migrations": self.migrations}


def expected_heads(url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def readiness(db: Database) -> Readiness:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            applied = {
                row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))
            }
    except Exception as exc:  # any driver error means "not ready", with its class named
        return Readiness(False, f"unreachable: {exc.__class__.__name__}", "unknown")
    missing = expected_heads(db.url) - applied
    if missing:
        return Readiness(False, "ok", "pending: " + ",".join(sorted(missing)))
    return Readiness(True, "ok", "at head")
