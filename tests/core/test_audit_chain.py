"""The audit trail is hash-chained: any direct edit, deletion or reordering is found."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from builders import create_places
from huanxin.cli import app
from huanxin.core import audit
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry
from huanxin.db import Database


def _fill(db: Database, n: int = 6) -> list[int]:
    for i in range(n):
        with db.unit_of_work() as session:
            audit.record(
                session, SYSTEM, "test.event", object_type="thing", object_id=i, after={"i": i}
            )
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _verify_cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    from huanxin import config

    monkeypatch.setenv("HUANXIN_DATABASE_URL", db.url)
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["audit", "verify"])
    finally:
        config.get_settings.cache_clear()
    return result.exit_code, result.output


def test_intact_chain_verifies(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with database.unit_of_work() as session:
        create_places(session)
    _fill(database)
    code, out = _verify_cli(database, monkeypatch)
    assert code == 0, out
    assert "intact" in out


def test_edit_is_found(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET action = 'forged' WHERE id = :id"), {"id": ids[2]}
        )
    code, out = _verify_cli(database, monkeypatch)
    assert code == 1
    assert f"entry {ids[2]}" in out


def test_deletion_is_found(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": ids[3]})
    code, out = _verify_cli(database, monkeypatch)
    assert code == 1
    assert f"entry {ids[4]}" in out  # the entry after the gap names it


def test_reordering_is_found(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET seq = -1 WHERE id = :id"), {"id": ids[1]})
        conn.execute(text("UPDATE audit_entries SET seq = 2 WHERE id = :id"), {"id": ids[2]})
        conn.execute(text("UPDATE audit_entries SET seq = 3 WHERE id = :id"), {"id": ids[1]})
    code, out = _verify_cli(database, monkeypatch)
    assert code == 1
    assert f"entry {ids[2]}" in out


def test_rolled_back_mutation_leaves_no_entry(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        audit.record(session, SYSTEM, "test.event", object_type="thing", object_id=1)
        raise RuntimeError("boom")
    with database.sessions() as session:
        assert session.scalar(select(AuditEntry.id)) is None


def test_digest_is_order_independent() -> None:
    assert audit.digest({"a": 1, "b": 2}) == audit.digest({"b": 2, "a": 1})
    assert audit.digest({"a": 1}) != audit.digest({"a": 2})
