"""User accounts: creation with role and jurisdiction binding, listing, personal data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    Conflict,
    InvalidInput,
    OrgInOtherJurisdiction,
    OrgKindMismatch,
    Required,
    RoleTakesNoOrg,
    UnknownJurisdiction,
    UnknownRole,
    WeakPassword,
)
from huanxin.core.models import Jurisdiction, Organization, User
from huanxin.core.passwords import check_strength, hash_password
from huanxin.core.roles import ROLE_ORG_KIND, Role

_USERNAME = re.compile(r"^[a-z0-9_.-]{3,64}$")


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    password: str
    role: str
    jurisdiction_code: str
    org_id: int | None = None
    mobile: str | None = None
    resident_id: str | None = None
    password_hash: str | None = None  # a hash made earlier (bulk loaders); skips hashing


def _check_binding(session: Session, new: NewUser) -> Role:
    try:
        role = Role(new.role)
    except ValueError:
        raise UnknownRole("角色不正确", field="role") from None
    if session.get(Jurisdiction, new.jurisdiction_code) is None:
        raise UnknownJurisdiction("所属区划不存在", field="jurisdiction_code")
    kind = ROLE_ORG_KIND.get(role)
    if kind is None:
        if new.org_id is not None:
            raise RoleTakesNoOrg("该角色不绑定机构", field="org_id")
        return role
    org = session.get(Organization, new.org_id) if new.org_id else None
    if org is None or org.kind != kind:
        raise OrgKindMismatch("该角色必须绑定对应类型的机构", field="org_id")
    if org.jurisdiction_code != new.jurisdiction_code:
        raise OrgInOtherJurisdiction("用户与所绑定机构不在同一区划", field="org_id")
    return role


def _validate(new: NewUser) -> None:
    if not _USERNAME.match(new.username):
        raise InvalidInput("用户名须为3-64位小写字母、数字或 _ . -", field="username")
    if not new.display_name.strip():
        raise Required("姓名不能为空", field="display_name")
    reason = None if new.password_hash else check_strength(new.password)
    if reason:
        raise WeakPassword(reason, field="password")


def create(session: Session, actor: AuditActor, new: NewUser) -> User:
    _validate(new)
    role = _check_binding(session, new)
    mobile = identifiers.mobile(new.mobile, field="mobile") if new.mobile else None
    rid = identifiers.resident_id(new.resident_id, field="resident_id") if new.resident_id else None
    if session.scalars(select(User.id).where(User.username == new.username)).first():
        raise Conflict("用户名已存在", field="username")
    rid_hash = pii.lookup_hash("resident_id", rid) if rid else None
    if (
        rid_hash
        and session.scalars(select(User.id).where(User.resident_id_hash == rid_hash)).first()
    ):
        raise Conflict("该身份证号码已注册", field="resident_id")
    user = User(
        username=new.username,
        display_name=new.display_name.strip(),
        password_hash=new.password_hash or hash_password(new.password),
        role=role.value,
        jurisdiction_code=new.jurisdiction_code,
        org_id=new.org_id,
        active=True,
        mobile_enc=pii.seal(mobile) if mobile else None,
        mobile_hash=pii.lookup_hash("mobile", mobile) if mobile else None,
        resident_id_enc=pii.seal(rid) if rid else None,
        resident_id_hash=rid_hash,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.created",
        object_type="user",
        object_id=user.id,
        after=snapshot(user),
        jurisdiction_code=user.jurisdiction_code,
    )
    return user


def snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role,
        "jurisdiction_code": user.jurisdiction_code,
        "org_id": user.org_id,
        "active": user.active,
    }


def readable(actor: Actor) -> Select[User]:
    return select(User).where(User.jurisdiction_code.in_(actor.scope_codes))


def get(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    return visible(actor, user, user.jurisdiction_code if user else None, "用户不存在")


def list_for(session: Session, actor: Actor) -> list[User]:
    return list(session.scalars(readable(actor).order_by(User.jurisdiction_code, User.id)))


def masked_contact(user: User) -> dict[str, str | None]:
    """Masked personal identifiers for display to anyone."""
    mobile = pii.unseal(user.mobile_enc) if user.mobile_enc else None
    rid = pii.unseal(user.resident_id_enc) if user.resident_id_enc else None
    return {
        "mobile": identifiers.mask_mobile(mobile) if mobile else None,
        "resident_id": identifiers.mask_resident_id(rid) if rid else None,
    }


def reveal_contact(session: Session, actor: Actor, user: User) -> dict[str, str | None]:
    """Unmasked identifiers; only for roles with ``pii:read_full``; each read is audited."""
    from huanxin.core.errors import PermissionDenied

    if not actor.can("pii:read_full"):
        raise PermissionDenied("无权查看完整个人信息")
    audit.record(
        session,
        actor,
        "pii.revealed",
        object_type="user",
        object_id=user.id,
        detail={"fields": ["mobile", "resident_id"]},
        jurisdiction_code=user.jurisdiction_code,
    )
    return {
        "mobile": pii.unseal(user.mobile_enc) if user.mobile_enc else None,
        "resident_id": pii.unseal(user.resident_id_enc) if user.resident_id_enc else None,
    }


def names_of(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the given users, for pages that show who did something (never an id)."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {row.id: row.display_name for row in rows}
