"""``huanxin backup FILE`` and ``huanxin restore FILE``.

An archive is a gzip'd tar of two members:
- the database: ``db.sqlite3`` (SQLite's online backup API) or ``db.pgdump`` (``pg_dump -Fc``,
  one snapshot); neither stops the server;
- ``manifest.json``: format, time, backend, the dump's SHA-256, the id of the secret key
  (never the key), and the snapshot the dump holds: rows per table, per file column the
  count and a digest of every stored file (uploads live in the database), migration heads.

A backup proves itself before it is kept: the dump is restored into a scratch database
(a temporary file, or a temporary PostgreSQL database), and the snapshot, the audit chains,
the ledger and every stored file are checked there. ``restore`` does the same into the
configured database, which must be empty, and compares with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from huanxin.config import get_settings
from huanxin.core import pii
from huanxin.core.clock import utcnow
from huanxin.db import Database
from huanxin.ops import checks
from huanxin.ops.keys import key_id
from huanxin.ops.pgtools import conninfo, tool, with_database

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that must not be trusted; the message says why (Chinese)."""


@dataclass(frozen=True)
class RestoreReport:
    rows: int
    files: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("SQLite 内存数据库无法备份")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败：{done.stderr.strip()[-500:]}")


def dump(url: str, folder: Path) -> Path:
    """Write the database's consistent copy into ``folder``; return the file."""
    if _backend(url) == "sqlite":
        target = folder / "db.sqlite3"
        _sqlite_copy(_sqlite_path(url), target)
        return target
    target = folder / "db.pgdump"
    _run(
        [
            tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-acl",
            f"--file={target}",
            f"--dbname={conninfo(url)}",
        ]
    )
    return target


def load(dump_file: Path, url: str) -> None:
    """Load a dump into the (empty) database at ``url``."""
    if _backend(url) == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump_file, path)
        return
    _run(
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo(url)}",
            str(dump_file),
        ]
    )


class _Scratch:
    """A temporary empty database of the same kind as ``url``, dropped on exit."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder, self.name = url, folder, f"huanxin_verify_{uuid.uuid4().hex[:10]}"

    def __enter__(self) -> str:
        if _backend(self.url) == "sqlite":
            return f"sqlite:///{self.folder / 'scratch.sqlite3'}"
        try:
            with self._admin() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        except SQLAlchemyError as exc:
            raise BackupError(
                f"无法创建临时验证数据库（数据库用户需要 CREATEDB 权限，或加 --no-verify）：{getattr(exc, 'orig', exc)}"
            ) from exc
        return with_database(self.url, self.name)

    def __exit__(self, *_exc: object) -> None:
        if _backend(self.url) != "sqlite":
            with self._admin() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def _admin(self) -> Any:
        engine = create_engine(with_database(self.url, "postgres"), isolation_level="AUTOCOMMIT")
        return engine.connect()


def verify_dump(
    url: str, dump_file: Path, folder: Path, expected: dict[str, Any] | None
) -> tuple[checks.Snapshot, list[str]]:
    """Restore ``dump_file`` into a scratch database; its snapshot and what is wrong there."""
    with _Scratch(url, folder) as scratch_url:
        load(dump_file, scratch_url)
        db = Database(scratch_url)
        try:
            snap = checks.snapshot(db)
            problems = snap.problems + checks.integrity(db)
            if expected is not None:
                problems += checks.compare(expected, snap)
        finally:
            db.dispose()
    return snap, problems


def backup(url: str, archive: Path, *, verify: bool = True) -> dict[str, Any]:
    """Write ``archive``; with ``verify`` (the default) only after it restored cleanly."""
    with tempfile.TemporaryDirectory(prefix="huanxin-backup-") as tmp:
        folder = Path(tmp)
        dump_file = dump(url, folder)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "backend": _backend(url),
            "database_file": dump_file.name,
            "database_sha256": _sha256(dump_file),
            "key_id": key_id(get_settings().secret_key),
            "pii_key_ids": sorted(pii.ring()[0]),
            "verified": False,
        }
        if verify:
            snap, problems = verify_dump(url, dump_file, folder, None)
            if problems:
                raise BackupError("备份恢复验证失败：" + "；".join(problems[:5]))
            manifest.update(snap.as_dict(), verified=True)
        (folder / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(dump_file, arcname=dump_file.name)
        partial.replace(archive)
    return manifest


def read_archive(archive: Path, folder: Path) -> tuple[dict[str, Any], Path]:
    """Unpack ``archive`` into ``folder``; the manifest and the checked dump file."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"备份文件无法读取：{exc}") from exc
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BackupError("备份文件缺少 manifest.json")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')}")
    dump_file = folder / str(manifest["database_file"])
    if not dump_file.exists() or _sha256(dump_file) != manifest["database_sha256"]:
        raise BackupError("备份中的数据库文件校验和不符，文件已损坏")
    return manifest, dump_file


def _is_empty(url: str) -> bool:
    if _backend(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return True
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(url: str, archive: Path) -> RestoreReport:
    """Rebuild the empty database at ``url`` from ``archive`` and check it."""
    with tempfile.TemporaryDirectory(prefix="huanxin-restore-") as tmp:
        manifest, dump_file = read_archive(archive, Path(tmp))
        if manifest["backend"] != _backend(url):
            raise BackupError(f"备份来自 {manifest['backend']}，当前数据库是 {_backend(url)}")
        current = key_id(get_settings().secret_key)
        if manifest.get("key_id") != current:
            raise BackupError(
                f"备份使用的密钥编号为 {manifest.get('key_id')}，当前密钥编号为 {current}；"
                "请先配置备份时的密钥，否则个人信息无法解密"
            )
        missing = set(manifest.get("pii_key_ids", [])) - set(pii.ring()[0])
        if missing:
            raise BackupError(
                f"缺少个人信息密钥 {', '.join(sorted(missing))}（见 HUANXIN_PII_KEY_FILE）"
            )
        if not _is_empty(url):
            raise BackupError("目标数据库不是空的；恢复只写入空数据库（请新建数据库后再恢复）")
        load(dump_file, url)
    db = Database(url)
    try:
        snap = checks.snapshot(db)
        problems = snap.problems + checks.integrity(db) + checks.compare(manifest, snap)
    finally:
        db.dispose()
    files = sum(int(info["count"]) for info in snap.files.values())
    return RestoreReport(rows=sum(snap.rows.values()), files=files, problems=problems)


def backup_to_dir(url: str, folder: Path, *, keep: int) -> tuple[Path, int]:
    """A timestamped, verified archive in ``folder``; older ones beyond ``keep`` removed."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    archive = folder / f"huanxin-{stamp}.tar.gz"
    backup(url, archive)
    old = sorted(folder.glob("huanxin-*.tar.gz"))[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return archive, len(old)
