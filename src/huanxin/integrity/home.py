"""Home-page figures of the integrity domain, read from the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.integrity.models import RiskScore
from huanxin.web.ui import HomeItem, count_figure


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    """Held and referred claims in scope, for those who read integrity results."""
    if not actor.can("integrity:read"):
        return []
    counts = dict(
        session.execute(
            select(RiskScore.status, func.count())
            .where(RiskScore.jurisdiction_code.in_(actor.scope_codes))
            .group_by(RiskScore.status)
        ).all()
    )
    return [
        count_figure(
            "暂停支付待复核",
            int(counts.get("held", 0)),
            "/integrity/queue",
            unit="件",
            todo=actor.can("integrity:review"),
        ),
        count_figure(
            "已移送审计",
            int(counts.get("referred", 0)),
            "/integrity/queue?status=referred",
            unit="件",
        ),
    ]
