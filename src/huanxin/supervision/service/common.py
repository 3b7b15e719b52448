"""Helpers every supervision service shares: scope checks and the actor's department."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor, visible, within
from huanxin.core.models import Jurisdiction
from huanxin.supervision.models import Department, Plan


def in_scope(actor: Actor, code: str, *, field: str = "jurisdiction_code") -> str:
    within(actor, code, "所选区划不在您的管辖范围内", field=field)
    return code


def get_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    return visible(actor, plan, plan.jurisdiction_code if plan else None, "实施方案不存在")


def actor_department(session: Session, actor: Actor) -> Department | None:
    """The directory entry of the department user's organisation, if any."""
    if actor.org_id is None:
        return None
    return session.scalars(select(Department).where(Department.org_id == actor.org_id)).first()


def aliases_of(dept: Department) -> list[str]:
    value = json.loads(dept.aliases or "[]")
    return [str(v) for v in value] if isinstance(value, list) else []


def place_words(session: Session, code: str) -> tuple[str, str]:
    """(jurisdiction name, level word) e.g. ("沁水县", "县"), used to normalise unit names."""
    row = session.get(Jurisdiction, code)
    if row is None:
        return "", ""
    word = {"province": "省", "city": "市", "county": "县"}.get(row.level, "")
    return row.name, word
