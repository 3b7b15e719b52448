"""The budget ledger: pools per programme × funding layer × jurisdiction, and the money
movements between their accounts (allocate, reserve, commit, release, claw back).

Invariants: amounts are integer fen; no balance ever goes below zero, whatever the
concurrency, because every movement is one conditional atomic UPDATE (``… WHERE available
>= :amount``) whose row count decides, never a read followed by a write; every movement is
journalled as two legs summing to zero; ``allocated = available + reserved + spent`` holds
per shard (a CHECK constraint) and so per pool. ``check()`` proves both against the journal.

Hot pools — escrow sub-pools. A single row takes about 700 updates/s on PostgreSQL, so a
pool's money is split into ``shards`` rows. ``reserve`` first tries the shard picked by a
hash of the ref, then the others (each one conditional UPDATE that holds no lock when it
misses). When no single shard can cover the amount but the pool can, the slow path locks
all the pool's shards in primary-key order, moves available money into the richest shard
(journalled as ``consolidate`` movements) and reserves there, so no money is ever stranded.
Its cost: while it runs, every reservation on that pool waits, and it writes up to
``shards - 1`` extra movements. It is taken only when the remaining balance is spread
thinner than the amount asked (near exhaustion, or an amount above ~1/shards of the pool);
``rebalance()`` evens the shards out again. Callers reserving from several pools in one
transaction should do so in ascending pool id order, so two claims cannot deadlock.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import asdict
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import SYSTEM, AuditActor
from huanxin.core.errors import OutOfRange
from huanxin.db import is_postgres
from huanxin.ledger import moves, pausing
from huanxin.ledger.batch import reserve_batch
from huanxin.ledger.errors import (
    BudgetExhausted,
    BudgetOverPlan,
    InsufficientBalance,
    InvalidAmount,
    PoolClosed,
    yuan_grouped,
)
from huanxin.ledger.models import Pool
from huanxin.ledger.pausing import Pause, check_open, is_paused, remember_pauses
from huanxin.ledger.pools import (
    LAYER_LABELS,
    LAYERS,
    Balances,
    PoolMoney,
    PoolRef,
    PoolSummary,
    create_pool,
    find_pool,
    get_pool,
    list_pools,
    pool_balances,
    pool_money,
    pool_or_404,
    pool_ref,
    programme_pool,
    readable,
)
from huanxin.ledger.report import BurnRate, burn, check, journal_of

__all__ = [
    "LAYERS",
    "LAYER_LABELS",
    "Balances",
    "BurnRate",
    "Pause",
    "PoolMoney",
    "PoolRef",
    "PoolSummary",
    "allocate",
    "burn",
    "check",
    "check_open",
    "claw_back",
    "commit",
    "create_pool",
    "find_pool",
    "get_pool",
    "is_paused",
    "journal_of",
    "list_pools",
    "pool_balances",
    "pool_money",
    "pool_ref",
    "programme_pool",
    "readable",
    "rebalance",
    "release",
    "remember_pauses",
    "reserve",
    "reserve_batch",
]

MAX_AMOUNT = 10**15  # ten trillion yuan: far above any budget, far below BIGINT


def _amount(amount_fen: int) -> int:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise InvalidAmount("金额必须是以分为单位的整数", field="amount_fen")
    if not 0 < amount_fen <= MAX_AMOUNT:
        raise InvalidAmount("金额必须大于0", field="amount_fen")
    return amount_fen


def _ref(ref: str) -> str:
    ref = ref.strip()
    if not ref or len(ref) > 128:
        raise OutOfRange("业务编号不能为空且不超过128个字符", field="ref")
    return ref


def allocate(
    session: Session, actor: AuditActor, *, pool_id: int, amount_fen: int, ref: str, note: str = ""
) -> None:
    """Add budget to the pool's available balance at once (money released outside the
    schedule), spread evenly over its shards; never above the year's budget."""
    amount, ref = _amount(amount_fen), _ref(ref)
    pool = pool_or_404(session, pool_id)
    if isinstance(actor, Actor):
        visible(actor, pool, pool.jurisdiction_code, "预算池不存在")
    if pool.closed_at is not None:
        raise PoolClosed(f"预算池「{pool.name}」的{pool.period_year}年度已结束，不能再下达资金")
    before = pool_balances(session, pool_id)
    if pool.budget_fen:
        planned = before.allocated + moves.unreleased_fen(session, pool_id) + amount
        if planned > pool.budget_fen:
            raise BudgetOverPlan(
                f"下达后合计{yuan_grouped(planned)}元（含尚未下达的计划），"
                f"超过年度预算{yuan_grouped(pool.budget_fen)}元"
            )
    moves.fund_evenly(session, pool_id=pool_id, amount=amount, kind="allocate", ref=ref, note=note)
    audit.record(
        session,
        actor,
        "ledger.allocated",
        object_type="ledger_pool",
        object_id=pool_id,
        before=asdict(before),
        after=asdict(pool_balances(session, pool_id)),
        detail={"amount_fen": amount, "ref": ref, "note": note},
        jurisdiction_code=pool.jurisdiction_code,
    )
    pausing.resume_if_covered(session, pool_id, actor)  # money arrived: resume at once


