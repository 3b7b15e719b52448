"""Shard-level primitives of the ledger: conditional balance updates and journal legs.

Every function here changes one shard's balances with a single ``UPDATE`` whose ``WHERE``
clause carries the guard (``available >= :amount`` …), so the database, not Python, decides
whether money is there; ``rowcount``/``RETURNING`` says whether the move happened. Each
successful move is journalled as one movement of two legs with opposite amounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Row, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.ledger.models import Entry, Shard, Tranche

ACCOUNTS = ("available", "reserved", "spent")
EXTERNAL = "external"

T = TypeVar("T")

shards = cast(Table, Shard.__table__)
entries = cast(Table, Entry.__table__)


def journal(
    session: Session,
    *,
    pool_id: int,
    legs: Sequence[tuple[int, str, int]],
    kind: str,
    ref: str,
    note: str = "",
) -> None:
    """Append one movement: ``legs`` are (shard_id, account, signed amount), summing to zero."""
    assert sum(amount for _, _, amount in legs) == 0, "a movement must balance"
    movement, at = uuid.uuid4().hex, utcnow()
    rows = [
        {
            "movement": movement,
            "pool_id": pool_id,
            "shard_id": shard_id,
            "account": account,
            "amount_fen": amount,
            "kind": kind,
            "ref": ref,
            "note": note,
            "at": at,
        }
        for shard_id, account, amount in legs
    ]
    session.execute(insert(entries), rows)


def attempt(session: Session, isolate: bool, move: Callable[[], T]) -> T:
    """Run one conditional move; with ``isolate``, after a savepoint rolled back to if it missed.

    Why: on PostgreSQL an UPDATE that waited for a concurrent writer and then found its
    condition false (READ COMMITTED re-check) still leaves that row locked until the end of
    the transaction. A reservation that then tried another shard, or locked them all, would
    hold one shard while waiting for another, and two such transactions deadlock. Rolling
    back to the savepoint drops that stray lock. A hit leaves the savepoint in place (it
    ends with the transaction), so the common path costs one extra statement. Needed only
    with several shards on PostgreSQL (SQLite serialises writers; with one shard there is
    no second row to wait for).
    """
    if not isolate:
        return move()
    session.flush()  # pending ORM changes belong before the savepoint
    session.execute(text("SAVEPOINT ledger_attempt"))
    result = move()
    if result is None or result is False:
        session.execute(text("ROLLBACK TO SAVEPOINT ledger_attempt"))
    return result


def shift_slot(
    session: Session, *, pool_id: int, slot: int, src: str, dst: str, amount: int
) -> int | None:
    """Move ``amount`` from account ``src`` to ``dst`` of the pool's shard in ``slot`` if that
    shard holds enough; one conditional atomic UPDATE. Returns the shard id, or None."""
    stmt = (
        update(shards)
        .where(shards.c.pool_id == pool_id, shards.c.slot == slot, shards.c[src] >= amount)
        .values({src: shards.c[src] - amount, dst: shards.c[dst] + amount})
        .returning(shards.c.id)
    )
    found: int | None = session.execute(stmt).scalar_one_or_none()
    return found


# PostgreSQL only: pick a shard that covers the amount and that no other transaction holds
# (SKIP LOCKED: never waits), move the money and journal both legs, all in one statement.
# Shards are tried from ``start`` onwards, spreading writers. A shard updated since the
# statement's snapshot is re-checked after it is locked; if it no longer covers the amount
# nothing is returned but the lock stays, so callers run this inside ``attempt``.
_RESERVE_UNLOCKED = text("""
WITH pick AS (
    SELECT id FROM ledger_shards
    WHERE pool_id = :pool_id AND available >= :amount
    ORDER BY (slot - :start + :shards) % :shards
    LIMIT 1 FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE ledger_shards AS s
    SET available = s.available - :amount, reserved = s.reserved + :amount
    FROM pick WHERE s.id = pick.id AND s.available >= :amount
    RETURNING s.id
), legs AS (
    INSERT INTO ledger_entries (movement, pool_id, shard_id, account, amount_fen, kind, ref, note, at)
    SELECT :movement, :pool_id, moved.id, leg.account, leg.amount, 'reserve', :ref, '', :at
    FROM moved CROSS JOIN (VALUES ('available', -CAST(:amount AS BIGINT)),
                                  ('reserved', CAST(:amount AS BIGINT))) AS leg(account, amount)
    RETURNING shard_id
)
SELECT id FROM moved
""")


def reserve_unlocked(
    session: Session, *, pool_id: int, shards_count: int, start: int, amount: int, ref: str
) -> int | None:
    """Reserve on any free shard in one round trip (PostgreSQL); None when every shard that
    could cover it is busy or short, and the caller takes the waiting path."""
    params = {
        "pool_id": pool_id,
        "amount": amount,
        "start": start,
        "shards": shards_count,
        "movement": uuid.uuid4().hex,
        "ref": ref,
        "at": utcnow(),
    }
    found: int | None = session.execute(_RESERVE_UNLOCKED, params).scalar_one_or_none()
    return found


# PostgreSQL only: the reservation of a whole batch's total on one free shard (SKIP LOCKED,
# never waiting); the journal legs are written by the caller, one per sale.
_TAKE_UNLOCKED = text("""
WITH pick AS (
    SELECT id FROM ledger_shards
    WHERE pool_id = :pool_id AND available >= :amount
    ORDER BY (slot - :start + :shards) % :shards
    LIMIT 1 FOR UPDATE SKIP LOCKED
)
UPDATE ledger_shards AS s
SET available = s.available - :amount, reserved = s.reserved + :amount
FROM pick WHERE s.id = pick.id AND s.available >= :amount
RETURNING s.id
""")


def take_unlocked(
    session: Session, *, pool_id: int, shards: int, start: int, amount: int
) -> int | None:
    """Available → reserved on any free shard covering ``amount`` (PostgreSQL, one round
    trip); None when every such shard is busy or short. Run inside ``attempt``."""
    params = {"pool_id": pool_id, "amount": amount, "start": start, "shards": shards}
    found: int | None = session.execute(_TAKE_UNLOCKED, params).scalar_one_or_none()
    return found


def shift(
    session: Session, *, shard_id: int, pool_id: int, src: str, dst: str, amount: int
) -> bool:
    """Like ``shift_slot`` for a shard known by id (commit, release, claw back)."""
    stmt = (
        update(shards)
        .where(shards.c.id == shard_id, shards.c.pool_id == pool_id, shards.c[src] >= amount)
        .values({src: shards.c[src] - amount, dst: shards.c[dst] + amount})
    )
    return cast(CursorResult[Any], session.execute(stmt)).rowcount == 1


def fund(session: Session, *, shard_id: int, amount: int) -> bool:
    """Add (``amount`` > 0) or take (``amount`` < 0) available money and its allocation."""
    stmt = (
        update(shards)
        .where(shards.c.id == shard_id, shards.c.available + amount >= 0)
        .values(allocated=shards.c.allocated + amount, available=shards.c.available + amount)
    )
    return cast(CursorResult[Any], session.execute(stmt)).rowcount == 1


def lock_shards(session: Session, pool_id: int) -> list[Row[Any]]:
    """Every shard of the pool, locked in primary-key order (no deadlock between lockers).

    On SQLite the transaction already holds the database write lock (BEGIN IMMEDIATE)."""
    stmt = select(shards).where(shards.c.pool_id == pool_id).order_by(shards.c.id)
    return list(session.execute(stmt.with_for_update()).all())


def transfer_available(
    session: Session, *, pool_id: int, donor: int, receiver: int, amount: int, kind: str, ref: str
) -> None:
    """Move available money (and its allocation) between two shards of one pool."""
    if not fund(session, shard_id=donor, amount=-amount):
        raise RuntimeError(f"shard {donor} lost money while locked")  # impossible under lock
    fund(session, shard_id=receiver, amount=amount)
    legs = [(donor, "available", -amount), (receiver, "available", amount)]
    journal(session, pool_id=pool_id, legs=legs, kind=kind, ref=ref)


def shards_of_ref(session: Session, *, pool_id: int, ref: str, account: str) -> list[int]:
    """Shards where money entered ``account`` under ``ref``, newest first."""
    stmt = (
        select(entries.c.shard_id)
        .where(
            entries.c.pool_id == pool_id,
            entries.c.ref == ref,
            entries.c.account == account,
            entries.c.amount_fen > 0,
        )
        .order_by(entries.c.id.desc())
    )
    return list(dict.fromkeys(session.scalars(stmt)))


def shards_holding(session: Session, *, pool_id: int, account: str, amount: int) -> list[int]:
    """Shards whose ``account`` held at least ``amount`` when read (unlocked), fullest first."""
    stmt = (
        select(shards.c.id)
        .where(shards.c.pool_id == pool_id, shards.c[account] >= amount)
        .order_by(shards.c[account].desc(), shards.c.id)
    )
    return list(session.scalars(stmt))


def fund_evenly(
    session: Session, *, pool_id: int, amount: int, kind: str, ref: str, note: str = ""
) -> None:
    """Bring ``amount`` of outside money into the pool's shards, split evenly, one journalled
    movement (external → available) per shard that receives a part."""
    ids = list(
        session.scalars(select(Shard.id).where(Shard.pool_id == pool_id).order_by(Shard.slot))
    )
    base, extra = divmod(amount, len(ids))
    for index, shard_id in enumerate(ids):
        part = base + (1 if index < extra else 0)
        if part:
            fund(session, shard_id=shard_id, amount=part)
            legs = [(shard_id, EXTERNAL, -part), (shard_id, "available", part)]
            journal(session, pool_id=pool_id, legs=legs, kind=kind, ref=ref, note=note[:256])


def unreleased_fen(session: Session, pool_id: int) -> int:
    """Money scheduled in tranches of the pool that are not released yet."""
    stmt = select(func.coalesce(func.sum(Tranche.amount_fen), 0)).where(
        Tranche.pool_id == pool_id, Tranche.released_at.is_(None)
    )
    return int(session.scalar(stmt) or 0)
