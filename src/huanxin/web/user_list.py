"""The accounts list of 用户管理 as the page kit pages, sorts, filters, searches and exports
it: the accounts delayed from logging in (waiting for an unlock) first, then by place; by role,
place and state; by username, name, or a mobile or resident ID typed in full (found by its keyed
hash, never by decrypting rows)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import ColumnElement, case, or_

from huanxin.core import identifiers, pii, users
from huanxin.core.errors import DomainError
from huanxin.core.models import User
from huanxin.core.roles import ROLE_LABELS
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"locked": "待解除登录限制", "active": "启用", "inactive": "停用"}
ROLES = {role.value: label for role, label in ROLE_LABELS.items()}


def _sealed(text: str) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    for check, kind, column in (
        (identifiers.mobile, "mobile", User.mobile_hash),
        (identifiers.resident_id, "resident_id", User.resident_id_hash),
    ):
        try:
            found.append(column == pii.lookup_hash(kind, check(text)))
        except DomainError:
            continue
    return found


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(User.username.ilike(part), User.display_name.ilike(part), *_sealed(text))


def spec(throttled: Collection[str], places: Mapping[str, str]) -> ListSpec:
    """The list, knowing which accounts are delayed right now (``throttled``)."""
    locked = User.username.in_(list(throttled))
    states = {
        "locked": lambda: locked,
        "active": lambda: User.active.is_(True),
        "inactive": lambda: User.active.is_(False),
    }
    return ListSpec(
        title="用户",
        columns=(
            Column("username", "用户名", User.username, lambda r: r["user"].username),
            Column("name", "姓名", User.display_name, lambda r: r["user"].display_name),
            Column("role", "角色", User.role, lambda r: ROLES.get(r["user"].role, "")),
            Column("place", "区划", User.jurisdiction_code, lambda r: r["place"]),
            Column("org", "机构", None, lambda r: r["org"]),
            Column("mobile", "手机", None, lambda r: r["mobile"] or ""),
            Column("state", "状态", case((locked, 0), else_=1), lambda r: r["state"]),
        ),
        default_sort="state",
        tiebreak=User.id,
        search=_matching,
        search_hint="用户名、姓名、完整手机号或身份证号",
        filters=(
            Filter("role", "角色", ROLES, lambda v: User.role == v),
            Filter("place", "区划", places, lambda v: User.jurisdiction_code == v),
            Filter("state", "状态", STATES, lambda v: states[v]()),
        ),
    )


def rows(
    found: list[User],
    *,
    throttled: Collection[str],
    places: Mapping[str, str],
    orgs: Mapping[int, str],
) -> list[dict[str, Any]]:
    """The page's accounts with their place, organisation, masked mobile and state."""
    return [
        {
            "user": u,
            "place": places.get(u.jurisdiction_code, u.jurisdiction_code),
            "org": orgs.get(u.org_id, "") if u.org_id else "",
            "mobile": users.masked_contact(u)["mobile"],
            "throttled": u.username in throttled,
            "state": "登录受限" if u.username in throttled else ("启用" if u.active else "停用"),
        }
        for u in found
    ]