def reserve(session: Session, *, pool_id: int, amount_fen: int, ref: str) -> int:
    """Move ``amount_fen`` from available to reserved; return the shard used. When what is
    left cannot cover the next sale the pool pauses at once (``pausing.pause_if_short``).

    Raises BudgetExhausted (409) when the pool's available balance is short."""
    shard_id = _reserve(session, pool_id=pool_id, amount_fen=amount_fen, ref=ref)
    pausing.pause_if_short(session, [pool_id])
    return shard_id


def _reserve(session: Session, *, pool_id: int, amount_fen: int, ref: str) -> int:
    amount, ref = _amount(amount_fen), _ref(ref)
    pool = pool_or_404(session, pool_id)
    isolate = _isolate(session, pool)
    start = zlib.crc32(ref.encode("utf-8")) % pool.shard_count
    if isolate:  # PostgreSQL, several shards: one statement when a free shard covers it
        # inside a savepoint: a shard that SKIP LOCKED locked but whose re-check then failed
        # (its balance fell meanwhile) stays locked, and a later consolidation locking every
        # shard in id order while holding it would deadlock with another
        grab = partial(
            moves.reserve_unlocked,
            session,
            pool_id=pool_id,
            shards_count=pool.shard_count,
            start=start,
            amount=amount,
            ref=ref,
        )
        shard_id = moves.attempt(session, isolate, grab)
        if shard_id is not None:
            return shard_id
    for step in range(pool.shard_count):
        slot = (start + step) % pool.shard_count
        move = partial(
            moves.shift_slot,
            session,
            pool_id=pool_id,
            slot=slot,
            src="available",
            dst="reserved",
            amount=amount,
        )
        shard_id = moves.attempt(session, isolate, move)
        if shard_id is not None:
            _journal_move(
                session, pool_id, shard_id, "available", "reserved", amount, "reserve", ref
            )
            return shard_id
        if step == 0:  # cheap refusal, without locks, of a pool that cannot cover it at all
            _refuse_if_short(session, pool, amount)
    return _reserve_slow(session, pool, amount, ref)


def _refuse_if_short(session: Session, pool: Pool, amount: int) -> None:
    available = pool_balances(session, pool.id).available
    if available < amount:
        raise BudgetExhausted(pool.name, available_fen=available, needed_fen=amount)


def _isolate(session: Session, pool: Pool) -> bool:
    """Whether a missed conditional update must be undone to drop a stray row lock."""
    return pool.shard_count > 1 and is_postgres(session)


def _reserve_slow(session: Session, pool: Pool, amount: int, ref: str) -> int:
    """No shard alone can cover ``amount``: consolidate under lock, or refuse."""
    _refuse_if_short(session, pool, amount)
    rows = moves.lock_shards(session, pool.id)
    total = sum(r.available for r in rows)
    if total < amount:
        raise BudgetExhausted(pool.name, available_fen=total, needed_fen=amount)
    target = max(rows, key=lambda r: (r.available, -r.id))
    need = amount - target.available
    for row in rows:
        if need <= 0:
            break
        if row.id != target.id and row.available > 0:
            take = min(row.available, need)
            moves.transfer_available(
                session,
                pool_id=pool.id,
                donor=row.id,
                receiver=target.id,
                amount=take,
                kind="consolidate",
                ref=ref,
            )
            need -= take
    shard_id = moves.shift_slot(
        session, pool_id=pool.id, slot=target.slot, src="available", dst="reserved", amount=amount
    )
    if (
        shard_id is None or shard_id != target.id
    ):  # impossible: the shards are locked and were topped up
        raise RuntimeError("consolidated shard does not cover the reservation")
    _journal_move(session, pool.id, shard_id, "available", "reserved", amount, "reserve", ref)
    return shard_id


def _journal_move(
    session: Session,
    pool_id: int,
    shard_id: int,
    src: str,
    dst: str,
    amount: int,
    kind: str,
    ref: str,
) -> None:
    legs = [(shard_id, src, -amount), (shard_id, dst, amount)]
    moves.journal(session, pool_id=pool_id, legs=legs, kind=kind, ref=ref)


_SHORT = {
    "commit": ("预留", "确认支出"),
    "release": ("预留", "释放"),
    "claw_back": ("已支出", "追回"),
}


def _settle(
    session: Session,
    *,
    pool_id: int,
    amount_fen: int,
    ref: str,
    src: str,
    dst: str,
    kind: str,
    shard_id: int | None,
) -> None:
    """Move money between two accounts: the given shard first, then the shards the ref's
    money went to, then any shard holding enough, then (under lock, split across shards)
    wherever the pool holds it."""
    amount, ref = _amount(amount_fen), _ref(ref)
    pool = pool_or_404(session, pool_id)
    isolate = _isolate(session, pool)
    tried: set[int] = set()
    for candidate in _candidates(session, pool_id, shard_id, ref=ref, src=src, amount=amount):
        if candidate in tried:
            continue
        tried.add(candidate)
        move = partial(
            moves.shift,
            session,
            shard_id=candidate,
            pool_id=pool_id,
            src=src,
            dst=dst,
            amount=amount,
        )
        if moves.attempt(session, isolate, move):
            _journal_move(session, pool_id, candidate, src, dst, amount, kind, ref)
            return
    _settle_split(session, pool, amount=amount, ref=ref, src=src, dst=dst, kind=kind)


