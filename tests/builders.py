"""Small builders for tests: places, organisations, users, logged-in clients."""

from __future__ import annotations

import os
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from huanxin import demo
from huanxin.app import create_app
from huanxin.config import Settings
from huanxin.core import auth, jurisdictions, orgs, users
from huanxin.core.audit import SYSTEM
from huanxin.core.models import User
from huanxin.core.roles import ROLE_ORG_KIND, Role
from huanxin.db import Database

PASSWORD = "Test@Pass2026"


def create_places(session: Session) -> None:
    for code, name, level, parent in demo.PLACES:
        jurisdictions.ensure(session, SYSTEM, code=code, name=name, level=level, parent_code=parent)


def create_user(session: Session, role: str, code: str = "140521", **overrides: Any) -> User:
    kind = ROLE_ORG_KIND.get(Role(role))
    org_id = overrides.pop("org_id", None)
    if kind and org_id is None:
        org_id = orgs.ensure(
            session, SYSTEM, kind=kind, name=f"{code}{kind}", jurisdiction_code=code
        ).id
    fields: dict[str, Any] = {
        "username": f"{role}.{code}",
        "display_name": f"{role}{code}",
        "password": PASSWORD,
        "role": role,
        "jurisdiction_code": code,
        "org_id": org_id,
    }
    fields.update(overrides)
    return users.create(session, SYSTEM, users.NewUser(**fields))


def settings_for(db: Database) -> Settings:
    return Settings(
        database_url=db.url,
        secret_key=os.environ["HUANXIN_SECRET_KEY"],
        cookie_secure=False,
        migrate_on_start=False,
    )


def client(db: Database) -> TestClient:
    return TestClient(create_app(settings_for(db), database=db), follow_redirects=False)


def token_for(db: Database, username: str) -> str:
    with db.unit_of_work() as session:
        user = session.query(User).filter_by(username=username).one()
        return auth.issue_token(session, user, name="test")


def api_client(db: Database, username: str) -> TestClient:
    c = client(db)
    c.headers["Authorization"] = "Bearer " + token_for(db, username)
    return c


def web_client(db: Database, username: str) -> TestClient:
    c = client(db)
    r = c.post("/login", data={"username": username, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def world(db: Database, *roles_at: tuple[str, str]) -> None:
    """Places plus one user per (role, jurisdiction code)."""
    with db.unit_of_work() as session:
        create_places(session)
        for role, code in roles_at:
            create_user(session, role, code)


def ui_login(browser: Any, server: str, username: str, **context: Any) -> Any:
    """A new browser page logged in as a demo user (demo password)."""
    page = browser.new_page(**context)
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def list_total(html: str) -> int:
    """The row count a page-kit list prints above itself (共 N 条)."""
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def next_link(response: Any) -> str:
    """The address in an API list answer's ``Link: <…>; rel="next"`` header ("" at the end)."""
    link = response.headers.get("Link", "")
    return link.split(";")[0].strip("<>") if link else ""
