"""The audit trail: append-only, hash-chained, MAC-sealed, verified by ``huanxin audit verify``.

Services call ``record()``; entries wait in the session and are chained just before the
outermost transaction commits (a ``before_commit`` hook), so a rolled-back mutation leaves
no entry and the chain lock is held only for the final insert. An entry recorded inside a
savepoint that rolls back is dropped with it; releasing a savepoint seals nothing.

The trail is striped into ``CHAINS`` independent hash chains so that concurrent writers
on PostgreSQL do not queue behind one lock: a transaction locks the first free row of
``audit_heads`` (``FOR UPDATE SKIP LOCKED``) and appends after that chain's head. Each
chain is verified alone, in ``seq`` order, and its newest entry must match its head row.

Against someone who can write to the database, every entry and every head carries an
HMAC under a key the database does not hold (``core.auditkeys``), covering the row id,
the chain, the sequence number and the entry's hash (which covers its content and the
previous hash): an edited, re-hashed, re-numbered or id-swapped entry fails its MAC. A
writer who rolls a chain back to an older head is found by the signed checkpoints of
``core.anchors``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, SessionTransaction

from huanxin.core import auditkeys
from huanxin.core.auditkeys import KeyRing
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
    pending: list[tuple[AuditEntry, SessionTransaction | None]]
    pending = session.info.setdefault(_PENDING, [])
    pending.append((entry, session.get_nested_transaction()))


def entry_hash(entry: AuditEntry) -> str:
    at = as_utc(entry.at).strftime("%Y-%m-%dT%H:%M:%S.%f")
    fields = [
        entry.chain,
        entry.seq,
        at,
        entry.actor_user_id,
        entry.actor_role,
        entry.jurisdiction_code,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.before_digest,
        entry.after_digest,
        entry.detail,
        entry.prev_hash,
    ]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def entry_mac(keys: KeyRing, key_id: str, entry: AuditEntry) -> str | None:
    """The MAC of an entry: its row id, chain, sequence number and hash."""
    message = canonical_json(["audit-entry", entry.id, entry.chain, entry.seq, entry.hash])
    return keys.mac(key_id, message.encode("utf-8"))


def head_mac(keys: KeyRing, key_id: str, chain: int, seq: int, hash_: str) -> str | None:
    message = canonical_json(["audit-head", chain, seq, hash_])
    return keys.mac(key_id, message.encode("utf-8"))


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


def _new_ids(session: Session, count: int) -> list[int]:
    """Row ids for ``count`` new entries, known before the insert so the MAC covers them."""
    if session.get_bind().dialect.name == "postgresql":
        stmt = text(
            "SELECT nextval(pg_get_serial_sequence('audit_entries', 'id')) "
            "FROM generate_series(1, :n)"
        )
        return sorted(session.scalars(stmt, {"n": count}))
    top = session.scalar(select(func.max(AuditEntry.id))) or 0  # the write lock is held
    return list(range(top + 1, top + 1 + count))


def seal_pending(session: Session) -> None:
    pending = [entry for entry, _ in session.info.pop(_PENDING, [])]
    if not pending:
        return
    head = _lock_head(session)
    if head is None:
        _ensure_heads(session)
        head = _lock_head(session)
    assert head is not None
    keys = auditkeys.ring()
    seq, prev = head.seq, head.hash
    for entry, new_id in zip(pending, _new_ids(session, len(pending)), strict=True):
        seq += 1
        entry.id, entry.chain, entry.seq, entry.prev_hash = new_id, head.chain, seq, prev
        entry.hash = prev = entry_hash(entry)
        entry.mac_key, entry.mac = keys.mac_id, entry_mac(keys, keys.mac_id, entry)
        session.add(entry)
    head.seq, head.hash = seq, prev
    head.mac_key, head.mac = keys.mac_id, head_mac(keys, keys.mac_id, head.chain, seq, prev)
    session.flush()


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.get_nested_transaction() is None:  # releasing a savepoint seals nothing
        seal_pending(session)


def _inside(txn: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    while txn is not None:
        if txn is rolled_back:
            return True
        txn = txn.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """Drop the entries recorded inside a savepoint (or transaction) that rolled back.
    (``after_rollback`` would be wrong here: it fires for a savepoint too, and dropped
    every entry of the transaction when one savepoint rolled back.)"""
    if not previous.nested:
        session.info.pop(_PENDING, None)
        return
    pending = session.info.get(_PENDING, [])
    pending[:] = [(e, txn) for e, txn in pending if not _inside(txn, previous)]


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without committing (``close()``) leaves nothing behind."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


# Why a check failed, as a stable code with the sentence shown to people (the audit page).
REASONS = {
    "seq_gap": "序号不连续：有记录被删除或重排",
    "prev_mismatch": "与前一条记录的链接不符：有记录被删除、插入或重排",
    "hash_mismatch": "内容与哈希不符：记录被修改",
    "mac_missing": "缺少校验码（MAC）：记录不是由本平台写入的",
    "mac_unknown_key": "校验码的密钥编号未知",
    "mac_mismatch": "校验码（MAC）不符：记录被改写、重新计算了哈希或调换了行号",
    "head_missing": "链有记录但没有链头",
    "head_mismatch": "链头与最新记录不符：最新的记录被删除或替换",
    "head_mac": "链头校验码（MAC）不符：链头被改写",
}


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    chains: int
    first_bad_id: int | None = None
    chain: int | None = None
    seq: int | None = None
    code: str = ""
    reason: str = ""  # Chinese, for people

    @property
    def ok(self) -> bool:
        return not self.code

    def describe(self) -> str:
        return f"chain {self.chain} seq {self.seq}: {self.reason}"


@dataclass(frozen=True)
class Problem:
    entry_id: int
    chain: int
    seq: int
    code: str


def _check_mac(keys: KeyRing, entry: AuditEntry) -> str | None:
    if not entry.mac or not entry.mac_key:
        return "mac_missing"
    expected = entry_mac(keys, entry.mac_key, entry)
    if expected is None:
        return "mac_unknown_key"
    return None if hmac.compare_digest(expected, entry.mac) else "mac_mismatch"


def _entry_problem(keys: KeyRing, entry: AuditEntry, seq: int, prev: str) -> str | None:
    if entry.seq != seq:
        return "seq_gap"
    if entry.prev_hash != prev:
        return "prev_mismatch"
    if entry_hash(entry) != entry.hash:
        return "hash_mismatch"
    return _check_mac(keys, entry)


def _walk(keys: KeyRing, entries: Iterator[AuditEntry]) -> tuple[int, Problem | None]:
    count, expected_seq, prev = 0, 1, GENESIS
    for entry in entries:
        count += 1
        code = _entry_problem(keys, entry, expected_seq, prev)
        if code is not None:
            return count, Problem(entry.id, entry.chain, entry.seq, code)
        expected_seq, prev = expected_seq + 1, entry.hash
    return count, None


def _head_problem(keys: KeyRing, session: Session, head: AuditHead) -> Problem | None:
    if head.seq > 0 or head.mac:
        key_id = head.mac_key or ""
        expected = head_mac(keys, key_id, head.chain, head.seq, head.hash)
        if expected is None or not hmac.compare_digest(expected, head.mac or ""):
            return Problem(0, head.chain, head.seq, "head_mac")
    last = session.execute(
        select(AuditEntry.id, AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.chain == head.chain)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if head.seq == 0 and last is None:
        return None
    if last is None or last.seq != head.seq or last.hash != head.hash:
        return Problem(last.id if last is not None else 0, head.chain, head.seq, "head_mismatch")
    return None


def _chain_problem(
    session: Session, keys: KeyRing, chain: int, head: AuditHead | None
) -> tuple[int, Problem | None]:
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
    ).yield_per(2000)
    count, problem = _walk(keys, iter(rows))
    if problem is None and head is None:
        problem = Problem(0, chain, 0, "head_missing")
    elif problem is None and head is not None:
        problem = _head_problem(keys, session, head)
    return count, problem


def result_of(entries: int, chains: int, problems: list[Problem]) -> VerifyResult:
    if not problems:
        return VerifyResult(entries=entries, chains=chains)
    bad = min(problems, key=lambda p: (p.entry_id, p.chain, p.seq))
    return VerifyResult(
        entries, chains, bad.entry_id, bad.chain, bad.seq, bad.code, REASONS.get(bad.code, bad.code)
    )


def verify(session: Session, keys: KeyRing | None = None) -> VerifyResult:
    """Walk every chain (links, hashes, MACs, heads); report the lowest-id bad entry.
    ``core.anchors.verify_trail`` adds the check against the newest signed checkpoint."""
    keys = keys or auditkeys.ring()
    heads = {h.chain: h for h in session.scalars(select(AuditHead))}
    chains = set(session.scalars(select(AuditEntry.chain).distinct()).all()) | set(heads)
    total, problems = 0, []
    for chain in sorted(chains):
        count, problem = _chain_problem(session, keys, chain, heads.get(chain))
        total += count
        if problem is not None:
            problems.append(problem)
    return result_of(total, len(chains), problems)


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
