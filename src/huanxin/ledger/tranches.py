"""A pool's release schedule: the year's budget comes into the pool in tranches (monthly or
weekly amounts or shares, quarterly central batches), each a journalled movement.

``set_schedule`` replaces the tranches not yet released, all or nothing: every row is checked
(inside the budget year, end not before start, one amount, no overlap with another row or a
released tranche, the total within the year's budget) and the first bad row is refused by
number and reason. ``plan`` builds the rows of a pattern. ``release_due`` releases every
tranche whose day has come: a conditional update marks it released once, so two runs of the
job never release twice.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.money import percent_of
from huanxin.ledger import moves
from huanxin.ledger.errors import PoolClosed, ScheduleRefused, yuan_grouped
from huanxin.ledger.models import Pool, Tranche
from huanxin.ledger.pools import pool_balances, pool_or_404

PATTERNS = ("monthly", "weekly", "quarterly")
PATTERN_LABELS = {"monthly": "按月下达", "weekly": "按周下达", "quarterly": "按季度分批下达"}
MAX_ROWS = 400


@dataclass(frozen=True)
class TrancheRow:
    """One row of a schedule as given: a window and either an amount or a share of the
    year's budget in basis points."""

    starts_on: date
    ends_on: date
    amount_fen: int | None = None
    share_bp: int | None = None


def schedule_of(session: Session, pool_id: int) -> list[Tranche]:
    stmt = select(Tranche).where(Tranche.pool_id == pool_id).order_by(Tranche.starts_on)
    return list(session.scalars(stmt))


def _refuse(n: int, reason: str) -> ScheduleRefused:
    return ScheduleRefused(f"第{n}行：{reason}", field="rows")


def _row_amount(pool: Pool, n: int, row: TrancheRow) -> int:
    if (row.amount_fen is None) == (row.share_bp is None):
        raise _refuse(n, "请填写金额或占年度预算的比例，二者选一")
    if row.share_bp is not None:
        if not 0 < row.share_bp <= 10_000:
            raise _refuse(n, "比例必须大于0且不超过100%")
        amount = percent_of(pool.budget_fen, row.share_bp)
    else:
        amount = cast(int, row.amount_fen)
    if amount <= 0:
        raise _refuse(n, "下达金额必须大于0")
    return amount


def _check_window(pool: Pool, n: int, row: TrancheRow) -> None:
    if row.ends_on < row.starts_on:
        raise _refuse(n, f"结束日期{row.ends_on}早于开始日期{row.starts_on}")
    if row.starts_on.year != pool.period_year or row.ends_on.year != pool.period_year:
        raise _refuse(n, f"下达期间必须在预算年度{pool.period_year}年内")


def _window(t: Tranche | TrancheRow) -> str:
    return f"{t.starts_on:%m月%d日}至{t.ends_on:%m月%d日}"


def _check_overlaps(rows: list[TrancheRow], released: list[Tranche]) -> None:
    for n, row in enumerate(rows, start=1):
        for t in released:
            if row.starts_on <= t.ends_on and t.starts_on <= row.ends_on:
                raise _refuse(n, f"与已下达的一批（{_window(t)}）时间段重叠")
        for m, other in enumerate(rows[: n - 1], start=1):
            if row.starts_on <= other.ends_on and other.starts_on <= row.ends_on:
                raise _refuse(n, f"与第{m}行（{_window(other)}）时间段重叠")


def validate(session: Session, pool: Pool, rows: list[TrancheRow]) -> list[int]:
    """The amount of each row, or the refusal of the first bad row; nothing is written."""
    if pool.closed_at is not None:
        raise PoolClosed(f"预算池「{pool.name}」的{pool.period_year}年度已结束，不能再安排下达")
    if pool.budget_fen <= 0:
        raise ScheduleRefused("请先设定预算池的年度预算，再安排分批下达", field="budget_fen")
    if not rows:
        raise ScheduleRefused("下达计划至少需要一行", field="rows")
    if len(rows) > MAX_ROWS:
        raise ScheduleRefused(f"下达计划不超过{MAX_ROWS}行", field="rows")
    released = [t for t in schedule_of(session, pool.id) if t.released_at is not None]
    amounts = []
    for n, row in enumerate(rows, start=1):
        _check_window(pool, n, row)
        amounts.append(_row_amount(pool, n, row))
    _check_overlaps(rows, released)
    total = pool_balances(session, pool.id).allocated
    for n, amount in enumerate(amounts, start=1):
        total += amount
        if total > pool.budget_fen:
            raise _refuse(
                n,
                f"已下达与计划下达合计{yuan_grouped(total)}元，"
                f"超过年度预算{yuan_grouped(pool.budget_fen)}元",
            )
    return amounts


