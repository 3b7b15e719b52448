"""Home-page figures of the supervision domain, read from the database."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.supervision.service import inbox, ledger
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
    """Task counts for the office and for departments (their own tasks)."""
    if not (actor.can("supervision:write") or actor.can("supervision:report")):
        return []
    rows = ledger.list_rows(session, actor)
    counts = Counter(r.status for r in rows)
    label = "本部门督办任务" if actor.role == "department" else "督办任务"
    return [
        Figure(label, str(len(rows)), "/supervision/tasks"),
        Figure("逾期任务", str(counts["overdue"]), "/supervision/tasks?status=overdue"),
        Figure("有风险任务", str(counts["at_risk"]), "/supervision/tasks?status=at_risk"),
        Figure("专班待办", str(len(inbox.items_for(session, actor))), "/supervision/inbox"),
    ]
