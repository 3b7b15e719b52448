"""Security headers on every response, built with the ``secure`` library.

Owns the Content-Security-Policy (scripts only from our own static files, no inline script,
no framing but of a claim's evidence files by our own review page), X-Content-Type-Options, Referrer-Policy, X-Frame-Options, Permissions-Policy,
``Cache-Control: no-store`` on everything but static files (pages and API answers carry
personal and financial data), and HSTS when cookies are marked secure (i.e. served over TLS).

Styles allow ``'unsafe-inline'``: the charts are matplotlib SVGs inlined in pages, and they
carry ``style`` attributes and a ``<style>`` element. Scripts never do.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import secure

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC_PREFIX = "/static/"
# files our own pages show in a frame (a claim's evidence in the review page): framed by us only
FRAMED = re.compile(r"^/claims/\d+/evidence/\d+$")
FRAMED_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
HSTS_SECONDS = 31_536_000  # one year


def content_security_policy() -> secure.ContentSecurityPolicy:
    return (
        secure.ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'")
        .style_src("'self'", "'unsafe-inline'")
        .img_src("'self'", "data:")
        .font_src("'self'")
        .connect_src("'self'")
        .object_src("'none'")
        .base_uri("'self'")
        .form_action("'self'")
        .frame_ancestors("'none'")
    )


def policy(*, https: bool) -> secure.Secure:
    """The headers every response carries (``https`` adds HSTS)."""
    return secure.Secure(
        csp=content_security_policy(),
        hsts=secure.StrictTransportSecurity().max_age(HSTS_SECONDS) if https else None,
        referrer=secure.ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=secure.XContentTypeOptions().nosniff(),
        xfo=secure.XFrameOptions().deny(),
        permissions=secure.PermissionsPolicy().geolocation("self").camera("self").microphone(),
        coop=secure.CrossOriginOpenerPolicy().same_origin(),
    )


NO_STORE = secure.CacheControl().no_store()


class SecurityHeaders:
    """ASGI middleware: adds the policy's headers (replacing any the app set) and
    ``Cache-Control: no-store`` on every non-static response."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.items = [
            (k.lower().encode(), v.encode("latin-1")) for k, v in policy(https=https).header_items()
        ]
        self.no_store = (b"cache-control", NO_STORE.header_value.encode())
        self.framed = [
            (k, b"SAMEORIGIN")
            if k == b"x-frame-options"
            else (k, FRAMED_CSP.encode())
            if k == b"content-security-policy"
            else (k, v)
            for k, v in self.items
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        items = list(self.framed if FRAMED.match(path) else self.items)
        if not path.startswith(STATIC_PREFIX):
            items.append(self.no_store)
        names = {name for name, _ in items}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + items
            await send(message)

        await self.app(scope, receive, send_with_headers)
