"""Who may see and change which enterprise, project and ledger row.

Departments and the office (``equipment:read`` / ``equipment:manage``) see every enterprise in
their jurisdiction scope; an enterprise user (``equipment:own``) sees only the enterprise of
the organisation it is bound to. Reads outside that answer 404 (audited as a denial).
"""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor, visible
from huanxin.core.errors import OutOfScope, PermissionDenied
from huanxin.equipment.models import Enterprise, Project

NOT_FOUND = "企业不存在"
PROJECT_NOT_FOUND = "项目不存在"


def manages(actor: Actor) -> bool:
    return actor.can("equipment:manage")


def reads_all(actor: Actor) -> bool:
    return actor.can("equipment:read") or manages(actor)


def own_only(actor: Actor) -> bool:
    return not reads_all(actor) and actor.can("equipment:own")


def enterprise_ids(actor: Actor) -> Select[int]:
    """The ids of the enterprises the actor may read (a sub-select for list filters)."""
    stmt = select(Enterprise.id)
    if reads_all(actor):
        return stmt.where(Enterprise.jurisdiction_code.in_(actor.scope_codes))
    if actor.can("equipment:own") and actor.org_id is not None:
        return stmt.where(Enterprise.org_id == actor.org_id)
    return stmt.where(false())


def readable_enterprises(actor: Actor) -> Select[Enterprise]:
    return select(Enterprise).where(Enterprise.id.in_(enterprise_ids(actor)))


def readable_projects(actor: Actor) -> Select[Project]:
    return select(Project).where(Project.enterprise_id.in_(enterprise_ids(actor)))


def get_enterprise(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    ent = session.get(Enterprise, enterprise_id)
    if ent is not None and own_only(actor) and ent.org_id != actor.org_id:
        raise OutOfScope(NOT_FOUND)
    return visible(actor, ent, ent.jurisdiction_code if ent else None, NOT_FOUND)


def writable_enterprise(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    ent = get_enterprise(session, actor, enterprise_id)
    if not manages(actor) and not (actor.can("equipment:own") and ent.org_id == actor.org_id):
        raise PermissionDenied("当前角色无权修改该企业的数据")
    return ent


def get_project(session: Session, actor: Actor, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is not None:
        get_enterprise_for(session, actor, project.enterprise_id, PROJECT_NOT_FOUND)
    return visible(
        actor, project, project.jurisdiction_code if project else None, PROJECT_NOT_FOUND
    )


def get_enterprise_for(session: Session, actor: Actor, enterprise_id: int, message: str) -> None:
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or (own_only(actor) and ent.org_id != actor.org_id):
        raise OutOfScope(message)


def writable_project(session: Session, actor: Actor, project_id: int) -> Project:
    project = get_project(session, actor, project_id)
    writable_enterprise(session, actor, project.enterprise_id)
    return project
