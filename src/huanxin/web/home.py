"""Each role's home page, read from the database (no placeholders): its next actions (work
waiting for it, each linking to the list filtered to that work), its figures and its charts.

Each domain names its home function in its descriptor (``home``); they are called in the
order of ``huanxin.domains`` and return ``Figure`` and ``Chart`` items (``huanxin.web.ui``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.domain import load
from huanxin.core.models import AuditEntry, Jurisdiction, Organization, User
from huanxin.core.roles import ORG_KIND_LABELS
from huanxin.domains import DOMAINS
from huanxin.web.ui import Chart, Figure, HomeItem, count_figure

DOMAIN_FIGURES = [load(d.home) for d in DOMAINS if d.home]


def _count(session: Session, stmt: object) -> int:
    return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]


def _scope_figures(session: Session, actor: Actor) -> list[Figure]:
    scope = actor.scope_codes
    users = _count(
        session, select(func.count()).select_from(User).where(User.jurisdiction_code.in_(scope))
    )
    places = _count(
        session, select(func.count()).select_from(Jurisdiction).where(Jurisdiction.code.in_(scope))
    )
    since = utcnow() - timedelta(days=1)
    events = _count(
        session,
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.jurisdiction_code.in_(scope), AuditEntry.at >= since),
    )
    return [
        count_figure("辖区数量", places, "/admin/jurisdictions"),
        count_figure("用户数量", users, "/admin/users" if actor.can("users:read") else None),
        count_figure("24小时审计事件", events, "/audit"),
    ]


def _org_figure(session: Session, actor: Actor) -> list[Figure]:
    if actor.org_id is None:
        return []
    org = session.get(Organization, actor.org_id)
    if org is None:
        return []
    return [Figure(f"所属{ORG_KIND_LABELS[org.kind]}", org.name)]


def figures_for(session: Session, actor: Actor) -> list[HomeItem]:
    """Every item of the actor's home, in the order of the domains."""
    items: list[HomeItem] = list(_org_figure(session, actor))
    for domain in DOMAIN_FIGURES:
        items += domain(session, actor)
    if actor.can("users:read") or actor.can("audit:read"):
        items += _scope_figures(session, actor)
    return items


@dataclass
class Board:
    """The home page's three parts: next actions, figures, charts."""

    todo: list[Figure] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def board_for(session: Session, actor: Actor) -> Board:
    board = Board()
    for item in figures_for(session, actor):
        if isinstance(item, Chart):
            board.charts.append(item)
        elif item.todo:
            board.todo.append(item)
        else:
            board.figures.append(item)
    return board
