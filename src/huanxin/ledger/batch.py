"""Reserving the money of many sales at once (the batched redemption path).

For each pool a batch draws on, one conditional ``UPDATE`` moves the batch's total for that
pool from one shard's available balance to its reserved balance (``WHERE available >=
:total``: the database decides, as for a single reservation), and one ``INSERT`` journals
every sale's own movement (two legs each, under the sale's own ref), so each sale's money is
later committed, released or clawed back by its ref exactly as if it had been reserved
alone. Pools are taken in ascending id order, like every other ledger move, so two batches
never deadlock on shards. When no single shard covers a pool's total, ``reserve_batch``
says so (``None``) and the caller applies its sales one at a time through ``reserve``, which
consolidates shards under lock when it must.

A batch spread over many places (a hundred counties, each with its own pools) would cost one
statement per pool that way. Pools with a single shard that come next to each other in id
order are therefore moved together: one ``UPDATE`` whose amount per pool is a ``CASE`` on
the pool id, with the same ``available >= amount`` condition per row; when fewer rows than
pools moved, one pool is short and the caller rolls the batch back (``None``). On PostgreSQL
a ``SELECT … ORDER BY id FOR UPDATE`` first locks those shards in id order, so the set-based
move keeps the ascending lock order (one statement more, whatever the number of pools).
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Mapping, Sequence
from functools import partial

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.db import is_postgres
from huanxin.ledger import moves
from huanxin.ledger.errors import InvalidAmount
from huanxin.ledger.pausing import pause_if_short
from huanxin.ledger.pools import pool_or_404

Amounts = Sequence[tuple[str, int]]  # (ref, fen) per sale


def reserve_batch(session: Session, *, pools: Mapping[int, Amounts]) -> dict[int, int] | None:
    """Reserve every (ref, amount) of every pool; return the shard used per pool, or None
    (nothing moved that the caller must undo: it rolls back to its savepoint) when a pool
    has no single shard covering its total."""
    used: dict[int, int] = {}
    totals = {pool_id: _total(amounts) for pool_id, amounts in pools.items()}
    for run in _runs(session, sorted(pools)):
        if len(run) > 1:
            moved = _take_single_shards(session, {pool_id: totals[pool_id] for pool_id in run})
        else:
            shard_id = _take(session, run[0], totals[run[0]], pools[run[0]][0][0])
            moved = None if shard_id is None else {run[0]: shard_id}
        if moved is None:
            return None
        used.update(moved)
    legs = [
        leg for pool_id in sorted(pools) for leg in _legs(pool_id, used[pool_id], pools[pool_id])
    ]
    if legs:
        session.execute(insert(moves.entries), legs)
    pause_if_short(session, used)  # the batch left too little for the next sale: pause now
    return used


def _total(amounts: Amounts) -> int:
    total = 0
    for _, amount in amounts:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise InvalidAmount("金额必须是以分为单位的正整数", field="amount_fen")
        total += amount
    return total


def _runs(session: Session, pool_ids: list[int]) -> list[list[int]]:
    """``pool_ids`` (ascending) cut into runs: neighbouring one-shard pools go together,
    every other pool alone."""
    runs: list[list[int]] = []
    joinable = False  # whether the last run is of one-shard pools
    for pool_id in pool_ids:
        single = pool_or_404(session, pool_id).shard_count == 1
        if single and joinable:
            runs[-1].append(pool_id)
        else:
            runs.append([pool_id])
        joinable = single
    return runs


def _take_single_shards(session: Session, totals: dict[int, int]) -> dict[int, int] | None:
    """Move each one-shard pool's total in one UPDATE; the shard per pool, or None when a
    pool's shard does not cover its total (what moved is undone by the caller's savepoint)."""
    ids = sorted(totals)
    where = (moves.shards.c.pool_id.in_(ids), moves.shards.c.slot == 0)
    if is_postgres(session):
        lock = select(moves.shards.c.id).where(*where).order_by(moves.shards.c.pool_id)
        session.execute(lock.with_for_update()).all()
    amount = case(totals, value=moves.shards.c.pool_id)
    stmt = (
        update(moves.shards)
        .where(*where, moves.shards.c.available >= amount)
        .values(
            available=moves.shards.c.available - amount,
            reserved=moves.shards.c.reserved + amount,
        )
        .returning(moves.shards.c.pool_id, moves.shards.c.id)
    )
    moved = {int(pool_id): int(shard_id) for pool_id, shard_id in session.execute(stmt).all()}
    return moved if len(moved) == len(ids) else None


def _take(session: Session, pool_id: int, total: int, first_ref: str) -> int | None:
    pool = pool_or_404(session, pool_id)
    count = pool.shard_count
    isolate = count > 1 and is_postgres(session)
    start = zlib.crc32(first_ref.encode("utf-8")) % count
    if isolate:  # one statement, never waiting, when a free shard covers the total
        pick = partial(moves.take_unlocked, session, pool_id=pool_id, start=start, shards=count)
        found = moves.attempt(session, True, partial(pick, amount=total))
        if found is not None:
            return found
    for step in range(count):
        move = partial(
            moves.shift_slot,
            session,
            pool_id=pool_id,
            slot=(start + step) % count,
            src="available",
            dst="reserved",
            amount=total,
        )
        found = moves.attempt(session, isolate, move)
        if found is not None:
            return found
    return None


def _legs(pool_id: int, shard_id: int, amounts: Amounts) -> list[dict[str, object]]:
    at = utcnow()
    rows: list[dict[str, object]] = []
    for ref, amount in amounts:
        movement = uuid.uuid4().hex
        for account, signed in (("available", -amount), ("reserved", amount)):
            rows.append(
                {
                    "movement": movement,
                    "pool_id": pool_id,
                    "shard_id": shard_id,
                    "account": account,
                    "amount_fen": signed,
                    "kind": "reserve",
                    "ref": ref,
                    "note": "",
                    "at": at,
                }
            )
    return rows
