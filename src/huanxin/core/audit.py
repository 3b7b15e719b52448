"""The audit trail: append-only, hash-chained, verified by ``huanxin audit verify``.

Services call ``record()``; entries wait in the session and are chained just before the
transaction commits (a ``before_commit`` hook), so a rolled-back mutation leaves no entry
and the chain lock is held only for the final insert.

The trail is striped into ``CHAINS`` independent hash chains so that concurrent writers
on PostgreSQL do not queue behind one lock: a transaction locks the first free row of
``audit_heads`` (``FOR UPDATE SKIP LOCKED``) and appends after that chain's head. Each
chain is verified alone, in ``seq`` order, and its newest entry must match its head row:
an edited, deleted or reordered entry breaks its chain. (Someone who can rewrite both an
entry and the head table can still truncate a chain; `huanxin audit heads` prints the
head hashes for keeping outside the database.)
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from huanxin.core.clock import as_utc, utcnow
from huanxin.core.models import AuditEntry, AuditHead

CHAINS = 8
GENESIS = "0" * 64
_PENDING = "audit_pending"


class AuditActor(Protocol):
    @property
    def user_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def jurisdiction_code(self) -> str | None: ...


@dataclass(frozen=True)
class SystemActor:
    """The platform itself (CLI, demo loader, scheduled jobs)."""

    user_id: int | None = None
    role: str = "system"
    jurisdiction_code: str | None = None


SYSTEM = SystemActor()


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: AuditActor,
    action: str,
    *,
    object_type: str,
    object_id: str | int,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    jurisdiction_code: str | None = None,
) -> None:
    """Queue one audit entry; it is chained and written when the transaction commits."""
    entry = AuditEntry(
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        jurisdiction_code=jurisdiction_code or actor.jurisdiction_code,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before_digest=digest(before),
        after_digest=digest(after),
        detail=canonical_json(dict(detail or {})),
    )
    session.info.setdefault(_PENDING, []).append(entry)


def entry_hash(entry: AuditEntry) -> str:
    at = as_utc(entry.at).strftime("%Y-%m-%dT%H:%M:%S.%f")
    fields = [
        entry.chain, entry.seq, at, entry.actor_user_id, entry.actor_role,
        entry.jurisdiction_code, entry.action, entry.object_type, entry.object_id,
        entry.before_digest, entry.after_digest, entry.detail, entry.prev_hash,
    ]  # fmt: skip
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _ensure_heads(session: Session) -> None:
    rows = [{"chain": c, "seq": 0, "hash": GENESIS} for c in range(CHAINS)]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(AuditHead).values(rows).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as lite_insert

        session.execute(lite_insert(AuditHead).values(rows).on_conflict_do_nothing())


def _lock_head(session: Session) -> AuditHead | None:
    """Lock the lowest-numbered free chain head (SKIP LOCKED spreads concurrent writers)."""
    stmt = select(AuditHead).order_by(AuditHead.chain).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
        head = session.scalars(stmt).first()
        if head is None and session.scalar(select(AuditHead.chain).limit(1)) is not None:
            chain = random.randrange(CHAINS)  # every chain busy: queue on one
            pick = select(AuditHead).where(AuditHead.chain == chain).with_for_update()
            head = session.scalars(pick).first()
        return head
    return session.scalars(stmt).first()  # SQLite: BEGIN IMMEDIATE already serialises


def seal_pending(session: Session) -> None:
    pending: list[AuditEntry] = session.info.pop(_PENDING, [])
    if not pending:
        return
    head = _lock_head(session)
    if head is None:
        _ensure_heads(session)
        head = _lock_head(session)
    assert head is not None
    seq, prev = head.seq, head.hash
    for entry in pending:
        seq += 1
        entry.chain, entry.seq, entry.prev_hash = head.chain, seq, prev
        entry.hash = prev = entry_hash(entry)
        session.add(entry)
    head.seq, head.hash = seq, prev
    session.flush()


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    seal_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    chains: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def _walk(entries: Iterator[AuditEntry]) -> tuple[int, AuditEntry | None, str]:
    count, expected_seq, prev = 0, 1, GENESIS
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return count, entry, f"sequence gap: expected seq {expected_seq}, found {entry.seq}"
        if entry.prev_hash != prev:
            return count, entry, "prev_hash does not match the previous entry's hash"
        if entry_hash(entry) != entry.hash:
            return count, entry, "content does not match its hash (entry was edited)"
        expected_seq, prev = expected_seq + 1, entry.hash
    return count, None, ""


def _tail_problem(session: Session, head: AuditHead) -> tuple[int, int, int, str] | None:
    last = session.execute(
        select(AuditEntry.id, AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.chain == head.chain)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if head.seq == 0 and last is None:
        return None
    if last is None or last.seq != head.seq or last.hash != head.hash:
        last_id = last.id if last is not None else 0
        reason = f"chain head says seq {head.seq}; newest entries were deleted or replaced"
        return (last_id, head.chain, head.seq, reason)
    return None


def verify(session: Session) -> VerifyResult:
    """Walk every chain; report the lowest-id bad entry found."""
    heads = {h.chain: h for h in session.scalars(select(AuditHead))}
    chains = set(session.scalars(select(AuditEntry.chain).distinct()).all()) | set(heads)
    total, bad = 0, []
    for chain in sorted(chains):
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
        ).yield_per(2000)
        count, entry, reason = _walk(iter(rows))
        total += count
        if entry is not None:
            bad.append((entry.id, chain, entry.seq, reason))
        elif chain not in heads:
            bad.append((0, chain, 0, "chain has entries but no head"))
        elif (problem := _tail_problem(session, heads[chain])) is not None:
            bad.append(problem)
    if not bad:
        return VerifyResult(entries=total, chains=len(chains))
    bad_id, chain, seq, reason = min(bad)
    return VerifyResult(total, len(chains), bad_id, f"chain {chain} seq {seq}: {reason}")


def history(session: Session, object_type: str, object_id: str | int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    at: datetime = as_utc(entry.at)
    return {
        "id": entry.id,
        "at": at.isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_role": entry.actor_role,
        "jurisdiction_code": entry.jurisdiction_code,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": json.loads(entry.detail),
        "hash": entry.hash,
    }
