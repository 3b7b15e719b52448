"""Backup and restore drill on both databases: what is restored passes audit verify and
ledger check, every stored file opens, and bad archives or targets are refused."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

import builders
import tradein
from huanxin.claims.models import Claim, Evidence
from huanxin.core.clock import utcnow
from huanxin.db import Database
from huanxin.migrate import upgrade
from huanxin.ops import backup
from huanxin.ops.checks import integrity, snapshot

pytestmark = pytest.mark.xdist_group("ops_backup")


def _pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def _world(db: Database) -> int:
    """Programmes, pools, one redemption and a PDF stored with it; the claim's id."""
    tradein.setup(db, amount_fen=1_000_000)
    consumer = builders.api_client(db, "consumer.140521")
    quota = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q"},
    ).json()["code"]
    merchant = builders.api_client(db, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions", json=tradein.sale(quota_code=quota), headers={"Idempotency-Key": "r"}
    )
    assert r.status_code == 201, r.text
    with db.unit_of_work() as session:
        session.add(
            Evidence(
                claim_id=r.json()["id"],
                kind="invoice",
                filename="发票.pdf",
                content_type="application/pdf",
                size=1,
                sha256="-",
                content=_pdf(),
                uploaded_at=utcnow(),
            )
        )
    return int(r.json()["id"])


@pytest.fixture
def empty_target(database: Database, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as ``database``."""
    if database.engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"huanxin_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(database.url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database.url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_restores_into_an_empty_database(
    database: Database, empty_target: str, tmp_path: Path
) -> None:
    claim_id = _world(database)
    archive = tmp_path / "b.tar.gz"
    manifest = backup.backup(database.url, archive)
    assert manifest["verified"] is True
    assert (
        manifest["rows"]["claims"] == 1
        and manifest["files"]["claim_evidence.content"]["count"] == 1
    )
    assert len(manifest["key_id"]) == 16 and "secret" not in json.dumps(manifest)
    report = backup.restore(empty_target, archive)
    assert report.problems == []
    restored = Database(empty_target)
    try:
        assert integrity(restored) == []
        assert snapshot(restored).files == manifest["files"]
        with restored.sessions() as session:
            assert session.get_one(Claim, claim_id).state == "reserved"
            assert session.scalars(select(Evidence.content)).one().startswith(b"%PDF")
    finally:
        restored.dispose()
    with pytest.raises(backup.BackupError, match="目标数据库不是空的"):
        backup.restore(empty_target, archive)


def test_a_damaged_archive_or_another_key_is_refused(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builders.world(sqlite_db, ("office", "140521"))
    archive = tmp_path / "b.tar.gz"
    backup.backup(sqlite_db.url, archive, verify=False)
    target = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setattr(backup, "key_id", lambda _secret: "0000000000000000")
    with pytest.raises(backup.BackupError, match="密钥编号"):
        backup.restore(target, archive)
    monkeypatch.undo()
    real_ring = backup.pii.ring
    monkeypatch.setattr(backup.pii, "ring", lambda: ({}, "p0"))  # a server without the pii keys
    with pytest.raises(backup.BackupError, match="缺少个人信息密钥 p0"):
        backup.restore(target, archive)
    monkeypatch.setattr(backup.pii, "ring", real_ring)
    damaged = tmp_path / "d.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "db.sqlite3":
                data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="校验和不符"):
        backup.restore(target, damaged)
    assert not Path(tmp_path / "r.db").exists()


def test_a_file_that_does_not_open_fails_the_backup(sqlite_db: Database, tmp_path: Path) -> None:
    claim_id = _world(sqlite_db)
    with sqlite_db.unit_of_work() as session:
        session.add(
            Evidence(
                claim_id=claim_id,
                kind="invoice",
                filename="坏.pdf",
                content_type="application/pdf",
                size=1,
                sha256="-",
                content=b"%PDF-1.7 cut off",
                uploaded_at=utcnow(),
            )
        )
    with pytest.raises(backup.BackupError, match="PDF 无法打开"):
        backup.backup(sqlite_db.url, tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()


def test_restored_database_migrates_forward(tmp_path: Path, sqlite_url: str) -> None:
    """After a restore, ``huanxin migrate`` is a no-op at the same version (upgrade path)."""
    fresh = f"sqlite:///{tmp_path / 'f.db'}"
    upgrade(fresh)
    archive = tmp_path / "f.tar.gz"
    backup.backup(fresh, archive)
    target = f"sqlite:///{tmp_path / 'g.db'}"
    assert backup.restore(target, archive).ok
    upgrade(target)
