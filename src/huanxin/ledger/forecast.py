"""Forecast and alerts of a pool: when its money runs out at the current pace, how each month's
spending compares with the plan, and warnings for the office and finance.

*Spending* of a day is what sales drew from the pool's available money that day, net of
reservations given back (reserve, release and claw-back legs on the ``available`` account).
The *monthly plan* is the release schedule spread over the days of each tranche's window. An
alert ``runs_dry`` is raised when the year's money (available plus scheduled) would run out
before 31 December at the last 30 days' pace; ``off_plan`` when the last complete month, or
the month so far, strays from its plan by more than ``TOLERANCE_BP``. One alert per pool, kind
and day (a unique key), so the job may run many times a day.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.core.clock import CHINA_TZ, utcnow
from huanxin.ledger import moves
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Alert, Entry, Pool, Tranche
from huanxin.ledger.pools import pool_balances
from huanxin.ledger.report import day_expr

DRAW_KINDS = ("reserve", "release", "claw_back")
TOLERANCE_BP = 1_000  # 10 %
WINDOW_DAYS = 30
ALERT_LABELS = {"runs_dry": "资金将提前用完", "off_plan": "支出偏离月度计划"}


@dataclass(frozen=True)
class MonthFigures:
    month: int
    plan_fen: int
    spent_fen: int

    @property
    def deviation_bp(self) -> int | None:
        """(spent − plan) / plan in basis points; None without a plan."""
        if self.plan_fen <= 0:
            return None
        return round((self.spent_fen - self.plan_fen) * 10_000 / self.plan_fen)


@dataclass(frozen=True)
class Forecast:
    today: date
    per_day_fen: int
    available_fen: int
    unreleased_fen: int
    released_runs_out_on: date | None
    budget_runs_out_on: date | None
    period_end: date
    months: list[MonthFigures]

    def is_ahead(self, m: MonthFigures) -> bool:
        """Whether ``m`` is a month of this year's period still to come (nothing to compare)."""
        same_year = self.today.year == self.period_end.year and self.today <= self.period_end
        return same_year and m.month > self.today.month


def monthly_plan(session: Session, pool_id: int) -> dict[int, int]:
    """Each month's share of the schedule: a tranche's amount spread over its window's days
    (whole fen; the remainder goes to the window's last month)."""
    plan: dict[int, int] = defaultdict(int)
    for t in session.scalars(select(Tranche).where(Tranche.pool_id == pool_id)):
        days = (t.ends_on - t.starts_on).days + 1
        per_month: dict[int, int] = defaultdict(int)
        for offset in range(days):
            per_month[(t.starts_on + timedelta(days=offset)).month] += 1
        given = 0
        for month, count in sorted(per_month.items()):
            part = t.amount_fen * count // days
            plan[month] += part
            given += part
        plan[t.ends_on.month] += t.amount_fen - given
    return dict(plan)


def daily_spending(session: Session, pool_id: int, *, first: date, last: date) -> dict[date, int]:
    """Net money drawn by sales per China-time day between ``first`` and ``last``."""
    day = day_expr(session)
    since = datetime.combine(first, time(), CHINA_TZ).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time(), CHINA_TZ).astimezone(UTC)
    stmt = (
        select(day, func.sum(Entry.amount_fen))
        .where(
            Entry.pool_id == pool_id,
            Entry.account == "available",
            Entry.kind.in_(DRAW_KINDS),
            Entry.at >= since,
            Entry.at < until,
        )
        .group_by(day)
    )
    return {date.fromisoformat(str(d)): -int(total) for d, total in session.execute(stmt)}


def _runs_out(today: date, money: int, per_day: int) -> date | None:
    if per_day <= 0:
        return None
    return today + timedelta(days=math.ceil(max(money, 0) / per_day))


