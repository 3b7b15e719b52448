"""Pages of the shared objects: login, logout, home, jurisdictions, users, audit log."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from huanxin.core import anchors, auth, jurisdictions, orgs, throttle, users
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Count, Id, Line, Name, Secret
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import DomainError
from huanxin.core.models import AuditEntry, Jurisdiction, LoginAttempt, User
from huanxin.core.roles import ROLE_LABELS, ROLE_ORG_KIND, Role
from huanxin.web import audit_view, home, jurisdiction_list, user_list
from huanxin.web.deps import SESSION_COOKIE, DbSession, client_ip, page_require, public
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, ListSpec, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", dependencies=[Depends(public)])
def login_form(request: Request, next: Line = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "login.html", next=_safe_next(next), error=None, username="")


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    session: DbSession,
    username: Annotated[Name, Form()] = "",
    password: Annotated[Secret, Form()] = "",
    next: Annotated[Line, Form()] = "/",  # noqa: A002
) -> Response:
    settings = request.app.state.settings
    policy = login_policy(request)
    try:
        user = auth.authenticate(
            session,
            username=username,
            password=password,
            client_ip=client_ip(request),
            policy=policy,
        )
    except DomainError as exc:
        session.commit()  # keep the failed attempt and its audit entry
        page = render(
            request,
            "login.html",
            status_code=exc.status,
            error=exc.message,
            next=_safe_next(next),
            username=username,
        )
        page.headers.update(exc.headers())
        return page
    raw, _ = auth.start_session(session, user, hours=settings.session_hours)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        max_age=settings.session_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: DbSession,
    _actor: Annotated[Actor, Depends(page_require("home:view"))],
) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        auth.end_session(session, raw)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("home:view"))],
) -> HTMLResponse:
    return render(
        request,
        "home.html",
        board=home.board_for(session, actor),
        place=jurisdictions.full_name(session, actor.jurisdiction_code),
        role_label=ROLE_LABELS[Role(actor.role)],
    )


JQuery = Annotated[ListQuery, Depends(list_query)]
JReader = Annotated[Actor, Depends(page_require("jurisdictions:read"))]


def _jurisdiction_filters(level: Code = "", parent_code: Code = "") -> dict[str, str]:
    return {"level": level, "parent_code": parent_code}


JFilters = Annotated[dict[str, str], Depends(_jurisdiction_filters)]


def _jurisdictions(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    error: kit.PageError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = jurisdictions.list_within(session, actor.scope_codes)  # the parent picker
    parents = {j.code: j.name for j in rows if j.level != "county"}
    page = page_of(
        session,
        jurisdiction_list.spec(parents),
        select(Jurisdiction).where(Jurisdiction.code.in_(actor.scope_codes)),
        query or ListQuery(),
        path="/admin/jurisdictions",
        filters=filters or _jurisdiction_filters(),
    )
    return render(
        request,
        "jurisdictions.html",
        page=page,
        rows=rows,
        error=error,
        form=form or {},
        levels=jurisdictions.LEVEL_LABELS,
    )


@router.get("/admin/jurisdictions")
def jurisdictions_page(
    request: Request, session: DbSession, actor: JReader, query: JQuery, filters: JFilters
) -> HTMLResponse:
    """The jurisdictions in scope in tree order, a page at a time; search, filter, export."""
    return _jurisdictions(request, session, actor, query=query, filters=filters)


@router.get("/admin/jurisdictions.xlsx")
def jurisdictions_export(
    session: DbSession, actor: JReader, query: JQuery, filters: JFilters
) -> Response:
    """The jurisdictions the list shows under the same filters and search, as .xlsx."""
    rows = jurisdictions.list_within(session, actor.scope_codes)
    spec = jurisdiction_list.spec({j.code: j.name for j in rows if j.level != "county"})
    stmt = select(Jurisdiction).where(Jurisdiction.code.in_(actor.scope_codes))
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


@router.post("/admin/jurisdictions")
def jurisdictions_create(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("jurisdictions:write"))],
    code: Annotated[Code, Form()] = "",
    name: Annotated[Name, Form()] = "",
    level: Annotated[Code, Form()] = "",
    parent_code: Annotated[Code, Form()] = "",
) -> Response:
    form = {"code": code, "name": name, "level": level, "parent_code": parent_code}

    def change() -> str:
        if parent_code:
            within(actor, parent_code, "上级区划不在您的管辖范围内", field="parent_code")
        jurisdictions.create(
            session,
            actor,
            code=code.strip(),
            name=name,
            level=level,
            parent_code=parent_code or None,
        )
        return "/admin/jurisdictions"

    def page(error: kit.PageError) -> HTMLResponse:
        return _jurisdictions(request, session, actor, error=error, form=form)

    return kit.submit(request, session, change, page)


def login_policy(request: Request) -> throttle.ThrottlePolicy:
    settings = request.app.state.settings
    return throttle.ThrottlePolicy(settings.login_max_failures, settings.login_window_minutes)


ListParams = Annotated[ListQuery, Depends(list_query)]


def _user_filters(role: Code = "", place: Code = "", state: Code = "") -> dict[str, str]:
    """The accounts list's filters from the address (role, place, state)."""
    return {"role": role, "place": place, "state": state}


