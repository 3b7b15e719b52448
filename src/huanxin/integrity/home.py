"""Home-page figures of the integrity domain, read from the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.integrity.models import RiskScore
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
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
        Figure("暂停支付待复核", str(counts.get("held", 0)), "/integrity/queue"),
        Figure("已移送审计", str(counts.get("referred", 0)), "/integrity/queue?status=referred"),
    ]
