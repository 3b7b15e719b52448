"""How the audit page shows entries: names for people and places, Chinese labels for the
actions and objects (``audit_labels``) and for the reasons of denials.
``LIST`` is the audit list as the page kit pages, filters, searches and exports it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from huanxin.core.clock import local_text
from huanxin.core.models import AuditEntry, Jurisdiction, User
from huanxin.core.roles import ROLE_LABELS, Role
from huanxin.web.audit_labels import ACTIONS, action_label, object_label
from huanxin.web.kit.lists import Column, Filter, ListSpec

DENIALS = {
    "permission": "角色无权执行此操作",
    "out_of_scope": "对象不在管辖范围内",
    "outside_jurisdiction": "不在本辖区，无权操作",
    "throttled": "登录失败次数过多，暂时限制登录",
}


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor: str
    role: str
    place: str
    action: str
    target: str
    note: str


def _note(entry: AuditEntry) -> str:
    detail: dict[str, Any] = json.loads(entry.detail or "{}")
    reason, message = detail.get("reason"), detail.get("message")
    if reason == "outside_jurisdiction" and isinstance(message, str) and message:
        return message  # the refusal's own Chinese sentence
    if isinstance(reason, str) and reason:
        return DENIALS.get(reason, reason)
    return ""


def _role(code: str) -> str:
    try:
        return ROLE_LABELS[Role(code)]
    except ValueError:
        return "系统" if code == "system" else code


def _target(entry: AuditEntry, names: dict[int, str]) -> str:
    kind = object_label(entry.object_type)
    if entry.object_type == "user" and entry.object_id.isdigit():
        return f"{kind} {names.get(int(entry.object_id), entry.object_id)}"
    return f"{kind} {entry.object_id}"


def _user_ids(entries: list[AuditEntry]) -> set[int]:
    ids = {e.actor_user_id for e in entries if e.actor_user_id is not None}
    targets = (e.object_id for e in entries if e.object_type == "user")
    return ids | {int(t) for t in targets if t.isdigit() and len(t) < 19}


def rows_for(session: Session, entries: list[AuditEntry]) -> list[Row]:
    user_ids = _user_ids(entries)
    codes = {e.jurisdiction_code for e in entries if e.jurisdiction_code}
    people = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    names = {row.id: row.display_name for row in people}
    found = session.execute(
        select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(codes))
    )
    places = {row.code: row.name for row in found}
    return [_row(e, names, places) for e in entries]


def _row(entry: AuditEntry, names: dict[int, str], places: dict[str, str]) -> Row:
    who = entry.actor_user_id
    return Row(
        entry=entry,
        actor=names.get(who, "已删除用户") if who else "系统",
        role=_role(entry.actor_role),
        place=places.get(entry.jurisdiction_code or "", ""),
        action=action_label(entry.action),
        target=_target(entry, names),
        note=_note(entry),
    )


def _matching(text: str) -> ColumnElement[bool]:
    """Entries whose object, action, or actor's name matches ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    names = select(User.id).where(User.display_name.ilike(part) | User.username.ilike(part))
    labelled = [code for code, label in ACTIONS.items() if text in label]
    return or_(
        AuditEntry.object_id == text,
        AuditEntry.action.ilike(part),
        AuditEntry.action.in_(labelled),
        AuditEntry.actor_user_id.in_(names),
    )


LIST = ListSpec(
    title="审计日志",
    columns=(
        Column("id", "序号", AuditEntry.id, lambda r: r.entry.id),
        Column("at", "时间", AuditEntry.at, lambda r: local_text(r.entry.at)),
        Column("actor", "操作人", None, lambda r: r.actor),
        Column("role", "角色", AuditEntry.actor_role, lambda r: r.role),
        Column("place", "区划", AuditEntry.jurisdiction_code, lambda r: r.place),
        Column("action", "动作", AuditEntry.action, lambda r: r.action),
        Column("target", "对象", None, lambda r: r.target),
        Column("note", "说明", None, lambda r: r.note),
    ),
    default_sort="-id",
    tiebreak=AuditEntry.id,
    search=_matching,
    search_hint="操作人姓名、动作或对象编号",
    filters=(
        Filter("action", "动作", ACTIONS, lambda v: AuditEntry.action == v),
        Filter(
            "role",
            "角色",
            {r.value: t for r, t in ROLE_LABELS.items()},
            lambda v: AuditEntry.actor_role == v,
        ),
    ),
)
