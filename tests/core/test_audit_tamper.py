"""Tamper evidence against someone who can write to the database.

A writer without the audit key who edits an entry and recomputes every later hash and the
chain head, swaps two rows' ids, or truncates a chain is found by the MACs. A writer who
also holds the MAC key is found by the newest signed checkpoint. Rotated keys keep
verifying what they sealed; entries of a rolled-back savepoint never reach the chain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from huanxin.cli import app
from huanxin.core import anchors, audit, auditkeys
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry, AuditHead
from huanxin.db import Database


@pytest.fixture
def anchor_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "anchors.jsonl"
    monkeypatch.setenv("HUANXIN_AUDIT_ANCHOR_FILE", str(path))
    monkeypatch.setenv("HUANXIN_AUDIT_KEY_FILE", str(tmp_path / "audit.keys"))
    return path


def _fill(db: Database, n: int = 6) -> list[int]:
    """``n`` entries, one per transaction, all on chain 0 (one writer at a time)."""
    for i in range(n):
        with db.unit_of_work() as session:
            audit.record(
                session, SYSTEM, "test.event", object_type="thing", object_id=i, after={"i": i}
            )
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _rehash(db: Database, chain: int, *, keys: auditkeys.KeyRing | None = None) -> None:
    """Recompute every hash of ``chain`` and its head, as a forger would; with ``keys``
    (someone who also stole the MAC key) the MACs too."""
    with db.unit_of_work() as session:
        prev = audit.GENESIS
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
        )
        for entry in rows:
            entry.prev_hash = prev
            entry.hash = prev = audit.entry_hash(entry)
            if keys is not None:
                entry.mac = audit.entry_mac(keys, keys.mac_id, entry)
        head = session.get(AuditHead, chain)
        assert head is not None
        last = session.scalars(
            select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq.desc())
        ).first()
        head.seq, head.hash = (last.seq, last.hash) if last else (0, audit.GENESIS)
        if keys is not None:
            head.mac = audit.head_mac(keys, keys.mac_id, chain, head.seq, head.hash)


def _verify(db: Database) -> audit.VerifyResult:
    with db.sessions() as session:
        return anchors.verify_trail(session)


def test_edit_with_recomputed_hashes_and_head_is_found(database: Database) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET action = 'forged' WHERE id = :id"), {"id": ids[2]}
        )
    _rehash(database, 0)
    result = _verify(database)
    assert (result.code, result.first_bad_id) == ("mac_mismatch", ids[2])
    assert "校验码" in result.reason


def test_swapped_row_ids_are_found(database: Database) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        for old, new in ((ids[1], -1), (ids[3], ids[1]), (-1, ids[3])):
            conn.execute(
                text("UPDATE audit_entries SET id = :new WHERE id = :old"), {"new": new, "old": old}
            )
    result = _verify(database)
    assert result.code == "mac_mismatch"
    assert result.first_bad_id in {ids[1], ids[3]}  # the first of the pair in chain order


def test_truncated_tail_is_found_by_the_head_mac(database: Database) -> None:
    ids = _fill(database)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id >= :id"), {"id": ids[4]})
    _rehash(database, 0)  # the head now names the new last entry, without a valid MAC
    result = _verify(database)
    assert (result.code, result.chain, result.seq) == ("head_mac", 0, 4)


def test_key_holder_truncating_or_rehashing_is_found_by_the_checkpoint(
    database: Database, anchor_path: Path
) -> None:
    ids = _fill(database)
    with database.sessions() as session:
        checkpoint = anchors.anchor(session)
    assert json.loads(anchor_path.read_text().splitlines()[-1]) == checkpoint
    assert _verify(database).ok
    _fill(database, 2)  # entries after the checkpoint are fine
    assert _verify(database).ok

    keys = auditkeys.ring()
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id >= :id"), {"id": ids[3]})
    _rehash(database, 0, keys=keys)  # every MAC and the head are valid again
    with database.sessions() as session:
        assert audit.verify(session).ok  # without the checkpoint it would pass
    result = _verify(database)
    assert (result.code, result.chain, result.seq) == ("checkpoint_truncated", 0, 6)
    assert "截断" in result.reason


def test_key_holder_rewriting_history_is_found_by_the_checkpoint(
    database: Database, anchor_path: Path
) -> None:
    ids = _fill(database)
    with database.sessions() as session:
        anchors.anchor(session)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET action = 'forged' WHERE id = :id"), {"id": ids[1]}
        )
    _rehash(database, 0, keys=auditkeys.ring())
    result = _verify(database)
    assert (result.code, result.first_bad_id) == ("checkpoint_rewritten", ids[5])


def test_altered_checkpoint_fails_its_signature(database: Database, anchor_path: Path) -> None:
    _fill(database)
    with database.sessions() as session:
        checkpoint = anchors.anchor(session)
    checkpoint["heads"][0]["seq"] = 2
    anchor_path.write_text(json.dumps(checkpoint) + "\n")
    assert _verify(database).code == "checkpoint_signature"


def test_cli_anchor_rotate_public_key_and_verify(
    database: Database, anchor_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huanxin import config

    monkeypatch.setenv("HUANXIN_DATABASE_URL", database.url)
    config.get_settings.cache_clear()
    runner = CliRunner()
    try:
        _fill(database, 3)
        anchored = runner.invoke(app, ["audit", "anchor"])
        assert anchored.exit_code == 0, anchored.output
        line = json.loads(anchored.output)
        assert line == json.loads(anchor_path.read_text().splitlines()[-1])
        assert [h["seq"] for h in line["heads"] if h["chain"] == 0] == [3]

        rotated = runner.invoke(app, ["audit", "rotate-key"])
        assert rotated.exit_code == 0 and "m1" in rotated.output
        _fill(database, 2)  # sealed with the new key
        with database.sessions() as session:
            used = set(session.scalars(select(AuditEntry.mac_key)))
        assert used == {"m0", "m1"}
        ok = runner.invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0 and "intact: 5 entries" in ok.output, ok.output

        keys = json.loads(runner.invoke(app, ["audit", "public-key"]).output)
        assert keys == [{"key_id": "s0", "public_key": line["public_key"]}]
        other = runner.invoke(app, ["audit", "verify", "--public-key", "A" * 43 + "="])
        assert other.exit_code == 1 and "检查点签名无效" in other.output

        Path(auditkeys.key_file()).unlink()  # the rotated key is lost
        lost = runner.invoke(app, ["audit", "verify"])
        assert lost.exit_code == 1 and "密钥编号未知" in lost.output
    finally:
        config.get_settings.cache_clear()


def test_savepoint_rollback_drops_its_entries_and_release_seals_nothing(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        audit.record(session, SYSTEM, "outer.before", object_type="t", object_id=1)
        with pytest.raises(RuntimeError), session.begin_nested():
            audit.record(session, SYSTEM, "inner.failed", object_type="t", object_id=2)
            raise RuntimeError("the mutation failed")
        with session.begin_nested():
            audit.record(session, SYSTEM, "inner.kept", object_type="t", object_id=3)
        assert session.scalar(select(AuditEntry.id)) is None  # nothing sealed yet
        audit.record(session, SYSTEM, "outer.after", object_type="t", object_id=4)
    with database.sessions() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.seq).order_by(AuditEntry.seq)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("outer.before", 1),
            ("inner.kept", 2),
            ("outer.after", 3),
        ]
        assert audit.verify(session).ok


def test_closed_session_leaves_no_entry_for_its_next_transaction(database: Database) -> None:
    session = database.sessions()
    session.scalar(select(AuditEntry.id))  # the transaction has begun
    audit.record(session, SYSTEM, "never.committed", object_type="t", object_id=1)
    session.close()  # ends the transaction without commit or rollback events
    audit.record(session, SYSTEM, "committed", object_type="t", object_id=2)
    session.commit()
    session.close()
    with database.sessions() as check:
        assert list(check.scalars(select(AuditEntry.action))) == ["committed"]
