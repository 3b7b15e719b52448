"""Idempotent mutations under a client-supplied ``Idempotency-Key``.

The key row is inserted in the same transaction as the mutation, so the mutation and
its recorded response commit together or not at all. A retry with the same key and the
same request gets the stored response; the same key with a different request is refused;
a concurrent duplicate blocks on the unique key and then sees the stored response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, InvalidInput
from huanxin.core.models import IdempotencyRecord

MAX_KEY = 128


class KeyReused(Conflict):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def fingerprint(scope: str, payload: Any) -> str:
    text = json.dumps([scope, payload], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def run(
    session: Session,
    *,
    actor_user_id: int,
    key: str,
    scope: str,
    payload: Any,
    action: Callable[[], tuple[int, Any]],
) -> Outcome:
    """Run ``action`` once per (actor, key); replay its stored response afterwards."""
    key = check_key(key)
    request_hash = fingerprint(scope, payload)
    existing = find(session, actor_user_id, key)
    if existing is not None:
        if existing.request_hash != request_hash:
            raise KeyReused("该 Idempotency-Key 已用于另一个请求", field="Idempotency-Key")
        return Outcome(existing.status, json.loads(existing.body), replayed=True)
    status, body = action()
    session.add(IdempotencyRecord(
        actor_user_id=actor_user_id, key=key, scope=scope, request_hash=request_hash,
        status=status, body=json.dumps(body, ensure_ascii=False, default=str), created_at=utcnow(),
    ))  # fmt: skip
    session.flush()
    return Outcome(status, body, replayed=False)
