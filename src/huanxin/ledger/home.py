"""Home-page items of the ledger domain, read from the database (office and finance): budget
left and spent, pools whose sales are paused, the budget alerts of the last week, and the
year's burn chart (each month's spending against the year's budget)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import CHINA_TZ, today_cn
from huanxin.core.money import money_text
from huanxin.ledger import chart, forecast, service
from huanxin.ledger.models import Entry
from huanxin.ledger.report import day_expr
from huanxin.web.ui import Chart, HomeItem, count_figure, money_figure


def monthly_spending(session: Session, pool_ids: list[int], *, year: int) -> list[int]:
    """Net money drawn by sales from the pools in each month of ``year`` up to this month."""
    day = day_expr(session)
    since = datetime.combine(date(year, 1, 1), time(), CHINA_TZ).astimezone(UTC)
    rows = session.execute(
        select(day, func.sum(Entry.amount_fen))
        .where(
            Entry.pool_id.in_(pool_ids),
            Entry.account == "available",
            Entry.kind.in_(forecast.DRAW_KINDS),
            Entry.at >= since,
        )
        .group_by(day)
    )
    months: dict[int, int] = defaultdict(int)
    for text, total in rows:
        on = date.fromisoformat(str(text))
        if on.year == year:
            months[on.month] -= int(total)
    last = today_cn().month if today_cn().year == year else 12
    return [months[m] for m in range(1, last + 1)]


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    """Budget available and spent over the pools in the actor's scope, and its burn chart."""
    if not actor.can("ledger:read"):
        return []
    pools = service.list_pools(session, actor)
    if not pools:
        return []
    available = sum(p.balances.available for p in pools)
    spent = sum(p.balances.spent for p in pools)
    since = today_cn() - timedelta(days=7)
    ids = [p.pool.id for p in pools]
    alerts = forecast.alerts_for(session, ids, since=since)
    paused = sum(1 for p in pools if p.pool.paused_by)
    year = today_cn().year
    this_year = [p for p in pools if p.pool.period_year == year]
    budget = sum(p.pool.budget_fen or p.balances.allocated for p in this_year)
    monthly = monthly_spending(session, [p.pool.id for p in this_year], year=year)
    burn = chart.year_burn_svg(monthly, budget)
    return [
        count_figure("暂停办理的预算池", paused, "/ledger", unit="个", todo=True),
        count_figure("近7日预算预警", len(alerts), "/ledger", unit="条", todo=True),
        count_figure("预算池数量", len(pools), "/ledger", unit="个"),
        money_figure("可用预算", available, "/ledger"),
        money_figure("已支出补贴", spent, "/ledger"),
        Chart(f"预算支出进度（{year}年预算 {money_text(budget)}）", burn, "/ledger"),
    ]
