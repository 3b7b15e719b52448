"""What a restored database must show: row counts, stored files that open, the audit
chains intact and the ledger balanced. Used by the backup's own restore test and by
``huanxin restore``."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import LargeBinary, func, inspect, select, text
from sqlalchemy.orm import Session

import huanxin.models  # noqa: F401  (every table registered)
from huanxin.db import Base, Database

PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Snapshot:
    """Counts per table, and per binary column the file count and a digest over all files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    heads: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "files": self.files, "heads": self.heads}


def file_problem(data: bytes) -> str | None:
    """Why a stored file would not open (None when it opens or is of a kind not checked).

    >>> file_problem(b"%PDF-1.4 truncated"), file_problem(PNG + b"x"), file_problem(b"plain")
    ('PDF 无法打开', None, None)
    """
    try:
        if data.startswith(b"%PDF"):
            from pypdf import PdfReader

            _ = len(PdfReader(io.BytesIO(data)).pages)
        elif data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if archive.testzip() is not None:
                    return "压缩文件损坏"
        elif data.startswith(b"\xff\xd8") and not data.rstrip(b"\0").endswith(b"\xff\xd9"):
            return "JPEG 不完整"
    except Exception:
        return "PDF 无法打开" if data.startswith(b"%PDF") else "文件无法打开"
    return None


def _binary_columns() -> list[tuple[str, str, str]]:
    out = []
    for table in Base.metadata.sorted_tables:
        pk = [c.name for c in table.primary_key.columns]
        for column in table.columns:
            if isinstance(column.type, LargeBinary) and len(pk) == 1:
                out.append((table.name, pk[0], column.name))
    return out


def _files(session: Session, snap: Snapshot) -> None:
    for table, pk, column in _binary_columns():
        digest, count = hashlib.sha256(), 0
        rows = session.execute(text(f"SELECT {pk}, {column} FROM {table} ORDER BY {pk}"))  # noqa: S608
        for key, data in rows:
            blob = bytes(data or b"")
            digest.update(f"{key}:{hashlib.sha256(blob).hexdigest()}\n".encode())
            count += 1
            if (problem := file_problem(blob)) is not None:
                snap.problems.append(f"{table} #{key}：{problem}")
        snap.files[f"{table}.{column}"] = {"count": count, "sha256": digest.hexdigest()}


def snapshot(db: Database) -> Snapshot:
    """Counts, file digests and migration heads of ``db`` (read in one transaction)."""
    snap = Snapshot()
    existing = set(inspect(db.engine).get_table_names())
    with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in existing:
                count = session.scalar(select(func.count()).select_from(table))
                snap.rows[table.name] = int(count or 0)
        if "alembic_version" in existing:
            snap.heads = sorted(session.scalars(text("SELECT version_num FROM alembic_version")))
        _files(session, snap)
    return snap


def integrity(db: Database) -> list[str]:
    """Problems found by ``audit verify`` and ``ledger check`` (empty: both pass)."""
    from huanxin.core import audit
    from huanxin.ledger.service import check as ledger_check

    with db.sessions() as session:
        result = audit.verify(session)
        problems = [] if result.ok else [f"审计链校验失败：{result.first_bad_id} {result.reason}"]
        problems += [f"账本核对：{p}" for p in ledger_check(session)]
    return problems


def compare(expected: dict[str, Any], found: Snapshot) -> list[str]:
    """Differences between the manifest's snapshot and the restored database's."""
    problems = []
    for table, count in expected.get("rows", {}).items():
        if found.rows.get(table) != count:
            problems.append(f"表 {table} 行数不符：备份 {count}，恢复后 {found.rows.get(table)}")
    for column, info in expected.get("files", {}).items():
        if found.files.get(column) != info:
            problems.append(f"文件列 {column} 校验和不符")
    if expected.get("heads") and expected["heads"] != found.heads:
        problems.append(f"迁移版本不符：备份 {expected['heads']}，恢复后 {found.heads}")
    return problems
