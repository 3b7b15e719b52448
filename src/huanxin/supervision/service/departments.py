"""The department directory of each jurisdiction: names, aliases, and the organisation row
(kind "department") each entry is bound to (created when missing)."""

from __future__ import annotations

import json

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit, orgs
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, Required, UnrelatedReference
from huanxin.core.models import Organization
from huanxin.supervision.matching import Candidate
from huanxin.supervision.models import Department
from huanxin.supervision.service.common import aliases_of, place_words


def clean_aliases(raw: list[str] | str, *, name: str) -> list[str]:
    """Aliases from a list or from text separated by newlines, ``/`` or ``；``."""
    items = raw if isinstance(raw, list) else raw.replace("；", "\n").replace("/", "\n").split("\n")
    out: list[str] = []
    for item in (a.strip() for a in items):
        if item and item != name and item not in out:
            out.append(item)
    return out


def org_name_for(session: Session, code: str, name: str) -> str:
    """The organisation name of a directory entry: 县发改局 in 沁水县 → 沁水县发改局."""
    place, word = place_words(session, code)
    if word and name.startswith(word) and not name.startswith(place):
        return place + name[len(word) :]
    return name


def create(
    session: Session,
    actor: AuditActor,
    *,
    jurisdiction_code: str,
    name: str,
    aliases: list[str] | str | None = None,
    org_id: int | None = None,
) -> Department:
    name = name.strip()
    if not name:
        raise Required("部门名称不能为空", field="name")
    if find_by_name(session, jurisdiction_code, name) is not None:
        raise Conflict(f"部门“{name}”已在目录中", field="name")
    org = _org(session, actor, jurisdiction_code, name, org_id)
    if session.scalars(select(Department.id).where(Department.org_id == org.id)).first():
        raise Conflict(f"机构“{org.name}”已登记为目录中的部门", field="org_id")
    dept = Department(
        jurisdiction_code=jurisdiction_code,
        org_id=org.id,
        name=name,
        aliases=json.dumps(clean_aliases(aliases or [], name=name), ensure_ascii=False),
        created_at=utcnow(),
    )
    session.add(dept)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.department_created",
        object_type="sv_department",
        object_id=dept.id,
        after={"name": name, "aliases": aliases_of(dept), "org_id": org.id},
        jurisdiction_code=jurisdiction_code,
    )
    return dept


def _org(
    session: Session, actor: AuditActor, code: str, name: str, org_id: int | None
) -> Organization:
    if org_id is None:
        full = org_name_for(session, code, name)
        return orgs.ensure(session, actor, kind="department", name=full, jurisdiction_code=code)
    org = session.get(Organization, org_id)
    if org is None or org.kind != "department" or org.jurisdiction_code != code:
        raise UnrelatedReference("所选机构不是本区划的部门", field="org_id")
    return org


def ensure(
    session: Session,
    actor: AuditActor,
    *,
    jurisdiction_code: str,
    name: str,
    aliases: list[str] | None = None,
) -> Department:
    """The entry named ``name`` (created if missing, for loaders)."""
    found = find_by_name(session, jurisdiction_code, name)
    if found is not None:
        return found
    return create(
        session, actor, jurisdiction_code=jurisdiction_code, name=name, aliases=aliases or []
    )


def set_aliases(session: Session, actor: Actor, dept_id: int, aliases: list[str] | str) -> None:
    dept = get(session, actor, dept_id)
    before = aliases_of(dept)
    dept.aliases = json.dumps(clean_aliases(aliases, name=dept.name), ensure_ascii=False)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.department_aliases",
        object_type="sv_department",
        object_id=dept.id,
        before={"aliases": before},
        after={"aliases": aliases_of(dept)},
        jurisdiction_code=dept.jurisdiction_code,
    )


def find_by_name(session: Session, code: str, name: str) -> Department | None:
    stmt = select(Department).where(Department.jurisdiction_code == code, Department.name == name)
    return session.scalars(stmt).first()


def get(session: Session, actor: Actor, dept_id: int) -> Department:
    dept = session.get(Department, dept_id)
    return visible(actor, dept, dept.jurisdiction_code if dept else None, "部门不存在")


def readable(actor: Actor) -> Select[Department]:
    """The directory's departments of the actor's scope."""
    return select(Department).where(Department.jurisdiction_code.in_(actor.scope_codes))


def list_for(session: Session, actor: Actor, code: str | None = None) -> list[Department]:
    stmt = readable(actor)
    if code:
        stmt = stmt.where(Department.jurisdiction_code == code)
    return list(session.scalars(stmt.order_by(Department.jurisdiction_code, Department.id)))


def candidates(session: Session, code: str) -> list[Candidate]:
    rows = session.scalars(
        select(Department).where(Department.jurisdiction_code == code).order_by(Department.id)
    )
    return [Candidate(d.id, d.name, tuple(aliases_of(d))) for d in rows]
