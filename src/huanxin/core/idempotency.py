"""Idempotent mutations under a client-supplied ``Idempotency-Key``.

The key row is claimed by the request's transaction before the mutation runs
(``INSERT … ON CONFLICT DO NOTHING``) and filled with the response afterwards, so the
mutation and its recorded response commit together or not at all. A duplicate that
arrives while the first request is in flight waits for the first transaction to end:

* on PostgreSQL it takes a transaction-scoped advisory lock on the key's hash first
  (in the common case lock and claim are one statement), polling for at most
  ``wait_seconds`` (``HUANXIN_IDEMPOTENCY_WAIT_SECONDS``), and then finds the committed
  row and replays it; still busy after that, it is refused with ``RequestInProgress``
  (409 ``request_in_progress`` with ``Retry-After``);
* on SQLite every transaction starts with ``BEGIN IMMEDIATE``, so the duplicate's
  transaction starts only after the first one has ended and sees its row.

If the first request failed, its transaction rolled back with the claim, and the
duplicate runs the mutation itself. Because the claim lives in the mutation's own
transaction, a crash (or a dropped connection) rolls both back: no key is ever left
pending, and a retry after a crash simply runs again. The same key with a different
request is refused.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session

from huanxin.config import get_settings
from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, CoreCode, InvalidInput
from huanxin.core.faults import crash_point
from huanxin.core.models import IdempotencyRecord

MAX_KEY = 128
PENDING = 0  # status of a claimed key whose mutation has not finished (never committed)
_FIRST_POLL, _MAX_POLL = 0.01, 0.2


class KeyReused(Conflict):
    """The Idempotency-Key was already used for a different request."""

    code = CoreCode.IDEMPOTENCY_KEY_REUSED


class RequestInProgress(Conflict):
    """A request with the same key is still running; the client should retry shortly."""

    code = CoreCode.REQUEST_IN_PROGRESS

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "相同 Idempotency-Key 的请求仍在处理中，请稍后重试", field="Idempotency-Key"
        )
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def fingerprint(scope: str, payload: Any) -> str:
    text_ = json.dumps([scope, payload], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def check_key(key: str | None) -> str:
    if not key or not key.strip():
        raise InvalidInput("缺少 Idempotency-Key 请求头", field="Idempotency-Key")
    if len(key) > MAX_KEY:
        raise InvalidInput("Idempotency-Key 过长（最多128个字符）", field="Idempotency-Key")
    return key.strip()


def find(session: Session, actor_user_id: int, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.actor_user_id == actor_user_id, IdempotencyRecord.key == key
        )
    ).first()


def lock_id(actor_user_id: int, key: str) -> int:
    """A signed 64-bit advisory lock id for (actor, key); collisions only cost a wait."""
    raw = hashlib.sha256(f"idempotency|{actor_user_id}|{key}".encode()).digest()
    return int.from_bytes(raw[:8], "big", signed=True)


def wait_turn(session: Session, actor_user_id: int, key: str, wait_seconds: float) -> None:
    """On PostgreSQL: hold the key's advisory lock for the rest of the transaction, waiting
    for a concurrent holder at most ``wait_seconds``. SQLite already serialises writers."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ident = lock_id(actor_user_id, key)
    deadline = time.monotonic() + wait_seconds
    pause = _FIRST_POLL
    while not session.scalar(select(func.pg_try_advisory_xact_lock(ident))):
        if time.monotonic() >= deadline:
            raise RequestInProgress(retry_after=max(1, round(wait_seconds)))
        time.sleep(pause)
        pause = min(pause * 2, _MAX_POLL)


