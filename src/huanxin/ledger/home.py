"""Home-page figures of the ledger domain, read from the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.ledger import service
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
    return [
        Figure("预算池数量", str(len(pools)), "/ledger"),
        Figure("可用预算（元）", yuan_grouped(available), "/ledger"),
        Figure("已支出补贴（元）", yuan_grouped(spent), "/ledger"),
    ]
