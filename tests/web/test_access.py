"""Login, tokens, throttling, CSRF, declared permissions and jurisdiction scope."""

from __future__ import annotations

from sqlalchemy import func, select

import builders
from app_routes import NOT_MUTATING, all_routes, header_names
from huanxin.core.models import AuditEntry, LoginAttempt, WebSession
from huanxin.db import Database
from huanxin.web.deps import PERMISSION_ATTR


def _denials(db: Database) -> int:
    with db.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "access.denied")
            )
            or 0
        )


def test_every_route_declares_a_permission() -> None:
    routes = all_routes()
    assert len(routes) > 250  # the walk reaches every domain's routes, nested routers too
    undeclared = []
    for path, route in routes:
        calls = [d.call for d in route.dependant.dependencies]
        calls += [d.call for sub in route.dependant.dependencies for d in sub.dependencies]
        if not any(hasattr(c, PERMISSION_ATTR) for c in calls):
            undeclared.append(path)
    assert undeclared == []


def test_every_mutating_api_route_takes_an_idempotency_key() -> None:
    writes = [
        (path, route)
        for path, route in all_routes()
        if path.startswith("/api") and route.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(writes) > 50
    missing = [
        path
        for path, route in writes
        if path not in NOT_MUTATING and "Idempotency-Key" not in header_names(route.dependant)
    ]
    assert missing == []


def test_login_sets_httponly_cookie_and_logout_ends_it(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    c = builders.client(database)
    r = c.post("/login", data={"username": "office.140521", "password": builders.PASSWORD})
    assert r.status_code == 303
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=lax" in r.headers["set-cookie"].lower()
    home = c.get("/")
    assert home.status_code == 200 and "专班办公室工作台" in home.text
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert c.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert c.get("/").status_code == 303  # back to the login page
    with database.sessions() as session:
        assert session.scalar(select(func.count()).where(WebSession.ended_at.is_not(None))) == 1


def test_wrong_password_is_refused_and_throttled(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    c = builders.client(database)
    for _ in range(5):
        r = c.post("/login", data={"username": "office.140521", "password": "wrong"})
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = c.post("/login", data={"username": "office.140521", "password": builders.PASSWORD})
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 5
        failed = select(func.count()).where(AuditEntry.action == "auth.login_failed")
        assert session.scalar(failed) == 5


def test_form_post_without_csrf_token_is_refused(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    c = builders.web_client(database, "admin.140000")
    r = c.post(
        "/admin/jurisdictions",
        data={"code": "140522", "name": "阳城县", "level": "county", "parent_code": "140500"},
    )
    assert r.status_code == 403 and "CSRF" in r.text
    api = builders.api_client(database, "admin.140000")
    codes = [j["code"] for j in api.get("/api/v1/jurisdictions").json()]
    assert "140522" not in codes


def test_bearer_token_and_role_permission(database: Database) -> None:
    builders.world(database, ("consumer", "140521"), ("admin", "140000"))
    consumer = builders.api_client(database, "consumer.140521")
    assert consumer.get("/api/v1/me").json()["role"] == "consumer"
    before = _denials(database)
    r = consumer.get("/api/v1/users")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert _denials(database) == before + 1
    anonymous = builders.client(database)
    assert anonymous.get("/api/v1/me").status_code == 401
    bad = builders.client(database)
    bad.headers["Authorization"] = "Bearer hx_nope"
    assert bad.get("/api/v1/me").status_code == 401


def test_other_county_object_answers_404_and_is_audited(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("office", "371525"))
    with database.sessions() as session:
        from huanxin.core.models import User

        other = session.scalars(select(User).where(User.username == "office.371525")).one()
    c = builders.api_client(database, "office.140521")
    before = _denials(database)
    r = c.get(f"/api/v1/users/{other.id}")
    assert r.status_code == 404
    assert _denials(database) == before + 1
    assert c.get("/api/v1/users/999999").status_code == 404
    assert _denials(database) == before + 1  # a truly missing object is no denial


def test_county_clerk_list_excludes_other_county(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("office", "371525"), ("office", "140000"))
    county = builders.api_client(database, "office.140521")
    names = {u["username"] for u in county.get("/api/v1/users").json()}
    assert names == {"office.140521"}
    province = builders.api_client(database, "office.140000")
    names = {u["username"] for u in province.get("/api/v1/users").json()}
    assert names == {"office.140521", "office.140000"}