def _candidates(
    session: Session, pool_id: int, shard_id: int | None, *, ref: str, src: str, amount: int
) -> Iterator[int]:
    """Shards to try, lazily: each lookup runs only when the previous ones missed."""
    if shard_id is not None:
        yield shard_id
    yield from moves.shards_of_ref(session, pool_id=pool_id, ref=ref, account=src)
    yield from moves.shards_holding(session, pool_id=pool_id, account=src, amount=amount)


def _settle_split(
    session: Session, pool: Pool, *, amount: int, ref: str, src: str, dst: str, kind: str
) -> None:
    rows = moves.lock_shards(session, pool.id)
    total = sum(getattr(r, src) for r in rows)
    if total < amount:
        held, verb = _SHORT[kind]
        raise InsufficientBalance(
            f"预算池「{pool.name}」{held}金额不足：{held}{yuan_grouped(total)}元，"
            f"需要{verb}{yuan_grouped(amount)}元"
        )
    need = amount
    for row in rows:
        take = min(getattr(row, src), need)
        if take > 0:
            moves.shift(session, shard_id=row.id, pool_id=pool.id, src=src, dst=dst, amount=take)
            _journal_move(session, pool.id, row.id, src, dst, take, kind, ref)
            need -= take
        if need == 0:
            return


def commit(
    session: Session, *, pool_id: int, amount_fen: int, ref: str, shard_id: int | None = None
) -> None:
    """Reserved → spent (the subsidy was paid)."""
    _settle(
        session,
        pool_id=pool_id,
        amount_fen=amount_fen,
        ref=ref,
        src="reserved",
        dst="spent",
        kind="commit",
        shard_id=shard_id,
    )


def release(
    session: Session, *, pool_id: int, amount_fen: int, ref: str, shard_id: int | None = None
) -> None:
    """Reserved → available (the claim was cancelled or rejected); a pool paused for want
    of money resumes at once if this covers the next sale."""
    _settle(
        session,
        pool_id=pool_id,
        amount_fen=amount_fen,
        ref=ref,
        src="reserved",
        dst="available",
        kind="release",
        shard_id=shard_id,
    )
    pausing.resume_if_covered(session, pool_id)


def claw_back(
    session: Session, *, pool_id: int, amount_fen: int, ref: str, shard_id: int | None = None
) -> None:
    """Spent → available: a reversal movement; the original commit stays in the journal."""
    _settle(
        session,
        pool_id=pool_id,
        amount_fen=amount_fen,
        ref=ref,
        src="spent",
        dst="available",
        kind="claw_back",
        shard_id=shard_id,
    )
    pausing.resume_if_covered(session, pool_id)


def rebalance(session: Session, pool_id: int, *, actor: AuditActor = SYSTEM) -> int:
    """Even out the available money over the pool's shards (under lock); return fen moved."""
    pool = pool_or_404(session, pool_id)
    rows = moves.lock_shards(session, pool_id)
    total = sum(r.available for r in rows)
    base, extra = divmod(total, len(rows))
    want = {r.id: base + (1 if i < extra else 0) for i, r in enumerate(rows)}
    surplus = [[r.id, r.available - want[r.id]] for r in rows if r.available > want[r.id]]
    deficit = [[r.id, want[r.id] - r.available] for r in rows if r.available < want[r.id]]
    moved = 0
    while surplus and deficit:
        take = min(surplus[0][1], deficit[0][1])
        moves.transfer_available(
            session,
            pool_id=pool_id,
            donor=surplus[0][0],
            receiver=deficit[0][0],
            amount=take,
            kind="rebalance",
            ref="rebalance",
        )
        moved += take
        for side in (surplus, deficit):
            side[0][1] -= take
            if side[0][1] == 0:
                side.pop(0)
    if moved:
        audit.record(
            session,
            actor,
            "ledger.rebalanced",
            object_type="ledger_pool",
            object_id=pool_id,
            detail={"moved_fen": moved},
            jurisdiction_code=pool.jurisdiction_code,
        )
    return moved


def pools_along(
    session: Session, programme_ids: set[str], layers: set[str], codes: list[str], year: int
) -> list[Pool]:
    """The pools of ``programme_ids`` and ``layers`` for budget year ``year`` held by any of
    ``codes`` (a jurisdiction path), loaded into the session so a later look-up by id needs
    no round trip."""
    stmt = select(Pool).where(
        Pool.programme_id.in_(programme_ids),
        Pool.layer.in_(layers),
        Pool.jurisdiction_code.in_(codes),
        Pool.period_year == year,
    )
    return list(session.scalars(stmt))
