"""Request dependencies: the unit of work, the caller, and declared permissions.

Every route declares exactly one of ``require(permission)`` (or ``page_require`` for
pages) or ``public`` — a test walks the app and fails on any route that declares neither.
A denial (wrong role, or an object outside the caller's jurisdiction) is audited in its
own transaction, since the request's transaction is rolled back.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from huanxin.core import audit, auth
from huanxin.core.actor import Actor
from huanxin.core.errors import NotAuthenticated, PermissionDenied
from huanxin.db import Database
from huanxin.web import proxies

SESSION_COOKIE = "hx_session"
CSRF_HEADER = "x-csrf-token"
PERMISSION_ATTR = "__huanxin_permission__"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _session(request: Request) -> Iterator[Session]:
    with get_database(request).unit_of_work() as session:
        request.state.session = session  # templates look names up in the same transaction
        yield session


# The session commits when the endpoint returns, before the response is sent, so a
# failing commit becomes a 5xx and never a 2xx.
DbSession = Annotated[Session, Depends(_session, scope="function")]


def client_ip(request: Request) -> str:
    """The caller's address: the TCP peer, or — only when the peer is one of
    ``HUANXIN_TRUSTED_PROXIES`` — the nearest untrusted address in ``X-Forwarded-For``."""
    peer = request.client.host if request.client else "unknown"
    trusted = getattr(request.app.state.settings, "trusted_proxies", "")
    return proxies.resolve(peer, request.headers.getlist("x-forwarded-for"), trusted)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def resolve_actor(request: Request) -> Actor | None:
    """The caller from a bearer token or the session cookie (cached on the request)."""
    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    db = get_database(request)
    actor = None
    token = _bearer(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token:
        actor = auth.cached_actor_from_token(db.sessions, token)
    elif cookie:
        with db.sessions() as session:
            actor = auth.actor_from_session(session, cookie)
    request.state.actor = actor
    return actor


def _check_csrf(request: Request, actor: Actor, form_token: str | None) -> None:
    if actor.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or form_token or ""
    if not secrets.compare_digest(sent, actor.csrf_token):
        raise PermissionDenied("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def audit_denial(request: Request, actor: Actor | None, reason: str, **detail: Any) -> None:
    db = get_database(request)
    who = actor if actor is not None else audit.SYSTEM
    with db.unit_of_work() as session:
        audit.record(
            session,
            who,
            "access.denied",
            object_type="route",
            object_id=request.url.path[:64],
            detail={"method": request.method, "reason": reason, **detail},
        )


def _authorise(request: Request, permission: str, form_token: str | None) -> Actor:
    actor = resolve_actor(request)
    if actor is None:
        raise NotAuthenticated("请先登录")
    if not actor.can(permission):
        audit_denial(request, actor, "permission", permission=permission)
        raise PermissionDenied("当前角色无权执行此操作")
    _check_csrf(request, actor, form_token)
    return actor


def _known_caller(request: Request) -> Actor | None:
    """The caller when it is known without a query: already resolved for this request, or
    a bearer token in the per-process cache."""
    if hasattr(request.state, "actor"):
        known: Actor | None = request.state.actor
        return known
    token = _bearer(request)
    actor = auth.peek_token(token) if token else None
    if actor is not None:
        request.state.actor = actor
    return actor


def require(permission: str) -> Callable[..., Awaitable[Actor]]:
    """Dependency: an authenticated caller holding ``permission`` (API routes).

    A bearer token already in the per-process cache that holds the permission is answered
    on the event loop (no thread hand-off: the till's hot path); anything else (a cache
    miss, a session cookie, a denial to audit) is resolved in a worker thread."""

    async def dependency(request: Request) -> Actor:
        actor = _known_caller(request)
        if actor is not None and actor.via == "token" and actor.can(permission):
            return actor
        return await run_in_threadpool(_authorise, request, permission, None)

    setattr(dependency, PERMISSION_ATTR, permission)
    return dependency


def page_require(permission: str) -> Callable[..., Any]:
    """Dependency for pages: like ``require`` but reads the CSRF token from the form."""

    async def dependency(request: Request) -> Actor:
        token = None
        if request.method not in SAFE_METHODS:
            form = await request.form()
            raw = form.get("csrf_token")
            token = raw if isinstance(raw, str) else None
        # Off the event loop: reading the user may wait for SQLite's write lock, and a loop
        # blocked there stops the lock's holder from committing (tests/web/test_page_auth_off_loop.py).
        actor: Actor = await run_in_threadpool(_authorise, request, permission, token)
        return actor

    setattr(dependency, PERMISSION_ATTR, permission)
    return dependency


def _pick(request: Request, permissions: tuple[str, ...]) -> str:
    actor = resolve_actor(request)
    return next((p for p in permissions if actor is not None and actor.can(p)), permissions[0])


def require_any(*permissions: str) -> Callable[..., Actor]:
    """API dependency: the caller holds at least one of ``permissions`` (the service then
    narrows what each role may see, e.g. a consumer only their own claims)."""

    def dependency(request: Request) -> Actor:
        return _authorise(request, _pick(request, permissions), None)

    setattr(dependency, PERMISSION_ATTR, "|".join(permissions))
    return dependency


def page_require_any(*permissions: str) -> Callable[..., Awaitable[Actor]]:
    """Page dependency: like ``require_any``, with the CSRF token read from the form."""

    async def dependency(request: Request) -> Actor:
        actor: Actor = await page_require(_pick(request, permissions))(request)
        return actor

    setattr(dependency, PERMISSION_ATTR, "|".join(permissions))
    return dependency


def public() -> None:
    """Dependency marking a route that needs no login (login page, health, public checks)."""


setattr(public, PERMISSION_ATTR, "public")
