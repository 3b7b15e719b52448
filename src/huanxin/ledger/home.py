"""Home-page figures of the ledger domain, read from the database: budget left and spent,
pools whose sales are paused, and the budget alerts of the last week (office and finance)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.ledger import forecast, service
from huanxin.ledger.errors import yuan_grouped
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
    """Budget available and spent over the pools in the actor's scope."""
    if not actor.can("ledger:read"):
        return []
    pools = service.list_pools(session, actor)
    if not pools:
        return []
    available = sum(p.balances.available for p in pools)
    spent = sum(p.balances.spent for p in pools)
    since = today_cn() - timedelta(days=7)
    alerts = forecast.alerts_for(session, [p.pool.id for p in pools], since=since)
    paused = sum(1 for p in pools if p.pool.paused_by)
    return [
        Figure("预算池数量", str(len(pools)), "/ledger"),
        Figure("可用预算（元）", yuan_grouped(available), "/ledger"),
        Figure("已支出补贴（元）", yuan_grouped(spent), "/ledger"),
        Figure("暂停办理的预算池", str(paused), "/ledger"),
        Figure("近7日预算预警", str(len(alerts)), "/ledger"),
    ]
