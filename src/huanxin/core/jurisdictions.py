"""The jurisdiction tree (GB/T 2260 codes): create, list, and the subtree a user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.errors import (
    InvalidInput,
    JurisdictionExists,
    LevelMismatch,
    NotAChoice,
    NotFound,
    Required,
    UnknownJurisdiction,
)
from huanxin.core.models import Jurisdiction

LEVELS = ("province", "city", "county")
LEVEL_LABELS = {"province": "省", "city": "市", "county": "县（区）"}
_CODE = re.compile(r"^[1-9]\d{5}$")


@dataclass(frozen=True)
class JurisdictionRead:
    code: str
    name: str
    level: str
    parent_code: str | None
    path: str


def to_read(j: Jurisdiction) -> JurisdictionRead:
    return JurisdictionRead(j.code, j.name, j.level, j.parent_code, j.path)


def _check_level(level: str, parent: Jurisdiction | None) -> None:
    if level not in LEVELS:
        raise NotAChoice("层级必须是省、市或县", field="level")
    expected = 0 if parent is None else LEVELS.index(parent.level) + 1
    if LEVELS.index(level) != expected:
        raise LevelMismatch("层级与上级区划不匹配", field="level")


def create(
    session: Session,
    actor: AuditActor,
    *,
    code: str,
    name: str,
    level: str,
    parent_code: str | None = None,
) -> Jurisdiction:
    if not _CODE.match(code):
        raise InvalidInput("区划代码必须是6位数字（GB/T 2260）", field="code")
    if not name.strip():
        raise Required("名称不能为空", field="name")
    parent = session.get(Jurisdiction, parent_code) if parent_code else None
    if parent_code and parent is None:
        raise UnknownJurisdiction("上级区划不存在", field="parent_code")
    _check_level(level, parent)
    if session.get(Jurisdiction, code) is not None:
        raise JurisdictionExists("区划代码已存在", field="code")
    path = (parent.path if parent else "/") + code + "/"
    row = Jurisdiction(
        code=code, name=name.strip(), level=level, parent_code=parent_code, path=path
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "jurisdiction.created",
        object_type="jurisdiction",
        object_id=code,
        after=to_read(row).__dict__,
        jurisdiction_code=code,
    )
    return row


def ensure(
    session: Session,
    actor: AuditActor,
    *,
    code: str,
    name: str,
    level: str,
    parent_code: str | None = None,
) -> Jurisdiction:
    """Create the jurisdiction unless it exists (idempotent, for loaders)."""
    existing = session.get(Jurisdiction, code)
    if existing is not None:
        return existing
    return create(session, actor, code=code, name=name, level=level, parent_code=parent_code)


def get(session: Session, code: str) -> Jurisdiction:
    row = session.get(Jurisdiction, code)
    if row is None:
        raise NotFound("区划不存在")
    return row


def subtree_codes(session: Session, code: str) -> frozenset[str]:
    """The code itself and every code below it."""
    root = session.get(Jurisdiction, code)
    if root is None:
        return frozenset()
    rows = session.scalars(
        select(Jurisdiction.code).where(Jurisdiction.path.startswith(root.path))
    ).all()
    return frozenset(rows)


def ancestors(session: Session, code: str) -> list[Jurisdiction]:
    """From the province down to the jurisdiction itself."""
    row = get(session, code)
    codes = [c for c in row.path.strip("/").split("/") if c]
    found = {
        j.code: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
    }
    return [found[c] for c in codes]


def full_name(session: Session, code: str) -> str:
    return "".join(j.name for j in ancestors(session, code))


def list_within(session: Session, scope: frozenset[str]) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction).where(Jurisdiction.code.in_(scope)).order_by(Jurisdiction.path)
        )
    )


def visible_get(session: Session, actor: Actor, code: str) -> Jurisdiction:
    """The jurisdiction if it is within the actor's scope (else a 404, audited)."""
    return visible(actor, session.get(Jurisdiction, code), code, "区划不存在")
