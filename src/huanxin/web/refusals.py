"""Audits the scope refusals a page caught and showed in its own form.

The API's error handler and ``page_refused`` audit a refusal themselves. Pages that catch a
domain error to re-render their form do not; this middleware collects every scope refusal
raised while a request runs and, when the answer is a 403 or 404, audits those not yet
audited, in their own transaction.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huanxin.core.errors import DomainError, scope_refusals
from huanxin.web.errors import audit_refusal


class RefusalAudit:
    """Pure ASGI middleware; sits inside the request-context middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        noted: list[DomainError] = []
        token = scope_refusals.set(noted)
        status = 0

        async def keep_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, keep_status)
        finally:
            scope_refusals.reset(token)
        pending = [e for e in noted if not e.audited]
        if status in (403, 404) and pending:
            await run_in_threadpool(_audit, Request(scope), pending)


def _audit(request: Request, refusals: list[DomainError]) -> None:
    for refusal in refusals:
        audit_refusal(request, refusal)
