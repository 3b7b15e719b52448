"""API of the shared objects: tokens, the caller, jurisdictions, organisations, users,
identifier checks and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from huanxin.core import anchors, audit, auth, identifiers, jurisdictions, orgs, throttle, users
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Id
from huanxin.core.errors import NotAChoice
from huanxin.core.models import AuditEntry, Organization, User
from huanxin.core.roles import PERMISSIONS, ROLE_LABELS, Role
from huanxin.core.schemas import (
    AuditEntryRead,
    AuditVerifyRead,
    HealthRead,
    IdentifierCheck,
    IdentifierResult,
    JurisdictionCreate,
    JurisdictionRead,
    MeRead,
    OrgCreate,
    OrgRead,
    TokenCreate,
    TokenRead,
    UnlockRead,
    UserCreate,
    UserRead,
)
from huanxin.web.deps import DbSession, client_ip, public, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1", tags=["core"])


@router.get("/health", dependencies=[Depends(public)])
def health(session: DbSession) -> HealthRead:
    session.execute(select(1))
    return HealthRead(status="ok")


@router.post("/auth/token", dependencies=[Depends(public)])
def create_token(body: TokenCreate, request: Request, session: DbSession) -> TokenRead:
    policy = throttle.ThrottlePolicy(
        request.app.state.settings.login_max_failures,
        request.app.state.settings.login_window_minutes,
    )
    try:
        user = auth.authenticate(
            session,
            username=body.username,
            password=body.password,
            client_ip=client_ip(request),
            policy=policy,
        )
    except Exception:
        session.commit()  # keep the failed attempt and its audit entry
        raise
    return TokenRead(token=auth.issue_token(session, user, name=body.name))


@router.get("/me")
def me(actor: Annotated[Actor, Depends(require("home:view"))], session: DbSession) -> MeRead:
    return MeRead(
        user_id=actor.user_id,
        username=actor.username,
        display_name=actor.display_name,
        role=actor.role,
        role_label=ROLE_LABELS[Role(actor.role)],
        jurisdiction_code=actor.jurisdiction_code,
        jurisdiction_name=jurisdictions.full_name(session, actor.jurisdiction_code),
        org_id=actor.org_id,
        permissions=sorted(PERMISSIONS[Role(actor.role)]),
    )


@router.get("/jurisdictions")
def list_jurisdictions(
    actor: Annotated[Actor, Depends(require("jurisdictions:read"))],
    session: DbSession,
    paged: Paged,
) -> list[JurisdictionRead]:
    rows = paged.slice(jurisdictions.list_within(session, actor.scope_codes))
    return [JurisdictionRead.model_validate(r) for r in rows]


@router.post("/jurisdictions", status_code=201)
@idempotent("jurisdictions.create")
def create_jurisdiction(
    body: JurisdictionCreate,
    actor: Annotated[Actor, Depends(require("jurisdictions:write"))],
    session: DbSession,
) -> JurisdictionRead:
    if body.parent_code:
        within(actor, body.parent_code, "上级区划不在您的管辖范围内", field="parent_code")
    row = jurisdictions.create(session, actor, **body.model_dump())
    return JurisdictionRead.model_validate(row)


@router.get("/orgs")
def list_orgs(
    actor: Annotated[Actor, Depends(require("orgs:read"))],
    session: DbSession,
    paged: Paged,
    kind: Code | None = None,
) -> list[OrgRead]:
    rows = paged.rows(session, orgs.readable(actor, kind).order_by(Organization.id))
    return [OrgRead.model_validate(o) for o in rows]


@router.post("/orgs", status_code=201)
@idempotent("orgs.create")
def create_org(
    body: OrgCreate,
    actor: Annotated[Actor, Depends(require("orgs:write"))],
    session: DbSession,
) -> OrgRead:
    within(actor, body.jurisdiction_code, "所属区划不在您的管辖范围内", field="jurisdiction_code")
    return OrgRead.model_validate(orgs.create(session, actor, **body.model_dump()))


def user_read(user: User, contact: dict[str, str | None] | None = None) -> UserRead:
    contact = contact if contact is not None else users.masked_contact(user)
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        jurisdiction_code=user.jurisdiction_code,
        org_id=user.org_id,
        active=user.active,
        **contact,
    )


@router.get("/users")
def list_users(
    actor: Annotated[Actor, Depends(require("users:read"))], session: DbSession, paged: Paged
) -> list[UserRead]:
    stmt = users.readable(actor).order_by(User.jurisdiction_code, User.id)
    return [user_read(u) for u in paged.rows(session, stmt)]


@router.get("/users/{user_id}")
def get_user(
    user_id: Id, actor: Annotated[Actor, Depends(require("users:read"))], session: DbSession
) -> UserRead:
    return user_read(users.get(session, actor, user_id))


@router.get("/users/{user_id}/personal-data")
def reveal_user(
    user_id: Id, actor: Annotated[Actor, Depends(require("pii:read_full"))], session: DbSession
) -> UserRead:
    user = users.get(session, actor, user_id)
    return user_read(user, users.reveal_contact(session, actor, user))


@router.post("/users", status_code=201)
@idempotent("users.create", payload=lambda body: body.model_dump(exclude={"password"}))
def create_user(
    body: UserCreate,
    actor: Annotated[Actor, Depends(require("users:write"))],
    session: DbSession,
) -> UserRead:
    within(actor, body.jurisdiction_code, "所属区划不在您的管辖范围内", field="jurisdiction_code")
    return user_read(users.create(session, actor, users.NewUser(**body.model_dump())))


@router.post("/users/{user_id}/unlock")
@idempotent("users.unlock.{user_id}")
def unlock_user(
    user_id: Id,
    actor: Annotated[Actor, Depends(require("users:write"))],
    session: DbSession,
) -> UnlockRead:
    """Clear the login delays of a user's account (audited)."""
    user = users.get(session, actor, user_id)
    return UnlockRead(user_id=user.id, unlocked_at=throttle.unlock(session, actor, user))


@router.post("/identifiers/check")
def check_identifier(
    body: IdentifierCheck, _actor: Annotated[Actor, Depends(require("home:view"))]
) -> IdentifierResult:
    validator = identifiers.VALIDATORS.get(body.kind)
    if validator is None:
        raise NotAChoice("不支持的标识类型", field="kind")
    value = validator(body.value, field="value")
    return IdentifierResult(kind=body.kind, value=value, valid=True)


@router.get("/audit")
def list_audit(
    actor: Annotated[Actor, Depends(require("audit:read"))],
    session: DbSession,
    paged: Paged,
    object_type: Code | None = None,
    object_id: Code | None = None,
) -> list[AuditEntryRead]:
    stmt = select(AuditEntry).where(
        (AuditEntry.jurisdiction_code.in_(actor.scope_codes))
        | AuditEntry.jurisdiction_code.is_(None)
    )
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    rows = paged.rows(session, stmt.order_by(AuditEntry.id.desc()))
    return [AuditEntryRead(**audit.as_dict(r)) for r in rows]


@router.post("/audit/verify")
def verify_audit(
    _actor: Annotated[Actor, Depends(require("audit:verify"))], session: DbSession
) -> AuditVerifyRead:
    result = anchors.verify_trail(session)
    return AuditVerifyRead(
        ok=result.ok,
        entries=result.entries,
        chains=result.chains,
        first_bad_id=result.first_bad_id,
        reason=result.reason,
    )