def _throttled(request: Request, session: DbSession, actor: Actor) -> set[str]:
    """The accounts in scope being delayed from logging in right now (waiting for an unlock)."""
    failed = select(LoginAttempt.username).where(
        LoginAttempt.success.is_(False), LoginAttempt.at > utcnow() - throttle.MEMORY
    )
    stmt = users.readable(actor).where(User.username.in_(failed)).with_only_columns(User.username)
    return throttle.throttled_usernames(session, list(session.scalars(stmt)), login_policy(request))


def _users_list(
    request: Request, session: DbSession, actor: Actor
) -> tuple[ListSpec, Any, dict[str, Any]]:
    """The accounts list (delayed accounts first), its statement and the page's names."""
    places = jurisdictions.list_within(session, actor.scope_codes)
    bodies = orgs.list_for(session, actor)
    throttled = _throttled(request, session, actor)
    place_name = {j.code: j.name for j in places}
    org_name = {o.id: o.name for o in bodies}
    view = partial(user_list.rows, throttled=throttled, places=place_name, orgs=org_name)
    context = {
        "roles": ROLE_LABELS,
        "places": places,
        "orgs": bodies,
        "org_roles": {r.value: k for r, k in ROLE_ORG_KIND.items()},
        "view": view,
    }
    return user_list.spec(throttled, place_name), users.readable(actor), context


def _users_context(
    request: Request,
    session: DbSession,
    actor: Actor,
    query: ListQuery,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    spec, stmt, context = _users_list(request, session, actor)
    view = context.pop("view")
    chosen = filters or {}
    page = page_of(session, spec, stmt, query, path="/admin/users", filters=chosen, view=view)
    return {**context, "page": page, "rows": page.rows}


UserFilters = Annotated[dict[str, str], Depends(_user_filters)]


@router.get("/admin/users")
def users_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("users:read"))],
    query: ListParams,
    filters: UserFilters,
    unlocked: Count | None = None,
) -> HTMLResponse:
    """Every account in scope, a page at a time, delayed accounts first; search and export."""
    context = _users_context(request, session, actor, query, filters)
    notice = None
    if unlocked is not None:
        user = session.get(User, unlocked)
        mine = user is not None and user.jurisdiction_code in actor.scope_codes
        notice = f"已解除“{user.display_name}”的登录限制" if user and mine else None
    return render(request, "users.html", error=None, form={}, notice=notice, **context)


@router.get("/admin/users.xlsx")
def users_export(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("users:read"))],
    query: ListParams,
    filters: UserFilters,
) -> Response:
    """The accounts the list shows under the same filters and search, every page, as .xlsx."""
    spec, stmt, context = _users_list(request, session, actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=context["view"])