def set_schedule(
    session: Session, actor: AuditActor, *, pool_id: int, rows: list[TrancheRow]
) -> list[Tranche]:
    """Replace the pool's unreleased tranches with ``rows`` (all or nothing)."""
    pool = pool_or_404(session, pool_id)
    if isinstance(actor, Actor):
        visible(actor, pool, pool.jurisdiction_code, "预算池不存在")
    rows = sorted(rows, key=lambda r: r.starts_on)
    amounts = validate(session, pool, rows)
    session.execute(
        delete(Tranche).where(Tranche.pool_id == pool_id, Tranche.released_at.is_(None))
    )
    existing = schedule_of(session, pool_id)
    seq = max((t.seq for t in existing), default=0)
    now = utcnow()
    for row, amount in zip(rows, amounts, strict=True):
        seq += 1
        session.add(
            Tranche(
                pool_id=pool_id,
                seq=seq,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                amount_fen=amount,
                created_at=now,
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "ledger.schedule_set",
        object_type="ledger_pool",
        object_id=pool_id,
        detail={
            "rows": [
                {
                    "starts_on": r.starts_on.isoformat(),
                    "ends_on": r.ends_on.isoformat(),
                    "amount_fen": a,
                }
                for r, a in zip(rows, amounts, strict=True)
            ]
        },
        jurisdiction_code=pool.jurisdiction_code,
    )
    return schedule_of(session, pool_id)


def _windows(year: int, pattern: str) -> list[tuple[date, date]]:
    """The release windows of a pattern. Weeks run Monday to Sunday and are cut at the end
    of a month, so a month's money never spills into the next month's plan."""
    months = [
        (date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1])) for m in range(1, 13)
    ]
    if pattern == "monthly":
        return months
    if pattern == "quarterly":
        return [(months[q][0], months[q + 2][1]) for q in (0, 3, 6, 9)]
    out = []
    for first, last in months:
        start = first
        while start <= last:
            stop = min(start + timedelta(days=6 - start.weekday()), last)
            out.append((start, stop))
            start = stop + timedelta(days=1)
    return out


def _weights(windows: list[tuple[date, date]], pattern: str) -> list[Fraction]:
    """Equal shares per month or quarter; a week gets its month's share by its days."""
    if pattern != "weekly":
        return [Fraction(1)] * len(windows)
    return [Fraction((b - a).days + 1, calendar.monthrange(a.year, a.month)[1]) for a, b in windows]


def plan(
    session: Session, pool: Pool, *, pattern: str, shares_bp: list[int] | None = None
) -> list[TrancheRow]:
    """Rows that release what is left of the year's budget over the windows of ``pattern``
    not yet covered by a released tranche: evenly (every month alike, a week by its days),
    or in the given shares (which must sum to 100 %)."""
    if pattern not in PATTERNS:
        raise ScheduleRefused("下达方式必须是按月、按周或按季度", field="pattern")
    released = [t for t in schedule_of(session, pool.id) if t.released_at is not None]
    windows = [
        w
        for w in _windows(pool.period_year, pattern)
        if not any(w[0] <= t.ends_on and t.starts_on <= w[1] for t in released)
    ]
    left = pool.budget_fen - pool_balances(session, pool.id).allocated
    if not windows or left <= 0:
        raise ScheduleRefused("本年度已没有可安排的下达期间或剩余预算", field="pattern")
    if shares_bp is not None and (len(shares_bp) != len(windows) or sum(shares_bp) != 10_000):
        raise ScheduleRefused(f"各期比例必须有{len(windows)}个且合计100%", field="shares_bp")
    weights = [Fraction(b) for b in shares_bp] if shares_bp else _weights(windows, pattern)
    total = sum(weights)
    amounts = [int(left * w / total) for w in weights]
    amounts[-1] += left - sum(amounts)  # the remainder fen go to the last tranche
    return [
        TrancheRow(starts_on=a, ends_on=b, amount_fen=amount)
        for (a, b), amount in zip(windows, amounts, strict=True)
        if amount > 0
    ]


def release_due(session: Session, actor: AuditActor, *, today: date) -> list[Tranche]:
    """Release every unreleased tranche whose first day is ``today`` or earlier, oldest
    first; each exactly once, as one journalled movement per shard (kind ``tranche``)."""
    stmt = (
        select(Tranche)
        .join(Pool, Pool.id == Tranche.pool_id)
        .where(Tranche.released_at.is_(None), Tranche.starts_on <= today, Pool.closed_at.is_(None))
        .order_by(Tranche.pool_id, Tranche.starts_on)
    )
    done = []
    for tranche in list(session.scalars(stmt)):
        if _release(session, actor, tranche):
            done.append(tranche)
    return done


def _release(session: Session, actor: AuditActor, tranche: Tranche) -> bool:
    claimed = cast(
        CursorResult[Any],
        session.execute(
            update(Tranche)
            .where(Tranche.id == tranche.id, Tranche.released_at.is_(None))
            .values(released_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        return False  # a concurrent run released it
    session.refresh(tranche)
    pool = pool_or_404(session, tranche.pool_id)
    ref = f"tranche:{pool.id}:{tranche.seq}"
    note = f"第{tranche.seq}批（{_window(tranche)}）"
    moves.fund_evenly(
        session, pool_id=pool.id, amount=tranche.amount_fen, kind="tranche", ref=ref, note=note
    )
    audit.record(
        session,
        actor,
        "ledger.tranche_released",
        object_type="ledger_pool",
        object_id=pool.id,
        detail={
            "seq": tranche.seq,
            "amount_fen": tranche.amount_fen,
            "starts_on": tranche.starts_on.isoformat(),
        },
        jurisdiction_code=pool.jurisdiction_code,
    )
    return True


def next_release(session: Session, pool_id: int) -> Tranche | None:
    """The pool's next tranche not yet released."""
    stmt = (
        select(Tranche)
        .where(Tranche.pool_id == pool_id, Tranche.released_at.is_(None))
        .order_by(Tranche.starts_on)
        .limit(1)
    )
    return session.scalars(stmt).first()
