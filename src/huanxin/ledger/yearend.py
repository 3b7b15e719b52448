"""Closing a pool's budget year: what was released and not drawn is returned to the treasury
(``return``) or carried into the same programme's pool of the next year (``carry_forward``),
as the pool was opened to do; tranches never released are cancelled. Reservations stay: the
claims already reserved are paid from the closed pool as usual.

Each movement is journalled (kinds ``year_return``, ``carry_out`` and, in the next year's pool,
``carry_in``); the next year's budget grows by what it receives. Closing twice changes nothing.
The ``budget_pacing`` job closes every pool whose year has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.ledger import moves, pausing
from huanxin.ledger.errors import PoolClosed
from huanxin.ledger.models import Pool, Tranche
from huanxin.ledger.pools import find_pool, pool_or_404


@dataclass(frozen=True)
class YearEnd:
    pool_id: int
    returned_fen: int
    carried_fen: int
    carried_to: int | None
    cancelled_fen: int


def _take_available(session: Session, pool: Pool, kind: str) -> int:
    """Move all available money of the pool out (available → external), shard by shard."""
    total = 0
    for row in moves.lock_shards(session, pool.id):
        if row.available > 0:
            moves.fund(session, shard_id=row.id, amount=-row.available)
            legs = [(row.id, "available", -row.available), (row.id, moves.EXTERNAL, row.available)]
            moves.journal(session, pool_id=pool.id, legs=legs, kind=kind, ref=f"year_end:{pool.id}")
            total += row.available
    return total


def _cancel_unreleased(session: Session, pool_id: int) -> int:
    unreleased = Tranche.pool_id == pool_id, Tranche.released_at.is_(None)
    amount = int(
        session.scalar(select(func.coalesce(func.sum(Tranche.amount_fen), 0)).where(*unreleased))
        or 0
    )
    session.execute(delete(Tranche).where(*unreleased))
    return amount


def close_year(session: Session, actor: AuditActor, *, pool_id: int, on: date) -> YearEnd:
    """Close the pool's budget year on ``on`` (after 31 December of that year)."""
    pool = pool_or_404(session, pool_id)
    if pool.closed_at is not None:
        return YearEnd(pool.id, 0, 0, None, 0)
    if on <= date(pool.period_year, 12, 31):
        raise PoolClosed(f"预算池「{pool.name}」的{pool.period_year}年度尚未结束，不能结转")
    cancelled = _cancel_unreleased(session, pool.id)
    target = None
    if pool.year_end == "carry_forward":
        target = find_pool(
            session,
            programme_id=pool.programme_id,
            layer=pool.layer,
            jurisdiction_code=pool.jurisdiction_code,
            period_year=pool.period_year + 1,
        )
    amount = _take_available(session, pool, "carry_out" if target else "year_return")
    if target is not None and amount:
        target.budget_fen += amount
        moves.fund_evenly(
            session,
            pool_id=target.id,
            amount=amount,
            kind="carry_in",
            ref=f"year_end:{pool.id}",
            note=f"{pool.period_year}年结余结转",
        )
        pausing.resume_if_covered(session, target.id, actor)
    pool.closed_at = utcnow()
    result = YearEnd(
        pool.id,
        0 if target else amount,
        amount if target else 0,
        target.id if target else None,
        cancelled,
    )
    audit.record(
        session,
        actor,
        "ledger.year_closed",
        object_type="ledger_pool",
        object_id=pool.id,
        detail={
            "returned_fen": result.returned_fen,
            "carried_fen": result.carried_fen,
            "carried_to": result.carried_to,
            "cancelled_fen": cancelled,
        },
        jurisdiction_code=pool.jurisdiction_code,
    )
    session.flush()
    return result


def close_ended(session: Session, actor: AuditActor, *, today: date) -> list[YearEnd]:
    """Close every open pool whose budget year ended before ``today``, oldest first (so a
    carry-forward reaches a pool that is still open)."""
    stmt = (
        select(Pool.id)
        .where(Pool.closed_at.is_(None), Pool.period_year < today.year)
        .order_by(Pool.period_year, Pool.id)
    )
    return [close_year(session, actor, pool_id=i, on=today) for i in list(session.scalars(stmt))]