def forecast(session: Session, pool: Pool, *, today: date) -> Forecast:
    """The pool's pace, run-out dates and months against the plan, as of ``today``."""
    year = pool.period_year
    spending = daily_spending(session, pool.id, first=date(year, 1, 1), last=date(year, 12, 31))
    recent = sum(v for d, v in spending.items() if today - timedelta(WINDOW_DAYS) < d <= today)
    per_day = -(-recent // WINDOW_DAYS) if recent > 0 else 0
    available = pool_balances(session, pool.id).available
    unreleased = moves.unreleased_fen(session, pool.id)
    plan = monthly_plan(session, pool.id)
    spent: dict[int, int] = defaultdict(int)
    for d, v in spending.items():
        spent[d.month] += v
    months = [MonthFigures(m, plan.get(m, 0), spent.get(m, 0)) for m in range(1, 13)]
    return Forecast(
        today=today,
        per_day_fen=per_day,
        available_fen=available,
        unreleased_fen=unreleased,
        released_runs_out_on=_runs_out(today, available, per_day),
        budget_runs_out_on=_runs_out(today, available + unreleased, per_day),
        period_end=date(year, 12, 31),
        months=months,
    )


def _month_to_date(f: Forecast) -> MonthFigures | None:
    """This month so far against the plan prorated to today."""
    month = f.months[f.today.month - 1]
    if f.today.day < 7 or not month.plan_fen:  # too early in the month to judge
        return None
    days_in = calendar.monthrange(f.today.year, f.today.month)[1]
    return MonthFigures(month.month, month.plan_fen * f.today.day // days_in, month.spent_fen)


def findings(session: Session, pool: Pool, *, today: date) -> list[tuple[str, str]]:
    """(kind, Chinese message) of every alert the pool deserves today."""
    if pool.closed_at is not None or today.year != pool.period_year:
        return []
    f = forecast(session, pool, today=today)
    out = []
    if f.budget_runs_out_on is not None and f.budget_runs_out_on < f.period_end:
        message = (
            f"「{pool.name}」按近{WINDOW_DAYS}日日均{yuan_grouped(f.per_day_fen)}元的速度，"
            f"年度资金预计{f.budget_runs_out_on:%m月%d日}用完，早于年底"
        )
        out.append(("runs_dry", message))
    checks = [f.months[today.month - 2]] if today.month > 1 else []
    checks += [m for m in [_month_to_date(f)] if m is not None]
    for m in checks:
        if m.deviation_bp is not None and abs(m.deviation_bp) > TOLERANCE_BP:
            message = (
                f"「{pool.name}」{m.month}月支出{yuan_grouped(m.spent_fen)}元，"
                f"计划{yuan_grouped(m.plan_fen)}元，偏离{_percent(m.deviation_bp)}"
            )
            out.append(("off_plan", message))
            break
    return out


def _percent(bp: int) -> str:
    """
    >>> _percent(1234), _percent(-2500)
    ('+12.34%', '-25.00%')
    """
    sign = "+" if bp >= 0 else "-"
    return f"{sign}{abs(bp) // 100}.{abs(bp) % 100:02d}%"


def raise_alerts(session: Session, pool: Pool, *, today: date) -> int:
    """Store today's alerts of the pool (once per kind and day); returns how many are new."""
    new = 0
    for kind, message in findings(session, pool, today=today):
        alert = Alert(
            pool_id=pool.id, kind=kind, day=today, message=message[:256], created_at=utcnow()
        )
        try:
            with session.begin_nested():
                session.add(alert)
                session.flush()
            new += 1
        except IntegrityError:
            continue  # already raised today
    return new


def alerts_for(
    session: Session, pool_ids: list[int], *, since: date, limit: int = 100
) -> list[Alert]:
    """Alerts of the given pools from ``since`` on, newest first."""
    stmt = (
        select(Alert)
        .where(Alert.pool_id.in_(pool_ids), Alert.day >= since)
        .order_by(Alert.day.desc(), Alert.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
