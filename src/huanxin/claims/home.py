"""Home-page figures of the trade-in domain: the statutory clocks' alert (steps overdue and
due within two working days) for the office, departments and finance."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.claims.service import overdue
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
    if not actor.can("clocks:read"):
        return []
    counts = overdue.alert_counts(session, actor, today_cn())
    return [
        Figure("逾期未办事项", str(counts["overdue"]), "/clocks"),
        Figure("两个工作日内到期", str(counts["due_soon"]), "/clocks"),
    ]
