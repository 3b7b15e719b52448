"""Personal-data key rotation: add a key, then re-seal every stored value with it.

``rotate()`` appends a random 256-bit key to the key file; from then on every process seals
with it (the ring is re-read when the file changes). ``reencrypt()`` walks every ``*_enc``
column of every table in batches, each in its own transaction, opening each value with the
key it names and sealing it with the newest; it only picks values not yet under the newest
key, so it can be stopped and run again and resumes where it stopped, and a value changed
meanwhile by the application is left alone (the UPDATE matches the old ciphertext).
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field

from sqlalchemy import String, Table, Text, and_, select, update

import huanxin.models  # noqa: F401  (every table registered)
from huanxin.core import pii
from huanxin.db import Base, Database


def rotate() -> str:
    """Append a new key to the key file; its id."""
    keys, _ = pii.ring()
    path = pii.key_file()
    number = max(int(k[1:]) for k in keys if k[1:].isdigit()) + 1
    key_id = f"p{number}"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f"{key_id} {base64.b64encode(secrets.token_bytes(32)).decode('ascii')}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line)
    return key_id


def sealed_columns() -> list[tuple[Table, str, str]]:
    """(table, primary key column, sealed column) for every ``*_enc`` text column."""
    out = []
    for table in Base.metadata.sorted_tables:
        pk = [c.name for c in table.primary_key.columns]
        for column in table.columns:
            if (
                column.name.endswith("_enc")
                and isinstance(column.type, String | Text)
                and len(pk) == 1
            ):
                out.append((table, pk[0], column.name))
    return out


@dataclass
class Progress:
    resealed: dict[str, int] = field(default_factory=dict)
    remaining: int = 0


def _batch(db: Database, table: Table, pk: str, column: str, newest: str, size: int) -> int:
    col, key = table.c[column], table.c[pk]
    stale = and_(col.is_not(None), col != "", ~col.startswith(pii.prefix(newest)))
    with db.unit_of_work() as session:
        rows = session.execute(select(key, col).where(stale).order_by(key).limit(size)).all()
        for row_id, token in rows:
            session.execute(
                update(table)
                .where(key == row_id, col == token)
                .values({column: pii.seal(pii.unseal(token))})
            )
    return len(rows)


def reencrypt(db: Database, *, batch: int = 500, limit: int | None = None) -> Progress:
    """Re-seal up to ``limit`` values (all when None) with the newest key."""
    _, newest = pii.ring()
    progress, budget = Progress(), limit
    for table, pk, column in sealed_columns():
        name = f"{table.name}.{column}"
        while budget is None or budget > 0:
            done = _batch(
                db, table, pk, column, newest, batch if budget is None else min(batch, budget)
            )
            if not done:
                break
            progress.resealed[name] = progress.resealed.get(name, 0) + done
            budget = None if budget is None else budget - done
    progress.remaining = count_stale(db)
    return progress


def count_stale(db: Database) -> int:
    """Values not sealed with the newest key."""
    from sqlalchemy import func

    _, newest = pii.ring()
    total = 0
    with db.sessions() as session:
        for table, _pk, column in sealed_columns():
            col = table.c[column]
            stale = and_(col.is_not(None), col != "", ~col.startswith(pii.prefix(newest)))
            total += session.scalar(select(func.count()).select_from(table).where(stale)) or 0
    return total
