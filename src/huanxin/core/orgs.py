"""Organisations users are bound to: departments, enterprises, merchants, recyclers.

Domains keep their own details (a merchant's shops, a recycler's licence) in their own
tables keyed by the organisation id; this table says who the organisation is and where.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Required, UnknownJurisdiction, UnknownOrgKind
from huanxin.core.models import Jurisdiction, Organization
from huanxin.core.roles import ORG_KIND_LABELS


def _snapshot(org: Organization) -> dict[str, object]:
    return {
        "kind": org.kind,
        "name": org.name,
        "jurisdiction_code": org.jurisdiction_code,
        "uscc": org.uscc,
    }


def create(
    session: Session,
    actor: AuditActor,
    *,
    kind: str,
    name: str,
    jurisdiction_code: str,
    uscc: str | None = None,
) -> Organization:
    if kind not in ORG_KIND_LABELS:
        raise UnknownOrgKind("机构类型不正确", field="kind")
    if not name.strip():
        raise Required("名称不能为空", field="name")
    if session.get(Jurisdiction, jurisdiction_code) is None:
        raise UnknownJurisdiction("所属区划不存在", field="jurisdiction_code")
    code = identifiers.uscc(uscc, field="uscc") if uscc else None
    org = Organization(
        kind=kind,
        name=name.strip(),
        jurisdiction_code=jurisdiction_code,
        uscc=code,
        created_at=utcnow(),
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "org.created",
        object_type="organization",
        object_id=org.id,
        after=_snapshot(org),
        jurisdiction_code=jurisdiction_code,
    )
    return org


def ensure(
    session: Session,
    actor: AuditActor,
    *,
    kind: str,
    name: str,
    jurisdiction_code: str,
    uscc: str | None = None,
) -> Organization:
    existing = session.scalars(
        select(Organization).where(
            Organization.kind == kind,
            Organization.name == name,
            Organization.jurisdiction_code == jurisdiction_code,
        )
    ).first()
    if existing is not None:
        return existing
    return create(
        session, actor, kind=kind, name=name, jurisdiction_code=jurisdiction_code, uscc=uscc
    )


def readable(actor: Actor, kind: str | None = None) -> Select[Organization]:
    stmt = select(Organization).where(Organization.jurisdiction_code.in_(actor.scope_codes))
    return stmt.where(Organization.kind == kind) if kind else stmt


def get(session: Session, actor: Actor, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    return visible(actor, org, org.jurisdiction_code if org else None, "机构不存在")


def list_for(session: Session, actor: Actor, kind: str | None = None) -> list[Organization]:
    return list(session.scalars(readable(actor, kind).order_by(Organization.id)))


def names_of(session: Session, org_ids: Iterable[int | None]) -> dict[int, str]:
    """Names of the given organisations, for pages that show whose something is (never an id)."""
    wanted = {i for i in org_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(wanted))
    )
    return {row.id: row.name for row in rows}