def claim(session: Session, *, actor_user_id: int, key: str, scope: str, request_hash: str) -> bool:
    """Insert the pending key row; False when the key already has a (committed) row."""
    values = {
        "actor_user_id": actor_user_id,
        "key": key,
        "scope": scope,
        "request_hash": request_hash,
        "status": PENDING,
        "body": "",
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else lite_insert
    stmt = insert(IdempotencyRecord).values(values).on_conflict_do_nothing()
    inserted = session.execute(stmt.returning(IdempotencyRecord.id)).first()
    return inserted is not None


_FAST_CLAIM = text(
    "WITH lock AS (SELECT pg_try_advisory_xact_lock(:ident) AS got) "
    "INSERT INTO idempotency_records "
    "(actor_user_id, key, scope, request_hash, status, body, created_at) "
    "SELECT :actor, :key, :scope, :hash, :pending, '', :at FROM lock WHERE got "
    "ON CONFLICT (actor_user_id, key) DO NOTHING RETURNING id"
)


def _fast_claim(session: Session, actor_user_id: int, key: str, scope: str, hash_: str) -> bool:
    """PostgreSQL, one round trip: take the key's lock and claim it if both are free.
    False (always on SQLite) leaves the decision to ``wait_turn`` and ``claim``."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    params = {
        "ident": lock_id(actor_user_id, key),
        "actor": actor_user_id,
        "key": key,
        "scope": scope,
        "hash": hash_,
        "pending": PENDING,
        "at": utcnow(),
    }
    return session.execute(_FAST_CLAIM, params).first() is not None


def _replay(session: Session, actor_user_id: int, key: str, request_hash: str) -> Outcome:
    existing = find(session, actor_user_id, key)
    if existing is None or existing.status == PENDING:  # cannot happen: claims never commit
        raise RequestInProgress(retry_after=1)
    if existing.request_hash != request_hash:
        raise KeyReused("该 Idempotency-Key 已用于另一个请求", field="Idempotency-Key")
    return Outcome(existing.status, json.loads(existing.body), replayed=True)


def begin(
    session: Session,
    *,
    actor_user_id: int,
    key: str,
    scope: str,
    payload: Any,
    wait_seconds: float | None = None,
) -> Outcome | None:
    """Claim (actor, key) for this request: None when claimed (run the mutation, then
    ``finish``), or the stored outcome of the earlier request to replay."""
    key = check_key(key)
    request_hash = fingerprint(scope, payload)
    if wait_seconds is None:
        wait_seconds = get_settings().idempotency_wait_seconds
    if not _fast_claim(session, actor_user_id, key, scope, request_hash):
        wait_turn(session, actor_user_id, key, wait_seconds)
        if not claim(
            session, actor_user_id=actor_user_id, key=key, scope=scope, request_hash=request_hash
        ):
            return _replay(session, actor_user_id, key, request_hash)
    crash_point("idempotency.claimed")
    return None


def finish(session: Session, *, actor_user_id: int, key: str, status: int, body: Any) -> Outcome:
    """Store the response of the mutation that ``begin`` let run, in its transaction."""
    stored = json.dumps(body, ensure_ascii=False, default=str)
    session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.actor_user_id == actor_user_id, IdempotencyRecord.key == key.strip()
        )
        .values(status=status, body=stored)
        .execution_options(synchronize_session=False)
    )
    return Outcome(status, body, replayed=False)


def run(
    session: Session,
    *,
    actor_user_id: int,
    key: str,
    scope: str,
    payload: Any,
    action: Callable[[], tuple[int, Any]],
    wait_seconds: float | None = None,
) -> Outcome:
    """Run ``action`` once per (actor, key); replay its stored response afterwards."""
    replay = begin(
        session,
        actor_user_id=actor_user_id,
        key=key,
        scope=scope,
        payload=payload,
        wait_seconds=wait_seconds,
    )
    if replay is not None:
        return replay
    status, body = action()
    return finish(session, actor_user_id=actor_user_id, key=key, status=status, body=body)


# --- many keys at once (the batched redemption path) -------------------------------------


@dataclass(frozen=True)
class Claim:
    actor_user_id: int
    key: str
    scope: str
    request_hash: str


def _insert_for(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else lite_insert


def claim_many(session: Session, claims: list[Claim]) -> dict[tuple[int, str], int]:
    """Claim many keys in one statement; returns the row id of each key claimed here. A key
    already stored is left out (the caller replays it). On PostgreSQL a key that a running
    transaction holds makes this wait for that transaction (the unique index), as a
    duplicate waits in ``run``; keys are inserted in sorted order, so two batches sharing
    keys wait for each other in one order and never deadlock."""
    if not claims:
        return {}
    at = utcnow()
    values = [
        {
            "actor_user_id": c.actor_user_id,
            "key": c.key,
            "scope": c.scope,
            "request_hash": c.request_hash,
            "status": PENDING,
            "body": "",
            "created_at": at,
        }
        for c in sorted(claims, key=lambda c: (c.actor_user_id, c.key))
    ]
    table = cast(Table, IdempotencyRecord.__table__)
    # executemany: SQLAlchemy sends the rows as one multi-row INSERT per page, from a
    # statement compiled once per process (a ``.values(rows)`` statement was compiled anew
    # for every batch: 13% of a worker's CPU in the bulk case's py-spy profile)
    stmt = (
        _insert_for(session)(table)
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.actor_user_id, table.c.key)
    )
    rows = session.connection().execute(stmt, values).all()
    claimed = {(uid, key): id_ for id_, uid, key in rows}
    if claimed:
        crash_point("idempotency.claimed")
    return claimed


def replays(session: Session, claims: list[Claim]) -> dict[tuple[int, str], Outcome | Conflict]:
    """The stored answers of keys that were already used (one query), or the refusal of a
    key reused for another request."""
    if not claims:
        return {}
    table = IdempotencyRecord
    wanted = {(c.actor_user_id, c.key): c for c in claims}
    stmt = select(table).where(
        table.actor_user_id.in_({uid for uid, _ in wanted}), table.key.in_({k for _, k in wanted})
    )
    out: dict[tuple[int, str], Outcome | Conflict] = {}
    for row in session.scalars(stmt):
        claim = wanted.get((row.actor_user_id, row.key))
        if claim is None:
            continue
        if row.request_hash != claim.request_hash:
            out[(row.actor_user_id, row.key)] = KeyReused(
                "该 Idempotency-Key 已用于另一个请求", field="Idempotency-Key"
            )
        else:
            out[(row.actor_user_id, row.key)] = Outcome(
                row.status, json.loads(row.body), replayed=True
            )
    return out


def fill_many(session: Session, answers: dict[int, tuple[int, Any]]) -> None:
    """Store the (status, body) answer of many claimed rows, by row id: one statement run
    for each row (executemany: one round trip on PostgreSQL, and a short statement text
    that the driver parses once, where a CASE over every row was a new long text each time,
    17% of a worker's CPU in a py-spy profile)."""
    if not answers:
        return
    table = cast(Table, IdempotencyRecord.__table__)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(status=bindparam("row_status"), body=bindparam("row_body"))
    )
    rows = [
        {"row_id": i, "row_status": s, "row_body": json.dumps(b, ensure_ascii=False, default=str)}
        for i, (s, b) in answers.items()
    ]
    session.connection().execute(stmt, rows)


def drop_many(session: Session, ids: list[int]) -> None:
    """Give up claimed keys whose request failed (a retry runs again, as after a rollback)."""
    if ids:
        table = IdempotencyRecord
        session.execute(
            delete(table).where(table.id.in_(ids)).execution_options(synchronize_session=False)
        )
