"""Security headers on every response: CSP without inline scripts, no framing, nosniff,
Referrer-Policy, no-store on pages and API answers, HSTS only when cookies are secure."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import builders
from huanxin.app import create_app
from huanxin.db import Database
from huanxin.web.templating import TEMPLATES_DIR


def _csp(headers: dict[str, str]) -> dict[str, str]:
    parts = [p.strip().split(" ", 1) for p in headers["content-security-policy"].split(";")]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_every_kind_of_response_carries_the_headers(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    api = builders.api_client(database, "admin.140000")
    web = builders.web_client(database, "admin.140000")
    answers = [
        api.get("/api/v1/me"),
        api.get("/api/v1/users/99999"),
        builders.client(database).get("/login"),
        web.get("/"),
        web.get("/nowhere"),
    ]
    for r in answers:
        csp = _csp(dict(r.headers))
        assert csp["frame-ancestors"] == "'none'", r.url
        assert csp["script-src"] == "'self'" and "unsafe" not in csp["script-src"]
        assert csp["object-src"] == "'none'"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert r.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in r.headers  # tests run with insecure cookies
    static = web.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    assert static.headers["x-content-type-options"] == "nosniff"


def test_hsts_when_cookies_are_secure(database: Database) -> None:
    settings = builders.settings_for(database)
    secure = type(settings)(**{**settings.__dict__, "cookie_secure": True})
    r = TestClient(create_app(secure, database=database)).get("/login")
    assert r.headers["strict-transport-security"] == "max-age=31536000"


def test_templates_carry_no_inline_script() -> None:
    """CSP refuses inline scripts, so none may be written: scripts live in web/static."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    offenders = [
        str(p.relative_to(TEMPLATES_DIR))
        for p in TEMPLATES_DIR.rglob("*.html")
        if inline.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "move inline scripts / on* handlers to a file in web/static"
