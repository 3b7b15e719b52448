"""Login throttling per (account, address) with doubling delays, the per-address cap, the
admin unlock (API and page, audited), and X-Forwarded-For believed only from trusted
proxies — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

import builders
from huanxin.app import create_app
from huanxin.core.clock import as_utc, utcnow
from huanxin.core.models import AuditEntry, LoginAttempt, User
from huanxin.db import Database
from huanxin.web.proxies import resolve

OFFICIAL = "office.140521"


def _client(db: Database, address: str, trusted: str = "") -> TestClient:
    settings = dataclasses.replace(builders.settings_for(db), trusted_proxies=trusted)
    app = create_app(settings, database=db)
    return TestClient(app, client=(address, 40000), follow_redirects=False)


def _login(c: TestClient, password: str, username: str = OFFICIAL, **headers: str) -> int:
    body = {"username": username, "password": password}
    return c.post("/api/v1/auth/token", json=body, headers=headers).status_code


def _age_attempts(db: Database, seconds: int) -> None:
    """Move every recorded attempt ``seconds`` into the past (time passing)."""
    with db.unit_of_work() as session:
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.at = as_utc(attempt.at) - timedelta(seconds=seconds)


def test_delays_double_per_address_and_never_lock_the_account(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    attacker, official = _client(database, "198.51.100.7"), _client(database, "203.0.113.5")
    assert [_login(attacker, "wrong") for _ in range(5)] == [401] * 5
    refused = attacker.post(
        "/api/v1/auth/token", json={"username": OFFICIAL, "password": builders.PASSWORD}
    )
    assert refused.status_code == 429 and refused.json()["code"] == "login_throttled"
    assert 25 <= int(refused.headers["Retry-After"]) <= 30
    assert "请30秒后再试" in refused.json()["message"]
    assert _login(official, builders.PASSWORD) == 200  # the official is not locked out

    _age_attempts(database, 31)  # the 30 s delay has passed: one more try, which fails
    assert _login(attacker, "wrong") == 401
    again = attacker.post("/api/v1/auth/token", json={"username": OFFICIAL, "password": "x"})
    assert again.status_code == 429 and 55 <= int(again.headers["Retry-After"]) <= 60
    with database.sessions() as session:  # refused tries are not attempts, but are audited
        assert len(list(session.scalars(select(LoginAttempt.id)))) == 7
        actions = list(session.scalars(select(AuditEntry.action)))
        assert actions.count("auth.login_throttled") == 2


def test_address_cap_stops_password_spraying(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    sprayer = _client(database, "198.51.100.9")
    with database.unit_of_work() as session:  # 49 recent failures on 49 different names
        session.add_all(
            LoginAttempt(username=f"guess{n}", client_ip="198.51.100.9", success=False, at=utcnow())
            for n in range(49)
        )
    assert _login(sprayer, "wrong", username="guess49") == 401  # the 50th
    r = sprayer.post("/api/v1/auth/token", json={"username": OFFICIAL, "password": "x"})
    assert r.status_code == 429 and "此网络地址" in r.json()["message"]
    assert _login(_client(database, "203.0.113.5"), builders.PASSWORD) == 200


def test_admin_unlocks_by_api_and_page_audited_and_scoped(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("admin", "140000"), ("admin", "371525"))
    attacker = _client(database, "198.51.100.7")
    for _ in range(6):
        _login(attacker, "wrong")
    with database.sessions() as session:
        official = session.scalars(select(User).where(User.username == OFFICIAL)).one()
    admin = builders.web_client(database, "admin.140000")
    page = admin.get("/admin/users")
    assert "登录受限" in page.text and "解除登录限制" in page.text

    other = builders.api_client(database, "admin.371525")
    refused = other.post(f"/api/v1/users/{official.id}/unlock", headers={"Idempotency-Key": "u"})
    assert refused.status_code == 404
    api = builders.api_client(database, "admin.140000")
    done = api.post(f"/api/v1/users/{official.id}/unlock", headers={"Idempotency-Key": "u1"})
    assert done.status_code == 200 and done.json()["user_id"] == official.id
    assert _login(attacker, builders.PASSWORD) == 200  # the delay is gone

    for _ in range(6):
        _login(attacker, "wrong")
    csrf = admin.get("/admin/users").text.split('name="csrf_token" value="')[1].split('"')[0]
    posted = admin.post(f"/admin/users/{official.id}/unlock", data={"csrf_token": csrf})
    assert posted.status_code == 303
    shown = admin.get(posted.headers["location"]).text
    assert "已解除“office140521”的登录限制" in shown and "登录受限" not in shown
    with database.sessions() as session:
        unlocks = session.scalars(
            select(AuditEntry.actor_user_id).where(AuditEntry.action == "auth.login_unlocked")
        ).all()
    assert len(unlocks) == 2


def test_forwarded_for_is_believed_only_from_trusted_proxies(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    behind_proxy = _client(database, "10.0.0.2", trusted="10.0.0.0/8")
    _login(behind_proxy, "wrong", **{"X-Forwarded-For": "203.0.113.9, 10.0.0.7"})
    direct = _client(database, "198.51.100.7", trusted="10.0.0.0/8")
    _login(direct, "wrong", **{"X-Forwarded-For": "203.0.113.9"})
    with database.sessions() as session:
        seen = list(session.scalars(select(LoginAttempt.client_ip).order_by(LoginAttempt.id)))
    assert seen == ["203.0.113.9", "198.51.100.7"]


def test_resolve_walks_forwarded_for_from_the_right() -> None:
    trusted = "10.0.0.0/8, 127.0.0.1"
    assert resolve("127.0.0.1", ["1.2.3.4, 10.1.1.1"], trusted) == "1.2.3.4"
    assert resolve("127.0.0.1", ["6.6.6.6, 1.2.3.4"], trusted) == "1.2.3.4"  # spoofed left
    assert resolve("127.0.0.1", ["nonsense, 10.1.1.1"], trusted) == "10.1.1.1"
    assert resolve("127.0.0.1", [], trusted) == "127.0.0.1"
    assert resolve("8.8.8.8", ["1.2.3.4"], trusted) == "8.8.8.8"
    assert resolve("127.0.0.1", ["1.2.3.4"], "") == "127.0.0.1"


def test_serve_never_lets_uvicorn_rewrite_the_client_address(monkeypatch: Any) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from huanxin import migrate
    from huanxin.cli import app
    from huanxin.ops import serving

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    monkeypatch.setattr(migrate, "upgrade", lambda *a, **kw: None)
    monkeypatch.setattr(serving, "prepare", lambda *a, **kw: None)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False
