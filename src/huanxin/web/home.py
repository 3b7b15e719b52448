"""Figures on each role's home page, read from the database (no placeholders).

Each domain names its figures function in its descriptor (``home``); they are called in the
order of ``huanxin.domains``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.domain import load
from huanxin.core.models import AuditEntry, Jurisdiction, Organization, User
from huanxin.core.roles import ORG_KIND_LABELS
from huanxin.domains import DOMAINS
from huanxin.web.ui import Figure

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
        Figure("辖区数量", str(places), "/admin/jurisdictions"),
        Figure("用户数量", str(users), "/admin/users"),
        Figure("24小时审计事件", str(events), "/audit"),
    ]


def _org_figure(session: Session, actor: Actor) -> list[Figure]:
    if actor.org_id is None:
        return []
    org = session.get(Organization, actor.org_id)
    if org is None:
        return []
    return [Figure(f"所属{ORG_KIND_LABELS[org.kind]}", org.name)]


def figures_for(session: Session, actor: Actor) -> list[Figure]:
    figures = _org_figure(session, actor)
    for domain in DOMAIN_FIGURES:
        figures += domain(session, actor)
    if actor.can("users:read") or actor.can("audit:read"):
        figures += _scope_figures(session, actor)
    return figures
