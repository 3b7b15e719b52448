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
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Mapping, Sequence
from functools import partial

from sqlalchemy import insert
from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.db import is_postgres
from huanxin.ledger import moves
from huanxin.ledger.errors import InvalidAmount
from huanxin.ledger.pools import pool_or_404

Amounts = Sequence[tuple[str, int]]  # (ref, fen) per sale


def reserve_batch(session: Session, *, pools: Mapping[int, Amounts]) -> dict[int, int] | None:
    """Reserve every (ref, amount) of every pool; return the shard used per pool, or None
    (nothing moved that the caller must undo: it rolls back to its savepoint) when a pool
    has no single shard covering its total."""
    used: dict[int, int] = {}
    legs: list[dict[str, object]] = []
    for pool_id in sorted(pools):
        amounts = pools[pool_id]
        shard_id = _take(session, pool_id, amounts)
        if shard_id is None:
            return None
        used[pool_id] = shard_id
        legs.extend(_legs(pool_id, shard_id, amounts))
    if legs:
        session.execute(insert(moves.entries), legs)
    return used


def _take(session: Session, pool_id: int, amounts: Amounts) -> int | None:
    total = 0
    for _, amount in amounts:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise InvalidAmount("金额必须是以分为单位的正整数", field="amount_fen")
        total += amount
    pool = pool_or_404(session, pool_id)
    count = pool.shard_count
    isolate = count > 1 and is_postgres(session)
    start = zlib.crc32(amounts[0][0].encode("utf-8")) % count
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
