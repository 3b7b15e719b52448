"""Route dependencies that accept either of two permissions (enterprise users hold
``equipment:own``, departments ``equipment:read``/``equipment:manage``); the service then
narrows what each may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from huanxin.core.actor import Actor
from huanxin.web.deps import PERMISSION_ATTR, page_require, require, resolve_actor


def _pick(request: Request, permissions: tuple[str, ...]) -> str:
    actor = resolve_actor(request)
    return next((p for p in permissions if actor is not None and actor.can(p)), permissions[0])


def require_any(*permissions: str) -> Callable[..., Actor]:
    """API dependency: the caller holds at least one of ``permissions``."""

    def dependency(request: Request) -> Actor:
        return require(_pick(request, permissions))(request)

    setattr(dependency, PERMISSION_ATTR, "|".join(permissions))
    return dependency


def page_require_any(*permissions: str) -> Callable[..., Awaitable[Actor]]:
    """Page dependency: like ``require_any``, with the CSRF token read from the form."""

    async def dependency(request: Request) -> Actor:
        actor: Actor = await page_require(_pick(request, permissions))(request)
        return actor

    setattr(dependency, PERMISSION_ATTR, "|".join(permissions))
    return dependency


READ = ("equipment:read", "equipment:own")
WRITE = ("equipment:manage", "equipment:own")