@router.post("/admin/users/{user_id}/unlock")
def users_unlock(
    user_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("users:write"))],
) -> Response:
    throttle.unlock(session, actor, users.get(session, actor, user_id))
    return RedirectResponse(f"/admin/users?unlocked={user_id}", status_code=303)


@router.post("/admin/users")
def users_create(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("users:write"))],
    username: Annotated[Name, Form()] = "",
    display_name: Annotated[Name, Form()] = "",
    password: Annotated[Secret, Form()] = "",
    role: Annotated[Code, Form()] = "",
    jurisdiction_code: Annotated[Code, Form()] = "",
    org_id: Annotated[Code, Form()] = "",
    mobile: Annotated[Code, Form()] = "",
    resident_id: Annotated[Code, Form()] = "",
) -> Response:
    form = {
        "username": username,
        "display_name": display_name,
        "role": role,
        "jurisdiction_code": jurisdiction_code,
        "org_id": org_id,
        "mobile": mobile,
    }

    def change() -> str:
        within(actor, jurisdiction_code, "所属区划不在您的管辖范围内", field="jurisdiction_code")
        new = users.NewUser(
            username=username.strip(),
            display_name=display_name,
            password=password,
            role=role,
            jurisdiction_code=jurisdiction_code,
            org_id=int(org_id) if org_id.isdigit() else None,
            mobile=mobile or None,
            resident_id=resident_id or None,
        )
        users.create(session, actor, new)
        return "/admin/users"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _users_context(request, session, actor, ListQuery())
        return render(request, "users.html", error=error, form=form, **context)

    return kit.submit(request, session, change, page)


def _audit_stmt(actor: Actor) -> Any:
    """Entries of the actor's jurisdictions, and those of no jurisdiction (logins, system)."""
    return select(AuditEntry).where(
        AuditEntry.jurisdiction_code.in_(actor.scope_codes) | AuditEntry.jurisdiction_code.is_(None)
    )


AuditReader = Annotated[Actor, Depends(page_require("audit:read"))]


@router.get("/audit.xlsx")
def audit_export(
    session: DbSession, actor: AuditReader, query: ListParams, action: Code = "", role: Code = ""
) -> Response:
    """The audit entries the list shows under the same filters and search, as .xlsx."""
    filters = {"action": action, "role": role}
    view = partial(audit_view.rows_for, session)
    stmt = _audit_stmt(actor)
    return export(session, audit_view.LIST, stmt, query, filters=filters, on=today_cn(), view=view)


@router.get("/audit")
def audit_page(
    request: Request,
    session: DbSession,
    actor: AuditReader,
    query: ListParams,
    action: Code = "",
    role: Code = "",
) -> HTMLResponse:
    filters = {"action": action, "role": role}
    view = partial(audit_view.rows_for, session)
    page = page_of(
        session,
        audit_view.LIST,
        _audit_stmt(actor),
        query,
        path="/audit",
        filters=filters,
        view=view,
    )
    verified, checkpoint = None, None
    if actor.can("audit:verify"):
        verified = anchors.verify_trail(session)
        checkpoint = anchors.latest_or_none()
    return render(
        request,
        "audit.html",
        page=page,
        verified=verified,
        checkpoint=checkpoint,
    )


@router.get("/admin/jurisdictions/{code}")
def jurisdiction_page(
    code: Code,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("jurisdictions:read"))],
) -> HTMLResponse:
    place = jurisdictions.visible_get(session, actor, code)
    people = [u for u in users.list_for(session, actor) if u.jurisdiction_code == code]
    bodies = [o for o in orgs.list_for(session, actor) if o.jurisdiction_code == code]
    return render(
        request,
        "jurisdiction.html",
        place=place,
        people=people,
        bodies=bodies,
        full_name=jurisdictions.full_name(session, code),
        levels=jurisdictions.LEVEL_LABELS,
    )
