"""The request middleware: a request id for every request, one log line, the metrics.

The id comes from the caller's ``X-Request-ID`` when it is a plain token (nginx passes its
own ``$request_id``), otherwise a new one; it is bound to the log context, kept on
``request.state.request_id``, returned in the ``X-Request-ID`` header and shown on error
pages, so a citizen can quote it and staff can find every log line of that request.
Only the route template is logged, never the path's values, the query or the body.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huanxin.ops import gcpause, logs, metrics

HEADER = b"x-request-id"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logs.get_logger("huanxin.http")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER:
            text = str(value.decode("latin-1"))
            if _TOKEN.match(text):
                return text
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The matched route's template (``/api/v1/claims/{claim_id}``), or a fixed word."""
    route: Any = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return "static" if scope.get("path", "").startswith("/static/") else "unmatched"
    return str(template)


class RequestContext:
    """Pure ASGI middleware (no per-request task switch, unlike ``BaseHTTPMiddleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = rid
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((HEADER, rid.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            structlog.contextvars.clear_contextvars()
            gcpause.note_request()

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = route_of(scope)
        code = scope.get("state", {}).get("error_code")
        metrics.observe(scope["method"], route, status, seconds, code)
        if route != "static":
            log.info(
                "http.request",
                method=scope["method"],
                route=route,
                status=status,
                ms=round(seconds * 1000, 1),
                error_code=code,
            )
