"""Enterprises and institutions: register, update, list. Each is keyed to an
``organizations`` row of kind enterprise; an enterprise user registers its own."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, orgs
from huanxin.core.actor import Actor, within
from huanxin.core.clock import utcnow
from huanxin.core.errors import InvalidInput, NotAChoice, Required, UnknownJurisdiction
from huanxin.core.models import Jurisdiction, Organization
from huanxin.equipment.errors import (
    AccountNotEnterprise,
    EnterpriseExists,
    FieldNotEditable,
    OrgNotEnterprise,
)
from huanxin.equipment.models import Enterprise
from huanxin.equipment.service.access import (
    get_enterprise,
    manages,
    readable_enterprises,
    writable_enterprise,
)
from huanxin.equipment.vocab import SECTORS

# GB/T 4754-2017: a section letter, optionally followed by 2-4 digits (division to class).
_INDUSTRY = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")


def snapshot(ent: Enterprise) -> dict[str, Any]:
    return {
        "name": ent.name,
        "uscc": ent.uscc,
        "industry_code": ent.industry_code,
        "above_size": ent.above_size,
        "sector": ent.sector,
        "jurisdiction_code": ent.jurisdiction_code,
    }


def _check(session: Session, actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "uscc" in out:
        out["uscc"] = identifiers.uscc(str(out["uscc"]), field="uscc")
    if "industry_code" in out:
        code = str(out["industry_code"]).strip().upper()
        if not _INDUSTRY.match(code):
            raise InvalidInput("国民经济行业代码格式不正确（如 C3411）", field="industry_code")
        out["industry_code"] = code
    if "sector" in out and out["sector"] not in SECTORS:
        raise NotAChoice("所属领域不正确", field="sector")
    if "jurisdiction_code" in out:
        code = out["jurisdiction_code"]
        if session.get(Jurisdiction, code) is None:
            raise UnknownJurisdiction("所属区划不存在", field="jurisdiction_code")
        within(actor, code, "所属区划不在您的管辖范围内", field="jurisdiction_code")
    return out


def _org_for(
    session: Session,
    actor: Actor,
    org_id: int | None,
    name: str | None,
    jurisdiction_code: str,
    uscc: str,
) -> Organization:
    if not manages(actor):
        if actor.org_id is None:
            raise AccountNotEnterprise("您的账号未绑定企业，无法登记", field="org_id")
        org_id = actor.org_id
    if org_id is not None:
        org = (
            orgs.get(session, actor, org_id)
            if manages(actor)
            else session.get(Organization, org_id)
        )
        if org is None or org.kind != "enterprise":
            raise OrgNotEnterprise("所选机构不是企业", field="org_id")
        return org
    if not name or not name.strip():
        raise Required("企业名称不能为空", field="name")
    return orgs.ensure(
        session,
        actor,
        kind="enterprise",
        name=name.strip(),
        jurisdiction_code=jurisdiction_code,
        uscc=uscc,
    )


def _unique(session: Session, uscc: str, org_id: int, exclude: int | None = None) -> None:
    stmt = select(Enterprise.id).where((Enterprise.uscc == uscc) | (Enterprise.org_id == org_id))
    if exclude is not None:
        stmt = stmt.where(Enterprise.id != exclude)
    if session.scalars(stmt).first() is not None:
        raise EnterpriseExists("该企业或统一社会信用代码已登记", field="uscc")


def register(
    session: Session,
    actor: Actor,
    *,
    uscc: str,
    industry_code: str,
    above_size: bool,
    sector: str,
    jurisdiction_code: str,
    name: str | None = None,
    org_id: int | None = None,
) -> Enterprise:
    f = _check(
        session,
        actor,
        {
            "uscc": uscc,
            "industry_code": industry_code,
            "sector": sector,
            "jurisdiction_code": jurisdiction_code,
        },
    )
    org = _org_for(session, actor, org_id, name, f["jurisdiction_code"], f["uscc"])
    _unique(session, f["uscc"], org.id)
    now = utcnow()
    ent = Enterprise(
        org_id=org.id,
        name=org.name,
        above_size=bool(above_size),
        created_at=now,
        updated_at=now,
        **f,
    )
    session.add(ent)
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.enterprise_registered",
        object_type="enterprise",
        object_id=ent.id,
        after=snapshot(ent),
        jurisdiction_code=ent.jurisdiction_code,
    )
    return ent


def update(session: Session, actor: Actor, *, enterprise_id: int, **changes: Any) -> Enterprise:
    ent = writable_enterprise(session, actor, enterprise_id)
    allowed = {"uscc", "industry_code", "above_size", "sector", "jurisdiction_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise FieldNotEditable("不能修改的字段：" + "、".join(sorted(unknown)), field=min(unknown))
    fields = _check(session, actor, {k: v for k, v in changes.items() if v is not None})
    if "uscc" in fields:
        _unique(session, fields["uscc"], ent.org_id, exclude=ent.id)
    before = snapshot(ent)
    for key, value in fields.items():
        setattr(ent, key, value)
    ent.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.enterprise_updated",
        object_type="enterprise",
        object_id=ent.id,
        before=before,
        after=snapshot(ent),
        jurisdiction_code=ent.jurisdiction_code,
    )
    return ent


def get(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    return get_enterprise(session, actor, enterprise_id)


def list_for(session: Session, actor: Actor, *, sector: str | None = None) -> list[Enterprise]:
    stmt = readable_enterprises(actor)
    if sector:
        stmt = stmt.where(Enterprise.sector == sector)
    return list(session.scalars(stmt.order_by(Enterprise.id)))


def own(session: Session, actor: Actor) -> Enterprise | None:
    """The enterprise of an enterprise user, if registered."""
    if actor.org_id is None:
        return None
    return session.scalars(select(Enterprise).where(Enterprise.org_id == actor.org_id)).first()


def count(session: Session, actor: Actor) -> int:
    stmt = select(func.count()).select_from(readable_enterprises(actor).subquery())
    return int(session.scalar(stmt) or 0)
