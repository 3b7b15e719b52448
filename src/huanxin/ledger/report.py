"""Reading the ledger: the consistency proof (``check``), burn rate and exhaustion forecast,
and the journal of a pool.

``check`` recomputes every shard's balances from the journal and compares: a balance edited
in place, a leg deleted or altered, or a movement that does not sum to zero is reported.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from huanxin.core.clock import CHINA_TZ, today_cn
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Entry, Pool, Shard
from huanxin.ledger.moves import ACCOUNTS, EXTERNAL

ACCOUNT_LABELS = {"available": "可用", "reserved": "预留", "spent": "已支出", "external": "外部"}


def _journal_sums(session: Session) -> dict[tuple[int, str], int]:
    stmt = select(Entry.shard_id, Entry.account, func.sum(Entry.amount_fen)).group_by(
        Entry.shard_id, Entry.account
    )
    return {(shard, account): int(total) for shard, account, total in session.execute(stmt)}


def _shard_problems(shard: Shard, label: str, sums: dict[tuple[int, str], int]) -> list[str]:
    problems = []
    for account in ACCOUNTS:
        held = getattr(shard, account)
        if held < 0:
            problems.append(f"{label}：{ACCOUNT_LABELS[account]}余额为负（{yuan_grouped(held)}元）")
        booked = sums.get((shard.id, account), 0)
        if held != booked:
            problems.append(
                f"{label}：{ACCOUNT_LABELS[account]}余额{yuan_grouped(held)}元，"
                f"流水合计{yuan_grouped(booked)}元"
            )
    parts = shard.available + shard.reserved + shard.spent
    if shard.allocated != parts:
        problems.append(
            f"{label}：已下达{yuan_grouped(shard.allocated)}元 ≠ "
            f"可用+预留+已支出{yuan_grouped(parts)}元"
        )
    booked = sum(sums.get((shard.id, a), 0) for a in ACCOUNTS)
    if shard.allocated != booked:
        problems.append(
            f"{label}：已下达{yuan_grouped(shard.allocated)}元，流水合计{yuan_grouped(booked)}元"
        )
    return problems


def _movement_problems(session: Session) -> list[str]:
    stmt = (
        select(Entry.movement, func.count(), func.sum(Entry.amount_fen))
        .group_by(Entry.movement)
        .having((func.count() != 2) | (func.sum(Entry.amount_fen) != 0))
        .limit(100)
    )
    return [
        f"流水{movement}：{count}条分录，合计{yuan_grouped(int(total))}元（应为2条、合计0）"
        for movement, count, total in session.execute(stmt)
    ]


def _pool_problems(session: Session, pool: Pool, shards: list[Shard], external: int) -> list[str]:
    label = f"预算池{pool.id}「{pool.name}」"
    problems = []
    if sorted(s.slot for s in shards) != list(range(pool.shard_count)):
        problems.append(f"{label}：分片应为{pool.shard_count}个，实际{len(shards)}个")
    allocated = sum(s.allocated for s in shards)
    parts = sum(s.available + s.reserved + s.spent for s in shards)
    if allocated != parts:
        problems.append(
            f"{label}：已下达{yuan_grouped(allocated)}元 ≠ 可用+预留+已支出{yuan_grouped(parts)}元"
        )
    if allocated != -external:
        problems.append(
            f"{label}：已下达{yuan_grouped(allocated)}元，下达流水合计{yuan_grouped(-external)}元"
        )
    return problems


def check(session: Session) -> list[str]:
    """Every inconsistency of the ledger, in Chinese; empty when all is well."""
    sums = _journal_sums(session)
    by_pool: dict[int, list[Shard]] = defaultdict(list)
    problems: list[str] = []
    for shard in session.scalars(select(Shard).order_by(Shard.pool_id, Shard.slot)):
        by_pool[shard.pool_id].append(shard)
        label = f"预算池{shard.pool_id}分片{shard.slot}（#{shard.id}）"
        problems += _shard_problems(shard, label, sums)
    stmt = (
        select(Entry.pool_id, func.sum(Entry.amount_fen))
        .where(Entry.account == EXTERNAL)
        .group_by(Entry.pool_id)
    )
    external = {pool_id: int(total) for pool_id, total in session.execute(stmt)}
    for pool in session.scalars(select(Pool).order_by(Pool.id)):
        problems += _pool_problems(
            session, pool, by_pool.get(pool.id, []), external.get(pool.id, 0)
        )
    known = {s.id for shards in by_pool.values() for s in shards}
    orphans = {shard for shard, _ in sums if shard not in known}
    problems += [f"流水指向不存在的分片#{shard}" for shard in sorted(orphans)]
    return problems + _movement_problems(session)


@dataclass(frozen=True)
class BurnRate:
    """Spending over the last ``days`` days and when the available balance runs out.

    ``exhaustion_date`` assumes spending continues at ``per_day_fen`` and that reservations
    in flight keep their level, so available money is what runs out; None without spending.
    ``series`` is the available balance at the end of each day of the window."""

    days: int
    today: date
    spent_fen: int
    per_day_fen: int
    available_fen: int
    exhaustion_date: date | None
    series: list[tuple[date, int]]


def day_expr(session: Session) -> ColumnElement[str]:
    """The China-time calendar day of a journal leg, as 'YYYY-MM-DD'."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Entry.at), "YYYY-MM-DD")
    return func.date(Entry.at, "+8 hours")


def _daily(session: Session, pool_id: int, account: str, since: datetime) -> dict[date, int]:
    day = day_expr(session)
    stmt = (
        select(day, func.sum(Entry.amount_fen))
        .where(Entry.pool_id == pool_id, Entry.account == account, Entry.at >= since)
        .group_by(day)
    )
    return {date.fromisoformat(str(d)): int(total) for d, total in session.execute(stmt)}


def burn(session: Session, pool_id: int, *, days: int = 30, today: date | None = None) -> BurnRate:
    """Net spending per day over the last ``days`` days (today included) and the forecast."""
    today = today or today_cn()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), CHINA_TZ).astimezone(UTC)
    spent = sum(v for d, v in _daily(session, pool_id, "spent", since).items() if d <= today)
    available_deltas = _daily(session, pool_id, "available", since)
    available = int(
        session.scalar(
            select(func.coalesce(func.sum(Shard.available), 0)).where(Shard.pool_id == pool_id)
        )
        or 0
    )
    available -= sum(v for d, v in available_deltas.items() if d > today)
    level, series = available, []
    for offset in range(days):
        day = today - timedelta(days=offset)
        series.append((day, level))
        level -= available_deltas.get(day, 0)
    series.reverse()
    per_day = -(-spent // days) if spent > 0 else 0  # ceiling: never forecast too late
    exhaustion = None
    if per_day > 0:
        exhaustion = today + timedelta(days=math.ceil(max(available, 0) / per_day))
    return BurnRate(
        days=days,
        today=today,
        spent_fen=spent,
        per_day_fen=per_day,
        available_fen=available,
        exhaustion_date=exhaustion,
        series=series,
    )


def journal_of(session: Session, pool_id: int, *, limit: int = 100) -> list[Entry]:
    """The pool's newest journal legs, newest first."""
    stmt = select(Entry).where(Entry.pool_id == pool_id).order_by(Entry.id.desc()).limit(limit)
    return list(session.scalars(stmt))
